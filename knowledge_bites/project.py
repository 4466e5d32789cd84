"""Where a build reads from and writes to: the project's folders."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

CODE = Path(__file__).resolve().parent  # the package: its code is an input of every sheet


@dataclass(frozen=True)
class Project:
    """Where a build reads from and writes to."""

    root: Path
    content: Path
    output: Path
    locales: Path  # the label catalogs: messages.pot, and a folder per language

    @classmethod
    def at(
        cls, root: Path, content: Path | None = None, output: Path | None = None, locales: Path | None = None
    ) -> Project:
        """Return the project rooted at `root`, with the usual content, output and catalog folders by default."""
        root = root.resolve()
        return cls(
            root,
            (content or root / "content").resolve(),
            (output or root / "output").resolve(),
            (locales or root / "templates" / "locales").resolve(),
        )

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def styles(self) -> Path:
        return self.root / "styles"

    @property
    def asset_roots(self) -> list[Path]:
        """Return the folders sheets may read files from: the styles and the content."""
        return [self.styles, self.content]

    def input_roots(self) -> list[Path]:
        """Return the folders whose files can change a sheet: content, templates, styles, catalogs and the code."""
        roots = [self.content, self.templates, self.styles, CODE]
        return roots if any(self.locales.is_relative_to(r) for r in roots) else [*roots, self.locales]
