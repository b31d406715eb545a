"""Read a season's inputs in a second process while the CLI loads the solver.

A ``runstrength plan`` run spends its first 0.5-0.7 s importing OR-Tools (with NumPy and
pandas), and then reads the calendar and builds the session contents the candidates need
(about 0.4 s on a 52-week season), none of which needs the solver. Where a second core is
free, the CLI forks a child before those imports (:func:`start`); the child reads the inputs
and sends them back pickled (:meth:`Pending.receive`), then builds the session contents of the
first half of the season while the parent, done importing, builds those of the second half;
the child's half follows. The parent then plans from them as it would from its own.

The child's answer is only a shortcut: when it fails in any way (bad input, a crash, a value
that does not pickle) the parent reads the inputs itself and reports what it finds, so what is
written and said never depends on the child. Only the CLI's own process forks
(:func:`allow`, from ``__main__``), on Linux, with two or more cores, and not with
``RUNSTRENGTH_PREFETCH=0``.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pickle
import select
import signal
import struct
import sys
import time
import warnings
from collections.abc import Callable, Generator
from typing import Any

#: the longest the parent waits for the child before reading the inputs itself (a calendar
#: of years is read in seconds; a child that takes longer is stuck)
WAIT_SECONDS = 120.0

_allowed = False
_OFF = {"0", "false", "no", "off"}


def allow() -> None:
    """This process is the CLI's own (``python -m runstrength``): it may fork."""
    global _allowed
    _allowed = True


def wanted() -> bool:
    """Whether :func:`start` forks here: the CLI's process, Linux, a second core, not
    turned off by ``RUNSTRENGTH_PREFETCH=0``."""
    if not _allowed or not sys.platform.startswith("linux"):
        return False
    if os.environ.get("RUNSTRENGTH_PREFETCH", "1").strip().lower() in _OFF:
        return False
    from runstrength.executor import default_jobs

    return default_jobs() >= 2


class Pending:
    """The child's answers, in the order it gives them (:meth:`receive`); :meth:`cancel` stops
    it."""

    def __init__(self, pid: int, fd: int) -> None:
        self.pid, self.fd = pid, fd
        self._done = False
        self._deadline = time.monotonic() + WAIT_SECONDS
        self._buffer = bytearray()

    def receive(self, timeout: float | None = None) -> Any | None:
        """The child's next answer, or None when it failed or has no more (then the parent
        does that work itself). ``timeout``: seconds to wait at most (else what is left of
        :data:`WAIT_SECONDS`); after a failure the child is stopped."""
        if self._done:
            return None
        deadline = self._deadline if timeout is None else time.monotonic() + timeout
        size = self._take(_HEAD.size, deadline)
        frame = None if size is None else self._take(_HEAD.unpack(size)[0], deadline)
        try:
            status, value = pickle.loads(frame) if frame is not None else (None, None)
        except Exception:  # cut short: the child died writing it
            status = None
        if status != "ok":
            self.cancel()
            return None
        return value

    def _take(self, n: int, deadline: float) -> bytes | None:
        while len(self._buffer) < n:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.fd], [], [], left)[0]:
                return None
            chunk = os.read(self.fd, 1 << 20)
            if not chunk:  # the child has gone
                return None
            self._buffer += chunk
        out = bytes(self._buffer[:n])
        del self._buffer[:n]
        return out

    def cancel(self) -> None:
        """Stop the child (if still running) and reap it; idempotent."""
        if self._done:
            return
        self._done = True
        with contextlib.suppress(OSError):
            os.close(self.fd)
        with contextlib.suppress(OSError):
            if os.waitpid(self.pid, os.WNOHANG) == (0, 0):
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)


def start(job: Callable[..., Any], *args: Any, **kwargs: Any) -> Pending | None:
    """``job(*args, **kwargs)`` in a forked child; None when this process should not fork
    (:func:`wanted`) or cannot. A job that is a generator gives one answer per value it
    yields, each sent as soon as it is ready; any other job gives one."""
    if not wanted():
        return None
    try:
        reader, writer = os.pipe()
    except OSError:
        return None
    with contextlib.suppress(OSError, AttributeError):  # room for a year's inputs at once:
        fcntl.fcntl(writer, fcntl.F_SETPIPE_SZ, 1 << 20)  # the child need not wait to go on
    try:
        with warnings.catch_warnings():
            # Python 3.12+ warns of a fork beside other threads; the only other thread here
            # is the signal watcher (``stopping``), asleep on its socket, holding no lock
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
    except OSError:
        os.close(reader)
        os.close(writer)
        return None
    if pid == 0:  # the child: never returns
        _child(job, args, kwargs, reader, writer)
    os.close(writer)
    return Pending(pid, reader)


_HEAD = struct.Struct("!Q")  # each answer: its length, then its pickle


def _send(out, answer: tuple) -> None:
    data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
    out.write(_HEAD.pack(len(data)) + data)
    out.flush()  # the parent may use it while the child goes on


def _child(job: Callable[..., Any], args: tuple, kwargs: dict, reader: int,
           writer: int) -> None:
    code = 1
    try:
        os.close(reader)
        # The parent says everything there is to say: nothing from here reaches the terminal
        # (a signal before the next lines included: it ends the child through ``finally``).
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        # The parent's signal handling is not the child's: a signal ends it at once, and
        # never reaches the parent's watcher through the shared wake-up socket.
        with contextlib.suppress(ValueError, OSError):
            signal.set_wakeup_fd(-1)
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, signal.SIG_DFL)
        with os.fdopen(writer, "wb") as out:
            try:
                made = job(*args, **kwargs)
                for value in (made if isinstance(made, Generator) else [made]):
                    _send(out, ("ok", value))
            except BaseException:  # any failure: the parent does the rest itself
                _send(out, ("failed", None))
        code = 0
    finally:
        os._exit(code)
