"""The worker processes that print sheets: forked from a server that has loaded WeasyPrint, each sheet printed
under a time and a memory limit, and a failure kept to its own sheet."""

from __future__ import annotations

import itertools
import multiprocessing
import os
import resource
import signal
import time
from collections.abc import Callable, Collection, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import suppress
from dataclasses import dataclass, field, replace
from multiprocessing.queues import SimpleQueue
from typing import Protocol, TypeVar

from . import lifetime
from .freshness import code_version
from .limits import Limits
from .printing.job import PrintJob, SheetResult, peak_memory_mb
from .problems import Problem
from .project import Project

CHECK_EVERY = 1.0  # seconds between two looks at the workers' deadlines while a build waits for them

# Imported first of all by the server that workers fork from (PRELOAD): it notes the code it runs as it starts, and
# its workers tell that version with every sheet they print.
code_version()


# --- Worker side -------------------------------------------------------------------------------

_project: Project | None = None
_limits: Limits | None = None
_started: SimpleQueue | None = None  # where a worker tells the build which sheet it starts, and when


class SheetTimeoutError(Exception):
    """Layout of one sheet took longer than the time limit."""


_time_is_up = False  # set by the alarm; library code that calls back into Python may swallow the exception


def _on_alarm(signum: int, frame: object) -> None:
    global _time_is_up
    _time_is_up = True
    raise SheetTimeoutError


def _check_time() -> None:
    """Raise if the time limit of the sheet passed, even if the alarm's exception was swallowed on the way."""
    if _time_is_up:
        raise SheetTimeoutError


def _init_worker(project: Project, limits: Limits, started: SimpleQueue) -> None:
    global _project, _limits, _started
    lifetime.end_with_parent()  # ends with the server it forks from; the build handles Ctrl-C and stops it
    if limits.memory_limit:
        size = limits.memory_limit * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_DATA, (size, size))
    _project, _limits, _started = project, limits, started


def _build_one(job: PrintJob, ticket: int) -> SheetResult:
    """Print one sheet within the time and memory limits; whatever goes wrong fails this sheet alone.

    `ticket` tells this handing-over of the sheet from any other: the worker reports it when it starts, so that
    the build knows which process to stop when the sheet is past its deadline."""
    result = _print_one(job, ticket)
    return replace(result, code=code_version())  # the code that printed it: the build records nothing else


def _print_one(job: PrintJob, ticket: int) -> SheetResult:
    from .printing.press import print_sheet  # in a worker, loaded with WeasyPrint by the server it forks from

    assert _project is not None and _limits is not None
    global _time_is_up
    limit = _limits.time_limit
    _time_is_up = False
    if _started is not None:
        _started.put((ticket, os.getpid(), time.monotonic()))  # the build stops this process past its deadline
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        return print_sheet(
            job,
            root=_project.root,
            styles=_project.styles,
            asset_roots=_project.asset_roots,
            before_writing=_check_time,  # the time limit may have passed while WeasyPrint swallowed the alarm
        )
    except SheetTimeoutError:
        message = f"layout took longer than {limit:g} s and was stopped; the sheet was not written"
    except OSError as error:  # writing the PDF or its pictures: a full disk, a folder that cannot be written
        where = error.filename or job.target
        message = f"cannot write {where} ({error.strerror or error}): the sheet was not written"
    except Exception as error:  # an unexpected failure stays with its sheet; the others still build
        limit_mb = _limits.memory_limit
        # Native code that cannot allocate often reports a SystemError rather than a MemoryError.
        if isinstance(error, MemoryError | SystemError) and limit_mb and peak_memory_mb() >= 0.8 * limit_mb:
            message = f"layout needed more than {limit_mb} MB (--memory-limit) and was stopped"
        else:
            message = f"internal error while printing: {type(error).__name__}: {error}"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    return SheetResult(job.key, job.source, "failed", problems=(Problem(job.source, None, None, message),))


def _rehearse(job: PrintJob) -> None:
    from .printing.press import rehearse

    assert _project is not None
    with suppress(Exception):  # a rehearsal only: the sheet's own build reports what is wrong with it
        rehearse(job, root=_project.root, styles=_project.styles, asset_roots=_project.asset_roots)


# --- The pool ----------------------------------------------------------------------------------

# Workers fork from a server that has already imported WeasyPrint: it is imported once per build, or once for
# a whole --watch session.
PRELOAD = ["knowledge_bites.printing.preload", "knowledge_bites.workers"]


def _context() -> multiprocessing.context.ForkServerContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def warm_up() -> None:
    """Start the server that workers fork from, if it is not running yet, so that it imports WeasyPrint while
    this process checks the sources. It then serves every build of this process."""
    from multiprocessing import forkserver

    _context()
    with lifetime.starting_helpers():  # the server, and the resource tracker it starts first
        forkserver.ensure_running()


class Workers:
    """The worker processes, kept from one build to the next under --watch, so that a rebuild finds them ready.

    Each set of workers prints at most `recycle` sheets per worker and is then replaced, to keep memory bounded.
    (The executor's own max_tasks_per_child can hang on Python 3.11 when a worker retires.) Each worker tells
    which sheet it starts; a build stops one still on it past the deadline (`Deadlines`). Nothing of one build is
    kept for the next: the workers only.
    """

    def __init__(self, project: Project, limits: Limits) -> None:
        self.project = project
        self.limits = limits
        self.size = limits.jobs or os.cpu_count() or 1
        self.pool: ProcessPoolExecutor | None = None
        self.left = 0  # sheets the current set of workers may still print
        self.started: SimpleQueue | None = None
        self.tickets = itertools.count(1)  # each sheet handed to a worker gets a number of its own
        self.printed: set[int] = set()  # the workers of the current pool that have started a sheet: they are ready

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self) -> tuple[ProcessPoolExecutor, int]:
        """Return the pool and how many more sheets it may take, starting a fresh one when it has done its share."""
        if self.pool is None or self.left <= 0:
            self.close()
            warm_up()
            context = _context()
            self.started = context.SimpleQueue()
            self.printed = set()
            self.pool = ProcessPoolExecutor(
                self.size,
                mp_context=context,
                initializer=_init_worker,
                initargs=(self.project, self.limits, self.started),
            )
            self.left = self.size * self.limits.recycle if self.limits.recycle else 1 << 62
        return self.pool, self.left

    def rehearse(self, job: PrintJob) -> None:
        """Have each worker lay out and draw a sheet without writing it, so that the next build finds them with
        fonts loaded, the stylesheet parsed and hyphenation read. Waits at most the time limit of one sheet.
        Nothing is done when every worker has printed a sheet already (the build before did it)."""
        self.started_since()
        pool, _ = self.get()
        if len(self.printed & set(_worker_pids(pool))) >= self.size:
            return
        wait([pool.submit(_rehearse, job) for _ in range(self.size)], timeout=self.limits.time_limit)

    def started_since(self) -> list[tuple[int, int, float]]:
        """Return what the workers told since the last call: (ticket, process id, when) of each sheet started."""
        told = []
        while self.started is not None and not self.started.empty():
            told.append(self.started.get())
        self.printed.update(pid for _, pid, _ in told)
        return told

    def stop(self, pid: int) -> None:
        """Stop one worker process of the current pool at once (the pool breaks, and is replaced)."""
        if self.pool is not None and pid in _worker_pids(self.pool):  # never a process that is not ours
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def close(self, *, now: bool = False) -> None:
        """Stop the workers: once the sheets already handed to them are done, or `now`, dropping those sheets (the
        build was interrupted, or the pool is broken and its workers are to go anyway)."""
        if self.pool is not None:
            if now:
                _kill_workers(self.pool)
            # Waiting for the workers to exit also ends the pool's threads, before anything forks this process
            # (the thumbnails' pool does): a fork while they run could copy a lock they hold.
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
        if self.started is not None:
            self.started.close()
            self.started = None


@dataclass
class Deadlines:
    """The deadlines of the sheets handed to the workers in one build: which worker prints which, since when, and
    which were stopped. Made anew for every build, so that no build acts on what another one handed out."""

    workers: Workers
    keys: dict[int, str] = field(default_factory=dict)  # ticket: the sheet handed out with it in this build
    printing: dict[int, tuple[int, float]] = field(default_factory=dict)  # ticket: its worker, and since when
    overdue: set[str] = field(default_factory=set)  # sheets whose worker was stopped at the deadline

    def __post_init__(self) -> None:
        self.workers.started_since()  # what earlier builds' workers told is no concern of this one

    def hand_out(self, key: str) -> int:
        ticket = next(self.workers.tickets)
        self.keys[ticket] = key
        return ticket

    def check(self, done: Collection[str]) -> float:
        """Stop each worker still on a sheet past the deadline; return how long to wait before looking again.

        `done` are the sheets whose result is in: their workers may have gone on to other sheets."""
        for ticket, pid, since in self.workers.started_since():
            if ticket in self.keys:
                self.printing[ticket] = (pid, since)
        now = time.monotonic()
        wait_at_most = CHECK_EVERY
        for ticket, (pid, since) in list(self.printing.items()):
            key = self.keys[ticket]
            if key in done:
                del self.printing[ticket]
                continue
            left = since + self.workers.limits.deadline - now
            if left <= 0 and key not in self.overdue:
                self.overdue.add(key)
                self.workers.stop(pid)  # the pool breaks; its other workers are stopped with it
            wait_at_most = min(wait_at_most, max(left, 0.05))
        return wait_at_most


def _worker_pids(pool: ProcessPoolExecutor) -> set[int]:
    """Return the process ids of a pool's workers (the executor keeps them in a private mapping)."""
    return {pid for pid in (getattr(pool, "_processes", None) or {}) if isinstance(pid, int)}


def _kill_workers(pool: ProcessPoolExecutor) -> None:
    """Kill every worker process of a pool at once (Python 3.14 has ProcessPoolExecutor.kill_workers for it)."""
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        with suppress(ProcessLookupError, ValueError):
            process.kill()


class Keyed(Protocol):
    """Something to print, known by its key (a sheet)."""

    @property
    def key(self) -> str: ...


T = TypeVar("T", bound=Keyed)


def run(
    items: list[T],
    prepare: Callable[[T], PrintJob],
    *,
    project: Project,
    limits: Limits,
    cost: Callable[[T], int],
    workers: Workers | None = None,
    on_finished: Callable[[SheetResult], None] = lambda result: None,
    first: Collection[str] = (),
) -> Iterator[SheetResult]:
    """Print the items in worker processes; yield results in input order.

    `prepare` renders an item's print job, just before it is handed to a worker. The items whose keys are `first`
    (the sheet a writer just saved) are started before all others; then the costliest, so that no worker is left
    with a long sheet at the end. Since they do not finish in input order, `on_finished(result)` is called as soon
    as each one is printed, before its result's turn comes, even while the later items are still being rendered.
    """
    own = workers is None
    workers = workers or Workers(project, limits)
    remaining = list(items)
    known: dict[str, SheetResult] = {}  # results in before their turn, kept when a pool had to be replaced
    try:
        while remaining:
            pool, left = workers.get()
            deadlines = Deadlines(workers)
            batch = remaining[:left]
            workers.left -= len(batch)
            jobs: dict[str, PrintJob] = {}
            futures: dict[str, Future[SheetResult]] = {}
            pending: set[Future[SheetResult]] = set()  # handed out, and not yet told as finished
            # Each is printed while the next is rendered; one printed meanwhile is told at once.
            for item in sorted(batch, key=lambda item: (item.key not in first, -cost(item))):
                if item.key not in known:
                    jobs[item.key] = prepare(item)
                    futures[item.key] = pool.submit(_build_one, jobs[item.key], deadlines.hand_out(item.key))
                    pending.add(futures[item.key])
                    if finished := {future for future in pending if future.done()}:
                        pending -= finished
                        _tell(finished, on_finished)
            for item in batch:
                if item.key in known:
                    remaining.remove(item)
                    yield known.pop(item.key)
                    continue
                while not futures[item.key].done():  # meanwhile, tell of every other sheet that is printed
                    timeout = deadlines.check({key for key, future in futures.items() if future.done()})
                    finished, pending = wait(pending, timeout=timeout, return_when=FIRST_COMPLETED)
                    _tell(finished, on_finished)
                try:
                    result = futures[item.key].result()
                except BrokenProcessPool:
                    # A worker died: killed, crashed in native code, or stopped at the deadline. The sheets it was
                    # printing fail; those printed meanwhile are kept; the others are printed by fresh workers.
                    waiting = {item.key for item in remaining}
                    known.update(_after_a_broken_pool(item.key, jobs, futures, deadlines, waiting))
                    workers.close(now=True)
                    break
                remaining.remove(item)
                yield result
    except BaseException:
        workers.close(now=True)  # interrupted: stop the sheets being printed, and those not started yet
        raise
    finally:
        if own:
            workers.close()


def _tell(finished: Collection[Future[SheetResult]], on_finished: Callable[[SheetResult], None]) -> None:
    """Tell the result of each sheet printed (a sheet whose worker broke is told when its turn comes)."""
    for future in finished:
        if not future.cancelled() and future.exception() is None:
            on_finished(future.result())


def _after_a_broken_pool(
    awaited: str,
    jobs: dict[str, PrintJob],
    futures: dict[str, Future[SheetResult]],
    deadlines: Deadlines,
    waiting: set[str],
) -> dict[str, SheetResult]:
    """Return the results known when a pool broke, of the sheets `waiting` for their turn: those printed meanwhile,
    and a failure for each sheet whose worker was stopped at the deadline, or else for the sheet awaited."""
    known = {
        key: future.result()
        for key, future in futures.items()
        if key in waiting and future.done() and not future.cancelled() and future.exception() is None
    }
    limits = deadlines.workers.limits
    failed = sorted(key for key in deadlines.overdue if key in jobs and key not in known) or [awaited]
    if deadlines.overdue:
        message = (
            f"layout took longer than {limits.time_limit:g} s and its process no longer answered; it was stopped "
            f"after {limits.deadline:g} s and the sheet was not written"
        )
    else:
        message = "the process printing this sheet stopped unexpectedly; the sheet was not written"
    for key in failed:
        source = jobs[key].source
        known[key] = SheetResult(key, source, "failed", problems=(Problem(source, None, None, message),))
    return known
