"""The preview's server and view, without a browser: what it serves, what it refuses, and how a build's events
become what the page shows. The page itself is driven in a real browser in test_preview_browser.py."""

from __future__ import annotations

import http.client
import json
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace

import pytest
import uvicorn
import yaml

from knowledge_bites.pipeline import SheetResult
from knowledge_bites.preview.hub import Hub
from knowledge_bites.preview.server import allowed_hosts, application, listen
from knowledge_bites.preview.view import View, sheet_key, sheet_notes
from knowledge_bites.printing.job import Fit
from knowledge_bites.problems import Problem
from knowledge_bites.project import Project
from knowledge_bites.record import Record
from knowledge_bites.session import Outcome
from knowledge_bites.sources import load_series

from .conftest import ROOT, practice

SECRET = "not for the browser"


@dataclass(frozen=True)
class Running:
    port: int
    project: Project
    hub: Hub

    def get(self, path: str, *, host: str | None = None, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
        """Send a request exactly as written (no client tidies the path) and return status, headers and body."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request(method, path, headers={"Host": host or f"127.0.0.1:{self.port}"})
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            connection.close()


@pytest.fixture(scope="module")
def running(tmp_path_factory) -> Iterator[Running]:
    """The preview's web application, serving a small output folder, with a file and a link outside it."""
    folder = tmp_path_factory.mktemp("preview")
    outside = folder / "secret.txt"
    outside.write_text(SECRET, encoding="utf-8")
    output = folder / "output"
    (output / "en").mkdir(parents=True)
    (output / "en" / "sheet.pdf").write_bytes(b"%PDF-1.7 a sheet")
    (output / "en" / "link.txt").symlink_to(outside)
    project = Project.at(ROOT, ROOT / "content", output)
    hub = Hub(View(project))
    sock = listen("127.0.0.1", 0)
    server = uvicorn.Server(
        uvicorn.Config(application(project, hub, allowed_hosts("127.0.0.1")), log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.started
    yield Running(sock.getsockname()[1], project, hub)
    hub.close()
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


def test_serves_the_page_its_assets_and_the_output_folder(running):
    status, headers, body = running.get("/")
    assert status == 200 and b"/assets/preview.js" in body
    # The page may load nothing from anywhere else, and nothing but these files is sent as what it says it is.
    assert "default-src 'none'" in headers["content-security-policy"]
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert running.get("/sheet/01-cash-for-work-guinea.en")[0] == 200
    assert running.get("/output/en/sheet.pdf")[2] == b"%PDF-1.7 a sheet"
    for name in ("preview.js", "preview.css", "brand.css", "logo.svg", "Lato-Regular.ttf", "Lato-Black.ttf"):
        assert running.get(f"/assets/{name}")[0] == 200, name
    assert running.get("/assets/Lato-Regular.ttf")[2] == (ROOT / "styles" / "fonts" / "Lato-Regular.ttf").read_bytes()
    state = json.loads(running.get("/state.json")[2])
    assert state["type"] == "state" and state["state"]["sheets"] == []


@pytest.mark.parametrize(
    "path",
    [
        "/../../etc/passwd",
        "/output/../../etc/passwd",
        "/output/%2e%2e/%2e%2e/etc/passwd",
        "/output/..%2f..%2fsecret.txt",
        "/output/../secret.txt",
        "/output/en/link.txt",  # a link inside output/ to a file outside it
        "/output//etc/passwd",
        "/assets/../server.py",
        "/assets/sheet.css",  # of styles/, only the brand's colours, logo and fonts are the preview's
        "/assets/OFL.txt",
        "/assets/hub.py",
    ],
)
def test_refuses_anything_outside_its_assets_and_the_output_folder(running, path):
    status, _, body = running.get(path)
    assert status in (400, 404), (path, status)
    assert SECRET.encode() not in body and b"root:" not in body


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "127.0.0.1.evil.example"])
def test_refuses_requests_addressed_to_another_host(running, host):
    """A page elsewhere that points its own name at 127.0.0.1 (DNS rebinding) gets nothing."""
    status, _, body = running.get("/state.json", host=host)
    assert status == 400 and b"sheets" not in body
    assert running.get("/state.json", host=f"localhost:{running.port}")[0] == 200


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
@pytest.mark.parametrize("path", ["/", "/state.json", "/output/en/sheet.pdf", "/assets/preview.js"])
def test_no_endpoint_writes(running, method, path):
    before = sorted(p.name for p in running.project.output.rglob("*"))
    assert running.get(path, method=method)[0] == 405
    assert sorted(p.name for p in running.project.output.rglob("*")) == before


def test_only_the_loopback_names_are_allowed_unless_another_address_is_given():
    assert allowed_hosts("127.0.0.1") == ["127.0.0.1", "[::1]", "localhost"]
    assert allowed_hosts("::1") == ["127.0.0.1", "[::1]", "localhost"]  # an IPv6 address comes in brackets
    assert "192.0.2.7" in allowed_hosts("192.0.2.7")
    everywhere = allowed_hosts("0.0.0.0")
    assert os.uname().nodename in everywhere and "evil.example" not in everywhere


# --- The view: a build's events become what the page shows ----------------------------------------


def test_the_view_follows_a_build_and_keeps_the_last_good_pages_of_a_failed_sheet(scratch, tmp_path):
    good, broken = scratch / "practices" / "03-entrepreneurship.en.md", scratch / "practices" / "04-training.en.md"
    good.write_text(practice(), encoding="utf-8")
    broken.write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")
    project = Project.at(tmp_path, scratch, tmp_path / "output")  # the scratch content is the project's
    pdf = project.output / "en" / "knowledge-bites-03-entrepreneurship-en.pdf"
    pdf.parent.mkdir(parents=True)
    pdf.write_bytes(b"%PDF-1.7")
    for page in (1, 2):
        (project.output / "pages").mkdir(exist_ok=True)
        (project.output / "pages" / f"{pdf.stem}-{page}.png").write_bytes(b"png")
    series = load_series(scratch)
    view = View(project)

    view.begin([good])
    view.loaded(series, sheet_notes(series), Record.load(project.output))
    view.printing(["03-entrepreneurship.en"])
    state = view.as_json()
    assert state["building"] and state["changed"] == ["content/practices/03-entrepreneurship.en.md"]
    first, second = state["sheets"]
    assert (first["key"], first["building"], first["status"]) == ("03-entrepreneurship.en", True, "new")
    assert second["key"] == sheet_key(broken) == "04-training.en" and second["status"] == "failed"
    assert second["problems"][0].startswith("content/practices/04-training.en.md:2: ")
    # The practice lacks its Spanish version, and its French and Arabic ones, in languages still in progress.
    assert [(note["kind"], note["text"]) for note in first["notes"]] == [
        ("missing", "no Spanish version yet"),
        ("in-progress", "no French and Arabic versions yet"),
    ]

    view.printed(SheetResult("03-entrepreneurship.en", good, "built", pdf, 2, 8, sha256="ab" * 32, fit=Fit(64)))
    sheet = view.as_json()["sheets"][0]
    # Built, and warned at loading that its Spanish version is missing.
    assert (sheet["status"], sheet["current"], sheet["fit"]) == ("warnings", True, "fits, about 60 words to spare")
    assert sheet["problems"] == [
        "content/practices/03-entrepreneurship.en.md: warning: no 'es' version (03-entrepreneurship.es.md); "
        "the other languages are still built"
    ]
    assert sheet["pages"] == [
        f"/output/pages/{pdf.stem}-1.png?v={'ab' * 8}",
        f"/output/pages/{pdf.stem}-2.png?v={'ab' * 8}",
    ]
    assert sheet["pdf"] == f"/output/en/{pdf.name}?v={'ab' * 8}"

    # Printed again, it fails: its last good pages are still shown, as not current, with the message.
    message = Problem(good, None, None, "runs 1 page over two pages")
    view.printed(SheetResult("03-entrepreneurship.en", good, "failed", problems=(message,), fit=Fit(-50)))
    view.end(Outcome(1, series))
    sheet = view.as_json()["sheets"][0]
    assert (sheet["status"], sheet["current"], sheet["building"]) == ("failed", False, False)
    # What kept it from being built comes first, above the warning it had.
    assert sheet["problems"][0] == "content/practices/03-entrepreneurship.en.md: runs 1 page over two pages"
    assert ": warning: no 'es' version" in sheet["problems"][1]
    assert sheet["pages"] and sheet["fit"] == "does not fit: about 60 words too long"
    assert not view.as_json()["building"]

    # Then its front matter breaks: only what loading says is shown, not how its last text was laid out.
    good.write_text(practice().replace("number: 3", "number: three"), encoding="utf-8")
    view.loaded(load_series(scratch), {}, None)
    sheet = view.as_json()["sheets"][0]
    assert sheet["status"] == "failed" and sheet["fit"] is None and sheet["pages"]
    assert [line.split(": ", 2)[1] for line in sheet["problems"]] == ["number"]

    # series.yaml unusable: the whole page says why, and the sheets stay as they were behind it.
    view.begin([scratch / "series.yaml"])
    view.end(Outcome(2, stopped=["content/series.yaml:3: languages: field required"]))
    assert view.as_json()["error"] == ["content/series.yaml:3: languages: field required"]
    assert len(view.as_json()["sheets"]) == 2
    view.loaded(series, {}, Record.load(project.output))
    assert view.as_json()["error"] == []


def test_a_sheet_found_up_to_date_is_shown_from_the_build_record(shipped_build, tmp_path):
    import shutil

    output = tmp_path / "output"
    shutil.copytree(shipped_build.output, output)
    project = Project.at(ROOT, output=output)
    series = load_series(project.content)
    view = View(project)
    view.loaded(series, sheet_notes(series), Record.load(project.output))
    sheets = view.as_json()["sheets"]
    assert len(sheets) == len(series.sheets) and all(s["status"] == "ok" and len(s["pages"]) == 2 for s in sheets)
    assert all(s["fit"].startswith("fits, ") for s in sheets)
    # French and Arabic are in progress: only their missing versions are noted, on the English sheets, asking for
    # nothing yet.
    assert {note["kind"] for s in sheets for note in s["notes"]} == {"in-progress"}
    assert {s["lang"] for s in sheets if s["notes"]} == {"en"}
    assert sheets[0]["title"] == "Cash-for-work, Guinea" and sheets[1]["lang"] == "es"
    languages = view.as_json()["languages"]
    assert [language["name"] for language in languages] == ["English", "Spanish", "French", "Arabic"]
    assert [language["dir"] for language in languages] == ["ltr", "ltr", "ltr", "rtl"]  # how its sheet page reads


def test_a_build_that_could_not_run_says_why_above_the_sheets(shipped_build, tmp_path):
    project = Project.at(ROOT, output=shipped_build.output)
    series = load_series(project.content)
    view = View(project)
    view.loaded(series, {}, Record.load(project.output))
    busy = "output: another build is writing to this folder; run again when it ends"
    view.end(Outcome(2, series, stopped=[busy]))
    assert view.as_json()["notices"] == [busy] and view.as_json()["error"] == []
    assert len(view.as_json()["sheets"]) == len(series.sheets)


def test_a_translation_behind_its_reference_text_says_so_on_its_sheet(scratch):
    english = scratch / "practices" / "03-entrepreneurship.en.md"
    english.write_text(practice(), encoding="utf-8")
    spanish = practice().replace("number: 3\n", 'number: 3\ntranslated_from: "' + "0" * 40 + '"\n')
    (scratch / "practices" / "03-entrepreneurship.es.md").write_text(spanish, encoding="utf-8")
    notes = sheet_notes(load_series(scratch))
    (out_of_date,) = notes["03-entrepreneurship.es"][:1]
    assert out_of_date.kind == "out-of-date" and out_of_date.text.startswith("out of date: ")
    assert [note.kind for note in notes["03-entrepreneurship.en"]] == ["in-progress"]  # French and Arabic, in progress


def test_a_sheet_not_built_lists_its_error_first_and_no_room_figure(shipped_build, tmp_path):
    import shutil

    output, content = tmp_path / "output", tmp_path / "content"
    shutil.copytree(shipped_build.output, output)
    shutil.copytree(ROOT / "content", content)
    project = Project.at(ROOT, content, output)
    source = content / "practices" / "07-pre-departure-assistance-morocco.en.md"
    view = View(project)
    series = load_series(content)
    view.loaded(series, sheet_notes(series), Record.load(output))
    key = "07-pre-departure-assistance-morocco.en"
    assert view.as_json()["sheets"][12]["key"] == key and view.as_json()["sheets"][12]["fit"].startswith("fits, ")

    # Built with a warning, then it fails to print (a time limit): the error comes first, and no room is told.
    warning = Problem(source, 20, None, "raw HTML is not allowed in the text and was removed", "warning")
    view.sheets[key] = replace(view.sheets[key], source_problems=view.lines([warning]))
    view.printed(SheetResult(key, source, "failed", problems=(Problem(source, None, None, "took too long"),)))
    sheet = view.as_json()["sheets"][12]
    assert sheet["problems"][0].endswith(": took too long") and ": warning: " in sheet["problems"][1]
    assert (sheet["status"], sheet["fit"]) == ("failed", None)

    # Its text breaks: the room of its last good build is not shown beside "Not built" either.
    source.write_text(source.read_text(encoding="utf-8").replace("number: 7", "number: seven"), encoding="utf-8")
    view = View(project)
    series = load_series(content)
    view.loaded(series, sheet_notes(series), Record.load(output))
    sheet = view.as_json()["sheets"][12]
    assert (sheet["status"], sheet["fit"], bool(sheet["pages"])) == ("failed", None, True)


def test_a_practice_lacking_several_languages_says_so_in_one_note(shipped_copy):
    data = yaml.safe_load((shipped_copy / "series.yaml").read_text(encoding="utf-8"))
    for value in [
        data["series_name"],
        data["short_name"],
        data["publisher"],
        data["disclaimer"],
        data["call_to_action"]["text"],
        data["call_to_action"]["link_text"],
        *data["regions"].values(),
    ]:
        value.update(pt=value["en"], de=value["en"])  # fmt: skip
    languages = {**data["languages"], "pt": "pt_PT", "de": "de"}
    data.update(languages=languages, languages_in_progress=["fr", "ar", "pt", "de"])
    (shipped_copy / "series.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    notes = sheet_notes(load_series(shipped_copy))
    assert [(n.kind, n.text) for n in notes["01-cash-for-work-guinea.en"]] == [
        ("in-progress", "no French, Arabic, Portuguese and German versions yet")
    ]
