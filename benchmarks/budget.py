"""Measure the word budget of a sheet: how many words of body text fit on two pages, per language and layout.

    .venv/bin/python benchmarks/budget.py

For every shipped practice, in every language, the budget is the words its text has now plus the words the
build says page 2 still has room for, measured on its layout; once as shipped, once with a photo (a generated
3:2 picture, the proportion the README recommends). It prints the median and the range per language and
layout: the table in the README's "The two-page contract". Everything happens in a temporary folder.
"""

from __future__ import annotations

import re
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402

from knowledge_bites.pipeline import Options, preparer  # noqa: E402
from knowledge_bites.printing.contract import assess, lay_out  # noqa: E402
from knowledge_bites.printing.printer import Printer  # noqa: E402
from knowledge_bites.project import Project  # noqa: E402
from knowledge_bites.render.languages import Languages  # noqa: E402
from knowledge_bites.sources import load_series  # noqa: E402

PHOTO = 'photo: {file: photos/budget.jpg, alt: "A photo of the practice"}\npublished:'


def budgets(content: Path) -> dict[str, list[int]]:
    """Return, per language, the word budget of each sheet of a content folder."""
    series = load_series(content)
    project = Project.at(ROOT, content, content.parent / "out")
    prepare = preparer(project, series, Languages.compile(series.settings, project.locales), options=Options())
    printer = Printer(project.styles, project.asset_roots)
    found: dict[str, list[int]] = {}
    for sheet in series.sheets:
        job = prepare(sheet)
        fit = assess(printer, job, lay_out(printer, job, ROOT.as_uri() + "/"), ROOT.as_uri() + "/").fit
        if fit is not None:  # a sheet that runs over counts too: its budget is its words less those too many
            found.setdefault(sheet.lang, []).append(sum(s.words for s in sheet.sections) + fit.room)
    return found


def with_photos(content: Path) -> None:
    """Give every practice of a content folder the same 3:2 photo."""
    (content / "photos").mkdir()
    Image.new("RGB", (1500, 1000), (90, 120, 140)).save(content / "photos" / "budget.jpg", quality=85)
    for source in (content / "practices").glob("*.md"):
        text = source.read_text(encoding="utf-8")
        source.write_text(re.sub(r"^published:", PHOTO, text, count=1, flags=re.MULTILINE), encoding="utf-8")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        content = Path(folder) / "content"
        shutil.copytree(ROOT / "content", content)
        rows = [("without a photo", budgets(content))]
        with_photos(content)
        rows.append(("with a photo", budgets(content)))
    print(f"{'layout':<18}{'language':<10}{'median':>8}{'range':>14}")
    for layout, found in rows:
        for lang, words in found.items():
            print(f"{layout:<18}{lang:<10}{statistics.median(words):>8.0f}{f'{min(words)}–{max(words)}':>14}")


if __name__ == "__main__":
    main()
