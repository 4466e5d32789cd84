"""Measure the translator's kit: the export and the import of one practice, as `python build.py translations` runs them.

    .venv/bin/python benchmarks/kit.py [--repeat 7] [--practice 9] [--lang es]

Everything happens in a temporary copy of the shipped content; the repository is only read. It prints, each the
median of the runs:

- the whole command as a user runs it, in a fresh process from its first line (start-up, loading and checking
  the series, then the kit): `translations --export 9 --lang es`, and `translations --import` of that kit
  untouched (every unit checked, the text written and read back; the source then holds the same bytes);
- as a baseline, `translations` alone (the report): the start-up and the loading that every one of them has;
- the same two inside one process, after the series is loaded: the kit's own work.
"""

from __future__ import annotations

import argparse
import io
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge_bites.sources import load_series  # noqa: E402
from knowledge_bites.translating import exporting, importing  # noqa: E402


def timed(run: Callable[[], object], repeat: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times), times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--practice", type=int, default=9)
    parser.add_argument("--lang", default="es")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kb-kit-bench-") as folder:
        content = Path(folder) / "content"
        shutil.copytree(ROOT / "content", content)
        output = Path(folder) / "output"
        command = [sys.executable, str(ROOT / "build.py"), "--content", str(content), "--output", str(output),
                   "translations"]  # fmt: skip
        export = [*command, "--export", str(args.practice), "--lang", args.lang]
        done = subprocess.run(export, capture_output=True, text=True, check=True, cwd=folder)
        kit = next((output / "translation").glob(f"{args.practice:02d}-*.en-{args.lang}.xlf"))
        imported = [*command, "--import", str(kit)]

        def run(what: list[str]) -> None:
            subprocess.run(what, capture_output=True, check=True, cwd=folder)

        report, report_runs = timed(lambda: run(command), args.repeat)
        whole_export, export_runs = timed(lambda: run(export), args.repeat)
        whole_import, import_runs = timed(lambda: run(imported), args.repeat)

        series = load_series(content)
        locales = series.settings.languages

        def export_only() -> None:
            exporting.export(series.translations, locales, content, output, args.practice, args.lang)

        def import_only() -> None:
            plan = importing.plan(kit, series.translations, content, allow_partial=False, languages=())
            importing.write(plan, content)

        export_only()  # the first call imports translate-toolkit
        own_export, _ = timed(export_only, args.repeat)
        own_import, _ = timed(import_only, args.repeat)
        out = io.StringIO()

        def runs(times: list[float]) -> str:
            return ", ".join(f"{t:.3f}" for t in times)

        print(f"Practice #{args.practice} into '{args.lang}': {done.stdout.splitlines()[-1]}", file=out)
        print(f"  the report alone        {report:.3f} s   (python build.py translations: start-up and loading the "
              f"series; median of {runs(report_runs)})", file=out)  # fmt: skip
        print(f"  export, whole command   {whole_export:.3f} s   (median of {runs(export_runs)})", file=out)
        print(f"  import, whole command   {whole_import:.3f} s   (median of {runs(import_runs)})", file=out)
        print(f"  export, the kit alone   {own_export:.3f} s   (series loaded, in one process)", file=out)
        print(f"  import, the kit alone   {own_import:.3f} s   (series loaded, in one process)", file=out)
        print(out.getvalue(), end="")


if __name__ == "__main__":
    main()
