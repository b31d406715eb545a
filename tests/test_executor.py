"""The executor: in-process, a local process pool and a Dask LocalCluster give the same
results; a failure stays with its task."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import SCENARIOS

from runstrength import executor
from runstrength.roster import Options, load_roster, plan_roster, tasks_for
from runstrength.task import SeasonTask, Source, run_season

LENA = SCENARIOS / "roster" / "lena"


def _task(**changes) -> SeasonTask:
    fields = dict(id="lena", name="Lena",
                  runs=Source("lena/runs.csv", (LENA / "runs.csv").read_bytes()),
                  profile=Source("lena/athlete.toml", (LENA / "athlete.toml").read_bytes()),
                  overrides=(("id", "lena"),))
    fields.update(changes)
    return SeasonTask(**fields)


def test_run_season_returns_plain_data() -> None:
    result = run_season(_task())
    assert result.status == "OPTIMAL" and result.sessions == 16 and result.weeks == 10
    assert result.files["ics"].startswith(b"BEGIN:VCALENDAR")
    assert [w["index"] for w in result.strip] == list(range(1, 11))
    assert result.plan is None  # not kept unless asked


def test_bad_input_is_a_failed_result_with_the_file_and_line() -> None:
    broken = Source("lena/runs.csv", b"date,title\n2027-13-01,Easy\n")
    result = run_season(_task(runs=broken))
    assert result.failed
    assert result.error.startswith("lena/runs.csv: line 2:")


def test_the_pool_gives_each_result_once_and_the_same_as_in_process() -> None:
    tasks = [_task(), _task(id="b", overrides=(("id", "b"),)),
             _task(runs=Source("x.csv", b"nonsense"))]
    alone = dict(executor.run(run_season, tasks, jobs=1))
    pooled = dict(executor.run(run_season, tasks, jobs=2))
    assert sorted(pooled) == [0, 1, 2]
    for i in range(3):
        assert pooled[i].status == alone[i].status
        assert pooled[i].files == alone[i].files
    assert pooled[2].failed and pooled[0].files["ics"] != pooled[1].files["ics"]


def test_stopping_early_stops_the_pool() -> None:
    runner = executor.run(run_season, [_task()] * 4, jobs=2)
    next(runner)
    runner.close()  # must not hang or leave workers behind


def _dask():
    try:
        import distributed
    except ImportError:
        if os.environ.get("RUNSTRENGTH_REQUIRE_DASK") == "1":
            pytest.fail("dask.distributed not installed, but RUNSTRENGTH_REQUIRE_DASK=1")
        pytest.skip('dask.distributed not installed (pip install "runstrength[dask]")')
    return distributed


def test_a_local_dask_cluster_gives_the_same_files(tmp_path: Path) -> None:
    distributed = _dask()
    for who in ("lena", "priya"):
        shutil.copytree(SCENARIOS / "roster" / who, tmp_path / who)
    path = tmp_path / "roster.toml"
    path.write_text("".join(f'[[athlete]]\nid = "{w}"\nprofile = "{w}/athlete.toml"\n'
                            f'runs = "{w}/runs.csv"\n' for w in ("lena", "priya")))
    roster = load_roster(path)
    local = {r.id: r for r in plan_roster(roster, jobs=1)}
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        remote = {r.id: r for r in plan_roster(roster, client=client)}
        # tasks carry the files' bytes, not paths: nothing on a worker reads the roster folder
        tasks, _ = tasks_for(roster, Options())
        assert all(isinstance(t.runs.data, bytes) for t in tasks)
        # a worker of one thread runs its tasks on that thread, not the main one: its seasons
        # still pause the collector (and turn it on again)
        assert client.submit(executor._tracked, _collector_state, None).result() == (False,
                                                                                     True)
        _window_of_tasks(client)
        _batches_of_tasks(client)
        _a_dead_worker_fails_its_task_only_on_dask(client)  # last: it restarts a worker
    assert sorted(remote) == ["lena", "priya"]
    for who in remote:
        assert remote[who].status == "OPTIMAL"
        assert remote[who].files == local[who].files


class _Counting:
    """A client that counts the tasks sent to it."""

    def __init__(self, client) -> None:
        self.client, self.sent = client, 0

    def submit(self, *args, **kwargs):
        self.sent += 1
        return self.client.submit(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.client, name)


def _double(n: int) -> int:
    return n * 2


def _window_of_tasks(client) -> None:
    """The tasks go to the cluster a few at a time (four per worker thread, at least
    sixteen; here one per thread), each result once."""
    counting = _Counting(client)
    before = executor._AHEAD_PER_THREAD, executor._AHEAD_MIN, executor._BATCH_MAX
    executor._AHEAD_PER_THREAD, executor._AHEAD_MIN, executor._BATCH_MAX = 1, 1, 1
    try:
        runner = executor.run(_double, list(range(9)), client=counting)
        got = dict([next(runner)])
        assert counting.sent == 3  # two threads' worth, and one more for the one finished
        got.update(runner)
    finally:
        executor._AHEAD_PER_THREAD, executor._AHEAD_MIN, executor._BATCH_MAX = before
    assert got == {n: 2 * n for n in range(9)}
    assert counting.sent == 9


def _batches_of_tasks(client) -> None:
    """Many tasks go a few to a Dask task; each result comes back once, for its task."""
    counting = _Counting(client)
    assert executor._batch_size(1000, 2) == executor._BATCH_MAX
    assert executor._batch_size(6, 2) == 1  # a small roster: one athlete a worker at a time
    got = dict(executor.run(_double, list(range(200)), client=counting))
    assert got == {n: 2 * n for n in range(200)}
    assert counting.sent == 200 // executor._batch_size(200, 2)


def _dies_on_three_in_dask(n: int) -> int:
    if n == 3:
        os._exit(1)
    return n * 2


def _a_dead_worker_fails_its_task_only_on_dask(client) -> None:
    """A task that kills its worker (in a batch of several) fails alone; the tasks that shared
    its batch are run again one by one and succeed."""
    before = executor._BATCH_MAX
    executor._BATCH_MAX = 4
    try:
        got = dict(executor.run(_dies_on_three_in_dask, list(range(40)), client=client,
                                crashed=lambda n: -1))
    finally:
        executor._BATCH_MAX = before
    assert got == {n: -1 if n == 3 else 2 * n for n in range(40)}


def _collector_state(_) -> tuple[bool, bool]:
    import gc

    from runstrength import planner

    gc.enable()
    with planner._collector_paused():
        inside = gc.isenabled()
    return inside, gc.isenabled()


def _dies_on_three(n: int) -> int:
    if n == 3:
        os._exit(1)  # a worker killed mid-task (a crash in the solver, kill -9)
    return n * 2


def test_a_dead_worker_fails_its_task_only() -> None:
    got = dict(executor.run(_dies_on_three, list(range(7)), jobs=2, crashed=lambda n: -1))
    assert got == {0: 0, 1: 2, 2: 4, 3: -1, 4: 8, 5: 10, 6: 12}


def test_without_crashed_a_dead_worker_is_an_error() -> None:
    from concurrent.futures.process import BrokenProcessPool

    with pytest.raises(BrokenProcessPool):
        dict(executor.run(_dies_on_three, list(range(5)), jobs=2))


def test_a_local_clusters_workers_keep_glibcs_own_memory_trimming() -> None:
    """Dask's nanny would set MALLOC_TRIM_THRESHOLD_ for its workers (seasons took about an
    eighth longer with it); the local cluster keeps its other variables and stops the
    profiler."""
    _dask()
    import dask

    assert executor.TRIM in dask.config.get("distributed.nanny.pre-spawn-environ")
    settings = executor._worker_settings()
    environ = settings["distributed.nanny.pre-spawn-environ"]
    assert executor.TRIM not in environ and environ["OMP_NUM_THREADS"] == 1
    assert settings["distributed.worker.profile.enabled"] is False
