"""The build touches only its own files: in an output folder, what its record says it wrote; in content/, the one
line a translation command edits, in the writer's own file."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import zipfile
from pathlib import Path

from .conftest import copy_project, run_build

PRACTICE = "01-cash-for-work-guinea"


def project_with_one_practice(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project", [PRACTICE])


def build(project: Path, *args: str) -> tuple[int, str]:
    return run_build(project, "--jobs", "2", *args)


USER_FILES = {
    "deep/nested/.thesis.docx.tmp": b"a draft",
    "pages/holiday.png": b"not a sheet's picture",
    "fonts/myfont.woff2": b"a font of mine",
    "bundles/knowledge-bites-en-2020-01-01.zip": b"an older zip of mine",
    "en/.notes.kb.tmp": b"my notes",
    "index.html.bak": b"my page",
}


def put(folder: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)


def test_an_output_folder_with_other_files_and_no_build_record_is_refused(tmp_path):
    project = project_with_one_practice(tmp_path)
    output = tmp_path / "mine"
    put(output, {**USER_FILES, "index.html": b"my own page", "manifest.json": b"{}"})
    before = {p: p.read_bytes() for p in output.rglob("*") if p.is_file()}

    status, log = build(project, "--output", str(output))

    assert status == 2, log
    assert log.strip().splitlines()[-1] == (
        f"{output}: holds files that no build wrote (bundles, deep, en and 5 more) and no build record: "
        "give an empty or new folder with --output"
    )
    assert {p: p.read_bytes() for p in output.rglob("*") if p.is_file()} == before


def test_files_put_into_a_build_folder_are_never_removed_or_replaced(tmp_path):
    project = project_with_one_practice(tmp_path)
    output = project / "output"
    assert build(project)[0] == 0
    put(output, USER_FILES)

    status, log = build(project, "--force")
    assert status == 0, log
    # The practice is renamed: its old PDF, pictures and bundles are the build's own, and go; the others stay.
    practices = project / "content" / "practices"
    for lang in ("en", "es"):
        (practices / f"{PRACTICE}.{lang}.md").rename(practices / f"01-cash-for-work.{lang}.md")
    status, log = build(project)
    assert status == 0, log

    for name, data in USER_FILES.items():
        assert (output / name).read_bytes() == data, name
    left = sorted(p.relative_to(output).as_posix() for p in output.rglob("*") if PRACTICE in p.name)
    assert left == [], left
    record = json.loads((output / "build-record.json").read_text(encoding="utf-8"))
    assert not set(USER_FILES) & set(record["files"])


def tampered(output: Path, key: str, **fields: object) -> None:
    path = output / "build-record.json"
    record = json.loads(path.read_text(encoding="utf-8"))
    record["sheets"][key].update(fields)
    path.write_text(json.dumps(record), encoding="utf-8")


def test_a_record_that_names_files_outside_the_output_folder_is_not_followed(tmp_path):
    project = project_with_one_practice(tmp_path)
    output = project / "output"
    assert build(project)[0] == 0
    victim = tmp_path / "victim" / "draft.md"
    put(victim.parent, {"draft.md": b"the writer's draft"})
    private = tmp_path / "outside-private.pdf"
    private.write_bytes(b"%PDF-1.7 private")

    # The English source is deleted (its PDF is to be removed); the Spanish one is broken (its last good PDF kept).
    tampered(output, f"{PRACTICE}.en", pdf="../../victim/draft.md")
    tampered(output, f"{PRACTICE}.es", pdf="../../outside-private.pdf")
    (project / "content" / "practices" / f"{PRACTICE}.en.md").unlink()
    spanish = project / "content" / "practices" / f"{PRACTICE}.es.md"
    spanish.write_text(spanish.read_text(encoding="utf-8").replace("title:", "tittle:"), encoding="utf-8")

    status, log = build(project)

    assert status == 1, log
    assert victim.read_bytes() == b"the writer's draft" and private.read_bytes() == b"%PDF-1.7 private"
    for bundle in (output / "bundles").glob("*.zip"):
        with zipfile.ZipFile(bundle) as archive:
            assert not any("private" in name for name in archive.namelist())
    manifest = json.loads((output / "manifest.json").read_text(encoding="utf-8"))
    assert all(sheet["pdf"] is None or not sheet["pdf"].startswith("..") for sheet in manifest["sheets"])
    assert "Traceback" not in log


def start_spanish(project: Path) -> tuple[Path, Path]:
    """Make the Spanish translation of the practice one to mark: return it and its English file."""
    practices = project / "content" / "practices"
    return practices / f"{PRACTICE}.es.md", practices / f"{PRACTICE}.en.md"


def test_marking_a_translation_keeps_the_writers_file_its_permissions_links_and_comment(tmp_path):
    project = project_with_one_practice(tmp_path)
    spanish, _ = start_spanish(project)
    real = project / "content" / "spanish" / spanish.name  # the writer keeps the file in a folder of theirs
    real.parent.mkdir()
    text = re.sub(
        r'^translated_from: "[0-9a-f]+"',
        'translated_from: "' + "0" * 40 + '"  # Ana',
        spanish.read_text("utf-8"),
        flags=re.M,
    )
    real.write_text(text, encoding="utf-8")
    spanish.unlink()
    spanish.symlink_to(real)
    os.chmod(real, 0o600)
    twin = tmp_path / "hard-link.md"
    os.link(real, twin)

    status, log = run_build(project, "translations", "--mark", "1", "--lang", "es")

    assert status == 0, log
    assert spanish.is_symlink() and spanish.resolve() == real
    assert stat.S_IMODE(real.stat().st_mode) == 0o600
    assert real.stat().st_nlink == 2 and twin.read_bytes() == real.read_bytes()
    lines = real.read_text(encoding="utf-8").splitlines()
    marked = [line for line in lines if line.startswith("translated_from:")]
    assert len(marked) == 1 and marked[0].endswith('"  # Ana') and "0" * 40 not in marked[0]
    assert [line for line in lines if not line.startswith("translated_from:")] == [
        line for line in text.splitlines() if not line.startswith("translated_from:")
    ]


def test_an_output_folder_that_is_a_file_is_one_line(tmp_path):
    project = project_with_one_practice(tmp_path)
    output = tmp_path / "a-file"
    output.write_text("mine", encoding="utf-8")
    status, log = build(project, "--output", str(output))
    assert status == 2 and log.strip().splitlines()[-1] == (
        f"{output}: is a file, not a folder: give a folder with --output"
    ), log
    assert output.read_text(encoding="utf-8") == "mine"


def test_a_copied_output_folder_is_taken_as_the_builds_own(tmp_path):
    """Copying the output folder (without keeping times) costs a check of every PDF, not a rebuild."""
    project = project_with_one_practice(tmp_path)
    assert build(project)[0] == 0
    copy = tmp_path / "copy"
    shutil.copytree(project / "output", copy, copy_function=shutil.copy)
    status, log = build(project, "--output", str(copy))
    assert status == 0 and "built 0, up to date 2" in log, log
    status, log = build(project, "--output", str(copy))
    assert status == 0 and "nothing to do" in log, log
