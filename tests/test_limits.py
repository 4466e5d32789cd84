"""A sheet that hangs, eats memory or is interrupted never costs the rest of the series or leaves debris."""

from __future__ import annotations

import hashlib
import json
import signal
import sys

import pytest

from knowledge_bites.limits import Limits

from .conftest import ROOT, compiled_languages, copy_project, practice, run_build, start_interruptible

# Enough sheets that the build is still printing when the first is done: two workers, three sheets each.
INTERRUPTED = [
    "01-cash-for-work-guinea",
    "02-employment-through-training-burkina-faso",
    "03-entrepreneurship-burkina-faso",
]


def two_practices(scratch):
    (scratch / "practices" / "03-entrepreneurship.en.md").write_text(practice(), encoding="utf-8")
    (scratch / "practices" / "04-other.en.md").write_text(
        practice().replace("number: 3", "number: 4"), encoding="utf-8"
    )


# The alarm may go off inside a library callback, which reports the exception it swallows as "ignored";
# the build notices that the time is up before it writes anything.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_sheet_over_its_time_limit_fails_alone(scratch, tmp_path):
    two_practices(scratch)
    status, log = run_build(
        ROOT, "--content", str(scratch), "--output", str(tmp_path / "out"), "--jobs", "1", "--time-limit", "0.001"
    )
    assert status == 1
    assert log.count("layout took longer than 0.001 s and was stopped; the sheet was not written") == 2
    assert not list((tmp_path / "out").rglob("*.pdf"))


@pytest.mark.parametrize("jobs", ["1", "2"])  # one worker process is a worker process too, under the same limit
def test_a_worker_over_its_memory_limit_fails_its_sheet_and_the_build_goes_on(scratch, tmp_path, jobs):
    two_practices(scratch)
    status, log = run_build(
        ROOT, "--content", str(scratch), "--output", str(tmp_path / "out"), "--jobs", jobs, "--memory-limit", "60"
    )
    assert status == 1
    failures = [line for line in log.splitlines() if line.startswith("  ")]
    assert len(failures) == 2
    assert all("needed more than 60 MB" in line or "stopped unexpectedly" in line for line in failures), log
    assert log.strip().splitlines()[-1].startswith("built 0, up to date 0, failed 2")


def test_interrupting_a_build_leaves_complete_pdfs_and_a_true_record(tmp_path):
    project = copy_project(tmp_path / "project", INTERRUPTED)
    content, output = project / "content", tmp_path / "out"
    folders = ["--content", str(content), "--output", str(output), "--jobs", "2"]
    build = start_interruptible([sys.executable, str(ROOT / "build.py"), *folders], cwd=tmp_path)
    assert build.stdout is not None
    for line in build.stdout:
        if line.startswith("built "):
            build.send_signal(signal.SIGINT)
            break
    rest = build.stdout.read()
    assert build.wait(timeout=120) == 130
    assert "interrupted: the PDFs already written are complete and recorded; no partial file is left" in rest
    assert not [p for p in output.rglob("*") if p.name.endswith(".tmp")]
    record = json.loads((output / "build-record.json").read_text(encoding="utf-8"))
    sources = len(list((content / "practices").glob("*.md")))
    assert 1 <= len(record["sheets"]) < sources
    assert record["clean"] is False
    for sheet in record["sheets"].values():
        assert hashlib.sha256((output / sheet["pdf"]).read_bytes()).hexdigest() == sheet["sha256"]
    # The next build finishes the job.
    status, log = run_build(ROOT, *folders)
    assert status == 0, log
    assert len(list(output.glob("*/*.pdf"))) == sources


def test_progress_counts_each_sheet_once_as_it_is_printed_while_the_log_keeps_series_order(shipped_copy, tmp_path):
    """The longest sheets start first, so sheets finish out of order: the bar hears of each one as soon as it
    is printed, and the results still come in series order."""
    import io

    from tqdm import tqdm

    from knowledge_bites.cli import Progress
    from knowledge_bites.pipeline import BuildEvents, Options, build
    from knowledge_bites.project import Project
    from knowledge_bites.sources import load_series

    class Told(BuildEvents):
        def result(self, result):
            results.append(result)

        def finished(self, result):
            finished.append(result)

    project = Project.at(ROOT, shipped_copy, tmp_path / "out")
    results, finished = [], []
    series = load_series(shipped_copy)
    report = build(
        project,
        series,
        compiled_languages(series),
        options=Options(only=(1, 2, 3), limits=Limits(jobs=2)),
        events=Told(),
    )
    assert report.ok
    keys = [r.key for r in results]
    assert [k.split("-")[0] + k[-3:] for k in keys] == ["01.en", "01.es", "02.en", "02.es", "03.en", "03.es"]
    # The first sheet in series order is not done when the results are first awaited, so some sheet is always
    # told of while the log waits; none twice.
    told = [result.key for result in finished]
    assert told and len(told) == len(set(told)) and set(told) <= set(keys)
    assert all(result.status == "built" and result.pdf.is_file() for result in finished)  # the result, at once

    progress = Progress(io.StringIO())
    progress.bar = tqdm(total=len(results), file=io.StringIO())
    for result in finished:
        progress.finished(result)
    for result in results:  # a result already counted when it was printed is not counted again
        progress.result(result)
    assert progress.bar.n == len(results)


def test_workers_are_replaced_after_their_quota_and_every_sheet_is_built(shipped_copy, tmp_path):
    """A worker that retires after its quota of sheets is replaced; the build neither hangs nor loses a sheet."""
    from knowledge_bites.pipeline import Options, build
    from knowledge_bites.project import Project
    from knowledge_bites.sources import load_series

    project = Project.at(ROOT, shipped_copy, tmp_path / "out")
    series = load_series(shipped_copy)
    options = Options(only=(1, 2, 3), limits=Limits(jobs=2, recycle=1))
    report = build(project, series, compiled_languages(series), options=options)
    assert report.ok
    results = report.results
    assert [r.key.split("-")[0] + r.key[-3:] for r in results] == ["01.en", "01.es", "02.en", "02.es", "03.en", "03.es"]
    assert all(r.status == "built" for r in results)
