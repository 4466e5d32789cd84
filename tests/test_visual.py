"""Visual regression: pages of chosen sheets compared with golden images in tests/visual/.

The goldens cover every page layout in both languages that are complete, and one sheet in French: page 1 with each
title size (22, 18 and 15 pt) and with none, one, three and four key figures; page 2 with the body running on before
the closing block, and page 2 with the closing block alone, laid out for the page; a long list of countries under the
title; page 2 listing English titles tagged (EN); both pages of the Arabic sheet, mirrored to read right to left; and
a sheet with a photo (a test practice: #7's facts and text with a generated picture). After an intended change of
layout or style, refresh them on purpose with `make goldens` (which runs this file with KB_UPDATE_GOLDENS=1), look at
the new images, and commit them.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageChops, ImageStat

from .conftest import PHOTO_KEY, ROOT, add_photo_practice, run_build, shipped_sheets

GOLDEN_DIR = Path(__file__).resolve().parent / "visual"
DIFF_DIR = GOLDEN_DIR / "diff"  # git-ignored: what a failing comparison saw
UPDATE = os.environ.get("KB_UPDATE_GOLDENS") == "1"
WIDTH_PX = 700  # about 86 dpi for A4: enough to see a line move, small enough to keep the repository small
COLOURS = 128  # goldens are stored with a palette (about 50 KB a page); both sides are reduced the same way

# Largest differences accepted: the same fonts and the same pinned pdfium give identical pages, so these only
# absorb the palette reduction of a nearly identical page; a moved line or a reflowed paragraph exceeds them.
MAX_MEAN_DIFFERENCE = 0.5  # mean absolute difference per channel, 0-255
CHANGED_LEVEL = 64  # a pixel whose channels differ by more than this has changed
MAX_CHANGED_SHARE = 0.0005  # share of changed pixels: 0.05 %, about 350 pixels of a page

CHOSEN = {
    "01-cash-for-work-guinea.en": "22 pt title, one key figure; the body runs on to page 2",
    "05-dialogue-with-government-cameroon.en": "18 pt title, no key figures; page 2 holds the closing block alone",
    "05-dialogue-with-government-cameroon.es": "15 pt title; page 2 holds the closing block alone, in Spanish",
    "08-community-bridge-somalia.es": "the longest title (15 pt) and four key figures",
    "10-smes-former-returnees-afghanistan.es": "18 pt title and three key figures; the body runs on to page 2",
    "10-smes-former-returnees-afghanistan.fr": "French, in progress: page 2 lists the English titles, tagged (EN)",
    "07-pre-departure-assistance-morocco.en": "nine countries under the title; headings at the top of a column",
    "09-smes-iraq.ar": "Arabic, right to left: the page mirrored, page 2 lists English titles isolated and tagged (EN)",
}
PHOTO = f"photo.{PHOTO_KEY}"  # the test practice with a photo, built apart from the shipped series
CHOSEN[PHOTO] = "a 3:2 photo shown whole, one key figure: the photo gives way so that page 1 ends with text"
SHEETS = {sheet.key: sheet for sheet in shipped_sheets()}
PAGES = [(key, page) for key in CHOSEN for page in (1, 2)]


@pytest.fixture(scope="session")
def photo_build(tmp_path_factory) -> Path:
    """Build the test practice with a photo (see conftest.add_photo_practice); return its PDF."""
    content = tmp_path_factory.mktemp("photo") / "content"
    shutil.copytree(ROOT / "content", content)
    add_photo_practice(content)
    output = content.parent / "output"
    status, log = run_build(ROOT, "--content", str(content), "--output", str(output), "--only", "7", "--jobs", "1")
    assert status == 0, log
    (pdf,) = output.glob("en/*.pdf")
    return pdf


def rasterise(pdf: Path, page_number: int) -> Image.Image:
    """Render one page of a PDF to an RGB image WIDTH_PX wide."""
    document = pdfium.PdfDocument(str(pdf))
    try:
        page = document[page_number - 1]
        return page.render(scale=WIDTH_PX / page.get_width()).to_pil().convert("RGB")
    finally:
        document.close()


def reduce(image: Image.Image) -> Image.Image:
    """Reduce a page to the palette the goldens are stored with (deterministic: median cut, no dithering)."""
    return image.quantize(COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)


def compare(golden: Image.Image, current: Image.Image) -> tuple[float, float, Image.Image]:
    """Return the mean difference, the share of changed pixels and a mask of the changed pixels."""
    difference = ImageChops.difference(golden.convert("RGB"), current.convert("RGB"))
    mean = sum(ImageStat.Stat(difference).mean) / 3
    strongest = ImageChops.lighter(ImageChops.lighter(*difference.split()[:2]), difference.split()[2])
    mask = strongest.point(lambda level: 255 if level > CHANGED_LEVEL else 0)
    changed = mask.histogram()[255] / (mask.width * mask.height)
    return mean, changed, mask


def diff_image(golden: Image.Image, current: Image.Image, mask: Image.Image) -> Image.Image:
    """Return golden | current | current faded with the changed pixels in red, side by side."""
    golden, current = golden.convert("RGB"), current.convert("RGB")
    marked = Image.blend(current, Image.new("RGB", current.size, "white"), 0.7)
    marked.paste(Image.new("RGB", current.size, (220, 0, 0)), mask=mask)
    sheet = Image.new("RGB", (golden.width + current.width + marked.width, max(golden.height, current.height)), "white")
    for index, image in enumerate((golden, current, marked)):
        sheet.paste(image, (index * golden.width, 0))
    return sheet


@pytest.mark.parametrize(("key", "page"), PAGES, ids=[f"{key}-page{page}" for key, page in PAGES])
def test_page_looks_like_its_golden(request, key, page):
    if key == PHOTO:
        pdf = request.getfixturevalue("photo_build")
    else:
        shipped_build = request.getfixturevalue("shipped_build")
        assert shipped_build.status == 0, shipped_build.log
        pdf = shipped_build.output / SHEETS[key].pdf
    current = reduce(rasterise(pdf, page))
    golden_path = GOLDEN_DIR / f"{key}.page{page}.png"
    diff_path = DIFF_DIR / golden_path.name
    if UPDATE:
        GOLDEN_DIR.mkdir(exist_ok=True)
        current.save(golden_path, optimize=True)
        print(f"wrote {golden_path.relative_to(GOLDEN_DIR.parent.parent)}")
        return
    assert golden_path.exists(), f"no golden image {golden_path.name}: create the goldens with `make goldens`"
    with Image.open(golden_path) as stored:
        golden = stored.copy()
    assert golden.size == current.size, f"{golden_path.name}: page size {current.size}, golden {golden.size}"
    mean, changed, mask = compare(golden, current)
    if mean <= MAX_MEAN_DIFFERENCE and changed <= MAX_CHANGED_SHARE:
        diff_path.unlink(missing_ok=True)
        return
    DIFF_DIR.mkdir(exist_ok=True)
    diff_image(golden, current, mask).save(diff_path)
    pytest.fail(
        f"page {page} of {key} ({CHOSEN[key]}) differs from its golden: mean difference {mean:.2f} "
        f"(at most {MAX_MEAN_DIFFERENCE}), {changed:.3%} of pixels changed (at most {MAX_CHANGED_SHARE:.3%}). "
        f"Golden | now | changes in red: {diff_path}. If the change is intended, refresh with `make goldens`."
    )


def test_no_stale_goldens():
    """Every golden image belongs to a chosen page; a refresh removes the others."""
    expected = {f"{key}.page{page}.png" for key, page in PAGES}
    stale = sorted(p.name for p in GOLDEN_DIR.glob("*.png") if p.name not in expected)
    if UPDATE:
        for name in stale:
            (GOLDEN_DIR / name).unlink()
        return
    assert stale == [], "golden images of pages no test compares: run `make goldens` to remove them"
