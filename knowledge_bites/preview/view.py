"""What the preview shows: every sheet of the series with its state, kept up to date from the build's events.

The view is plain data made from what the build tells (the series it loaded, each sheet's result, the build record)
and from what is in output/: it never lays out, draws or checks anything itself. It is changed by the thread that
builds and read, as JSON, by the server's.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ..files import relative_path
from ..freshness import intact
from ..names import SourceName
from ..pipeline import SheetResult
from ..printing.job import Fit
from ..printing.pictures import page_pictures, thumbnails
from ..problems import Problem
from ..project import Project
from ..record import Record
from ..render.languages import language_name, writing

if TYPE_CHECKING:
    from ..session import Outcome
    from ..sources import Series

OUTPUT_ROUTE = "/output"  # where the server serves the output folder
# How the page shows a sheet (assets/preview.js styles each): its last build was good, had warnings, or failed; or
# it has not been built yet.
OK, WARNINGS, FAILED, NEW = "ok", "warnings", "failed", "new"


@dataclass(frozen=True)
class Note:
    """A badge on a sheet from a check of the whole series, such as the state of its translations."""

    kind: str  # a short class name for the page's style: "missing", "out-of-date", "in-progress" (needs no action)
    text: str  # what the badge says


@dataclass(frozen=True)
class SheetView:
    """One practice in one language, as the preview shows it."""

    key: str  # the sheet's key, `07-pre-departure-assistance-morocco.en` (or its file name when it has none)
    number: int | None
    lang: str | None
    title: str | None
    source: str  # as the writer finds it: content/practices/07-….en.md
    status: str = NEW  # OK, WARNINGS, FAILED, or NEW: not built yet
    building: bool = False  # being printed by the build under way
    updating: bool = False  # waiting to be printed again because another source was saved: its pages are the last
    source_problems: tuple[str, ...] = ()  # found when the sources were loaded and checked
    layout_problems: tuple[str, ...] = ()  # found when the sheet was last laid out
    fit: Fit | None = None
    pdf: Path | None = None  # its last good PDF, when there is one
    sha256: str | None = None  # of that PDF: the pictures' addresses change with it, so the browser shows the new ones
    notes: tuple[Note, ...] = ()

    @property
    def problems(self) -> list[str]:
        """Return the sheet's problem lines, those that kept it from being built first, then warnings and notes."""
        lines = dict.fromkeys(self.source_problems + self.layout_problems)
        return sorted(lines, key=lambda line: ": warning: " in line or ": note: " in line)

    @property
    def current(self) -> bool:
        """Whether the pictures show the sheet as its sources are now (a sheet updating waits for its new pages)."""
        return self.status in (OK, WARNINGS) and self.pdf is not None and not self.updating

    def as_json(self, project: Project) -> dict[str, Any]:
        output = project.output
        pdf = self.pdf if self.pdf is not None and self.pdf.is_file() else None
        pages = [p.path for p in page_pictures(output, pdf)] if pdf else []
        small = min(thumbnails(output, pdf), key=lambda t: t.width).path if pdf else None
        return {
            "key": self.key,
            "number": self.number,
            "lang": self.lang,
            "title": self.title,
            "source": self.source,
            "status": self.status,
            "current": self.current,
            "building": self.building,
            "updating": self.updating,
            "problems": self.problems,
            "fit": str(self.fit) if self.fit else None,
            "room": self.fit.room if self.fit else None,
            "pdf": self._address(pdf, output),
            "pages": [self._address(page, output) for page in pages if page.is_file()],
            "thumbnail": self._address(small, output) if small and small.is_file() else None,
            "notes": [asdict(note) for note in self.notes],
        }

    def _address(self, path: Path | None, output: Path) -> str | None:
        if path is None:
            return None
        return f"{OUTPUT_ROUTE}/{quote(relative_path(path, output))}?v={(self.sha256 or '')[:16]}"


def sheet_key(source: Path) -> str:
    """Return the key of the sheet a source file holds, from its name alone (a source that did not load has no
    Sheet): `07-pre-departure-assistance-morocco.en`; or the file's name, when it is not a practice's."""
    name = SourceName.parse(source.name)
    return name.key if name else source.name


def sheet_notes(series: Series) -> dict[str, list[Note]]:
    """Return the notes of each sheet from the translation state of the series (sources/translations.py), by key.

    A translation that is out of date says so, with what changed. Every sheet of a practice says which complete
    language it is not yet in, as something to do; a language in progress lacks practices as a matter of course,
    and only the reference-language sheet says so, quietly.
    """
    names = language_names(series)
    keys: dict[int, list[str]] = {}
    for source in [s.source for s in series.sheets] + list(series.failed_sources):
        if name := SourceName.parse(source.name):
            keys.setdefault(name.number, []).append(name.key)
    notes: dict[str, list[Note]] = {}
    for state in series.translations.states:
        if state.status == "out of date":
            notes.setdefault(sheet_key(state.source), []).append(Note("out-of-date", f"out of date: {state.why}"))
        elif state.status == "missing":
            quiet = series.settings.in_progress(state.lang) or series.settings.practice_in_progress(state.number)
            kind = "in-progress" if quiet else "missing"
            for key in keys.get(state.number, []):
                if kind == "missing" or key.endswith(f".{series.translations.reference}"):
                    notes.setdefault(key, []).append(Note(kind, names[state.lang]))
    return {key: _missing_together(found) for key, found in notes.items()}


def _missing_together(notes: list[Note]) -> list[Note]:
    """Say the languages a sheet lacks in one note of each kind: `no French, Portuguese and Arabic version yet`."""
    together: list[Note] = []
    for note in notes:
        if note.kind == "out-of-date":
            together.append(note)
        elif not any(n.kind == note.kind for n in together):
            named = [n.text for n in notes if n.kind == note.kind]
            listed = f"{', '.join(named[:-1])} and {named[-1]}" if len(named) > 1 else named[0]
            together.append(Note(note.kind, f"no {listed} version{'s' if len(named) > 1 else ''} yet"))
    return together


def language_names(series: Series) -> dict[str, str]:
    """Return the English name of each language of the series: the preview speaks English, as the build does."""
    return {code: language_name(series.settings, code) for code in series.settings.languages}


@dataclass
class View:
    """The preview's view of the series: changed by the build's events, read as JSON."""

    project: Project
    sheets: dict[str, SheetView] = field(default_factory=dict)  # in series order
    series_name: str | None = None
    languages: dict[str, str] = field(default_factory=dict)  # code: English name
    directions: dict[str, str] = field(default_factory=dict)  # code: "ltr" or "rtl", as its sheets read
    building: bool = False
    changed: list[str] = field(default_factory=list)  # the files whose saving started the build under way
    error: list[str] = field(default_factory=list)  # why the series cannot be built at all: fills the page
    notices: list[str] = field(default_factory=list)  # problems of the series, not of one sheet (a catalog's)
    summary: str | None = None  # the closing line of the last build
    builds: int = 0  # builds ended: the page tells an update from its first state

    def shown(self, path: Path) -> str:
        return str(path.relative_to(self.project.root)) if path.is_relative_to(self.project.root) else str(path)

    def lines(self, problems: Iterable[Problem]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(str(p.shown_from(self.project.root)) for p in problems))

    # --- Events ---------------------------------------------------------------------------------

    def begin(self, changed: Sequence[Path]) -> None:
        self.building = True
        self.changed = [self.shown(path) for path in changed]

    def loaded(self, series: Series, notes: Mapping[str, Sequence[Note]], record: Record | None) -> None:
        """Take the sheets, titles and source problems of the series just loaded; keep what is known of each PDF
        (from the build record as the build found it)."""
        self.error = []
        self.series_name = series.settings.series_name[series.settings.reference_language]
        self.languages = language_names(series)
        self.directions = {code: writing(locale).direction for code, locale in series.settings.languages.items()}
        recorded = record.sheets if record is not None else {}
        by_source: dict[Path, list[Problem]] = {}
        for problem in series.problems:
            by_source.setdefault(problem.path, []).append(problem)
        found: list[SheetView] = []
        failed = set(series.failed_sources)
        for sheet in series.sheets:
            found.append(self._sheet(sheet.key, sheet.source, sheet.meta.number, sheet.lang, sheet.meta.title))
        for source in sorted(failed - {sheet.source for sheet in series.sheets}):
            name = SourceName.parse(source.name)
            number, lang = (name.number, name.lang) if name else (None, None)
            key = sheet_key(source)
            known = self.sheets.get(key)
            found.append(self._sheet(key, source, number, lang, known.title if known else None))
        found.sort(key=lambda v: (v.number is None, v.number or 0, series.settings.order(v.lang)))
        sheets = {}
        for view in found:
            source = self.project.root / view.source
            view = replace(
                view,
                source_problems=self.lines(sorted(by_source.get(source, []))),
                notes=tuple(notes.get(view.key, ())),
            )
            if source in failed:
                # Its text did not load or did not pass the checks: how it was laid out last says nothing of it.
                view = replace(view, status=FAILED, building=False, updating=False, layout_problems=(), fit=None)
            if (
                view.pdf is None
                and (known := recorded.get(view.key)) is not None
                and intact(self.project.output, known)
            ):
                status = view.status if view.status != NEW else OK
                pdf = self.project.output / known.pdf
                fit = known.fit or view.fit if status != FAILED else None  # not built: its room is not known
                view = replace(view, pdf=pdf, sha256=known.sha256, fit=fit, status=status)
            sheets[view.key] = view
        self.sheets = sheets

    def _sheet(self, key: str, source: Path, number: int | None, lang: str | None, title: str | None) -> SheetView:
        """Return a sheet's view with these facts, and what the view knew of its last build."""
        known = self.sheets.get(key)
        fresh = SheetView(key, number, lang, title, self.shown(source))
        if known is None:
            return fresh
        return replace(known, number=number, lang=lang, title=title or known.title, source=fresh.source)

    def printing(self, keys: Iterable[str], saved: Collection[str] = ()) -> None:
        """Mark the sheets about to be printed: those of the files saved are building; the others that have pages
        are updating (the saved sheet comes first, and they follow), neither failed nor current meanwhile."""
        for key in keys:
            if (view := self.sheets.get(key)) is not None:
                updating = key not in saved and view.pdf is not None and view.status != FAILED
                self.sheets[key] = replace(view, building=True, updating=updating)

    def printed(self, result: SheetResult) -> SheetView | None:
        """Take a sheet's result; return its view, or None when the sheet is not in the view."""
        view = self.sheets.get(result.key)
        if view is None:
            return None
        problems = self.lines(result.problems)
        if result.status == "failed":
            # Only a sheet that ran over has a room figure (the words to cut): that of its last build is gone.
            view = replace(
                view, status=FAILED, building=False, updating=False, layout_problems=problems, fit=result.fit
            )
        elif result.status in ("built", "up to date"):
            # A source with an error does not reach the printer: what it was told at loading can only be warnings.
            warned = problems or view.source_problems
            view = replace(
                view,
                status=WARNINGS if warned else OK,
                building=False,
                updating=False,
                layout_problems=problems if result.status == "built" else view.layout_problems,
                fit=result.fit or view.fit,
                pdf=result.pdf or view.pdf,
                sha256=result.sha256 or view.sha256,
            )
        self.sheets[result.key] = view
        return view

    def end(self, outcome: Outcome) -> None:
        """Close the build: every sheet is settled; a series that could not be built fills the page."""
        self.building = False
        self.changed = []
        self.builds += 1
        self.sheets = {key: replace(view, building=False, updating=False) for key, view in self.sheets.items()}
        if outcome.series is None and outcome.stopped:
            self.error = list(outcome.stopped)
        elif outcome.stopped:  # the series is fine, but this build could not run (another one writes to output/)
            self.notices = list(outcome.stopped)
        if outcome.report is not None:
            for result in outcome.report.results:  # the sheets found up to date are told only here
                self.printed(result)
            sources = {self.project.root / view.source for view in self.sheets.values()}
            self.notices = [line for p in outcome.report.problems if p.path not in sources for line in self.lines([p])]
            from ..session import summary

            self.summary = summary(outcome.report)
        if outcome.outputs is not None:
            self.notices += list(outcome.outputs.problems)

    # --- JSON -----------------------------------------------------------------------------------

    def as_json(self) -> dict[str, Any]:
        return {
            "series": self.series_name,
            "languages": [
                {"code": code, "name": name, "dir": self.directions.get(code, "ltr")}
                for code, name in self.languages.items()
            ],
            "building": self.building,
            "changed": self.changed,
            "error": self.error,
            "notices": self.notices,
            "summary": self.summary,
            "builds": self.builds,
            "sheets": [view.as_json(self.project) for view in self.sheets.values()],
        }
