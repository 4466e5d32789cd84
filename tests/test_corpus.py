"""The corpus of bad sources: each case is built alone and must print exactly the lines in its .expected file.

A case is a practice file in tests/corpus/ (`03-tab-indent.en.md`, expected in `03-tab-indent.expected`) or a
folder laid out like content/ (`photo-truncated/practices/…`, `photo-truncated/images/…`, expected in
`photo-truncated.expected`). The expected lines name files relative to tests/corpus/. An empty .expected file
means the case builds cleanly. After changing a message on purpose, rewrite them all with
`KB_UPDATE_EXPECTED=1 .venv/bin/python -m pytest tests/test_corpus.py` and review the diff.

The images were made with Pillow: small flat-colour PNGs (photo-good, image-good), a 200 x 200 PNG of
random pixels cut to half its bytes (photo-truncated), and a PNG whose valid header announces
20,000 x 20,000 pixels followed by a few bytes of data (photo-enormous: refused from the header alone).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
import yaml

from .conftest import ROOT, run_build

CORPUS = Path(__file__).parent / "corpus"
UPDATE = os.environ.get("KB_UPDATE_EXPECTED") == "1"
_CASE = re.compile(r"^(?P<case>.+?)(?:\.[A-Za-z_-]+)?\.md$")


def _cases() -> list[str]:
    names = {path.name for path in CORPUS.iterdir() if path.is_dir()}
    names |= {match["case"] for path in CORPUS.glob("*.md") if (match := _CASE.match(path.name))}
    return sorted(names)


def _materialise(case: str, tmp_path: Path) -> tuple[Path, Path, str]:
    """Lay out a case as a content folder; return it, the folder its lines are shown from, and their prefix."""
    content = tmp_path / "content"
    practices = content / "practices"
    folder = CORPUS / case
    if folder.is_dir():
        shutil.copytree(folder, content, symlinks=True)
        shown_from, prefix = content, f"{case}/"
    else:
        practices.mkdir(parents=True)
        for path in CORPUS.glob("*.md"):
            if (match := _CASE.match(path.name)) and match["case"] == case:
                shutil.copy(path, practices / path.name)
        shown_from, prefix = practices, ""
    # The series of a case has only the languages its files use, so that a lone English file is not
    # reported for its missing Spanish twin (that warning has its own test).
    settings = yaml.safe_load((ROOT / "content" / "series.yaml").read_text(encoding="utf-8"))
    used = {m[1] for p in practices.glob("*.md") if (m := re.search(r"\.([A-Za-z_-]+)\.md$", p.name))}
    languages = {code: locale for code, locale in settings["languages"].items() if code in used}
    settings["languages"] = languages or settings["languages"]
    settings["languages_in_progress"] = [code for code in settings["languages_in_progress"] if code in languages]
    (content / "series.yaml").write_text(yaml.safe_dump(settings, allow_unicode=True, sort_keys=False), "utf-8")
    return content, shown_from, prefix


@pytest.mark.parametrize("case", _cases())
def test_corpus_case(case, tmp_path):
    content, shown_from, prefix = _materialise(case, tmp_path)
    status, log = run_build(ROOT, "--content", str(content), "--output", str(tmp_path / "out"), "--jobs", "1")
    assert "Traceback" not in log, log
    lines = [
        line.strip().replace(f"{shown_from}/", prefix)
        for line in log.splitlines()
        if line.strip().startswith(f"{shown_from}/")
    ]
    expected_file = CORPUS / f"{case}.expected"
    if UPDATE:
        expected_file.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    assert expected_file.exists(), f"no {expected_file.name}: write it, or run with KB_UPDATE_EXPECTED=1"
    assert lines == expected_file.read_text(encoding="utf-8").splitlines()
    errors = [line for line in lines if ": warning: " not in line]
    assert status == (1 if errors else 0), log
    failed = {line.split()[1] for line in log.splitlines() if line.startswith("failed  ")}
    failing_files = {line.split(":")[0].replace(prefix, "", 1) for line in errors}
    assert {Path(f).name for f in failed} == {Path(f).name for f in failing_files}, log
    # Nothing half-written is left, and no PDF of a failing source exists.
    assert not [p for p in (tmp_path / "out").rglob("*") if p.name.endswith(".tmp")]
    pdfs = {p.name for p in (tmp_path / "out").rglob("*.pdf")}
    for name in {Path(f).name for f in failing_files}:
        assert f"knowledge-bites-{name.removesuffix('.md').replace('.', '-')}.pdf" not in pdfs, name


def test_every_case_has_its_expected_lines():
    assert sorted(p.stem for p in CORPUS.glob("*.expected")) == _cases()
