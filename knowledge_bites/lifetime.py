"""The processes a build starts end with it, and write nothing once it has ended.

The build command starts helper processes: the server that the printing workers fork from (it has loaded
WeasyPrint), the workers, and the processes that make thumbnails. However the command ends (Ctrl-C, SIGTERM,
a closed terminal, a crash, `kill -9`), the kernel ends each helper when the process that started it ends (the
parent-death signal of Linux), so the whole tree goes at once. And right before a helper renames a finished file
into place (`files.write_atomically`), it checks that the command is still running: a helper that outlives it,
if only by a moment, replaces no file.

On systems without these Linux features the helpers still end when their work does, as they always have.
"""

from __future__ import annotations

import ctypes
import os
import select
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager

COMMAND = "KNOWLEDGE_BITES_COMMAND"  # the command's process id, for the fork server it starts (an exec'd process)

_PR_SET_PDEATHSIG = 1
_forked_from: int | None = None  # in a forked process: the process that forked it, as noted just before the fork
_command: int | None = None  # in a helper: a process file descriptor of the command (kept by those it forks)


class CommandEndedError(Exception):
    """The command this process works for has ended: nothing more may be written."""


def _note_forking_process() -> None:
    global _forked_from
    _forked_from = os.getpid()  # runs in the parent just before each fork; the child keeps the value


if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=_note_forking_process)


@contextmanager
def starting_helpers() -> Iterator[None]:
    """In the command, around the start of helper processes: tell them which process they work for, and have them
    start deaf to the hang-up of the terminal, which the command answers by stopping them itself. (Python's own
    resource tracker ignores Ctrl-C and SIGTERM, but not a hang-up: it would die, be started again, and then print
    tracebacks about resources it never saw.) A hang-up meanwhile waits for the command until the block ends."""
    os.environ[COMMAND] = str(os.getpid())
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGHUP})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


def end_with_parent() -> None:
    """In a helper process, first thing: end when the process that started it ends, at once if it already has.

    The command stops its helpers itself on Ctrl-C or when its terminal closes (the terminal sends those signals
    to every process of the command), so a helper ignores them; SIGTERM ends a helper as it ends any program.
    """
    global _command
    parent = _forked_from if _forked_from is not None else int(os.environ.get(COMMAND) or os.getppid())
    _set_parent_death_signal(signal.SIGKILL)
    if os.getppid() != parent:  # the parent ended before the kernel was told: end now
        os._exit(1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if _command is None:  # started by the command itself (not forked from another helper): watch the command
        _command = _process_handle(parent)
        if os.getppid() != parent:  # the handle may name another process that took the number: end now
            os._exit(1)


def command_running() -> bool:
    """Return whether the command this process works for is still running (in the command itself: always)."""
    return _command is None or not select.select([_command], [], [], 0)[0]


def check_command_running() -> None:
    """Raise CommandEndedError once the command this process works for has ended."""
    if not command_running():
        raise CommandEndedError("the build command has ended: nothing more is written")


def _set_parent_death_signal(signum: int) -> None:
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signum), 0, 0, 0)


def _process_handle(pid: int) -> int | None:
    """Return a file descriptor that becomes readable when process `pid` ends (Linux 5.3 and later), or None."""
    try:
        return os.pidfd_open(pid)
    except (AttributeError, OSError):
        return None
