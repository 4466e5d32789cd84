"""The worker processes that print sheets: forked from a server that has loaded WeasyPrint, each sheet printed
under a time and a memory limit, and a failure kept to its own sheet."""

from __future__ import annotations

import multiprocessing
import os
import resource
import signal
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import suppress
from dataclasses import dataclass
from typing import Protocol, TypeVar

from .printing.job import PrintJob, SheetResult, peak_memory_mb
from .problems import Problem
from .project import Project


@dataclass(frozen=True)
class Limits:
    """How many worker processes print, and what one sheet may cost them."""

    jobs: int = 0  # worker processes; 0: one per core
    time_limit: float = 120.0  # seconds of layout per sheet
    memory_limit: int = 2048  # MB of address space per worker process
    recycle: int = 40  # sheets a worker prints before it is replaced, to keep memory bounded


# --- Worker side -------------------------------------------------------------------------------

_project: Project | None = None
_limits: Limits | None = None


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


def _init_worker(project: Project, limits: Limits, in_pool: bool) -> None:
    global _project, _limits
    if in_pool:
        if limits.memory_limit:
            size = limits.memory_limit * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_DATA, (size, size))
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops the pool
    _project, _limits = project, limits


def _build_one(job: PrintJob) -> SheetResult:
    """Print one sheet within the time and memory limits; whatever goes wrong fails this sheet alone."""
    from .printing.press import print_sheet  # in a worker, loaded with WeasyPrint by the server it forks from

    assert _project is not None and _limits is not None
    global _time_is_up
    limit = _limits.time_limit
    _time_is_up = False
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
    forkserver.ensure_running()


class Workers:
    """The worker processes, kept from one build to the next under --watch, so that a rebuild finds them ready.

    Each set of workers prints at most `recycle` sheets per worker and is then replaced, to keep memory bounded.
    (The executor's own max_tasks_per_child can hang on Python 3.11 when a worker retires.)
    """

    def __init__(self, project: Project, limits: Limits) -> None:
        self.project = project
        self.limits = limits
        self.size = limits.jobs or os.cpu_count() or 1
        self.pool: ProcessPoolExecutor | None = None
        self.left = 0  # sheets the current set of workers may still print

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self) -> tuple[ProcessPoolExecutor, int]:
        """Return the pool and how many more sheets it may take, starting a fresh one when it has done its share."""
        if self.pool is None or self.left <= 0:
            self.close()
            warm_up()
            self.pool = ProcessPoolExecutor(
                self.size,
                mp_context=_context(),
                initializer=_init_worker,
                initargs=(self.project, self.limits, True),
            )
            self.left = self.size * self.limits.recycle if self.limits.recycle else 1 << 62
        return self.pool, self.left

    def rehearse(self, job: PrintJob) -> None:
        """Have each worker lay out and draw a sheet without writing it, so that the next build finds them with
        fonts loaded, the stylesheet parsed and hyphenation read. Waits at most the time limit of one sheet."""
        pool, _ = self.get()
        wait([pool.submit(_rehearse, job) for _ in range(self.size)], timeout=self.limits.time_limit)

    def close(self) -> None:
        """Stop the workers (waiting for none of the sheets not started yet)."""
        if self.pool is not None:
            # Waiting for the workers to exit also ends the pool's threads, before anything forks this process
            # (the thumbnails' pool does): a fork while they run could copy a lock they hold.
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


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
) -> Iterator[SheetResult]:
    """Print the items in worker processes (in this process with one job); yield results in input order.

    `prepare` renders an item's print job, just before it is handed to a worker. The costliest items are started
    first, so that no worker is left with a long sheet at the end. Since they do not finish in input order,
    `on_finished(result)` is called as soon as each one is printed, before its result's turn comes.
    """
    if limits.jobs == 1:
        _init_worker(project, limits, in_pool=False)
        for item in items:
            yield _build_one(prepare(item))
        return
    own = workers is None
    workers = workers or Workers(project, limits)
    remaining = list(items)
    try:
        while remaining:
            pool, left = workers.get()
            batch = remaining[:left]
            workers.left -= len(batch)
            jobs: dict[str, PrintJob] = {}
            futures: dict[str, Future[SheetResult]] = {}
            for item in sorted(batch, key=cost, reverse=True):  # each is printed while the next is rendered
                jobs[item.key] = prepare(item)
                futures[item.key] = pool.submit(_build_one, jobs[item.key])
            pending = set(futures.values())
            for item in batch:
                while not futures[item.key].done():  # meanwhile, tell of every other sheet that is printed
                    finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for future in finished:
                        if not future.cancelled() and future.exception() is None:
                            on_finished(future.result())
                try:
                    result = futures[item.key].result()
                except BrokenProcessPool:
                    # A worker died (killed, or crashed in native code): that sheet fails, the rest go on.
                    message = "the process printing this sheet stopped unexpectedly; the sheet was not written"
                    source = jobs[item.key].source
                    remaining.remove(item)
                    workers.close()
                    yield SheetResult(item.key, source, "failed", problems=(Problem(source, None, None, message),))
                    break
                remaining.remove(item)
                yield result
    except BaseException:
        workers.close()  # interrupted: stop the sheets not started yet
        raise
    finally:
        if own:
            workers.close()
