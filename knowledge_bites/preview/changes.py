"""The preview's *Changes* view: what changed since the last release, as `python build.py review` shows it, made on
request from what is in output/ and releases/ (it writes nothing: the pictures are served where they are)."""

from __future__ import annotations

from pathlib import Path

from ..project import Project
from ..record import Record
from ..releasing.edition import find
from ..releasing.making import Where
from ..releasing.page import render
from ..releasing.review import SheetReview, compare
from .view import OUTPUT_ROUTE

RELEASES_ROUTE = "/releases"  # where the server serves the releases' folder


def releases_of(project: Project) -> Path:
    """Return the releases' folder of a project, as `release` and `review` find it by default."""
    return Where.of(project, None).releases


def changes_page(project: Project) -> str:
    """Return the page of what changed since the last release (or the page that says there is none yet)."""
    from ..sources import load_series

    releases = releases_of(project)
    release = find(releases, None)
    if release is None:
        return (
            "<!DOCTYPE html><html lang='en'><meta charset='utf-8'><title>Changes</title>"
            "<p>No release yet: once there is one (<code>python build.py release</code>), this page shows what "
            "changed on every page since. <a href='/'>Every sheet</a></p></html>"
        )
    try:
        series = load_series(project.content)
    except Exception:  # series.yaml cannot be used: the pictures are compared all the same, the words are not
        series = None
    review = compare(project.output, release, Record.load(project.output), series)

    def url(sheet: SheetReview, side: str, page: int) -> str:
        picture = sheet.picture(side, page)
        if picture is None:
            return ""
        if side == "before":
            return f"{RELEASES_ROUTE}/{picture.relative_to(releases).as_posix()}"
        return f"{OUTPUT_ROUTE}/{picture.relative_to(project.output).as_posix()}"

    return render(review, url, home=True)  # type: ignore[arg-type]
