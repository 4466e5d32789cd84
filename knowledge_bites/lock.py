"""One build at a time per output folder: a lock file that a second build finds taken."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_NAME = ".build.lock"


class OutputBusyError(Exception):
    """Another build holds the output folder."""


@contextmanager
def output_lock(output: Path) -> Iterator[None]:
    """Hold the output folder for one build; raise OutputBusyError at once if another build holds it.

    The lock is an flock on `output/.build.lock`: the system releases it when the build ends, even if it
    crashed or was killed, so a stale lock file never blocks the next build. The file itself stays.
    """
    output.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(output / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputBusyError(output) from None
        yield
    finally:
        os.close(descriptor)  # closing the last descriptor releases the lock
