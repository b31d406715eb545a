"""Reading inputs and writing outputs with the CLI's guarantees (DESIGN.md, "CLI contract").

Outputs are all-or-nothing: every check runs before anything is written, each file goes to a
temp file beside its target and is renamed into place only when all temp files are complete,
and a failure part-way through renames puts back what was there before. Problems the user can
fix come out as `InputError` naming the path.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from runstrength.errors import InputError

__all__ = ["check_targets", "read_input", "write_outputs"]


def _current_umask() -> int:
    # os.umask can only be read by setting it; do that once, at import, before any threads.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _current_umask()


def read_input(path: str | os.PathLike[str]) -> bytes:
    """The bytes of ``path``, or of standard input for ``-``."""
    if str(path) == "-":
        return sys.stdin.buffer.read()
    try:
        if Path(path).exists() and not Path(path).is_file() and not Path(path).is_dir():
            # a FIFO would block, /dev/zero never ends: read stdin with "-" instead
            raise InputError(f"{path}: not a regular file (a pipe or a device); give a file, "
                             "or - for standard input")
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None


def write_outputs(files: dict[Path, bytes], *, force: bool) -> None:
    """Write every file or none of them.

    Raises `InputError` before touching the disk when a target exists (and ``force`` is
    false), is a directory, appears twice, or its folder is missing; and after cleaning up
    when the disk refuses a write.
    """
    from runstrength.stopping import held

    with held():  # a Ctrl-C now waits until the files are all in place or all rolled back
        _write_all(files, force=force)
    WRITTEN.extend(Path(p) for p in files)


#: Every file this process has written (the CLI's exit code after a closed pipe depends on it).
WRITTEN: list[Path] = []


def _write_all(files: dict[Path, bytes], *, force: bool) -> None:
    check_targets(list(files), force=force)
    # a symlink is written through: its target gets the new bytes, the link stays
    targets = [real_target(Path(p)) for p in files]

    temps: dict[Path, Path] = {}  # target -> its finished temp file
    backups: dict[Path, Path] = {}  # target -> second name of the file it replaces
    done: list[Path] = []
    current = None
    try:
        for current, data in zip(targets, files.values(), strict=True):
            temps[current] = _write_temp(current, data)
        for current in targets:
            if current.exists():
                backups[current] = _backup(current)
        for current in targets:
            os.replace(temps[current], current)
            del temps[current]
            done.append(current)
    except BaseException as exc:  # an interrupt must not leave half the outputs renamed
        _roll_back(done, backups)
        if isinstance(exc, OSError):
            raise InputError(f"{current}: cannot write ({exc.strerror or exc})") from None
        raise
    finally:
        for leftover in [*temps.values(), *backups.values()]:
            with contextlib.suppress(OSError):
                leftover.unlink()


def real_target(target: Path) -> Path:
    """The file a write to ``target`` goes to: a symlink's target (followed to the end), else
    ``target`` itself."""
    return Path(os.path.realpath(target)) if target.is_symlink() else target


def check_targets(targets: Iterable[str | os.PathLike[str]], *, force: bool) -> None:
    """Raise `InputError` unless every target could be written.

    The CLI calls this before a long solve as well, so a bad ``-o`` fails at once;
    `write_outputs` calls it again because files may have appeared meanwhile. A symlink
    counts as an existing file (even one pointing nowhere) and is written through; anything
    but a regular file (a folder, a FIFO, a device) is refused; so is a name longer than the
    file system allows.
    """
    seen: dict[Path, Path] = {}
    for target in map(Path, targets):
        _check_name(target)
        try:
            real = real_target(target)
            key = real.resolve()
        except (RuntimeError, OSError):  # Python 3.11: RuntimeError; later: OSError ELOOP
            raise InputError(f"{target}: a symlink loop; write the plan to a file") from None
        _check_name(real)
        if key in seen:
            raise InputError(f"{target}: given twice (also as {seen[key]})")
        seen[key] = target
        if real.is_dir():
            raise InputError(f"{target}: is a directory")
        if real.exists() and not real.is_file():
            raise InputError(f"{target}: not a regular file (a pipe or a device); write the "
                             "plan to a file")
        if (target.is_symlink() or real.exists()) and not force:
            raise InputError(f"{target}: exists; use --force to overwrite")
        parent = real.parent
        if not parent.is_dir():
            raise InputError(f"{parent}: directory not found (for {target})")


def _check_name(target: Path) -> None:
    """A file name the file system takes (checked before any look at the file: a name too
    long makes even ``exists()`` fail)."""
    try:
        longest = os.pathconf(target.parent if str(target.parent) else ".", "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):  # not POSIX, a missing folder, unknown
        longest = 255
    size = len(os.fsencode(target.name))
    if size > longest:
        raise InputError(f"{target.name[:40]}...: file name too long ({size} bytes; the "
                         f"folder allows {longest})")


def _write_temp(target: Path, data: bytes) -> Path:
    # Same directory as the target so os.replace is a rename on one file system (atomic).
    # a short name: the target's own name may already be as long as the file system allows
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=".runstrength-", suffix=".tmp")
    temp = Path(name)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())  # data on disk before the rename makes it visible
        # mkstemp makes 0600 files; give outputs the permissions a normal open() would.
        os.chmod(temp, 0o666 & ~_UMASK)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def _backup(target: Path) -> Path:
    """A second name for the current target, so a failed later rename can restore it."""
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=".runstrength-", suffix=".bak")
    os.close(fd)
    backup = Path(name)
    backup.unlink()
    try:
        os.link(target, backup)  # no copy: the old inode just keeps a name
    except OSError:
        try:
            backup.write_bytes(target.read_bytes())  # file systems without hard links
        except BaseException:
            backup.unlink(missing_ok=True)
            raise
    return backup


def _roll_back(done: list[Path], backups: dict[Path, Path]) -> None:
    """Undo renames already made: restore replaced files, remove files that were new.

    A backup that cannot be restored stays in the folder (``.runstrength-*.bak``): it is the
    only copy of the user's old file.
    """
    for target in reversed(done):
        with contextlib.suppress(OSError):
            if target in backups:
                os.replace(backups.pop(target), target)
            else:
                target.unlink()
