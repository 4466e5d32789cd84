"""What one sheet may cost, and how many worker processes print: the limits, with the command line's defaults."""

from __future__ import annotations

from dataclasses import dataclass

DEADLINE_MARGIN = 5.0  # seconds past the time limit before the build stops a worker that does not answer
CONVERSION_LIMIT = 10.0  # seconds the conversion of one sheet's text may take while the sources are checked


@dataclass(frozen=True)
class Limits:
    """How many worker processes print, and what one sheet may cost them."""

    jobs: int = 0  # worker processes; 0: one per core
    time_limit: float = 120.0  # seconds of layout per sheet
    memory_limit: int = 2048  # MB of address space per worker process
    recycle: int = 40  # sheets a worker prints before it is replaced, to keep memory bounded

    @property
    def deadline(self) -> float:
        """Seconds a worker may spend on one sheet before the build stops the worker itself: the time limit, which
        the worker keeps, and a margin. A worker stuck in native code never sees its own alarm go off."""
        return self.time_limit + DEADLINE_MARGIN


DEFAULTS = Limits()
