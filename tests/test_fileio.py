"""Output writing is all-or-nothing and never overwrites silently; input reading names the file."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import pytest

from runstrength.errors import InputError
from runstrength.fileio import check_targets, read_input, write_outputs


def listing(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


# --- write_outputs -----------------------------------------------------------------------


def test_writes_all_files_and_no_temp_files(tmp_path: Path) -> None:
    """Every file gets its bytes and nothing else is left in the folder."""
    write_outputs({tmp_path / "a.ics": b"A", tmp_path / "a.csv": b"C"}, force=False)
    assert listing(tmp_path) == {"a.csv": b"C", "a.ics": b"A"}


def test_new_files_get_normal_permissions(tmp_path: Path) -> None:
    """Outputs are not left with mkstemp's private 0600 mode."""
    mask = os.umask(0o022)
    os.umask(mask)
    write_outputs({tmp_path / "a.ics": b"A"}, force=False)
    assert (tmp_path / "a.ics").stat().st_mode & 0o777 == 0o666 & ~mask


def test_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    """An existing target stops everything: it is untouched and no other file is written."""
    (tmp_path / "plan.csv").write_bytes(b"old")
    with pytest.raises(InputError, match=r"plan\.csv: exists; use --force to overwrite"):
        write_outputs({tmp_path / "plan.ics": b"new", tmp_path / "plan.csv": b"new"}, force=False)
    assert listing(tmp_path) == {"plan.csv": b"old"}


def test_force_overwrites(tmp_path: Path) -> None:
    """With force an existing file is replaced."""
    (tmp_path / "plan.ics").write_bytes(b"old")
    write_outputs({tmp_path / "plan.ics": b"new"}, force=True)
    assert listing(tmp_path) == {"plan.ics": b"new"}


def test_missing_parent_dir_writes_nothing(tmp_path: Path) -> None:
    """A missing folder is named in the error and the other outputs are not written."""
    missing = tmp_path / "nope"
    with pytest.raises(InputError, match=r"nope: directory not found"):
        write_outputs({tmp_path / "a.ics": b"A", missing / "a.csv": b"C"}, force=False)
    assert listing(tmp_path) == {}


def test_target_is_a_directory(tmp_path: Path) -> None:
    """A directory is never a valid output, even with force."""
    (tmp_path / "out.ics").mkdir()
    with pytest.raises(InputError, match=r"out\.ics: is a directory"):
        write_outputs({tmp_path / "out.ics": b"A"}, force=True)


def test_same_target_twice(tmp_path: Path) -> None:
    """Two names for one file are refused rather than one silently winning."""
    (tmp_path / "sub").mkdir()
    with pytest.raises(InputError, match="given twice"):
        write_outputs({tmp_path / "a.ics": b"1", tmp_path / "sub/../a.ics": b"2"}, force=True)
    assert [p.name for p in tmp_path.iterdir()] == ["sub"]


def test_failed_rename_restores_earlier_outputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the second rename fails, the first target gets its old bytes back; no temp remains."""
    first, second = tmp_path / "plan.ics", tmp_path / "plan.csv"
    first.write_bytes(b"old ics")
    second.write_bytes(b"old csv")
    real_replace = os.replace

    def flaky_replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if Path(dst) == second:
            raise OSError(28, "No space left on device", str(dst))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", flaky_replace)
    with pytest.raises(InputError, match=r"plan\.csv: cannot write \(No space left on device\)"):
        write_outputs({first: b"new ics", second: b"new csv"}, force=True)
    assert listing(tmp_path) == {"plan.csv": b"old csv", "plan.ics": b"old ics"}


def test_restore_without_hard_links(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a file system without hard links the backup is a copy, and restoring still works."""
    first, second = tmp_path / "plan.ics", tmp_path / "plan.csv"
    first.write_bytes(b"old ics")
    real_replace = os.replace

    def no_link(src: object, dst: object) -> None:
        raise OSError(1, "Operation not permitted")

    def flaky_replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if Path(dst) == second:
            raise OSError(28, "No space left on device", str(dst))
        real_replace(src, dst)

    monkeypatch.setattr(os, "link", no_link)
    monkeypatch.setattr(os, "replace", flaky_replace)
    with pytest.raises(InputError):
        write_outputs({first: b"new ics", second: b"new csv"}, force=True)
    assert listing(tmp_path) == {"plan.ics": b"old ics"}


def test_failed_rename_removes_new_outputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure after a brand-new file was renamed into place removes it again."""
    first, second = tmp_path / "plan.ics", tmp_path / "plan.csv"
    real_replace = os.replace

    def flaky_replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if Path(dst) == second:
            raise OSError(13, "Permission denied", str(dst))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", flaky_replace)
    with pytest.raises(InputError, match=r"plan\.csv"):
        write_outputs({first: b"new ics", second: b"new csv"}, force=False)
    assert listing(tmp_path) == {}


def test_failed_temp_write_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A disk error while writing temp files leaves old files as they were and no temps."""
    (tmp_path / "plan.ics").write_bytes(b"old")
    calls = []

    def failing_fsync(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(InputError, match=r"plan\.csv: cannot write \(Input/output error\)"):
        write_outputs({tmp_path / "plan.ics": b"new", tmp_path / "plan.csv": b"new"}, force=True)
    assert listing(tmp_path) == {"plan.ics": b"old"}


def test_interrupt_rolls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C between two renames also restores the first file, then propagates."""
    first, second = tmp_path / "a.ics", tmp_path / "a.csv"
    first.write_bytes(b"old")
    real_replace = os.replace

    def interrupted(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if Path(dst) == second:
            raise KeyboardInterrupt
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_outputs({first: b"new", second: b"new"}, force=True)
    assert listing(tmp_path) == {"a.ics": b"old"}


def test_writes_atomically(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Targets change only by renaming complete same-folder temp files, after all are written."""
    targets = {tmp_path / "a.ics": b"ics" * 1000, tmp_path / "a.csv": b"csv" * 1000}
    for target in targets:
        target.write_bytes(b"old")
    real_replace = os.replace
    seen = []

    def checking_replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        src, dst = Path(src), Path(dst)
        assert src.parent == dst.parent
        assert src.read_bytes() == targets[dst]
        # All temp files are complete before the first rename.
        temps = sorted(p for p in tmp_path.iterdir() if p.name.endswith(".tmp"))
        assert len(temps) == len(targets) - len(seen)
        assert dst.read_bytes() == b"old"
        seen.append(dst)
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", checking_replace)
    write_outputs(targets, force=True)
    assert seen == list(targets)
    assert listing(tmp_path) == {p.name: data for p, data in sorted(targets.items())}


def test_check_targets_alone(tmp_path: Path) -> None:
    """check_targets (run by the CLI before solving) applies the same rules without writing."""
    (tmp_path / "old.ics").write_bytes(b"old")
    check_targets([tmp_path / "new.ics", str(tmp_path / "new.csv")], force=False)
    check_targets([tmp_path / "old.ics"], force=True)
    with pytest.raises(InputError, match="exists; use --force"):
        check_targets([tmp_path / "old.ics"], force=False)
    with pytest.raises(InputError, match="directory not found"):
        check_targets([tmp_path / "missing" / "x.ics"], force=True)
    assert listing(tmp_path) == {"old.ics": b"old"}


def test_nothing_to_write(tmp_path: Path) -> None:
    """An empty mapping is a no-op."""
    write_outputs({}, force=False)
    assert listing(tmp_path) == {}


# --- read_input --------------------------------------------------------------------------


def test_read_file(tmp_path: Path) -> None:
    """A file's bytes come back unchanged (BOM included: decoding is the importer's job)."""
    path = tmp_path / "runs.ics"
    path.write_bytes(b"\xef\xbb\xbfBEGIN:VCALENDAR\r\n")
    assert read_input(path) == b"\xef\xbb\xbfBEGIN:VCALENDAR\r\n"
    assert read_input(str(path)) == b"\xef\xbb\xbfBEGIN:VCALENDAR\r\n"


def test_read_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    """'-' reads standard input as bytes."""
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"date,start\n")))
    assert read_input("-") == b"date,start\n"


def test_read_missing_file(tmp_path: Path) -> None:
    """A missing file is named with 'file not found'."""
    with pytest.raises(InputError, match=r"runs\.ics: file not found"):
        read_input(tmp_path / "runs.ics")


def test_read_directory(tmp_path: Path) -> None:
    """A directory is named with 'is a directory'."""
    with pytest.raises(InputError, match="is a directory"):
        read_input(tmp_path)


def test_read_permission_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An unreadable file is named with 'permission denied' (simulated: tests may run as root)."""
    path = tmp_path / "runs.csv"
    path.write_bytes(b"x")

    def denied(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", denied)
    with pytest.raises(InputError, match=r"runs\.csv: permission denied"):
        read_input(path)


# --- paths (issue 10, item 9) ----------------------------------------------------------------

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs")
def test_a_fifo_is_neither_an_output_nor_an_input(tmp_path: Path) -> None:
    """Regression: a FIFO given as output was replaced by a regular file with --force; read
    as input it would block. Both are one clear error."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match=r"pipe: not a regular file"):
        write_outputs({fifo: b"x"}, force=True)
    assert not fifo.is_file() and fifo.exists()
    with pytest.raises(InputError, match=r"pipe: not a regular file"):
        read_input(fifo)


def test_a_dangling_symlink_needs_force_and_is_written_through(tmp_path: Path) -> None:
    """Regression: a dangling symlink was replaced without --force. It counts as existing;
    with --force the link stays and its target gets the bytes."""
    link = tmp_path / "plan.ics"
    link.symlink_to("elsewhere.ics")
    with pytest.raises(InputError, match="exists; use --force"):
        write_outputs({link: b"new"}, force=False)
    write_outputs({link: b"new"}, force=True)
    assert link.is_symlink() and (tmp_path / "elsewhere.ics").read_bytes() == b"new"


def test_a_symlink_output_writes_its_target(tmp_path: Path) -> None:
    """Regression: -o a symlink replaced the link instead of writing its target."""
    real = tmp_path / "real.ics"
    real.write_bytes(b"old")
    link = tmp_path / "link.ics"
    link.symlink_to(real)
    write_outputs({link: b"new"}, force=True)
    assert link.is_symlink() and real.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.ics", "real.ics"]


def test_long_names(tmp_path: Path) -> None:
    """Regression: a 250-character name was refused (the temp name was longer) and a
    256-character one was an internal OSError. The first is written, the second refused."""
    ok = tmp_path / ("a" * 246 + ".ics")
    write_outputs({ok: b"x"}, force=False)
    assert ok.read_bytes() == b"x"
    too_long = tmp_path / ("b" * 252 + ".ics")
    with pytest.raises(InputError, match=r"file name too long \(256 bytes"):
        write_outputs({too_long: b"x"}, force=False)
