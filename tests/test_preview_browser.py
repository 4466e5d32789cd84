"""The live preview in a real browser: `python build.py serve` on a copy of the project, driven with Playwright in
Debian's Chromium (never a browser Playwright would download). One server and one browser serve every test of this
module, in order; each test puts back what it changed.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from .conftest import copy_project

os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")  # the system's Chromium only
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (make test installs it)")

PRACTICES = [
    "01-cash-for-work-guinea",
    "02-employment-through-training-burkina-faso",
    "03-entrepreneurship-burkina-faso",
]
WAIT = 90.0  # seconds: the longest any step may take on a busy machine before the test fails


@dataclass
class Server:
    """`python build.py serve` running on a copy of the project, and everything it printed."""

    process: subprocess.Popen[str]
    project: Path
    lines: list[str] = field(default_factory=list)
    url: str = ""
    status: int | None = None  # its exit status, once it has ended

    def read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for_line(self, pattern: str, after: int = 0) -> re.Match[str]:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            for line in self.lines[after:]:
                if match := re.search(pattern, line):
                    return match
            assert self.process.poll() is None, "\n".join(self.lines)
            time.sleep(0.05)
        raise AssertionError(f"no line like {pattern!r} in:\n" + "\n".join(self.lines))

    def source(self, name: str) -> Path:
        return self.project / "content" / "practices" / name


def children_of(project: Path) -> list[str]:
    """Return the command lines of the processes still running from the server's project (its workers included)."""
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                cwd = os.readlink(proc / "cwd")
            except OSError:
                continue
            if str(project) in command or cwd == str(project):
                found.append(command)
    return found


@contextmanager
def serving(project: Path) -> Iterator[Server]:
    """Run `serve` on a project until the block ends, then stop it with SIGTERM (as a system stopping the service
    does; Ctrl-C takes the same path) and give it a moment to end its workers. Its exit status is `status`."""
    code = (
        "import sys; from pathlib import Path; from knowledge_bites.cli import main;"
        f"sys.exit(main(['serve', '--port', '0', '--jobs', '2'], root=Path({str(project)!r})))"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=project
    )
    running = Server(process, project)
    threading.Thread(target=running.read, daemon=True).start()
    try:
        running.url = running.wait_for_line(r"preview at (http://127\.0\.0\.1:\d+)/")[1]
        running.wait_for_line(r"^watching ")
        yield running
    finally:
        process.send_signal(signal.SIGTERM)
        running.status = process.wait(timeout=60)
        deadline = time.monotonic() + 10
        while children_of(project) and time.monotonic() < deadline:
            time.sleep(0.1)


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    project = copy_project(tmp_path_factory.mktemp("preview") / "project", PRACTICES)
    with serving(project) as running:
        yield running
    # It stops promptly and cleanly, as a build does, and leaves no worker behind.
    assert running.status == 128 + signal.SIGTERM, "\n".join(running.lines[-5:])
    assert running.lines[-1].startswith("interrupted by SIGTERM: "), "\n".join(running.lines[-5:])
    assert children_of(project) == []


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


def until(page, script: str, what: str) -> None:
    """Wait, at most WAIT seconds, until `script` is true in the page. (Polled from here: the page's policy forbids
    the evaluation of strings that Playwright's own waiting uses.)"""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if page.evaluate(script):
            return
        time.sleep(0.05)
    raise AssertionError(f"waited {WAIT:g} s for {what}: {script}")


def settled(page) -> None:
    until(page, "document.body.dataset.building === 'false' && document.body.dataset.connected === 'true'", "the build")


def edit(path: Path, old: str, new: str) -> str:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text


PICTURES_LOADED = "(images) => images.length > 0 && images.every(i => i.complete && i.naturalWidth > 0)"


def test_the_series_page_lists_every_sheet_with_its_first_page(server, browser):
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto(server.url + "/")
    settled(page)
    until(page, "document.querySelectorAll('.tile').length === 6", "a tile per sheet")
    tiles = page.locator(".tile")
    keys = [tiles.nth(i).get_attribute("data-key") for i in range(6)]
    assert keys == [f"{name}.{lang}" for name in PRACTICES for lang in ("en", "es")]
    assert all(tiles.nth(i).get_attribute("data-status") == "ok" for i in range(6))
    until(
        page,
        f"({PICTURES_LOADED})([...document.querySelectorAll('.tile img')]) && "
        "document.querySelectorAll('.tile img').length === 6",
        "the pictures of page 1",
    )
    assert "Cash-for-work, Guinea" in page.locator(".tile").first.inner_text()
    assert "words to spare" in page.locator(".tile .fit").first.inner_text()
    # In the brand's font, shipped with the project; and nothing is asked of any other server.
    assert page.evaluate("document.fonts.check('700 16px Lato') && getComputedStyle(document.body).fontFamily")
    until(page, "[...document.fonts].some(f => f.family.includes('Lato') && f.status === 'loaded')", "Lato")
    assert asked and all(url.startswith(server.url + "/") for url in asked), asked
    page.close()


def test_a_sheet_page_shows_both_pages_at_a_readable_size(server, browser):
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.goto(server.url + "/")
    settled(page)
    page.locator(".tile").nth(3).click()  # practice 2 in Spanish
    until(page, "location.pathname.startsWith('/sheet/02-')", "the sheet's page")
    until(page, f"({PICTURES_LOADED})([...document.querySelectorAll('.paper img')])", "both pages")
    sizes = page.evaluate(
        "[...document.querySelectorAll('.paper img')]"
        ".map(i => [i.naturalWidth, i.getBoundingClientRect().height, i.getBoundingClientRect().left])"
    )
    assert len(sizes) == 2 and all(width == 1200 and height >= 1000 for width, height, _ in sizes), sizes
    assert sizes[1][2] > sizes[0][2]  # side by side on a laptop's 1440 pixels
    assert page.locator(".sheet-title").inner_text().startswith("Promover el empleo")
    assert page.locator(".sheet-head .fit").inner_text().startswith("Fits, about ")
    pdf = page.locator("a.button").get_attribute("href")
    assert pdf.startswith("/output/es/knowledge-bites-02-") and ".pdf?v=" in pdf
    # The language switch goes to the same practice in English, keeping the place on the page.
    place = page.evaluate("window.scrollTo(0, 300), window.scrollY")
    assert place == 300
    page.locator(".languages a[hreflang='en']").click()
    until(page, "location.pathname.endsWith('.en')", "the English sheet")
    assert page.locator(".sheet-title").inner_text().startswith("Promote employment")
    assert abs(page.evaluate("window.scrollY") - place) <= 2
    page.close()


def test_a_saved_title_updates_the_open_page_in_place(server, browser):
    source = server.source(f"{PRACTICES[0]}.en.md")
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.goto(f"{server.url}/sheet/{PRACTICES[0]}.en")
    settled(page)
    until(page, f"({PICTURES_LOADED})([...document.querySelectorAll('.paper img')])", "both pages")
    before = page.locator(".paper img").first.get_attribute("src")
    place = page.evaluate("window.kbMarker = 'still here', window.scrollTo(0, 300), window.scrollY")
    assert place == 300
    original = edit(source, 'title: "Cash-for-work, Guinea"', 'title: "Cash-for-work in Guinea, as edited"')
    try:
        until(
            page,
            "document.querySelector('.sheet-title').textContent === 'Cash-for-work in Guinea, as edited'",
            "the new title",
        )
        until(page, f"document.querySelector('.paper img').getAttribute('src') !== {before!r}", "the new picture")
        until(page, f"({PICTURES_LOADED})([...document.querySelectorAll('.paper img')])", "the new pictures loaded")
        assert page.evaluate("window.kbMarker") == "still here"  # the page was not reloaded
        assert abs(page.evaluate("window.scrollY") - place) <= 2
        assert page.locator(".paper img").first.get_attribute("src").split("?v=")[0] == before.split("?v=")[0]
    finally:
        source.write_text(original, encoding="utf-8")
    until(page, "document.querySelector('.sheet-title').textContent === 'Cash-for-work, Guinea'", "the title put back")
    settled(page)
    page.close()


def test_a_broken_front_matter_shows_on_its_sheet_until_it_is_fixed(server, browser):
    source = server.source(f"{PRACTICES[1]}.en.md")
    sheet = browser.new_page(viewport={"width": 1440, "height": 900})
    sheet.goto(f"{server.url}/sheet/{PRACTICES[1]}.en")
    series = browser.new_page(viewport={"width": 1280, "height": 800})  # another tab, on the series page
    series.goto(server.url + "/")
    for page in (sheet, series):
        settled(page)
    until(sheet, f"({PICTURES_LOADED})([...document.querySelectorAll('.paper img')])", "both pages")
    original = edit(source, "\nnumber: 2\n", "\nnumber: two\n")
    try:
        until(sheet, "document.querySelector('main').dataset.status === 'failed'", "the sheet marked as failed")
        problems = sheet.locator(".problems")
        assert problems.is_visible()
        line = problems.locator("li").first.inner_text()
        assert re.match(rf"content/practices/{PRACTICES[1]}\.en\.md:\d+: number: ", line), line
        # The last good pages stay, marked as not current.
        assert sheet.locator(".spread").get_attribute("data-current") == "false"
        assert sheet.locator(".stale").is_visible()
        assert sheet.evaluate(f"({PICTURES_LOADED})([...document.querySelectorAll('.paper img')])")
        tile = series.locator(f".tile[data-key='{PRACTICES[1]}.en']")
        until(
            series,
            f"document.querySelector(\".tile[data-key='{PRACTICES[1]}.en']\").dataset.status === 'failed'",
            "the tile marked as failed",
        )
        assert "number: " in tile.locator(".problem").inner_text()
        assert tile.locator(".flag").is_visible()
    finally:
        source.write_text(original, encoding="utf-8")
    until(sheet, "document.querySelector('main').dataset.status === 'ok'", "the sheet built again")
    assert not sheet.locator(".problems").is_visible()
    assert sheet.locator(".spread").get_attribute("data-current") == "true"
    until(
        series,
        f"document.querySelector(\".tile[data-key='{PRACTICES[1]}.en']\").dataset.status === 'ok'",
        "the tile built again",
    )
    for page in (sheet, series):
        settled(page)
        page.close()


def test_an_unusable_series_yaml_fills_the_page_until_it_is_fixed(server, browser):
    settings = server.project / "content" / "series.yaml"
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.goto(server.url + "/")
    settled(page)
    original = edit(settings, "languages:", "languages: [")
    try:
        until(page, "document.body.dataset.error === 'true'", "the series error")
        assert page.locator(".series-error").inner_text().startswith("The series cannot be built")
        assert "content/series.yaml:" in page.locator(".series-error li").first.inner_text()
        assert page.locator(".tile").count() == 0
    finally:
        settings.write_text(original, encoding="utf-8")
    until(
        page,
        "document.body.dataset.error === 'false' && document.querySelectorAll('.tile').length === 6",
        "the sheets again",
    )
    settled(page)
    page.close()


def raw_request(url: str, path: str, host: str | None = None) -> int:
    """Send a request exactly as written, with no tidying of the path by a client; return the status."""
    address, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(address, int(port), timeout=10)
    try:
        connection.request("GET", path, headers={"Host": host or f"{address}:{port}"})
        return connection.getresponse().status
    finally:
        connection.close()


def test_the_running_preview_refuses_paths_outside_and_foreign_hosts(server):
    assert raw_request(server.url, "/output/index.html") == 200
    assert raw_request(server.url, "/../../etc/passwd") == 404
    assert raw_request(server.url, "/output/../../../../etc/passwd") == 404
    assert raw_request(server.url, "/output/../content/series.yaml") == 404
    assert raw_request(server.url, "/", host="rebound.example:80") == 400
