"""How long step 04 takes on a district-sized term: load, check and settle 300,000 attendance records.

Prints seconds per phase and the peak memory; asserts nothing. Run:

    python benchmarks/fees.py [--rows 300000] [--workbooks]

A synthetic school on the sample school's settings and calendar (autumn 2025, about 90 service
days): enough students taking part that one 作业辅导 row per student and service day, plus a club
row on some days, makes ``--rows`` records; a few rows are planted on a holiday and for a 学号 not
taking part, so the set-aside paths run too. The CSV is written in GBK as Chinese Excel saves it,
loaded with the real loader, checked against calendar and enrolment, and settled; then the budget
and one what-if run on the same basis. Peak memory is measured in a second, traced run (tracing
slows Python down, so that run is not timed), and the process's peak RSS is printed at the end.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

from afterschool_lib import fee_files, fees
from afterschool_lib import schema as sc
from afterschool_lib.loaders import load_input
from afterschool_lib.paths import sample_dir
from afterschool_lib.settings import load_settings
from afterschool_lib.term_calendar import build_term_calendar

CLASSES_PER_GRADE = 8


def school(rows: int, calendar, seed: int = 1) -> pd.DataFrame:
    """Students taking part: 学号, 姓名, 年级, 班级, 服务日 (most every day), 困难家庭 for 4 %."""
    rng = np.random.default_rng(seed)
    days = calendar.service_day_count
    count = max(1, int(rows / (days * 1.1 * 0.93)))  # 0.93: a share choose three days, 1.1: club rows
    grade = 1 + np.arange(count) % 6
    number = 1 + (np.arange(count) // 6) % CLASSES_PER_GRADE
    weekdays = np.where(rng.random(count) < 0.12, "周一,周三,周五", "周一,周二,周三,周四,周五")
    return pd.DataFrame({
        sc.STUDENT_ID: [f"2025{g}{c:02d}{i:05d}" for i, (g, c) in enumerate(zip(grade, number))],
        sc.NAME: [f"学生{i}" for i in range(count)],
        sc.GRADE: grade, sc.CLASS: number, sc.WEEKDAYS_COL: weekdays,
        sc.HARDSHIP: rng.random(count) < 0.04, sc.LEFT_BEHIND: rng.random(count) < 0.05,
        sc.START_DATE: None, sc.END_DATE: None,
    })


def write_attendance(path: Path, students: pd.DataFrame, calendar, rows: int, seed: int = 1) -> int:
    """The term's attendance for ``students`` as a GBK CSV of about ``rows`` records; returns the count."""
    rng = np.random.default_rng(seed)
    service = calendar.service_days
    dates = service[sc.DATE].dt.strftime("%Y-%m-%d").to_numpy()
    timetable = np.array([sc.WEEKDAY_NAMES.index(v) for v in service[sc.FOLLOWS_WEEKDAY]])
    three = (students[sc.WEEKDAYS_COL] != "周一,周二,周三,周四,周五").to_numpy()
    ids = students[sc.STUDENT_ID].to_numpy()
    on = ~three[:, None] | np.isin(timetable, (0, 2, 4))[None, :]  # student × day: enrolled that day
    s_idx, d_idx = np.nonzero(on)
    club = rng.random(len(s_idx)) < 0.1
    s_idx = np.concatenate([s_idx, s_idx[club]])
    d_idx = np.concatenate([d_idx, d_idx[club]])
    items = np.where(np.arange(len(s_idx)) < len(s_idx) - club.sum(), sc.HOMEWORK_ITEM, "A01")
    states = rng.choice(["出勤", "请假", "缺勤"], size=len(s_idx), p=[0.93, 0.05, 0.02])
    minutes = rng.integers(16 * 60 + 40, 18 * 60 + 1, size=len(s_idx))
    sign_out = np.where(states == "出勤", [f"{m // 60:02d}:{m % 60:02d}" for m in minutes], "")
    frame = pd.DataFrame({sc.DATE: dates[d_idx], sc.STUDENT_ID: ids[s_idx], sc.ITEM: items, sc.STATUS: states,
                          sc.SIGN_OUT: sign_out, sc.PICKED_UP_BY: np.where(states == "出勤", "妈妈", "")})
    planted = pd.DataFrame({sc.DATE: ["2025-10-01"] * 20 + list(dates[:20]), sc.STUDENT_ID: list(ids[:20]) + ["2099000001"] * 20,
                            sc.ITEM: sc.HOMEWORK_ITEM, sc.STATUS: "出勤", sc.SIGN_OUT: "17:50", sc.PICKED_UP_BY: "妈妈"})
    frame = pd.concat([frame, planted], ignore_index=True).sort_values([sc.DATE, sc.STUDENT_ID], kind="stable")
    path.write_bytes(frame.to_csv(index=False, lineterminator="\r\n").encode("gb18030"))
    return len(frame)


def pipeline(path: Path, settings, calendar, students: pd.DataFrame, workbooks: Path | None) -> dict[str, float]:
    """Each phase of step 04 in turn; returns seconds per phase."""
    times: dict[str, float] = {}

    def phase(name: str, started: float) -> float:
        now = time.perf_counter()
        times[name] = now - started
        return now

    start = time.perf_counter()
    loaded = load_input("attendance", path)
    start = phase("load (real loader)", start)
    options, _ = fees.fee_options(settings)
    enrolled, _ = fees.enrolment(students, settings)
    checked = fees.check_attendance(loaded.frame, calendar, enrolled)
    start = phase("check (calendar, enrolment)", start)
    basis = fees.billing_basis(calendar, enrolled, checked)
    start = phase("billing basis", start)
    ledger = fees.settle(basis, settings.fee, settings.periods_per_day, options)
    start = phase("settle (ledger)", start)
    budget = fees.budget(ledger)
    fees.class_month_totals(ledger)
    start = phase("budget and totals", start)
    fees.what_if(basis, settings, standard="4")
    start = phase("one what-if", start)
    if workbooks is not None:
        fee_files.write_ledger(workbooks / fee_files.LEDGER_FILE, ledger, checked)
        fee_files.write_notice(workbooks / fee_files.NOTICE_FILE, ledger, settings, budget)
        phase("ledger and notice workbooks", start)
    pipeline.last = (loaded, checked, ledger)  # type: ignore[attr-defined]
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description="Step 04 timing")
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--workbooks", action="store_true", help="also time writing the ledger and notice workbooks")
    parser.add_argument("--no-trace", action="store_true", help="skip the traced run that measures peak memory")
    args = parser.parse_args()
    settings, problems = load_settings(sample_dir() / "settings.yaml")
    if settings is None:
        sys.exit("\n".join(str(p) for p in problems))
    calendar = build_term_calendar(settings, load_input("calendar", sample_dir() / "calendar.xlsx").frame)
    students = school(args.rows, calendar)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "attendance.csv"
        written = write_attendance(path, students, calendar, args.rows)
        out = Path(tmp) if args.workbooks else None
        times = pipeline(path, settings, calendar, students, out)
        loaded, checked, ledger = pipeline.last  # type: ignore[attr-defined]
        print(f"{written:,} attendance records ({path.stat().st_size / 1e6:.1f} MB GBK csv), {len(students):,} students, "
              f"{calendar.service_day_count} service days")
        for name, seconds in times.items():
            print(f"  {name:<30} {seconds:6.2f} s")
        print(f"  {'total':<30} {sum(times.values()):6.2f} s")
        counts = checked.outcome_counts().set_index(fees.OUTCOME)["行数"]
        print(f"  loaded {loaded.rows_kept:,} of {loaded.rows_read:,} rows; "
              + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
        print(f"  ledger {len(ledger.rows):,} rows, 实收 {ledger.totals()[fees.PAID]:,} 元")
        if not args.no_trace:
            tracemalloc.start()
            pipeline(path, settings, calendar, students, None)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(f"  peak traced Python memory (second run) {peak / 1e6:8.1f} MB")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"  peak RSS of the process                {rss / (1024 if sys.platform != 'darwin' else 1024 ** 2):8.1f} MB")


if __name__ == "__main__":
    main()
