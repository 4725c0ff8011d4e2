"""Benchmark: the whole ``python -m core summary`` CLI on the ВПР 2021 математика 5 dump
(26 139 rows) against a bare ``pandas.read_excel(path, engine="openpyxl")`` of the same file,
measured in the same run (machines are shared and noisy: compare the ratio, not seconds).

Target from the issue: CLI time ≤ ½ of the bare openpyxl read. Prints only; never asserts.

    python benchmarks/bench_summary.py [PATH]
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = (ROOT.parent / "shared" / "realdata" / "altai-vpr" / "2021" / "5"
           / "Проведение работы по математике, 5 класс. ВПР 2021.xlsx")
CLI_RUNS = 3
READ_RUNS = 2


def _time_cli(path: Path, out: Path) -> float:
    cmd = [sys.executable, "-m", "core", "summary", str(path), "--year", "2020/2021",
           "--subject", "Математика", "--grade", "5", "--out", str(out)]
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def _time_openpyxl(path: Path) -> float:
    # A fresh interpreter, like the CLI, so both include interpreter and pandas start-up.
    code = ("import sys, pandas as pd; pd.read_excel(sys.argv[1], engine='openpyxl')")
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, str(path)], check=True)
    return time.perf_counter() - start


def main() -> int:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    if not path.is_file():
        print(f"нет файла {path}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "summary.csv"
        cli = [_time_cli(path, out) for _ in range(CLI_RUNS)]
        rows = len(out.read_text(encoding="utf-8-sig").splitlines()) - 1
    bare = [_time_openpyxl(path) for _ in range(READ_RUNS)]
    import pandas as pd

    inproc = []
    for _ in range(READ_RUNS):
        start = time.perf_counter()
        pd.read_excel(path, engine="openpyxl")
        inproc.append(time.perf_counter() - start)
    cli_median, bare_median = statistics.median(cli), statistics.median(bare)
    inproc_median = statistics.median(inproc)
    print(f"file: {path.name}")
    print(f"CLI summary  (median of {CLI_RUNS}): {cli_median:.2f} s  "
          f"runs {', '.join(f'{t:.2f}' for t in cli)}; summary rows {rows}")
    print(f"openpyxl read (median of {READ_RUNS}): {bare_median:.2f} s  "
          f"runs {', '.join(f'{t:.2f}' for t in bare)}")
    print(f"openpyxl read in this process, without start-up (median of {READ_RUNS}): "
          f"{inproc_median:.2f} s")
    print(f"ratio CLI / openpyxl: {cli_median / bare_median:.2f} (target ≤ 0.50); "
          f"stricter, against the in-process read: {cli_median / inproc_median:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
