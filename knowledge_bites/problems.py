"""Problems found in the sources, reported one line each like compiler output."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

# An error fails its sheet; a warning is counted (and fails the sheet under --strict); a note only informs.
Severity = Literal["error", "warning", "note"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "note")  # the order a file's problems are listed in


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one source file: `path:line: field: message`."""

    path: Path
    line: int | None
    field: str | None
    message: str
    severity: Severity = "error"

    def __lt__(self, other: Problem) -> bool:
        # File order; in a file, the errors (what keeps the sheet from being built) before the warnings and notes;
        # then line order, a problem without a line (None) first.
        return self._order() < other._order()

    def _order(self) -> tuple:
        return (str(self.path), SEVERITIES.index(self.severity), self.line or 0, self.field or "", self.message)

    def __str__(self) -> str:
        where = str(self.path)
        if self.line is not None:
            where += f":{self.line}"
        parts = [where]
        if self.field:
            parts.append(self.field)
        if self.severity != "error":
            parts.append(self.severity)
        parts.append(self.message)
        return _one_line(": ".join(parts))

    def shown_from(self, root: Path) -> Problem:
        """Return the same problem with its path relative to `root` when it lies inside it."""
        try:
            return Problem(self.path.relative_to(root), self.line, self.field, self.message, self.severity)
        except ValueError:
            return self


def _one_line(text: str) -> str:
    """Show line breaks and other invisible characters as escapes, so that a problem always takes one line."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class SeriesConfigError(Exception):
    """The series settings or the command line cannot be used: nothing is built."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems
