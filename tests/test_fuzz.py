"""Random sources never crash the build, never escape the sandbox and never write outside output/.

`make test` runs a modest number of examples; `HYPOTHESIS_PROFILE=fuzz` runs thousands (see README).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from datetime import date
from pathlib import Path

import yaml
from hypothesis import event, given, settings
from hypothesis import strategies as st

from knowledge_bites.render.sheet import Renderer
from knowledge_bites.sources import PracticeMeta, load_series

from .conftest import GOOD_FRONT_MATTER, ROOT, compiled_languages, recording_opens, run_build

FUZZ = os.environ.get("HYPOTHESIS_PROFILE") == "fuzz"
NAME = "03-entrepreneurship.en.md"
GOOD = yaml.safe_load(GOOD_FRONT_MATTER)
W = "Reintegration" * 23

# --- What careless, hurried or hostile writers put in a source ----------------------------------

TRICKY_TEXT = [
    "BF",
    "bf",
    "XY",
    "good",
    "great",
    "2019-12",
    "2026-11-23",
    "2026-02-30",
    "images/x.png",
    "../../etc/passwd",
    "/dev/urandom",
    "file:///etc/hostname",
    "https://example.org/x.png",
    "data:image/png;base64,AAAA",
    "{{ 7 * 7 }}",
    "{% include 'sheet.html' %}",
    "<script>alert(1)</script>",
    "Tools & <b>trade</b> 'q' \"qq\"",
    W,
    "\u202etxet",
    "\x00",
    "\x0b",
    "\u2028",
    "",
    " ",
    "~",
    "no",
    "1,589",
    "60%",
]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**15),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.dates(min_value=date(1, 1, 1)),
    st.sampled_from(TRICKY_TEXT),
)
SUBKEYS = ["value", "label", "as_of", "unit", "start", "end", "file", "alt", "credit", "bogus"]
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.sampled_from(SUBKEYS), inner, max_size=4),
    max_leaves=10,
)
KEYS = [*PracticeMeta.model_fields, "tittle", "colour"]
# Mostly a good front matter with a few fields changed or dropped, so that many examples reach rendering.
near_good = st.builds(
    lambda changes, dropped: {**{k: v for k, v in GOOD.items() if k not in dropped}, **changes},
    st.dictionaries(st.sampled_from(KEYS), values, max_size=3),
    st.sets(st.sampled_from(list(GOOD)), max_size=2),
)
any_mapping = st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=10), values, max_size=12)


def _dump(data: object, flow: bool) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=flow)


def _mutate(text: str, position: int, insert: str) -> str:
    position %= len(text) + 1
    return text[:position] + insert + text[position:]


front_matters = st.one_of(
    st.builds(_dump, near_good, st.booleans()),
    st.builds(_dump, any_mapping, st.booleans()),
    st.builds(_mutate, st.just(GOOD_FRONT_MATTER), st.integers(0, 10**4), st.text(max_size=12)),
    st.builds(
        _mutate,
        st.just(GOOD_FRONT_MATTER),
        st.integers(0, 10**4),
        st.sampled_from(["\t", ": ", "- ", "&a ", "*a", "!!python/object:os.system ", "\n---\n", "'", '"', "{", "["]),
    ),
    st.text(max_size=200),
)
FRAGMENTS = [
    "## Context",
    "# Big title",
    "### Small",
    "- item",
    "1. one",
    "> quote",
    "```\ncode\n```",
    "    indented code",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "| " + " | ".join("x" * 40) + " |\n|" + "---|" * 40,
    "<script>alert(1)</script>",
    "x <script>alert(1)</script> y",
    "<img src=x onerror=alert(1)>",
    "<iframe src=https://example.org></iframe>",
    "<style>* { display: none }</style>",
    "<!-- note",
    '<link rel="stylesheet" href="file:///etc/passwd">',
    '<a href="javascript:alert(1)">j</a>',
    "[x](javascript:alert(1))",
    "[x](file:///etc/passwd)",
    "[x](https://example.org)",
    "<x@example.org>",
    "![i](../../etc/passwd)",
    "![i](https://example.org/i.png)",
    "![i](/dev/urandom)",
    "![i](images/none.png)",
    "![i][r]\n\n[r]: file:///etc/hostname",
    W,
    "https://example.org/" + "a" * 250,
    "{{ 7 * 7 }}",
    "{% raw %}",
    "&amp; &lt; &#0; &#xD800; &nbsp;",
    "> " * 80 + "deep",
    "\x00",
    "\x0b",
    "\x1c",
    "\u2028",
    "\ufeff",
]
bodies = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=60), max_size=10).map("\n\n".join)
sources = st.one_of(
    st.builds(lambda fm, body: f"---\n{fm}---\n{body}".encode(errors="surrogatepass"), front_matters, bodies),
    st.builds(lambda fm, body: f"---\n{fm}\n{body}".encode(errors="surrogatepass"), front_matters, bodies),
    st.binary(max_size=300),
    st.builds(
        lambda fm, body: ("\ufeff---\n" + fm + "---\n" + body).replace("\n", "\r\n").encode(errors="surrogatepass"),
        front_matters,
        bodies,
    ),
)
# A valid front matter whose texts are anything at all: these reach layout.
texts = (st.text(min_size=1, max_size=120) | st.sampled_from(TRICKY_TEXT)).filter(lambda text: bool(text.strip()))


def _with_texts(title: str, summary: str, label: str, project: str, partners: list[str]) -> str:
    figures = [{**GOOD["key_figures"][0], "label": label}]
    texts = {"title": title, "summary": summary, "project": project, "partners": partners, "key_figures": figures}
    return _dump({**GOOD, **texts}, False)


valid_front_matters = st.builds(_with_texts, texts, texts, texts, texts, st.lists(texts, max_size=3))
valid_sources = st.builds(
    lambda fm, body: f"---\n{fm}---\n{body}".encode(errors="surrogatepass"), valid_front_matters, bodies
)
good_sources = st.builds(
    lambda fm, body: f"---\n{fm}---\n{body}".encode(errors="surrogatepass"),
    st.builds(_dump, near_good, st.booleans()),
    bodies,
)


def _scratch(folder: Path, source: bytes) -> Path:
    content = folder / "content"
    (content / "practices").mkdir(parents=True)
    shutil.copy(ROOT / "content" / "series.yaml", content / "series.yaml")
    (content / "practices" / NAME).write_bytes(source)
    return content


def _check_problems(series, content: Path) -> None:
    for problem in series.problems:
        assert "\n" not in str(problem), str(problem)  # one line each, like compiler output
        assert problem.path.is_relative_to(content), problem


@given(source=sources)
def test_loading_never_crashes_and_reports_one_line_per_problem(source):
    with tempfile.TemporaryDirectory() as folder:
        content = _scratch(Path(folder), source)
        series = load_series(content)
        _check_problems(series, content)
        assert len(series.sheets) + len(series.failed_sources) == 1


_ADDRESSES = re.compile(r'(?:src|href)="([^"]*)"')


@given(source=sources | good_sources | valid_sources)
def test_rendering_never_crashes_and_leaves_nothing_active(source):
    with tempfile.TemporaryDirectory() as folder:
        content = _scratch(Path(folder), source)
        series = load_series(content)
        _check_problems(series, content)
        event("loaded" if series.sheets else "refused")
        if not series.sheets:
            return
        rendered = Renderer(ROOT / "templates", ROOT, series, compiled_languages(series)).render(series.sheets[0])
        body = rendered.split('<main class="body">')[1].split("</main>")[0]
        assert not re.search(r"<(script|style|iframe|link|object|meta|base)\b", body, re.IGNORECASE)
        assert not re.search(r"\son\w+\s*=", body, re.IGNORECASE)
        for address in _ADDRESSES.findall(body):
            assert re.match(r"(https?:|mailto:)", address) or address.startswith(content.resolve().as_uri() + "/")


@settings(max_examples=60 if FUZZ else 4)
@given(source=valid_sources | good_sources | sources)
def test_a_whole_build_never_crashes_and_writes_only_into_its_output_folder(source):
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        content = _scratch(folder, source)
        output = folder / "out"
        before = sorted(p.relative_to(folder) for p in folder.rglob("*"))
        with recording_opens() as opened:
            status, log = run_build(ROOT, "--content", str(content), "--output", str(output), "--jobs", "1")
        event(f"exit status {status}")
        assert status in (0, 1), log
        assert "Traceback" not in log, log
        # Every file written and still there must be inside the output folder. Not counted: WeasyPrint hands
        # the stylesheet's fonts to fontconfig through a temporary folder of its own, which it removes later,
        # and Python's tempfile module probes the temporary folder once, /dev/null aside.
        fonts = str(Path(tempfile.gettempdir(), "weasyprint-"))
        kept = {Path(path).resolve() for path, writing in opened if writing and Path(path).is_file()}
        outside = [p for p in kept if not p.is_relative_to(output.resolve()) and not str(p).startswith(fonts)]
        assert outside == [], outside
        after = sorted(p.relative_to(folder) for p in folder.rglob("*") if not p.is_relative_to(output))
        assert after == before  # nothing new beside the output folder, the content untouched
        assert not [p for p in output.rglob("*.tmp")]
        named = {"/etc/passwd", "/etc/hostname", "/dev/urandom"}  # the outside files the sources name
        assert not named & {str(Path(path).resolve()) for path, _ in opened}
