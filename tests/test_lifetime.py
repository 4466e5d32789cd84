"""Whatever ends the command, every process it started ends with it, and none writes into output/ afterwards.

Each command runs in a terminal of its own (a pseudo-terminal), as a user runs it, and is stopped the ways a
command ends: Ctrl-C typed in the terminal, `kill`, a hang-up sent to the job, the terminal closed, `kill -9`, and
a crash in native code. A command added to COMMANDS is stopped all these ways too.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from .conftest import GOOD_BODY, ROOT, only_languages, practice

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux: reads processes from /proc")

# The commands, each with the line that says it is at work with its helper processes running. A command that
# starts helper processes of its own belongs here too.
COMMANDS = {
    "build": (["--force", "--only", "1-3", "--jobs", "2"], "built "),  # stopped while it prints
    "watch": (["--watch", "--only", "1", "--lang", "en", "--jobs", "2"], "watching "),  # stopped while it waits
    "serve": (["--only", "1", "--lang", "en", "serve", "--port", "0", "--jobs", "2"], "watching "),  # the preview
}
GONE_WITHIN = 5.0  # seconds after the command ends, or after a signal it handles
STARTS_WITHIN = 120.0  # seconds for a command to reach its line, on a busy machine


# A shell's part, as far as the tests need it: it holds the terminal, runs the command as the terminal's foreground
# job (which gets Ctrl-C), passes on SIGHUP to it when the terminal closes, and stays after the command has ended,
# as a shell does. It reports the command's process id, then its exit status. (Were the command itself the
# terminal's owner, the system would end its whole job with it whatever the build does.)
SHELL = """
import fcntl, os, resource, signal, sys, termios
report, command = int(sys.argv[1]), sys.argv[2:]
fcntl.ioctl(0, termios.TIOCSCTTY, 0)
signal.signal(signal.SIGTTOU, signal.SIG_IGN)
pid = os.fork()
if pid == 0:
    os.setpgid(0, 0)
    os.tcsetpgrp(0, os.getpid())
    for number in (signal.SIGINT, signal.SIGTTOU):  # a test run as a background job ignores Ctrl-C
        signal.signal(number, signal.SIG_DFL)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a crash leaves no core file
    os.execv(command[0], command)
try:
    os.setpgid(pid, pid)
except OSError:
    pass  # the command has done it already
os.write(report, f"{pid}\\n".encode())

def hang_up(number, frame):
    try:
        os.killpg(pid, signal.SIGHUP)
    except OSError:
        pass

signal.signal(signal.SIGHUP, hang_up)
status = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
os.write(report, f"{status}\\n".encode())
while True:
    signal.pause()
"""


@dataclass
class Run:
    """A command running in a terminal of its own, started from a shell; what it printed there."""

    shell: subprocess.Popen[bytes]
    pid: int  # the command's
    terminal: int | None  # our side of its terminal; None once closed
    report: int  # where the shell tells the command's process id, then its exit status
    printed: bytearray = field(default_factory=bytearray)
    reported: bytearray = field(default_factory=bytearray)

    @classmethod
    def start(cls, args: list[str]) -> Run:
        ours, theirs = os.openpty()
        report, told = os.pipe()
        command = [sys.executable, str(ROOT / "build.py"), *args]
        shell = subprocess.Popen(
            [sys.executable, "-c", SHELL, str(told), *command],
            stdin=theirs,
            stdout=theirs,
            stderr=theirs,
            cwd=ROOT,
            start_new_session=True,
            pass_fds=[told],
        )
        os.close(theirs)
        os.close(told)
        ready = select.select([report], [], [], STARTS_WITHIN)[0]
        assert ready, "the shell did not start the command"
        first = os.read(report, 64)
        run = cls(shell, int(first.split(b"\n")[0]), ours, report)
        run.reported += first.split(b"\n", 1)[1]
        return run

    @property
    def status(self) -> int | None:
        """Return the command's exit status once it has ended (minus the signal's number if a signal ended it)."""
        while select.select([self.report], [], [], 0)[0] and (chunk := os.read(self.report, 64)):
            self.reported += chunk
        return int(self.reported) if self.reported.endswith(b"\n") else None

    def read(self) -> None:
        """Take in what the command printed since the last look, without waiting."""
        while self.terminal is not None and select.select([self.terminal], [], [], 0)[0]:
            try:
                chunk = os.read(self.terminal, 65536)
            except OSError:  # nobody holds the terminal any more
                chunk = b""
            if not chunk:
                return
            self.printed += chunk

    def until(self, condition: Callable[[], bool], seconds: float) -> bool:
        """Wait at most `seconds` for the condition, reading what the command prints meanwhile."""
        deadline = time.monotonic() + seconds
        while not condition():
            if time.monotonic() > deadline:
                return False
            self.read()
            time.sleep(0.05)
        return True

    def close_terminal(self) -> None:
        assert self.terminal is not None
        os.close(self.terminal)
        self.terminal = None

    def end(self) -> None:
        """End the shell, and the command if it still runs."""
        if self.status is None:
            os.kill(self.pid, signal.SIGKILL)
        self.shell.kill()
        self.shell.wait(timeout=10)
        os.close(self.report)
        if self.terminal is not None:
            os.close(self.terminal)

    @property
    def text(self) -> str:
        return self.printed.decode("utf-8", "replace")


def _stat(pid: int) -> tuple[int, str, int] | None:
    """Return the parent, state and start time of a process, or None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text.rsplit(")", 1)[1].split()
    return int(fields[1]), fields[0], int(fields[19])


def descendants(pid: int) -> dict[int, int]:
    """Return every process below `pid` (children, grandchildren…), with its start time."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) is not None:
            children.setdefault(stat[0], []).append(int(entry.name))
    found, todo = {}, [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if (stat := _stat(child)) is not None:
                found[child] = stat[2]
                todo.append(child)
    return found


def running(processes: dict[int, int]) -> list[str]:
    """Return the command lines of those processes still running (an ended process may wait as a zombie)."""
    alive = []
    for pid, started in processes.items():
        stat = _stat(pid)
        if stat is not None and stat[2] == started and stat[1] not in "ZX":
            try:
                alive.append(Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:120])
            except OSError:
                continue
    return alive


def snapshot(folder: Path) -> dict[str, tuple[int, int, int]]:
    """Return every file under a folder, with its size, modification time and inode."""
    files = {}
    for path in folder.rglob("*"):
        try:
            info = path.stat()
        except OSError:
            continue
        if path.is_file():
            files[str(path.relative_to(folder))] = (info.st_size, info.st_mtime_ns, info.st_ino)
    return files


def ctrl_c(run: Run) -> None:
    assert run.terminal is not None
    os.write(run.terminal, b"\x03")  # the terminal sends SIGINT to every process of the command


def sigterm(run: Run) -> None:
    os.kill(run.pid, signal.SIGTERM)


def sighup(run: Run) -> None:
    os.killpg(run.pid, signal.SIGHUP)  # as a shell passes on a hang-up to its job, or `kill -HUP -- -PGID` does


def terminal_closed(run: Run) -> None:
    run.close_terminal()  # the shell passes SIGHUP on to every process of the command; what it prints goes nowhere


def sigkill(run: Run) -> None:
    os.kill(run.pid, signal.SIGKILL)


def crash(run: Run) -> None:
    os.kill(run.pid, signal.SIGSEGV)  # as native code that crashes


# How each stop ends the command: its exit status, and the line it prints (None: it prints nothing more).
STOPS = {
    "ctrl-c": (ctrl_c, 130, "interrupted: the PDFs already written are complete and recorded"),
    "sigterm": (sigterm, 143, "interrupted by SIGTERM: the PDFs already written are complete and recorded"),
    "sighup": (sighup, 129, "interrupted by SIGHUP: the PDFs already written are complete and recorded"),
    "terminal-closed": (terminal_closed, 129, None),
    "sigkill": (sigkill, -signal.SIGKILL, None),
    "crash": (crash, -signal.SIGSEGV, None),
}


@pytest.mark.parametrize("stop", list(STOPS))
@pytest.mark.parametrize("command", list(COMMANDS))
def test_no_process_outlives_the_command_and_nothing_is_written_after_it(command, stop, tmp_path):
    args, at_work = COMMANDS[command]
    do_stop, status, said = STOPS[stop]
    output = tmp_path / "out"
    run = Run.start([*args, "--output", str(output)])
    try:
        assert run.until(lambda: at_work in run.text, STARTS_WITHIN), run.text
        helpers = descendants(run.pid)
        # The fork server, the resource tracker and the workers: a test with nothing to stop would prove nothing.
        assert len(helpers) >= 3, (helpers, run.text)
        do_stop(run)
        assert run.until(lambda: run.status is not None, GONE_WITHIN), f"still running:\n{run.text}"
        ended = snapshot(output)
        run.until(lambda: not running(helpers), GONE_WITHIN)
        left = running(helpers)  # once none is left, nothing of the command can write any more
        assert snapshot(output) == ended, "a file in output/ changed after the command ended"
        assert not left, f"still running {GONE_WITHIN:g} s after the command ended: {left}"
        assert run.status == status, run.text
        run.read()
    finally:
        run.end()
    if said is not None:  # a clean stop: that line, and nothing untoward from any helper
        assert said in run.text, run.text
        assert "Traceback" not in run.text and "Warning" not in run.text, run.text
    if stop in ("ctrl-c", "sigterm", "sighup", "terminal-closed"):  # stopped cleanly: PDFs complete and recorded
        assert not [p for p in output.rglob("*") if p.name.endswith(".tmp")]
        record = json.loads((output / "build-record.json").read_text(encoding="utf-8"))
        for sheet in record["sheets"].values():
            assert hashlib.sha256((output / sheet["pdf"]).read_bytes()).hexdigest() == sheet["sha256"]


def test_a_helper_renames_nothing_into_place_once_the_command_has_ended(tmp_path, monkeypatch):
    """The last check before a rename: a helper that outlives the command, if only by a moment, replaces no file."""
    from knowledge_bites import lifetime
    from knowledge_bites.files import write_atomically

    command = subprocess.Popen([sys.executable, "-c", "input()"], stdin=subprocess.PIPE)  # stands for the command
    handle = os.pidfd_open(command.pid)
    try:
        monkeypatch.setattr(lifetime, "_command", handle)  # as a helper of that command holds it
        target = tmp_path / "sheet.pdf"
        assert write_atomically(target, b"%PDF written while the command runs")
        command.communicate(b"\n", timeout=30)
        with pytest.raises(lifetime.CommandEndedError):
            write_atomically(target, b"%PDF written after the command ended")
        assert target.read_bytes() == b"%PDF written while the command runs"
        assert [p.name for p in tmp_path.iterdir()] == ["sheet.pdf"]  # nor any temporary file
    finally:
        command.kill()
        command.wait(timeout=10)
        os.close(handle)


def cpu_seconds(pid: int) -> float:
    """Return the processor time a process has used so far, or 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def busy_workers(workers: list[int], until: float) -> list[int]:
    """Return the workers that are working: watched in short steps until the same one of them, alone, used the
    processor in two steps in a row (or the time is up)."""
    busy: list[int] = []
    last: list[int] = []
    before = {pid: cpu_seconds(pid) for pid in workers}
    while time.monotonic() < until:
        time.sleep(0.05)
        now = {pid: cpu_seconds(pid) for pid in workers}
        busy = [pid for pid in workers if now[pid] > before[pid]]
        if len(busy) == 1 and busy == last:
            return busy
        last, before = busy, now
    return busy


def test_a_worker_stuck_past_the_deadline_is_stopped_and_only_its_sheet_fails(scratch, tmp_path):
    """A worker stuck in native code never sees its own alarm; the build stops it at the deadline, and the sheet
    it was printing fails with one line while the others are built. Here that worker is frozen (SIGSTOP): stuck
    where no alarm of its own can reach it."""
    only_languages(scratch, "en")
    short = practice().replace("number: 3", "number: 2")
    (scratch / "practices" / "02-short.en.md").write_text(short, encoding="utf-8")
    sections = GOOD_BODY.replace("## Context", "## Context {n}").replace("## Recommendations", "## Recommendations {n}")
    long_body = "".join(sections.format(n=n) for n in range(300))  # many seconds of layout
    (scratch / "practices" / "03-long.en.md").write_text(practice(body=long_body), encoding="utf-8")
    output = tmp_path / "out"
    command = [sys.executable, str(ROOT / "build.py"), "--content", str(scratch), "--output", str(output)]
    build = subprocess.Popen(
        [*command, "--jobs", "2", "--time-limit", "5"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        cwd=tmp_path,
        start_new_session=True,  # everything it starts can be ended below, whatever happens
    )
    assert build.stdout is not None
    log = b""
    try:
        # The short sheet's line comes first: its worker is then idle, and the other one is on the long sheet.
        until = time.monotonic() + STARTS_WITHIN
        while b"02-short-en.pdf" not in log and time.monotonic() < until:
            if select.select([build.stdout], [], [], 0.1)[0]:
                log += os.read(build.stdout.fileno(), 65536) or b""
        workers = [pid for pid in descendants(build.pid) if (_stat(pid) or (0,))[0] != build.pid]  # grandchildren
        busy = busy_workers(workers, until)
        assert len(busy) == 1, (workers, busy, log)
        os.kill(busy[0], signal.SIGSTOP)
        rest, _ = build.communicate(timeout=60)
        log += rest
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(build.pid, signal.SIGKILL)
        build.wait(timeout=10)
    text = log.decode()
    assert build.returncode == 1, text
    assert (
        "  content/practices/03-long.en.md: layout took longer than 5 s and its process no longer answered; "
        "it was stopped after 10 s and the sheet was not written"
    ) in text.splitlines(), text
    assert (output / "en" / "knowledge-bites-02-short-en.pdf").is_file(), text
    assert text.strip().splitlines()[-1].startswith("built 1, up to date 0, failed 1"), text
