"""Measure build speed and memory on the shipped series and on a large synthetic one.

    .venv/bin/python benchmarks/bench.py [--practices 200] [--jobs N] [--repeat 3]

Everything happens in a temporary folder; the repository is only read. The script prints, for the shipped
series and for a synthetic series made from it (default 200 practices x 2 languages):

- a cold build: the whole `python build.py --force` into an empty output folder (in a fresh process, as the
  command builds: every PDF, the pictures of both pages of each, and the newsletter outputs), and the median time
  per sheet;
- the same HTML printed by a plain single-process loop of weasyprint.HTML(...).write_pdf(), and the ratio
  (for the shipped series, three runs of each taken in turns: median times, and the median of the runs' ratios);
- for the shipped series, the floor: that plain loop split over as many processes as the build has jobs, run at
  once, and how far above it the build is;
- a build with nothing to do, and rebuilds after editing one source (median of three, as `python build.py`,
  start-up included, and under `python build.py --watch`, from saving the file to the build's summary line);
- under the live preview (`python build.py serve`), the time from saving one source to the open browser page
  showing the new pictures of both its pages (median of five saves; needs Debian's chromium and Playwright);
- peak memory of a worker process; the speed-up from 1 to N worker processes.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge_bites.pipeline import Options, select  # noqa: E402
from knowledge_bites.preview.view import sheet_key  # noqa: E402
from knowledge_bites.project import Project  # noqa: E402
from knowledge_bites.render.languages import Languages  # noqa: E402
from knowledge_bites.sources import load_series  # noqa: E402
from knowledge_bites.sources.versions import version_of, with_version  # noqa: E402

PLAIN_LOOP = """
import json, sys, time
started = time.perf_counter()
import weasyprint
jobs = json.load(open(sys.argv[1]))
times = []
for html, target in jobs:
    t = time.perf_counter()
    weasyprint.HTML(filename=html).write_pdf(target)
    times.append(time.perf_counter() - t)
print(json.dumps({"wall": time.perf_counter() - started, "times": times}))
"""

# Timed from the first line of a fresh process, like the plain loop, and done the way the command does it: the
# layout engine loads in the background while the sources load.
COLD_BUILD = """
import json, statistics, sys, time
started = time.perf_counter()
root, project_root, content, output, jobs = sys.argv[1:]
sys.path.insert(0, root)
from pathlib import Path
from knowledge_bites.limits import Limits
from knowledge_bites.pipeline import Options
from knowledge_bites.project import Project
from knowledge_bites.session import Reporter, build_once
project = Project.at(Path(project_root), Path(content), Path(output))
outcome = build_once(project, Options(limits=Limits(jobs=int(jobs)), force=True), Reporter())
report = outcome.report
results = report.results
wall = time.perf_counter() - started
built = [r for r in results if r.status == "built"]
print(json.dumps({
    "wall": wall,
    "sheets": len(built),
    "failed": len(results) - len(built) + len(report.failed_sources),
    "median": statistics.median(r.seconds for r in built) if built else 0.0,
    "peak_mb": max((r.peak_memory_mb for r in built), default=0.0),
}))
"""


def synthetic_content(target: Path, practices: int, seed: int = 7) -> Path:
    """Write a series of `practices` practices in English and Spanish, varied from the shipped sheets; each Spanish
    text is recorded as the translation of its English text as it is."""
    shipped = ROOT / "content"
    (target / "practices").mkdir(parents=True)
    settings = (shipped / "series.yaml").read_text(encoding="utf-8")
    settings = re.sub(r"(?m)^  fr: fr\n|^languages_in_progress: .*\n", "", settings)  # French is shipped in progress
    (target / "series.yaml").write_text(settings, encoding="utf-8")
    sources = sorted(path for path in (shipped / "practices").glob("*.md") if not path.name.endswith(".fr.md"))
    by_number: dict[str, list[Path]] = {}
    for path in sources:
        by_number.setdefault(path.name.split("-")[0], []).append(path)
    bases = [by_number[key] for key in sorted(by_number)]
    shuffle = random.Random(seed)
    for number in range(1, practices + 1):
        group = bases[(number - 1) % len(bases)]
        order = list(range(1000))
        shuffle.shuffle(order)
        for path in group:
            text = path.read_text(encoding="utf-8")
            front, body = text.split("\n---\n", 1)
            front = re.sub(r"^number: \d+", f"number: {number}", front, count=1, flags=re.M)
            front = re.sub(r'^(title: ".*)"', rf'\1 ({number})"', front, count=1, flags=re.M)
            # Vary the text: the paragraphs of each section in another order.
            sections = re.split(r"(?m)^(?=## )", body)
            varied = []
            for section in sections:
                head, _, rest = section.partition("\n")
                paragraphs = [p for p in rest.split("\n\n") if p.strip()]
                paragraphs.sort(key=lambda p: order[zlib.crc32(p.encode()) % 1000])
                varied.append(head + "\n\n" + "\n\n".join(paragraphs) + "\n")
            slug, lang = path.name.split("-", 1)[1].rsplit(".", 2)[:2]
            name = f"{number:02d}-{slug}.{lang}.md"  # two digits, three from 100 on (as the build asks)
            (target / "practices" / name).write_text(front + "\n---\n" + "\n".join(varied), encoding="utf-8")
        english = (target / "practices" / f"{number:02d}-{slug}.en.md").read_bytes()
        spanish = target / "practices" / f"{number:02d}-{slug}.es.md"
        spanish.write_bytes(with_version(spanish.read_bytes(), version_of(english)))
    return target


def cold_build(project: Project, jobs: int) -> dict:
    """Build every sheet with --force into an empty output folder, in a fresh process, as `python build.py --force`
    does (PDFs, pictures of their pages, newsletter outputs); return wall time and per-sheet figures."""
    shutil.rmtree(project.output, ignore_errors=True)
    args = [str(ROOT), str(project.root), str(project.content), str(project.output), str(jobs)]
    out = subprocess.run([sys.executable, "-c", COLD_BUILD, *args], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def plain_jobs(project: Project, folder: Path) -> list[tuple[str, str]]:
    """Write the HTML of every sheet of a series as the build renders it; return (HTML file, PDF file) of each."""
    from knowledge_bites.render.sheet import Renderer

    series = load_series(project.content)
    renderer = Renderer(project.templates, project.root, series, Languages.compile(series.settings, project.locales))
    folder.mkdir(parents=True)
    jobs = []
    for sheet in select(series, Options()):
        html = folder / f"{sheet.key}.html"
        html.write_text(renderer.render(sheet, preview=True), encoding="utf-8")
        jobs.append((str(html), str(folder / f"{sheet.key}.pdf")))
    return jobs


def plain_loop(project: Project, folder: Path) -> dict:
    """Print the same HTML, sheet after sheet, with a bare weasyprint loop in a fresh process."""
    jobs = plain_jobs(project, folder)
    (folder / "jobs.json").write_text(json.dumps(jobs))
    out = subprocess.run(
        [sys.executable, "-c", PLAIN_LOOP, str(folder / "jobs.json")], capture_output=True, text=True, check=True
    )
    data = json.loads(out.stdout.strip().splitlines()[-1])
    return {"wall": data["wall"], "median": statistics.median(data["times"]), "sheets": len(jobs)}


def plain_floor(project: Project, folder: Path, processes: int) -> float:
    """Return the wall time of the plain loop split over `processes` fresh processes at once, the sheets dealt out
    in turn: what printing the series costs on this machine's cores with nothing else done (the floor)."""
    jobs = plain_jobs(project, folder)
    shares = []
    for index in range(processes):
        shares.append(folder / f"share-{index}.json")
        shares[-1].write_text(json.dumps(jobs[index::processes]))
    started = time.perf_counter()
    running = [
        subprocess.Popen([sys.executable, "-c", PLAIN_LOOP, str(share)], stdout=subprocess.DEVNULL) for share in shares
    ]
    if any(process.wait() != 0 for process in running):
        raise RuntimeError("a plain loop failed")
    return time.perf_counter() - started


def command(project: Project, *args: str) -> float:
    """Run `python build.py` as a user would, and return its wall time."""
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "build.py"),
            "--content",
            str(project.content),
            "--output",
            str(project.output),
            *args,
        ],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    return time.perf_counter() - started


def rebuilds(project: Project, edits: int = 3) -> dict:
    """Time a build with nothing to do, then rebuilds after editing one source (`edits` times, each undone)."""
    command(project)  # the first command-line build also derives the newsletter outputs of the cold build
    noop = min(command(project) for _ in range(3))
    source = sorted((project.content / "practices").glob("*.en.md"))[0]
    original = source.read_text(encoding="utf-8")
    times = []
    for edit in range(edits):
        text = original.replace("\n## ", f"\nOne more sentence ({edit + 1}) for this edition.\n\n## ", 1)
        source.write_text(text, encoding="utf-8")
        times.append(command(project))
        source.write_text(original, encoding="utf-8")
        command(project)
    return {"noop": noop, "one": statistics.median(times), "each": times}


def interruptible(project: Project, *args: str) -> subprocess.Popen[str]:
    """Start `python build.py ARGS` on a project, its output and errors in one text stream, to stop with Ctrl-C."""
    return subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "build.py"),
            *args,
            "--content",
            str(project.content),
            "--output",
            str(project.output),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=ROOT,
        # Stopped with Ctrl-C (SIGINT), which a benchmark run in the background would otherwise pass on as ignored.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def watched_rebuilds(project: Project, edits: int = 3) -> list[float]:
    """Start `python build.py --watch`, save one source `edits` times, and time each save until its summary line."""
    watcher = interruptible(project, "--watch")
    assert watcher.stdout is not None
    source = sorted((project.content / "practices").glob("*.en.md"))[0]
    original = source.read_text(encoding="utf-8")
    times = []
    try:
        for line in watcher.stdout:
            if line.startswith("watching "):
                break
        for edit in range(edits):
            text = original.replace("\n## ", f"\nOne more sentence ({edit + 1}) for this edition.\n\n## ", 1)
            started = time.perf_counter()
            source.write_text(text, encoding="utf-8")
            for line in watcher.stdout:
                if line.startswith("built ") and " up to date " in line:
                    times.append(time.perf_counter() - started)
                    break
            time.sleep(0.5)  # let the watcher settle before the next save
    finally:
        watcher.send_signal(signal.SIGINT)
        watcher.wait(timeout=60)
        source.write_text(original, encoding="utf-8")
        command(project)
    return times


def preview_saves(project: Project, edits: int = 5) -> list[float] | None:
    """Start `python build.py serve`, open the page of one sheet in Chromium, save its source `edits` times, and time
    each save until the page shows the new pictures of both pages. None without Chromium or Playwright."""
    chromium = shutil.which("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        chromium = None
    if chromium is None:
        return None
    server = interruptible(project, "serve", "--port", "0")
    assert server.stdout is not None
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(server.stdout), daemon=True).start()  # type: ignore[arg-type]
    source = sorted((project.content / "practices").glob("*.en.md"))[0]
    original = source.read_text(encoding="utf-8")
    times = []
    try:
        url = _wait_for(lambda: next((m[1] for line in lines if (m := re.search(r"preview at (\S+)/ ", line))), None))
        _wait_for(lambda: any(line.startswith("watching ") for line in lines))
        key = sheet_key(source)  # `001-x.en.md` holds the sheet `01-x.en`
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.goto(f"{url}/sheet/{key}")
            shown = "[...document.querySelectorAll('.paper img')].map(i => i.getAttribute('src'))"
            idle = "document.body.dataset.building === 'false'"
            _wait_for(lambda: len(page.evaluate(shown)) == 2 and page.evaluate(idle))
            for edit in range(edits):
                before = page.evaluate(shown)
                text = original.replace("\n## ", f"\nOne more sentence ({edit + 1}) for this edition.\n\n## ", 1)
                started = time.time()
                source.write_text(text, encoding="utf-8")
                # The page swaps in a picture once it is loaded, and notes when: both pages must have been swapped.
                _wait_for(lambda b=before: all(a != c for a, c in zip(page.evaluate(shown), b, strict=True)))
                swapped = page.evaluate("[...document.querySelectorAll('.paper img')].map(i => +i.dataset.shownAt)")
                times.append(max(swapped) / 1000 - started)
                _wait_for(lambda: page.evaluate(idle))
                time.sleep(0.5)  # let the server settle before the next save
            browser.close()
    finally:
        source.write_text(original, encoding="utf-8")
        server.send_signal(signal.SIGINT)
        server.wait(timeout=60)
        command(project)
    return times


def _wait_for(check: Callable[[], T | None], timeout: float = 120.0) -> T:
    """Return the first true value of `check()`, polled until `timeout` seconds have passed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := check():
            return value
        time.sleep(0.01)
    raise TimeoutError("the preview did not answer in time")


def show_preview(times: list[float] | None) -> None:
    """Print the times from saving a source to the open preview page showing its new pictures."""
    if times is None:
        print("  one source edited, preview  skipped (needs Debian's chromium and Playwright: make test installs them)")
        return
    shown = ", ".join(f"{seconds:.2f}" for seconds in times)
    print(
        f"  one source edited, preview {statistics.median(times):7.2f} s   (median of each save to both new pictures "
        f"shown in the open page: {shown} s)"
    )


def show(title: str, ours: dict, plain: dict | None, ratios: list[float] | None = None) -> None:
    """Print a series' cold build; `ratios`, when given, are build / plain loop of runs taken in turns."""
    print(f"\n{title}: {ours['sheets']} sheets ({ours['failed']} failed)")
    print(
        f"  cold build --force         {ours['wall']:7.2f} s   median {ours['median']:.3f} s/sheet"
        f"   {ours['wall'] / max(ours['sheets'], 1):.3f} s/sheet overall"
    )
    if plain:
        print(f"  plain weasyprint loop      {plain['wall']:7.2f} s   median {plain['median']:.3f} s/sheet")
        if ratios:
            shown = ", ".join(f"{ratio:.2f}" for ratio in ratios)
            print(f"  ratio build / plain loop   {statistics.median(ratios):7.2f}   (median of each run's: {shown})")
        else:
            print(f"  ratio build / plain loop   {ours['wall'] / plain['wall']:7.2f}")
    print(f"  peak memory of a worker    {ours['peak_mb']:7.0f} MB")


def show_watched(watched: list[float]) -> None:
    """Print the times of the saves rebuilt under --watch."""
    shown = ", ".join(f"{seconds:.2f}" for seconds in watched)
    median = statistics.median(watched)
    print(f"  one source edited, --watch {median:7.2f} s   (median of each save to its summary: {shown} s)")


def _median_run(runs: list[dict]) -> dict:
    """Return the run with the median wall time (the upper one of an even number)."""
    return sorted(runs, key=lambda run: run["wall"])[len(runs) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--practices", type=int, default=200, help="practices in the synthetic series (default 200)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes (default: all cores)")
    parser.add_argument("--skip-plain", action="store_true", help="skip the plain-loop comparison on the large series")
    parser.add_argument("--repeat", type=int, default=3, help="cold builds of the shipped series to take the median of")
    args = parser.parse_args()
    print(f"Knowledge Bites benchmark: {os.cpu_count()} cores, {args.jobs} jobs, Python {sys.version.split()[0]}")

    with tempfile.TemporaryDirectory(prefix="kb-bench-") as tmp:
        tmp_path = Path(tmp)
        shipped_content = tmp_path / "shipped"
        shutil.copytree(ROOT / "content", shipped_content)
        shipped = Project.at(ROOT, shipped_content, tmp_path / "out-shipped")
        # Taken in turns, build, plain loop and the plain loop on every core, so that a slow spell of the machine
        # weighs on every side of a ratio.
        runs = [
            (
                cold_build(shipped, args.jobs),
                plain_loop(shipped, tmp_path / f"plain-shipped-{run}"),
                plain_floor(shipped, tmp_path / f"floor-shipped-{run}", args.jobs),
            )
            for run in range(args.repeat)
        ]
        ours, plain = _median_run([o for o, _, _ in runs]), _median_run([p for _, p, _ in runs])
        ratios = [o["wall"] / p["wall"] for o, p, _ in runs]
        show(f"Shipped series (median of {args.repeat} runs)", ours, plain, ratios)
        floors = [f / p["wall"] for _, p, f in runs]
        above = [o["wall"] / f for o, _, f in runs]
        print(
            f"  plain loop on {args.jobs} processes  {statistics.median(f for _, _, f in runs):7.2f} s   the floor:"
            f" {statistics.median(floors):.2f} of the plain loop (each run's: {', '.join(f'{r:.2f}' for r in floors)})"
        )
        print(
            f"  build / that floor         {statistics.median(above):7.2f}   (median of each run's:"
            f" {', '.join(f'{r:.2f}' for r in above)})"
        )
        if args.repeat > 1:
            shown = "; ".join(f"{o['wall']:.2f} / {p['wall']:.2f} / {f:.2f}" for o, p, f in runs)
            print(f"  each run, build / plain / floor  {shown} s")
        times = rebuilds(shipped)
        print(f"  nothing to do              {times['noop']:7.2f} s   (python build.py, start-up included)")
        shown = ", ".join(f"{seconds:.2f}" for seconds in times["each"])
        print(f"  one source edited          {times['one']:7.2f} s   (python build.py, median of {shown} s)")
        show_watched(watched_rebuilds(shipped))
        show_preview(preview_saves(shipped))

        synthetic = Project.at(ROOT, synthetic_content(tmp_path / "synthetic", args.practices), tmp_path / "out-synth")
        big = cold_build(synthetic, args.jobs)
        big_plain = None if args.skip_plain else plain_loop(synthetic, tmp_path / "plain-synth")
        show(f"Synthetic series ({args.practices} practices)", big, big_plain)
        times = rebuilds(synthetic)
        print(f"  nothing to do              {times['noop']:7.2f} s")
        shown = ", ".join(f"{seconds:.2f}" for seconds in times["each"])
        print(f"  one source edited          {times['one']:7.2f} s   (median of {shown} s)")
        show_watched(watched_rebuilds(synthetic))
        show_preview(preview_saves(synthetic))
        per_small = ours["wall"] / max(ours["sheets"], 1)
        per_big = big["wall"] / max(big["sheets"], 1)
        print(f"\nCost per sheet: {per_small:.3f} s at {ours['sheets']} sheets, {per_big:.3f} s at {big['sheets']}")

        one = cold_build(Project.at(ROOT, shipped_content, tmp_path / "out-1job"), 1)
        print(
            f"Speed-up from 1 to {args.jobs} jobs on the shipped series: {one['wall']:.2f} s -> {ours['wall']:.2f} s"
            f" = {one['wall'] / ours['wall']:.2f}x"
        )


if __name__ == "__main__":
    main()
