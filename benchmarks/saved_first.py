"""Measure how soon the sheet a writer saved shows its new pages in the live preview, when the save makes the rest
of the series stale, beside a warm one-sheet save in the same run.

    .venv/bin/python benchmarks/saved_first.py [--practices 200] [--rounds 3] [--jobs N]

For the shipped series and for a synthetic one (default 200 practices x 2 languages, 400 sheets), it starts
`python build.py serve`, opens the page of one Spanish sheet in Chromium (the shortest text, which the longest
sheets would otherwise go before), and saves its source in turns:

- a warm one-sheet save: a sentence added to its text; only that sheet is stale;
- a title save: its title changed, which every other Spanish sheet lists under "Other practices", so that every
  Spanish sheet is stale (as when a writer corrects a Spanish title, or adds a practice).

Each is timed from the save to the open page showing the new pictures of both its pages; for a title save also to
the preview saying "Up to date" (every sheet rebuilt). The target: a title save within 2x a warm one-sheet save.
Needs Debian's chromium and Playwright. Everything happens in a temporary folder; the repository is only read.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import ROOT, _wait_for, cold_build, interruptible, synthetic_content

from knowledge_bites.preview.view import sheet_key
from knowledge_bites.project import Project

SHOWN = "[...document.querySelectorAll('.paper img')].map(i => i.getAttribute('src'))"
SWAPPED = "[...document.querySelectorAll('.paper img')].map(i => +i.dataset.shownAt)"
IDLE = "document.body.dataset.building === 'false'"


def saves(project: Project, rounds: int, jobs: int) -> dict[str, list[float]]:
    """Time `rounds` warm one-sheet saves and `rounds` title saves of one Spanish sheet, in turns."""
    from playwright.sync_api import sync_playwright

    server = interruptible(project, "serve", "--port", "0", "--jobs", str(jobs))
    assert server.stdout is not None
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(server.stdout), daemon=True).start()  # type: ignore[arg-type]
    # The shortest Spanish text: the sheet a build that starts the longest sheets first would print last.
    source = min(sorted((project.content / "practices").glob("*.es.md")), key=lambda path: path.stat().st_size)
    original = source.read_text(encoding="utf-8")
    times: dict[str, list[float]] = {"warm": [], "title": [], "all": []}
    try:
        url = _wait_for(lambda: next((m[1] for line in lines if (m := re.search(r"preview at (\S+)/ ", line))), None))
        _wait_for(lambda: any(line.startswith("watching ") for line in lines), timeout=900)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.goto(f"{url}/sheet/{sheet_key(source)}")
            _wait_for(lambda: len(page.evaluate(SHOWN)) == 2 and page.evaluate(IDLE))
            for round_ in range(rounds):
                for kind in ("warm", "title"):
                    before = page.evaluate(SHOWN)
                    if kind == "warm":
                        text = original.replace("\n## ", f"\nUna frase más ({round_ + 1}) en esta edición.\n\n## ", 1)
                    else:
                        text = re.sub(r'(?m)^(title: ".*)"$', rf'\1 ({round_ + 1})"', original, count=1)
                    started = time.time()
                    source.write_text(text, encoding="utf-8")
                    new = lambda b=before: all(a != c for a, c in zip(page.evaluate(SHOWN), b, strict=True))  # noqa: E731
                    _wait_for(new, timeout=900)
                    times[kind].append(max(page.evaluate(SWAPPED)) / 1000 - started)
                    _wait_for(lambda: page.evaluate(IDLE), timeout=900)
                    if kind == "title":
                        times["all"].append(time.time() - started)
                    time.sleep(0.5)  # let the server settle before the next save
            browser.close()
    except TimeoutError:
        print("\n".join(line.rstrip() for line in lines[-20:]))  # what the preview said last
        raise
    finally:
        source.write_text(original, encoding="utf-8")
        server.send_signal(signal.SIGINT)
        server.wait(timeout=60)  # the folder is thrown away: nothing to build back
    return times


def show(title: str, times: dict[str, list[float]]) -> None:
    warm, saved = statistics.median(times["warm"]), statistics.median(times["title"])
    each = {kind: ", ".join(f"{t:.2f}" for t in found) for kind, found in times.items()}
    print(f"\n{title}")
    print(f"  warm one-sheet save, its new pages shown      {warm:7.2f} s   ({each['warm']} s)")
    print(f"  title save (the rest stale), its new pages    {saved:7.2f} s   ({each['title']} s)")
    print(f"  ratio title save / warm one-sheet save        {saved / warm:7.2f}   (target: at most 2)")
    rebuilt = statistics.median(times["all"])
    print(f"  title save, until every sheet is rebuilt      {rebuilt:7.2f} s   ({each['all']} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--practices", type=int, default=200, help="practices in the synthetic series (default 200)")
    parser.add_argument("--rounds", type=int, default=3, help="saves of each kind (default 3)")
    parser.add_argument("--no-shipped", action="store_true", help="measure the synthetic series only")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes (default: all cores)")
    args = parser.parse_args()
    if shutil.which("chromium") is None:
        sys.exit("needs Debian's chromium and Playwright (make test installs them)")
    print(f"Saved sheet first: {os.cpu_count()} cores, {args.jobs} jobs, Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(prefix="kb-saved-") as tmp:
        folder = Path(tmp)
        shutil.copytree(ROOT / "content", folder / "shipped")
        shipped = Project.at(ROOT, folder / "shipped", folder / "out-shipped")
        if not args.no_shipped:
            cold_build(shipped, args.jobs)
            show("Shipped series", saves(shipped, args.rounds, args.jobs))
        if args.practices:
            big = Project.at(ROOT, synthetic_content(folder / "synthetic", args.practices), folder / "out-synth")
            cold_build(big, args.jobs)
            show(f"Synthetic series ({args.practices} practices x 2 languages)", saves(big, args.rounds, args.jobs))


if __name__ == "__main__":
    main()
