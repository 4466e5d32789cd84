"""releases/feed.xml: an RSS 2.0 feed of every release's new and revised sheets, for a newsletter tool.

Each item is one sheet in one language: its title, summary, the link to its PDF in the release that published it,
and the picture of its page 1 as an enclosure. Items are dated by `published` (a revised sheet by `revised`, when it
has one), never by the clock: the same releases give the same feed.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path

from ..files import write_atomically
from ..names import FEED
from ..sources import SeriesSettings
from .edition import NEW, REVISED, all_releases


def _moment(day: str) -> datetime:
    return datetime.combine(datetime.fromisoformat(day).date(), time(0, 0), tzinfo=UTC)


def write_feed(releases: Path, settings: SeriesSettings, url: str) -> tuple[Path, int]:
    """Write the feed of the releases in the folder, published at `url`; return its path and how many items."""
    from feedgen.feed import FeedGenerator

    reference = settings.reference_language
    feed = FeedGenerator()
    feed.title(settings.series_name[reference])
    feed.link(href=url, rel="alternate")
    feed.description(f"New and revised sheets of {settings.series_name[reference]}, by {settings.publisher[reference]}")
    feed.language(settings.languages[reference].split("_")[0])
    known = all_releases(releases)
    newest = _moment(known[-1].edition) if known else None
    items = 0
    for release in known:
        for sheet in release.sheets.values():
            if sheet.change not in (NEW, REVISED):
                continue
            link = f"{url}{release.name}/{sheet.pdf}"
            dated = _moment(sheet.revised if sheet.change == REVISED and sheet.revised else sheet.published)
            newest = max(newest or dated, dated)
            entry = feed.add_entry(order="append")
            entry.title(sheet.title)
            entry.link(href=link)
            entry.guid(link, permalink=True)
            entry.description(sheet.texts.get("summary", sheet.title))
            entry.category(term=sheet.lang, label=sheet.lang)
            entry.pubDate(dated)
            picture = f"thumbnails/{sheet.stem}-600.png"
            size = (release.folder / picture).stat().st_size if (release.folder / picture).is_file() else 0
            entry.enclosure(f"{url}{release.name}/{picture}", str(size), "image/png")
            items += 1
    if newest is not None:
        feed.lastBuildDate(newest)  # not the clock's time, which feedgen would take
    path = releases / FEED
    write_atomically(path, feed.rss_str(pretty=True))
    return path, items
