"""Where a build reads and writes, and the names of the files it reads and writes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .record import shared_inputs, tree_stamp

CODE = Path(__file__).resolve().parent  # the package: its code is an input of every sheet
# A practice source: `07-pre-departure-assistance-morocco.es.md` (number, English slug, language).
PRACTICE_FILE = re.compile(r"^(?P<number>\d+)-(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)\.(?P<lang>[A-Za-z_-]+)\.md$")


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

    def stamp(self) -> str:
        """Fingerprint the names, sizes and times of every input file (see record.tree_stamp)."""
        return tree_stamp(self.input_roots())

    def shared_inputs(self) -> str:
        """Fingerprint, by content, what every sheet depends on: templates, styles, code and the layout engine.

        The catalogs are left out: each is an input of its own language's sheets only."""
        return shared_inputs([self.templates, self.styles, CODE], leave_out=self.locales)


def file_prefix(short_name: str) -> str:
    """Return a series' short name as it starts file names: `Knowledge Bites` gives `knowledge-bites`."""
    return re.sub(r"[^a-z0-9]+", "-", short_name.lower()).strip("-")


def pdf_file_name(prefix: str, number: int, slug: str, lang: str) -> str:
    """Return the file name of a sheet's PDF, e.g. `knowledge-bites-10-afghanistan-smes-es.pdf`."""
    return f"{prefix}-{number:02d}-{slug}-{lang}.pdf"
