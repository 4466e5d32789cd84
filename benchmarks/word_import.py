"""Measure `python build.py import` on a ten-page Word report, made here with python-docx.

    .venv/bin/python benchmarks/word_import.py [--repeat 5]

The report is the ten shipped English practices one after the other, each with its title as a heading, its summary
and its text (sections, lists, bold lead-ins), plus a small table, a picture (1,200 × 800 pixels, 8 cm wide) and a
footnote, and a comment on every other one: about 4,300 words, some ten pages in Word's default layout. It is
imported into a scratch copy of the shipped content: the whole command in a fresh process as a writer runs it
(start-up included), and inside one process, with the time split into its steps. Each figure is the median of the
runs. Needs the test extra (python-docx): `make .venv/.installed-test`.
"""

from __future__ import annotations

import argparse
import io
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge_bites.importing import body, command, package, pandoc  # noqa: E402
from tests.wordmaker import Report, png  # noqa: E402

_INLINE = re.compile(r"\*\*(.+?)\*\*|\*(.+?)\*")


def pieces(line: str) -> list[str | tuple[str, str]]:
    """Return a Markdown line as the pieces Report.paragraph takes: text, bold and italic runs."""
    out: list[str | tuple[str, str]] = []
    at = 0
    for match in _INLINE.finditer(line):
        out.append(line[at : match.start()])
        out.append(("bold", match[1]) if match[1] else ("italic", match[2]))
        at = match.end()
    return [*out, line[at:]]


def ten_page_report(target: Path) -> tuple[Path, int, float]:
    """Write the report; return its path, its words and its pages (500 words a page, a picture a quarter page)."""
    report = Report()
    report.title("Reintegration Assistance: Good, Promising and Innovative Practices")
    words = 0
    for number, source in enumerate(sorted((ROOT / "content" / "practices").glob("*.en.md")), start=1):
        front, text = source.read_text(encoding="utf-8").split("\n---\n", 1)
        title = re.search(r'^title: "(.*)"$', front, re.MULTILINE)[1]
        summary = " ".join(re.search(r"^summary: >\n((?:  .*\n?)+)", front, re.MULTILINE)[1].split())
        report.heading(title, 1)
        report.paragraph(summary)
        words += len(text.split()) + len(title.split()) + len(summary.split())
        bullets: list[str] = []
        for line in [*text.split("\n"), ""]:
            if line.startswith("- "):
                bullets.append(line[2:])
                continue
            if bullets:
                report.bullets([_INLINE.sub(lambda m: m[1] or m[2], bullet) for bullet in bullets])
                bullets = []
            if line.startswith("## "):
                report.heading(line[3:], 2)
            elif line.strip():
                paragraph = report.paragraph(*pieces(line))
                if line.startswith("Reintegration") or (number % 3 == 0 and "IOM" in line):
                    report.footnote(paragraph, f"From practice {number} of the series.")
        report.table([["practice", "sections"], [str(number), str(text.count("\n## "))]])
        report.picture(png(1200, 800, (30 * number % 255, 90, 170)), f"Picture of practice {number}")
        if number % 2:
            report.comment(report.paragraph(f"Practice {number} ends here."), "Check the figures", "Editor")
    report.save(target)
    return target, words, words / 500 + number / 4


def command_times(content: Path, document: Path, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, str(ROOT / "build.py"), "--content", str(content), "import", str(document), "--force"],
            capture_output=True,
            text=True,
            cwd=content.parent,
            check=False,
        )
        times.append(time.perf_counter() - started)
        assert done.returncode == 0, done.stdout + done.stderr
    return times


def step_times(content: Path, document: Path, repeat: int) -> dict[str, list[float]]:
    """Time the import's steps inside one process, then the whole import_document call."""
    steps: dict[str, list[float]] = {"check the zip": [], "pandoc reads": [], "walk + pandoc writes": [], "all": []}
    for _ in range(repeat):
        started = time.perf_counter()
        word = package.open_document(document)
        checked = time.perf_counter()
        tree = pandoc.read_docx(word.repacked())
        read = time.perf_counter()
        body.convert(tree, word, lambda n, suffix: f"images/x-{n}{suffix}", summary=False)
        walked = time.perf_counter()
        steps["check the zip"].append(checked - started)
        steps["pandoc reads"].append(read - checked)
        steps["walk + pandoc writes"].append(walked - read)
        started = time.perf_counter()
        assert command.import_document(content, lambda line: None, document, force=True) == 0
        steps["all"].append(time.perf_counter() - started)
    return steps


def main() -> None:
    parsed = argparse.ArgumentParser(description="Time the import of a ten-page Word report.")
    parsed.add_argument("--repeat", type=int, default=5, help="runs of each measurement (default: 5)")
    args = parsed.parse_args()
    with tempfile.TemporaryDirectory(prefix="knowledge-bites-import-bench-") as folder:
        content = Path(folder) / "content"
        shutil.copytree(ROOT / "content", content)
        document, words, pages = ten_page_report(Path(folder) / "report.docx")
        with zipfile.ZipFile(document) as archive:
            parts = len(archive.infolist())
        size = document.stat().st_size
        print(f"Report: {words:,} words, 10 pictures (about {pages:.0f} pages), {size / 1024:.0f} KB, {parts} parts")
        whole = command_times(content, document, args.repeat)
        print(
            f"  python build.py import      {statistics.median(whole):.2f} s   "
            f"(fresh process, start-up included; runs: {', '.join(f'{t:.2f}' for t in whole)} s)"
        )
        for name, times in step_times(content, document, args.repeat).items():
            print(f"  {name:<28}{statistics.median(times):.2f} s")
        out = io.StringIO()
        command.import_document(content, lambda line: out.write(line + "\n"), document, force=True)
        notes = sum(1 for line in out.getvalue().splitlines() if ": note: " in line)
        written = next((content / "practices").glob("11-*.md")).read_text(encoding="utf-8")
        print(f"  (notes printed: {notes}; the source written: {len(written.split()):,} words)")


if __name__ == "__main__":
    main()
