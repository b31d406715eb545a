"""Stopping cleanly: Ctrl-C and SIGTERM at any moment, and one deadline for every solve.

CP-SAT runs in C++ without the GIL, so a Python signal handler would only run once a solve
ends. ``install`` therefore sets a wakeup file descriptor: Python's C-level handler writes the
signal there at once, a watcher thread reads it and stops the solves in progress
(``CpSolver.stop_search`` is made for that), and the Python handler then raises
:class:`Interrupted` in the main thread as soon as the solve returns. CP-SAT's own SIGINT
handling is switched off (``catch_sigint_signal``): it would leave SIGINT at the system default
after a solve, and a later Ctrl-C would kill the process half-way through writing.

``deadline(seconds)`` bounds all solves of one command together (the plan and the diagnosis
of its short weeks): each solve gets what is left (``left()``).
"""

from __future__ import annotations

import atexit
import contextlib
import contextvars
import signal
import socket
import sys
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # fileio uses this module too; a CSV import need not load ortools
    from ortools.sat.python import cp_model

EXIT_CODES = {signal.SIGINT: 130, signal.SIGTERM: 143}


class Interrupted(KeyboardInterrupt):
    """The user stopped the command (Ctrl-C or SIGTERM)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return EXIT_CODES.get(self.signum, 128 + self.signum)

    @property
    def name(self) -> str:
        return "Ctrl-C" if self.signum == signal.SIGINT else signal.Signals(self.signum).name


_solvers: set[cp_model.CpSolver] = set()
_held = 0  # inside held(): a signal waits for the end of the block
_pending: int | None = None
_received: int | None = None  # the last signal seen: an import it cut may fail otherwise
_lock = threading.Lock()
_installed = False
_keep: list[socket.socket] = []  # the wakeup sockets live as long as the process
_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar("deadline",
                                                                         default=None)


def _raise(signum: int, frame: object) -> None:
    global _pending, _received
    if _received is not None:  # already stopping: a second Ctrl-C must not cut the clean-up
        return
    _received = signum
    if _held:
        _pending = signum
        return
    raise Interrupted(signum)


def report(signum: int) -> int:
    """Say on stderr that the command was stopped; the exit code for ``signum``."""
    stop = Interrupted(signum)
    sys.stderr.write(f"runstrength: interrupted ({stop.name}); the output files are all the "
                     "earlier ones or all new, none half-written\n")
    return stop.exit_code


def reset() -> None:
    """Forget a signal already handled (a process that goes on after one: the tests)."""
    global _received, _pending
    _received = _pending = None


def received() -> int | None:
    """The signal that stopped the command, if one did (C extensions being imported turn the
    interrupt into an ImportError)."""
    return _received


@contextlib.contextmanager
def held() -> Iterator[None]:
    """A block a signal must not cut (renaming the outputs into place): a Ctrl-C or SIGTERM
    that comes meanwhile is raised when the block ends."""
    global _held, _pending
    _held += 1
    try:
        yield
    finally:
        _held -= 1
        if not _held and _pending is not None:
            signum, _pending = _pending, None
            raise Interrupted(signum)


def _watch(sock: socket.socket) -> None:
    while True:
        try:
            data = sock.recv(64)
        except OSError:
            return
        if not data:
            return
        with _lock:
            for solver in list(_solvers):
                solver.stop_search()


def install() -> None:
    """Make SIGINT and SIGTERM raise :class:`Interrupted`, also during a solve. Only in the
    main thread (elsewhere signals go to the main thread anyway); once per process."""
    global _installed
    if _installed or threading.current_thread() is not threading.main_thread():
        return
    for signum in EXIT_CODES:
        signal.signal(signum, _raise)
    reader, writer = socket.socketpair()
    writer.setblocking(False)
    with contextlib.suppress(ValueError, OSError):
        signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
        threading.Thread(target=_watch, args=(reader,), daemon=True,
                         name="runstrength-signals").start()
        _keep.extend([reader, writer])
        atexit.register(_close)
    _installed = True


def _close() -> None:
    with contextlib.suppress(ValueError, OSError):
        signal.set_wakeup_fd(-1)
    for sock in _keep:
        sock.close()


@contextlib.contextmanager
def deadline(seconds: float | None) -> Iterator[None]:
    """Every solve inside shares ``seconds`` (None: no common bound)."""
    token = _deadline.set(None if seconds is None else time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


def left() -> float | None:
    """Seconds left before the current deadline (0 when past it); None without one."""
    end = _deadline.get()
    return None if end is None else max(0.0, end - time.monotonic())


def expired() -> bool:
    remaining = left()
    return remaining is not None and remaining <= 0


def solve(solver: cp_model.CpSolver, model: cp_model.CpModel, *,
          cap: float | None = None) -> int:
    """``solver.solve(model)`` within ``cap`` seconds and the current deadline, stoppable by
    a signal; the status code."""
    limits = [t for t in (cap, left()) if t is not None]
    if limits:
        solver.parameters.max_time_in_seconds = max(0.001, min(limits))
    solver.parameters.catch_sigint_signal = False
    with _lock:
        _solvers.add(solver)
    try:
        return solver.solve(model)
    finally:
        with _lock:
            _solvers.discard(solver)
