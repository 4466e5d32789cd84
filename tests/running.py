"""A command run as a user runs it, in a process of its own, with its output read line by line as it comes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from .conftest import ROOT


class Command:
    """`python build.py ARGS` running in the background; its output and errors in one stream of lines."""

    def __init__(self, args: list[str], *, cwd: Path = ROOT, script: Path | None = None) -> None:
        script = script or ROOT / "build.py"
        self.process = subprocess.Popen(
            [sys.executable, str(script), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            cwd=cwd,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self._changed:
                self.lines.append(line.rstrip("\n"))
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    @property
    def text(self) -> str:
        with self._changed:
            return "\n".join(self.lines)

    def count(self, start: str) -> int:
        """Return how many lines so far start with `start`."""
        with self._changed:
            return sum(1 for line in self.lines if line.startswith(start))

    def wait_for(self, start: str, *, count: int = 1, seconds: float = 120.0, anywhere: bool = False) -> None:
        """Wait until `count` lines start with `start` (or hold it `anywhere`); fail, with the output so far, if
        that takes too long or the command ends first."""
        self.wait_until(
            lambda lines: sum(1 for line in lines if (start in line if anywhere else line.startswith(start))) >= count,
            seconds=seconds,
            what=f"{count} × {start!r}",
        )

    def wait_until(self, condition: Callable[[list[str]], bool], *, seconds: float = 120.0, what: str = "") -> None:
        """Wait until the lines so far meet `condition`; fail, with the output, if that takes too long or the
        command ends first."""
        deadline = time.monotonic() + seconds
        with self._changed:
            while not condition(self.lines):
                left = deadline - time.monotonic()
                if left <= 0 or (self.process.poll() is not None and not self._reader.is_alive()):
                    raise AssertionError(f"not {what or 'as awaited'} in:\n" + "\n".join(self.lines))
                self._changed.wait(min(left, 0.2))

    def stop(self, signum: int = signal.SIGINT, seconds: float = 30.0) -> int:
        """Stop the command as Ctrl-C does; return its exit status once it has ended and said everything."""
        if self.process.poll() is None:
            self.process.send_signal(signum)
        status = self.process.wait(seconds)
        self._reader.join(seconds)
        return status

    def kill(self) -> None:
        """End the command at once, as `kill -9` does."""
        self.process.kill()
        self.process.wait(30)
        self._reader.join(30)


def run_command(
    args: list[str], *, cwd: Path = ROOT, script: Path | None = None, seconds: float = 300
) -> tuple[int, str]:
    """Run `python build.py ARGS` to its end; return its exit status and everything it printed."""
    done = subprocess.run(
        [sys.executable, str(script or ROOT / "build.py"), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=seconds,
        stdin=subprocess.DEVNULL,
    )
    return done.returncode, done.stdout + done.stderr
