"""Run many independent season tasks: in this process, in a local process pool, or on a
dask.distributed cluster.

Tasks and results are plain picklable data (``task.SeasonTask`` / ``task.SeasonResult``: file
bytes and options in, file bytes and figures out), never CP-SAT models, which do not pickle.
Each worker solves one season at a time with CP-SAT's own single worker (models/rules.toml
``num_workers = 1``), so N jobs use N cores and a plan does not depend on N.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from runstrength.errors import InputError

DASK_MISSING = ('the Dask executor needs dask.distributed: pip install "runstrength[dask]" '
                '(or pip install "dask[distributed]")')


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def run(fn: Callable[[Any], Any], tasks: Sequence[Any], *, jobs: int | None = None,
        client: Any = None, crashed: Callable[[Any], Any] | None = None
        ) -> Iterator[tuple[int, Any]]:
    """``(index, fn(task))`` for every task, in the order they finish.

    ``client``: a ``distributed.Client`` (the work goes to its cluster); else ``jobs``
    processes (default: the cores), one in-process loop for ``jobs=1``. Stopping the iteration
    (an error, Ctrl-C) cancels what has not started and stops the workers. ``crashed(task)``
    is the result of a task whose worker process died (see ``_pool``)."""
    with _collecting(len(tasks) > 1):
        if client is not None:
            yield from _dask(fn, tasks, client, crashed)
        elif (jobs or default_jobs()) == 1 or len(tasks) <= 1:
            for i, task in enumerate(tasks):  # no gc.freeze here: this process is the caller's
                yield i, fn(task)
        else:
            yield from _pool(fn, tasks, min(jobs or default_jobs(), len(tasks)), crashed)


@contextlib.contextmanager
def _collecting(many: bool) -> Iterator[None]:
    """The cyclic garbage collector on while ``many`` seasons run from this process (the CLI
    starts with it off: one season makes few cycles), as it was after."""
    import gc

    was = gc.isenabled()
    if many:
        gc.enable()
    try:
        yield
    finally:
        if not was:
            gc.disable()


def _worker_init() -> None:
    """A pool worker collects garbage (a fork of the CLI starts with the collector off),
    leaves Ctrl-C to the parent (which stops the pool) and drops the parent's wakeup
    descriptor."""
    import gc

    gc.enable()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    with contextlib.suppress(ValueError):
        signal.set_wakeup_fd(-1)


_DONE = 0  # tasks this worker process has run
_FREEZE_AT = (1, 10, 100)


def _tracked(fn, task):
    """``fn(task)`` in a worker process; after its 1st, 10th and 100th task what has been
    built (the models' memo of session contents, above all) is moved out of the collector's
    sight (``gc.freeze``): the later collections of every season need not scan it again."""
    global _DONE
    with _alone_in_dask_worker():
        result = fn(task)
    _DONE += 1
    if _DONE in _FREEZE_AT:
        import gc

        gc.collect()
        gc.freeze()
    return result


def _alone_in_dask_worker():
    """``planner.planning_alone`` in a Dask worker of one thread (its tasks run on that thread,
    not the main one, one at a time), else nothing."""
    if threading.current_thread() is threading.main_thread():
        return contextlib.nullcontext()
    try:
        from distributed import get_worker

        threads = get_worker().state.nthreads
    except (ImportError, ValueError, AttributeError):  # not in a Dask worker
        return contextlib.nullcontext()
    if threads != 1:
        return contextlib.nullcontext()
    from runstrength.planner import planning_alone

    return planning_alone()


def _context() -> multiprocessing.context.BaseContext:
    # fork starts a worker in milliseconds with the imports already done; elsewhere spawn
    if "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _pool(fn, tasks, jobs: int, crashed=None) -> Iterator[tuple[int, Any]]:
    """The tasks over a process pool. A worker that dies (killed, a crash in the solver)
    breaks the pool: the tasks that may have been running then (the first ``jobs + 1`` not
    done: the pool starts them in order) go one by one to a fresh one-worker pool, where a
    break names the task that caused it; that one gets ``crashed(task)`` (re-raised without
    ``crashed``) and the rest go on with ``jobs`` workers."""
    from concurrent.futures.process import BrokenProcessPool

    left = list(range(len(tasks)))
    alone = False  # after a break: one worker, to find the task that kills it
    while left:
        broken = None
        runner = _one_pool(fn, tasks, left[:jobs + 1] if alone else left, 1 if alone else jobs)
        try:
            for i, result in runner:
                left.remove(i)
                yield i, result
        except BrokenProcessPool as exc:
            broken = exc
        finally:
            runner.close()
        if broken is None:
            alone = False  # the suspects all finished (a passing fault): back to all workers
            continue
        if not alone:
            alone = True
            continue
        culprit = left.pop(0)  # one worker runs the tasks in order: the first not done
        if crashed is None:
            raise broken
        yield culprit, crashed(tasks[culprit])
        alone = False


def _one_pool(fn, tasks, which: list[int], jobs: int) -> Iterator[tuple[int, Any]]:
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=_context(),
                               initializer=_worker_init)
    futures = {pool.submit(_tracked, fn, tasks[i]): i for i in which}
    clean = False
    try:
        pending = set(futures)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in sorted(done, key=futures.get):
                yield futures[future], future.result()
        clean = True
    finally:
        if clean:
            pool.shutdown(wait=True)
        else:  # stopped early or broken: drop the queue and stop the workers now
            processes = list(getattr(pool, "_processes", {}).values())
            pool.shutdown(wait=False, cancel_futures=True)
            for process in processes:
                if process.is_alive():
                    process.terminate()
            for process in processes:
                process.join(5)
            _unblock(pool)


def _unblock(pool) -> None:
    """Let the pool's manager thread end after its workers were stopped. A worker stopped
    while it wrote a result leaves half a message in the result pipe; the manager thread then
    waits for the rest for ever (and the interpreter waits for it at exit), because this
    process holds the pipe's writing end too. Closing that end turns the wait into an end of
    file, which the manager takes for a broken pool."""
    queue = getattr(pool, "_result_queue", None)
    writer = getattr(queue, "_writer", None)
    if writer is not None:
        with contextlib.suppress(OSError):
            writer.close()
    thread = getattr(pool, "_executor_manager_thread", None)
    if thread is not None:
        thread.join(5)


#: Tasks kept in flight on a Dask cluster for each of its worker threads (and at least
#: ``_AHEAD_MIN``): enough that no worker waits, few enough that the client never sends the
#: whole roster's file contents at once (a thousand athletes are some 40 MB).
_AHEAD_PER_THREAD = 4
_AHEAD_MIN = 16
#: Most tasks one Dask task runs in turn: each Dask task costs the scheduler, the client and
#: the worker some milliseconds of their own (a sixth more CPU than the local pool, one
#: athlete a task); a batch shares that. Batches stay small enough that every worker thread
#: has several (``_batch_size``), and a batch whose worker died is run again one by one.
_BATCH_MAX = 8


def _batch_size(tasks: int, threads: int) -> int:
    return max(1, min(_BATCH_MAX, tasks // (max(1, threads) * _AHEAD_PER_THREAD * 2)))


def _tracked_batch(fn, batch: list) -> list:
    return [_tracked(fn, task) for task in batch]


def _dask(fn, tasks, client, crashed=None) -> Iterator[tuple[int, Any]]:
    try:
        from distributed import KilledWorker, as_completed
    except ImportError:
        raise InputError(DASK_MISSING) from None
    import functools

    job = functools.partial(_tracked_batch, fn)
    threads = sum(client.nthreads().values())
    size = _batch_size(len(tasks), threads)
    waiting = [list(range(i, min(i + size, len(tasks)))) for i in range(0, len(tasks), size)]
    waiting.reverse()  # popped from the end: in the roster's order
    running: dict[str, tuple[list[int], Any]] = {}  # key -> (task indices, future)

    def submit_next() -> Any | None:
        if not waiting:
            return None
        which = waiting.pop()
        future = client.submit(job, [tasks[i] for i in which], pure=False)
        running[future.key] = which, future
        return future

    ahead = max(_AHEAD_MIN, _AHEAD_PER_THREAD * threads)
    finished = as_completed([f for _ in range(ahead) if (f := submit_next()) is not None])
    try:
        for future in finished:
            which, _ = running.pop(future.key)
            try:
                results = future.result()
            except KilledWorker:  # the batch killed its workers, retries included
                if len(which) > 1:  # one of them did: each again on its own
                    waiting.extend([i] for i in reversed(which))
                    results = None
                elif crashed is None:
                    raise
                else:
                    results = [crashed(tasks[which[0]])]
            if (more := submit_next()) is not None:
                finished.add(more)
            yield from zip(which, results or (), strict=False)
    finally:
        client.cancel([f for _, f in running.values() if not f.done()])


def require_dask() -> None:
    """InputError saying how to install dask.distributed when it is missing."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise InputError(DASK_MISSING) from None


#: Dask settings for the workers of a local cluster: a worker that plans seasons all the time
#: need not sample its own stack a hundred times a second (the profiler), measure the
#: machine twice a second or check its event loop fifty times a second; each takes the
#: interpreter from the plan for a moment. (Workers started by hand take the same settings
#: from a Dask configuration file: README, "Beyond one machine".)
QUIET_WORKERS = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.admin.tick.interval": "1s",
}
#: The variable Dask's nanny sets for its workers that does not suit them here: glibc then
#: gives freed memory back to the system at once, and a season allocates and frees much (the
#: CP-SAT model, the candidates): its plans took about an eighth longer.
TRIM = "MALLOC_TRIM_THRESHOLD_"


def _worker_settings() -> dict:
    import dask

    environ = dask.config.get("distributed.nanny.pre-spawn-environ", {}) or {}
    return {**QUIET_WORKERS, "distributed.nanny.pre-spawn-environ":
            {k: v for k, v in environ.items() if k != TRIM}}


def dask_client(scheduler: str | None, jobs: int | None):
    """A ``distributed.Client`` for ``scheduler`` (tcp://HOST:8786), else for a new local
    cluster of ``jobs`` single-threaded worker processes; close it (and its cluster) after."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise InputError(DASK_MISSING) from None
    if scheduler:
        try:
            return Client(scheduler, timeout="10s")
        except OSError as exc:
            raise InputError(f"--scheduler {scheduler}: cannot reach the Dask scheduler "
                             f"({exc})") from None
    import logging

    import dask

    with dask.config.set(_worker_settings()):
        cluster = LocalCluster(n_workers=jobs or default_jobs(), threads_per_worker=1,
                               processes=True, dashboard_address=None,
                               silence_logs=logging.ERROR)
    client = Client(cluster)
    client._runstrength_cluster = cluster  # closed with the client (close_client)
    return client


def close_client(client) -> None:
    """Close a client made by :func:`dask_client` and the local cluster it started."""
    cluster = getattr(client, "_runstrength_cluster", None)
    client.close()
    if cluster is not None:
        cluster.close()
