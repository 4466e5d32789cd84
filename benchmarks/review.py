"""Measure the review against a release: after a style change that touches every sheet, next to a full build.

    .venv/bin/python benchmarks/review.py [--sheets 400] [--repeat 3]

Everything happens in a temporary copy of the project; the repository is only read. It prints:

- the shipped series: a full build (`python build.py`, in-process, two worker processes) after a brand colour
  changed in `styles/brand.css`, which changes every page of every sheet; then `python build.py review` against
  the release made before the change (the comparison of every page's pictures, the text of every part, and
  output/review/index.html with its pictures), the median of the runs, and its share of the build;
- the same comparison at `--sheets` sheets: the shipped sheets' pictures, before and after the change, stand in
  for that many sheets (linked, not copied, so that each is read from disk as a real one would be), every one of
  them changed; the full build at that size is the shipped build's time per sheet times the count (a build's
  time grows with its sheets: see benchmarks/bench.py);
- the size of the release folder, and how much each later release adds when only a few sheets changed.
"""

from __future__ import annotations

import argparse
import io
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge_bites.cli import main  # noqa: E402
from knowledge_bites.record import Record  # noqa: E402
from knowledge_bites.releasing.edition import Release, find  # noqa: E402
from knowledge_bites.releasing.page import write_page  # noqa: E402
from knowledge_bites.releasing.review import compare  # noqa: E402


def run(root: Path, *args: str) -> str:
    out = io.StringIO()
    status = main(list(args), root=root, out=out)
    assert status == 0, out.getvalue()
    return out.getvalue()


def timed(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def many(project: Path, release: Release, record: Record, count: int, work: Path) -> tuple[Release, Record, Path]:
    """Return a release and a build record of `count` sheets, each one of the shipped sheets' pictures under a new
    name (before and after), every one of them changed."""
    output, kept = work / "output", work / "release"
    for folder in (output / "pages", kept / "pages"):
        folder.mkdir(parents=True)
    keys = sorted(record.sheets)
    sheets, released = {}, {}
    for index in range(count):
        key = keys[index % len(keys)]
        known, then = record.sheets[key], release.sheets[key]
        number = 100 + index
        name = key.split("-", 1)[1]
        new_key = f"{number:02d}-{name}"
        slug, lang = name.rsplit(".", 1)
        pdf = f"{lang}/knowledge-bites-{number:02d}-{slug}-{lang}.pdf"
        for page in (1, 2):
            stem = Path(pdf).stem
            (output / "pages" / f"{stem}-{page}.png").hardlink_to(
                project / "output" / "pages" / f"{Path(known.pdf).stem}-{page}.png"
            )
            (kept / "pages" / f"{stem}-{page}.png").hardlink_to(
                release.folder / "pages" / f"{Path(then.pdf).stem}-{page}.png"
            )
        sheets[new_key] = replace(known, source=f"practices/{new_key}.md", number=number, pdf=pdf)
        released[new_key] = replace(then, key=new_key, number=number, pdf=pdf)
    return replace(release, folder=kept, sheets=released), Record(sheets=sheets, found=True), output


def main_(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sheets", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="knowledge-bites-review-") as temporary:
        project = Path(temporary) / "project"
        for name in ("templates", "styles", "content"):
            shutil.copytree(ROOT / name, project / name)
        run(project, "--jobs", "2")
        run(project, "release")
        release = find(project / "releases", None)
        assert release is not None
        brand = project / "styles" / "brand.css"
        brand.write_text(brand.read_text(encoding="utf-8").replace("#0d3b54", "#5a2d82"), encoding="utf-8")
        started = time.perf_counter()
        run(project, "--jobs", "2")
        build = time.perf_counter() - started
        sheets = len(Record.load(project / "output").sheets)
        summary = run(project, "review").splitlines()[0]
        review = timed(lambda: run(project, "review"), args.repeat)
        print(f"shipped series ({sheets} sheets), brand colour changed: {summary[:60]}…")
        print(f"  full build {build:.1f} s; review {review:.2f} s ({100 * review / build:.1f} % of the build)")

        record = Record.load(project / "output")
        big_release, big_record, output = many(project, release, record, args.sheets, Path(temporary) / "many")

        def review_many() -> None:
            result = compare(output, big_release, big_record, None)
            assert len(result.having("changed")) == args.sheets
            write_page(output, result, Record(found=True))

        seconds = timed(review_many, args.repeat)
        estimate = build / sheets * args.sheets
        print(
            f"{args.sheets} sheets, every one changed: review {seconds:.1f} s; a full build of {args.sheets} sheets "
            f"at the shipped build's {build / sheets:.2f} s a sheet: about {estimate:.0f} s "
            f"({100 * seconds / estimate:.1f} %)"
        )
        first = folder_size(release.folder)
        run(project, "release", "--name", "after-the-colour")
        again = find(project / "releases", "after-the-colour")
        assert again is not None
        # One word of one Spanish sheet edited (a translation: nothing goes out of date): one sheet is new on disk.
        source = project / "content" / "practices" / "01-cash-for-work-guinea.es.md"
        source.write_text(source.read_text(encoding="utf-8").replace("452 personas", "452 personas,", 1), "utf-8")
        run(project, "--jobs", "2")
        run(project, "release", "--name", "one-word")
        third = find(project / "releases", "one-word")
        assert third is not None
        added = sum(p.stat().st_size for p in third.folder.rglob("*") if p.is_file() and p.stat().st_nlink == 1)
        print(
            f"release folder: {first / 1024:.0f} KB for {sheets} sheets (after the colour: "
            f"{folder_size(again.folder) / 1024:.0f} KB); a release with one sheet changed adds {added / 1024:.0f} KB "
            "on disk (the unchanged sheets' files are linked to the previous release's)"
        )


if __name__ == "__main__":
    main_()
