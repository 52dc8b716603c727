"""How long loading and checking takes on school-sized and district-sized inputs.

Prints figures; asserts nothing. Run: python benchmarks/loaders.py [--rows 300000]
The attendance file is the big one: a term of one school is about 100,000 rows, a district's
300,000 or more. Loading parses each distinct cell value once, so time grows with rows, not with
rows times the cost of parsing.
"""

from __future__ import annotations

import argparse
import csv
import io
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

from afterschool_lib.loaders import load_input
from afterschool_lib.paths import sample_dir
from afterschool_lib.validate import check_folder


def make_attendance_csv(path: Path, rows: int, seed: int = 1) -> None:
    """One record per student and service day (as a real term has), a few spelt loosely."""
    rng = np.random.default_rng(seed)
    days = pd.bdate_range("2025-09-01", "2026-01-16")
    per_grade_class = max(1, rows // (len(days) * 24) + 1)
    students = [f"2025{g}{c:02d}{n:03d}" for g in range(1, 7) for c in range(1, 5) for n in range(1, per_grade_class + 1)]
    states = rng.choice(["出勤", "缺勤", "请假", "到", "√"], size=rows, p=[0.85, 0.02, 0.05, 0.05, 0.03])
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["日期", "学号", "项目", "状态", "签退时间", "接领人"])
    for i in range(rows):
        day, student = divmod(i, len(students))
        writer.writerow([days[day % len(days)].strftime("%Y/%m/%d"), students[student], "作业辅导", states[i], "17:45", "妈妈"])
    path.write_bytes(buffer.getvalue().encode("gb18030"))


def main() -> None:
    parser = argparse.ArgumentParser(description="Loader timing")
    parser.add_argument("--rows", type=int, nargs="*", default=[10_000, 100_000, 300_000])
    args = parser.parse_args()
    time_sample_folder()
    with tempfile.TemporaryDirectory() as tmp:
        for rows in args.rows:
            path = Path(tmp) / f"attendance_{rows}.csv"
            make_attendance_csv(path, rows)
            start = time.perf_counter()
            result = load_input("attendance", path)
            elapsed = time.perf_counter() - start
            tracemalloc.start()  # a second, traced run: tracing slows Python down, so it is not timed
            load_input("attendance", path)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(f"attendance {rows:>8,} rows ({path.stat().st_size / 1e6:5.1f} MB GBK csv): "
                  f"{elapsed:6.2f} s, peak {peak / 1e6:7.1f} MB traced, kept {result.rows_kept:,}, "
                  f"problems {len(result.problems):,}")


def time_sample_folder() -> None:
    """The whole check of the bundled sample school, as `afterschool validate` and notebook 00 run it."""
    start = time.perf_counter()
    check = check_folder(sample_dir())
    elapsed = time.perf_counter() - start
    rows = int(check.accounting()["数据行"].sum())
    print(f"sample school folder ({rows:,} rows in 9 files): check_folder {elapsed:5.2f} s")


if __name__ == "__main__":
    main()
