"""Benchmark: ``python -m core objectivity`` and ``python -m core checks`` on the ВПР 2021
математика 5 region dump (26 139 rows, 637 schools) against ``python -m core summary`` on the
same file and a bare openpyxl read, all in the same run (compare ratios, not seconds).

The issue asks that a region-wide dump takes seconds, not minutes. Prints only; never asserts.

    python benchmarks/bench_objectivity.py [PATH]
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
RUNS = 3


def _time(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def _cli(name: str, path: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "core", name, str(path), "--year", "2020/2021", "--subject",
            "Математика", "--grade", "5", "--out", str(out)]


def main() -> int:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    if not path.is_file():
        print(f"нет файла {path}", file=sys.stderr)
        return 2
    bare = [sys.executable, "-c", "import sys, pandas as pd; pd.read_excel(sys.argv[1], "
            "engine='openpyxl')", str(path)]
    timings: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("summary", "objectivity", "checks"):
            out = Path(tmp) / f"{name}.csv"
            timings[name] = statistics.median(_time(_cli(name, path, out)) for _ in range(RUNS))
            rows = len(out.read_text(encoding="utf-8-sig").splitlines()) - 1
            print(f"python -m core {name}: {timings[name]:.2f} с (медиана из {RUNS}), "
                  f"строк в CSV: {rows}")
    timings["openpyxl"] = statistics.median(_time(bare) for _ in range(2))
    print(f"чтение того же файла pandas+openpyxl: {timings['openpyxl']:.2f} с")
    for name in ("objectivity", "checks"):
        print(f"{name} / summary = {timings[name] / timings['summary']:.2f}; "
              f"{name} / openpyxl = {timings[name] / timings['openpyxl']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
