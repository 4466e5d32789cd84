"""The review as a page: output/review/index.html, which opens from disk and can be sent on with its folder, and
the *Changes* view of the live preview (the same page, its pictures served instead of copied).

The summary comes first. Each changed page is shown before and after, side by side, with the changed areas
outlined on both, and a third picture, the difference: the two stacked, so that what is the same is white and
what changed shows bright (drawn by the browser: nothing is encoded for it). Then the words each part gained and
lost. The page has no script and loads nothing but its own pictures.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from jinja2 import Environment, select_autoescape

from ..files import write_atomically
from ..names import REVIEW
from ..record import Record
from .review import CHANGED, Review

TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Review: {{ review.summary() }}</title>
<style>
body { font: 16px/1.45 Lato, "Segoe UI", Arial, sans-serif; color: #1d2a36; margin: 0 auto; padding: 24px;
       max-width: 1800px; background: #f4f6f8; }
h1 { font-size: 24px; margin: 0 0 8px; }
.summary { font-size: 19px; background: #fff; border-left: 6px solid #0b6fa4; padding: 12px 16px; margin: 0 0 24px; }
.sheet { background: #fff; padding: 16px; margin: 0 0 24px; border-radius: 6px; }
.sheet h2 { font-size: 20px; margin: 0 0 12px; }
.page h3 { font-size: 17px; margin: 16px 0 8px; }
.pair { display: grid; grid-template-columns: repeat(3, 1fr); gap: 16px; }
figure { margin: 0; }
figcaption { font-weight: bold; margin: 0 0 4px; }
.frame { position: relative; border: 1px solid #b9c3cc; line-height: 0; }
.frame img { width: 100%; height: auto; display: block; }
.frame img.over { position: absolute; left: 0; top: 0; mix-blend-mode: difference; }
.blend { position: relative; filter: invert(1); isolation: isolate; }
.box { position: absolute; border: 3px solid #e4003b; box-sizing: border-box; }
.words { border-collapse: collapse; margin: 12px 0 0; width: 100%; }
.words th, .words td { text-align: left; vertical-align: top; padding: 6px 8px; border-top: 1px solid #dde3e8; }
ins { background: #d8f5d0; text-decoration: none; } del { background: #fde0e0; }
.quiet { color: #5a6875; }
ul.others, nav.sheets ul { columns: 3; }
nav.sheets { background: #fff; padding: 4px 16px; margin: 0 0 24px; }
</style>
</head>
<body>
{% macro outlines(page) %}{% for b in page.boxes %}{% set f = b.as_fractions(page.size) %}
<div class="box" style="left: {{ '%.2f'|format(f[0]) }}%; top: {{ '%.2f'|format(f[1]) }}%;
  width: {{ '%.2f'|format(f[2]) }}%; height: {{ '%.2f'|format(f[3]) }}%"></div>
{% endfor %}{% endmacro %}
{% if home %}<p><a href="/">← Every sheet</a></p>{% endif %}
<h1>What changed since release {{ review.release.name }}</h1>
<p class="summary" id="summary">{{ review.summary() }}</p>
{% set changed = review.having("changed") %}
{% if changed|length > 1 %}
<nav class="sheets" aria-label="Changed sheets"><ul>
{% for sheet in changed %}<li><a href="#{{ sheet.key }}">{{ sheet.label }}</a>: {{ sheet.title }}</li>{% endfor %}
</ul></nav>
{% endif %}
{% for sheet in review.sheets if sheet.status == "changed" %}
<section class="sheet" id="{{ sheet.key }}">
  <h2>{{ sheet.label }}: {{ sheet.title }}</h2>
  {% for page in sheet.pages %}
  <div class="page">
    <h3>Page {{ page.page }}: {{ page.boxes|length }} area{{ "s" if page.boxes|length != 1 }} changed
      {%- if page.problem %} ({{ page.problem }}){% endif %}</h3>
    <div class="pair">
      {% for side, caption in (("before", "Before (release " ~ review.release.name ~ ")"), ("after", "After (now)")) %}
      <figure>
        <figcaption>{{ caption }}</figcaption>
        <div class="frame">
          <img class="{{ side }}" src="{{ url(sheet, side, page.page) }}"
            alt="Page {{ page.page }} of {{ sheet.label }}, {{ side }}">
          {{ outlines(page) }}
        </div>
      </figure>
      {% endfor %}
      <figure>
        <figcaption>Difference (what is the same is white)</figcaption>
        <div class="frame">
          <div class="blend"><img src="{{ url(sheet, 'before', page.page) }}" alt="">
          <img class="over" src="{{ url(sheet, 'after', page.page) }}" alt="Difference of page {{ page.page }}"></div>
          {{ outlines(page) }}
        </div>
      </figure>
    </div>
  </div>
  {% endfor %}
  {% if sheet.parts %}
  <table class="words">
    <tr><th>Part</th><th>Words added</th><th>Words removed</th></tr>
    {% for part in sheet.parts %}
    <tr><td>{{ part.part }}{% if part.status != "edited" %} ({{ part.status }}){% endif %}</td>
      <td>{% for w in part.added %}<ins>{{ w }}</ins>{{ " … " if not loop.last }}{% endfor %}</td>
      <td>{% for w in part.removed %}<del>{{ w }}</del>{{ " … " if not loop.last }}{% endfor %}</td></tr>
    {% endfor %}
  </table>
  {% else %}
  <p class="quiet">The words of its title, summary, key figures and sections are the same: what changed is its
    look, or a fact of its front matter.</p>
  {% endif %}
</section>
{% endfor %}
{% for status in ("new", "withdrawn", "not built", "unchanged") %}{% set found = review.having(status) %}
{% if found %}
<section class="sheet"><h2>{{ found|length }} {{ status }}</h2>
<ul class="others">{% for s in found %}<li>{{ s.label }}: {{ s.title }}
  {%- if s.same_pixels %} <span class="quiet">(same pixels)</span>{% endif %}</li>{% endfor %}</ul>
</section>
{% endif %}{% endfor %}
</body>
</html>
"""

_environment = Environment(autoescape=select_autoescape(default=True, default_for_string=True))


def render(review: Review, url: Callable[[object, str, int], str], *, home: bool = False) -> str:
    """Return the review page; `url(sheet, side, page)` gives the address of a page's picture. With `home`, it
    links back to the preview's series page."""
    return _environment.from_string(TEMPLATE).render(review=review, url=url, home=home)


def write_page(output: Path, review: Review, record: Record) -> Path:
    """Write output/review/index.html with copies of the pictures it shows, record them as the build's files (so
    the next review replaces them), and remove the earlier review's pictures it no longer shows; return the page."""
    folder = output / REVIEW
    written: set[Path] = set()

    def copied(sheet: object, side: str, page: int) -> str:
        source = sheet.picture(side, page)  # type: ignore[attr-defined]
        target = folder / "pictures" / f"{source.stem}-{side}.png"
        if target not in written:
            target.parent.mkdir(parents=True, exist_ok=True)
            if source.is_file():
                shutil.copyfile(source, target)
            written.add(target)
        return f"pictures/{target.name}"

    for sheet in review.having(CHANGED):
        for page in sheet.pages:
            for side in ("before", "after"):
                copied(sheet, side, page.page)
    page = folder / "index.html"
    write_atomically(page, render(review, copied).encode("utf-8"))
    written.add(page)
    for stale in record.other_files(output) - written:
        if stale.is_relative_to(folder) and stale.is_file() and not stale.is_symlink():
            stale.unlink()
    record.files = {name: state for name, state in record.files.items() if not (output / name).is_relative_to(folder)}
    record.add_files(output, {p for p in written if p.is_file()})
    record.save(output)
    return page
