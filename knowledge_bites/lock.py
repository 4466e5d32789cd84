"""The output folder a build writes to: the build's own (or new), and held by one build at a time."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from .files import shown_path
from .names import LOCK, RECORD

WAIT_EVERY = 0.25  # seconds between two tries of a folder another build holds, for a build that waits
BUSY = "another build is writing to this folder; run again when it ends"


class OutputBusyError(Exception):
    """Another build holds the output folder."""


class OutputUnusableError(Exception):
    """The output folder cannot be written to, or holds files that no build wrote: the message says which."""


def check_folder(output: Path) -> None:
    """Raise OutputUnusableError when `output` is not a folder a build may write to: a file, or a folder that holds
    other files and no build record (a build removes and replaces only files it wrote, as its record lists them)."""
    if output.exists() and not output.is_dir():
        raise OutputUnusableError("is a file, not a folder: give a folder with --output")
    if not output.is_dir() or (output / RECORD).exists():
        return
    others = sorted(entry.name for entry in output.iterdir() if entry.name != LOCK)
    if others:
        shown = ", ".join(others[:3]) + (f" and {len(others) - 3} more" if len(others) > 3 else "")
        raise OutputUnusableError(
            f"holds files that no build wrote ({shown}) and no build record: give an empty or new folder with --output"
        )


@contextmanager
def output_lock(output: Path, *, waiting: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the output folder for one build.

    Raise OutputBusyError at once if another build holds it, or, with `waiting`, call it once and wait until the
    other build ends. Raise OutputUnusableError when the folder cannot be made or written to. The lock is an flock on
    `output/.build.lock`: the system releases it when the build ends, even if it crashed or was killed, so a stale
    lock file never blocks the next build. The file itself stays, but in a folder made for a build that wrote nothing
    (its series could not be used), which is removed again.
    """
    check_folder(output)
    created = not output.exists()
    try:
        output.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(output / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        message = f"cannot be written to ({error.strerror or error}): give another folder with --output"
        raise OutputUnusableError(message) from None
    try:
        told = False
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if waiting is None:
                    raise OutputBusyError(output) from None
                if not told:
                    waiting()
                    told = True
                time.sleep(WAIT_EVERY)
        yield
    finally:
        os.close(descriptor)  # closing the last descriptor releases the lock
        if created and os.listdir(output) == [LOCK]:  # nothing was built: the folder goes as it came
            with suppress(OSError):
                (output / LOCK).unlink()
                output.rmdir()


@contextmanager
def holding(output: Path, say: Callable[[str], None]) -> Iterator[bool]:
    """Hold the output folder while a command writes into it (a release, a review, an announcement, kits); yield
    False, after saying why in one line, when it cannot: another build holds it, or it is no folder to write to."""
    try:
        with output_lock(output):
            yield True
    except OutputBusyError:
        say(f"{shown_path(output)}: {BUSY}")
        yield False
    except OutputUnusableError as error:
        say(f"{shown_path(output)}: {error}")
        yield False
