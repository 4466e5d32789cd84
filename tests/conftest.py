"""Shared fixtures: the real project, and scratch copies of its content to change freely."""

from __future__ import annotations

import atexit
import gc
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from filelock import FileLock
from hypothesis import HealthCheck, settings
from hypothesis.configuration import set_hypothesis_home_dir
from PIL import Image, ImageDraw

from knowledge_bites.cli import main
from knowledge_bites.project import Project
from knowledge_bites.render.languages import Languages
from knowledge_bites.sources import Series, load_settings

ROOT = Path(__file__).resolve().parent.parent

# Property-based tests: a modest number of examples in `make test`; thousands with
# HYPOTHESIS_PROFILE=fuzz (see README, "When something is wrong"). No example database is kept,
# so the tests never write into the repository.
settings.register_profile(
    "default", max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "fuzz", max_examples=5000, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
# What Hypothesis keeps besides examples (its caches) goes to a temporary folder, not into the repository.
_hypothesis_home = tempfile.mkdtemp(prefix="knowledge-bites-hypothesis-")
set_hypothesis_home_dir(_hypothesis_home)
atexit.register(shutil.rmtree, _hypothesis_home, ignore_errors=True)
# The builds' cache of converted fonts, for this test run only (the commands the tests start inherit it).
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="knowledge-bites-cache-")
atexit.register(shutil.rmtree, os.environ["XDG_CACHE_HOME"], ignore_errors=True)

# How `make test` shares the cores (pytest-xdist, `--dist loadgroup`). Tests that share a costly set-up run in one
# test process, so that it is made once: those that share one held in memory (every sheet laid out once, one
# preview server with one browser), and those of a module with a fixture for the whole module (a project built
# once for its tests). The modules marked `waits` (writers' pauses longer than the time limit) start first, so that
# the other tests use the cores while they wait rather than after.
SHARED_IN_MEMORY = {"shipped_layouts": "shipped-layouts", "server": "preview-browser", "browser": "preview-browser"}


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist's own hook, which reads the groups from the marks
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.pluginmanager.hasplugin("xdist"):  # run in one process (-p no:xdist): nothing to group
        return
    for item in items:
        if (group := _shared_set_up(item)) is not None:
            item.add_marker(pytest.mark.xdist_group(group))
    items.sort(key=lambda item: item.get_closest_marker("waits") is None)  # stable: the rest keep their order


def pytest_collection_finish(session: pytest.Session) -> None:
    """Stop at once when pytest-xdist did not group the tests: nothing would fail, the suite would only take longer
    (pytest 9.2's node ids end --dist loadgroup: pytest-xdist issue #1386)."""
    if not session.config.getoption("loadgroup", False):
        return
    if any(item.get_closest_marker("xdist_group") and "@" not in item.nodeid for item in session.items):
        raise pytest.UsageError("pytest-xdist does not group the tests with this pytest: install requirements.lock")


def _shared_set_up(item: pytest.Item) -> str | None:
    """Return the group of tests whose set-up this one shares, or None if it has none of its own."""
    names = getattr(item, "fixturenames", ())
    for fixture in names:
        if fixture in SHARED_IN_MEMORY:
            return SHARED_IN_MEMORY[fixture]
    info = getattr(item, "_fixtureinfo", None)
    definitions = info.name2fixturedefs if info is not None else {}
    if any(d.scope == "module" for fixture in names for d in definitions.get(fixture, ())):
        return item.module.__name__ if isinstance(item, pytest.Function) else None
    return None


GOOD_FRONT_MATTER = """\
number: 3
title: "Support for Entrepreneurship in Burkina Faso"
classification: good
classification_reason: "Listed among the series' good-practice sheets."
countries: [BF]
regions: [west-central-africa]
published: 2026-11-23
key_figures:
  - value: 1589
    label: "beneficiaries attended orientation sessions"
    as_of: "2019-12"
summary: >
  A short summary of the practice.
"""

GOOD_BODY = """
## Context

Returnees start small businesses.

## Recommendations

- Plan early.
- Follow up.
"""


def practice(front_matter: str = GOOD_FRONT_MATTER, body: str = GOOD_BODY) -> str:
    """Return the text of a practice source from its front matter and body."""
    return f"---\n{textwrap.dedent(front_matter)}---\n{body}"


@pytest.fixture(scope="session", autouse=True)
def _free_weasyprint_at_the_end():
    """Free the in-process builds' WeasyPrint set-up before Python shuts down (its font clean-up fails then)."""
    yield
    if (printer := sys.modules.get("knowledge_bites.printing.printer")) is not None:
        printer._printers.clear()
    gc.collect()


@pytest.fixture
def root() -> Path:
    """The project's own folder (templates, styles, shipped content): read, never written."""
    return ROOT


@pytest.fixture
def settings():
    """The shipped series settings."""
    return load_settings(ROOT / "content" / "series.yaml")


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    """A content folder with the shipped series.yaml and no practices yet."""
    content = tmp_path / "content"
    (content / "practices").mkdir(parents=True)
    shutil.copy(ROOT / "content" / "series.yaml", content / "series.yaml")
    return content


@pytest.fixture
def shipped_copy(tmp_path: Path) -> Path:
    """A copy of the shipped content folder, to add or change practices."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    return content


def copy_project(folder: Path, practices: list[str]) -> Path:
    """Copy templates, styles, series.yaml and these shipped practices (both languages) into a scratch project."""
    shutil.copytree(ROOT / "templates", folder / "templates")
    shutil.copytree(ROOT / "styles", folder / "styles")
    (folder / "content" / "practices").mkdir(parents=True)
    shutil.copy(ROOT / "content" / "series.yaml", folder / "content" / "series.yaml")
    for name in practices:
        for lang in ("en", "es"):
            shutil.copy(ROOT / "content" / "practices" / f"{name}.{lang}.md", folder / "content" / "practices")
    return folder


def start_interruptible(command: list[str], cwd: Path) -> subprocess.Popen[str]:
    """Start a command that the test will stop with Ctrl-C (SIGINT), its output and errors in one text stream.

    Tests run as a background job start with SIGINT ignored and pass that on; the command starts with the
    default handling again, so that the interruption reaches it.
    """
    return subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=cwd,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def compiled_languages(series: Series) -> Languages:
    """Compile the label catalogs of a series' languages, as a build does."""
    return Languages.compile(series.settings, Project.at(ROOT).locales)


def run_build(root: Path, *args: str) -> tuple[int, str]:
    """Run the build command in-process; return its exit status and everything it printed."""
    out = io.StringIO()
    status = main(list(args), root=root, out=out)
    return status, out.getvalue()


@dataclass(frozen=True)
class BuiltSeries:
    """The shipped series, built once per test session into a temporary output folder."""

    output: Path
    status: int
    log: str


def built_once(tmp_path_factory, name: str, build: Callable[[Path], tuple[int, str]]) -> BuiltSeries:
    """Build into a folder that every test process of this run shares: the first to ask builds, under a file
    lock, and the others wait for it and read what it built (the pattern pytest-xdist documents)."""
    base = tmp_path_factory.getbasetemp()
    # A test process of pytest-xdist has a folder of its own inside the run's: that run's folder is shared.
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder, done = shared / name, shared / f"{name}.json"
    with FileLock(str(shared / f"{name}.lock")):
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)  # what a process that failed half-way left
            folder.mkdir()
            status, log = build(folder)
            done.write_text(json.dumps({"status": status, "log": log}), encoding="utf-8")
        built = json.loads(done.read_text(encoding="utf-8"))
    return BuiltSeries(folder / "output", built["status"], built["log"])


@pytest.fixture(scope="session")
def shipped_build(tmp_path_factory) -> BuiltSeries:
    """Build the shipped series once for every test that only reads the outputs."""

    def build(folder: Path) -> tuple[int, str]:
        return run_build(ROOT, "--output", str(folder / "output"), "--jobs", "2")

    return built_once(tmp_path_factory, "shipped", build)


def set_pdf_profile(content: Path, value: str) -> None:
    """Set `pdf_profile` in the series.yaml of a scratch content folder."""
    settings = content / "series.yaml"
    text = re.sub(r"^pdf_profile:.*$", "", settings.read_text(encoding="utf-8"), flags=re.MULTILINE)
    settings.write_text(f"{text}\npdf_profile: {value}\n", encoding="utf-8")


@pytest.fixture(scope="session")
def archival_build(tmp_path_factory) -> BuiltSeries:
    """Build the shipped series once with `pdf_profile: archival` (PDF/A-3a and PDF/UA-1)."""

    def build(folder: Path) -> tuple[int, str]:
        content = folder / "content"
        shutil.copytree(ROOT / "content", content)
        set_pdf_profile(content, "archival")
        return run_build(ROOT, "--content", str(content), "--output", str(folder / "output"), "--jobs", "2")

    return built_once(tmp_path_factory, "archival", build)


# --- Shipped sheets, for per-sheet checks of the outputs (accessibility, typography, visual) --------------------


@dataclass(frozen=True)
class ShippedSheet:
    """One shipped sheet: its key, language and the path of its PDF inside a build's output folder."""

    key: str
    lang: str
    pdf: Path  # relative to the output folder


def shipped_sheets() -> list[ShippedSheet]:
    """Return every sheet of the shipped series, in series order (read at collection time, to name the tests)."""
    from knowledge_bites.sources import load_series

    series = load_series(ROOT / "content")
    names = series.names(Path())
    return [ShippedSheet(s.key, s.lang, names.pdf(s.name)) for s in series.sheets]


@dataclass(frozen=True)
class LaidOutSheet:
    """The WeasyPrint layout of one shipped sheet, to check the page boxes themselves."""

    key: str
    lang: str
    title: str
    document: object  # weasyprint.Document


def laid_out(content: Path, keys: tuple[str, ...] = ()) -> dict[str, LaidOutSheet]:
    """Lay out the sheets of a content folder (all, or those with these keys) exactly as the build does (no PDF
    written), for layout checks."""
    from knowledge_bites.pipeline import Options, preparer
    from knowledge_bites.printing.contract import lay_out
    from knowledge_bites.printing.printer import Printer
    from knowledge_bites.sources import load_series

    series = load_series(content)
    prepare = preparer(Project.at(ROOT, content), series, compiled_languages(series), options=Options())
    printer = Printer(ROOT / "styles", [ROOT / "styles", content])
    layouts = {}
    for sheet in series.sheets:
        if keys and sheet.key not in keys:
            continue
        document = lay_out(printer, prepare(sheet), ROOT.as_uri() + "/").document
        layouts[sheet.key] = LaidOutSheet(sheet.key, sheet.lang, sheet.meta.title, document)
    return layouts


@pytest.fixture(scope="session")
def shipped_layouts() -> dict[str, LaidOutSheet]:
    """Lay out every shipped sheet once (no PDF written), the way the build does, for layout checks."""
    return laid_out(ROOT / "content")


# --- A practice with a photo (the shipped series has none) -------------------------------------------------------

PHOTO_KEY = "07-pre-departure-assistance-morocco.en"
PHOTO_TOP = (230, 40, 40)  # the test picture's top band: red
PHOTO_BOTTOM = (40, 200, 40)  # its bottom band: bright green


def make_test_picture(size: tuple[int, int]) -> Image.Image:
    """Return a picture to test how photos are shown: a grid, a band of PHOTO_TOP across its top tenth and one of
    PHOTO_BOTTOM across its bottom tenth, and a white disc in its middle."""
    width, height = size
    picture = Image.new("RGB", size, (70, 120, 150))
    draw = ImageDraw.Draw(picture)
    for x in range(0, width, 100):
        draw.line([(x, 0), (x, height)], fill=(200, 210, 220), width=3)
    for y in range(0, height, 100):
        draw.line([(0, y), (width, y)], fill=(200, 210, 220), width=3)
    draw.rectangle([0, 0, width - 1, height // 10], fill=PHOTO_TOP)
    draw.rectangle([0, height - height // 10, width - 1, height - 1], fill=PHOTO_BOTTOM)
    draw.ellipse([width // 2 - height // 6, height // 3, width // 2 + height // 6, 2 * height // 3], fill="white")
    return picture


def add_photo_practice(content: Path, size: tuple[int, int] = (1600, 1000), focus: str | None = None) -> None:
    """Make a scratch copy of the shipped series a test series with a photo, in English only.

    Practice #7 keeps its own facts and text, with a photo (a generated test picture), one key figure instead of
    three, and without its 'Lessons learned' section, so that it still fits two pages beside the photo.
    """
    only_languages(content, "en")
    for other in (content / "practices").glob("*.md"):
        if not other.name.endswith(".en.md"):
            other.unlink()
    (content / "images").mkdir(exist_ok=True)
    make_test_picture(size).save(content / "images" / "test-picture.png")
    source = content / "practices" / "07-pre-departure-assistance-morocco.en.md"
    text = source.read_text(encoding="utf-8")
    figures = re.search(r"key_figures:\n(?:  - .*\n(?:    .*\n)*)+", text)
    assert figures is not None, "#7 has key figures"
    one_figure = re.search(r"  - value: 1589\n(?:    .*\n)*", figures[0])
    assert one_figure is not None, "#7 counts 1,589 beneficiaries"
    photo = (
        'photo:\n  file: "images/test-picture.png"\n  alt: "A test picture: a grid on blue, with a red band '
        'across its top and a green band across its bottom"\n  credit: "Test picture"\n'
    ) + (f'  focus: "{focus}"\n' if focus else "")
    text = text.replace(figures[0], "key_figures:\n" + one_figure[0] + photo)
    text, removed = re.subn(r"\n## Lessons learned\n.*?(?=\n## )", "\n", text, flags=re.S)
    assert removed == 1, "#7 has a 'Lessons learned' section"
    source.write_text(text, encoding="utf-8")


# --- Which files a piece of code opens, seen through Python's audit hooks ---------------------

_opened: list[tuple[str, bool]] | None = None
_forbidden: set[str] = set()


class ForbiddenOpenError(Exception):
    """Code under test tried to open a file it must never open."""


def _on_audit_event(event: str, args: tuple) -> None:
    if event == "open" and _opened is not None and isinstance(args[0], str | bytes | os.PathLike):
        path, mode, flags = args
        writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            isinstance(flags, int) and bool(flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))
        )
        _opened.append((os.fsdecode(path), writing))
        if os.path.realpath(os.fsdecode(path)) in _forbidden:
            # Raised before the file is opened: a pipe or a device would otherwise block or never end.
            raise ForbiddenOpenError(os.fsdecode(path))


sys.addaudithook(_on_audit_event)  # a hook cannot be removed: it records only inside recording_opens()


@contextmanager
def recording_opens(forbidden: tuple[Path | str, ...] = ()) -> Iterator[list[tuple[str, bool]]]:
    """Record (path, opened for writing) for every file Python code opens inside the block.

    Opening one of `forbidden` (compared after following links) raises ForbiddenOpenError instead.
    """
    global _opened, _forbidden
    _opened, _forbidden = (opened := []), {os.path.realpath(path) for path in forbidden}
    try:
        yield opened
    finally:
        _opened, _forbidden = None, set()


def only_languages(content: Path, *codes: str) -> None:
    """Keep only these languages in a scratch series.yaml (so a lone English file is no missing twin)."""
    path = content / "series.yaml"
    settings = yaml.safe_load(path.read_text(encoding="utf-8"))
    settings["languages"] = {code: settings["languages"][code] for code in codes}
    settings["languages_in_progress"] = [code for code in settings.get("languages_in_progress", []) if code in codes]
    path.write_text(yaml.safe_dump(settings, allow_unicode=True, sort_keys=False), encoding="utf-8")
