"""How long club allocation takes, and what each method gives, on school- and district-sized inputs.

Prints figures; asserts nothing. Run: python benchmarks/allocation.py [--sizes 1000:40 3000:60]
Synthetic applicants, seeded: a few clubs everyone wants (a popularity spread like the sample
school's), three choices each, about 15 % in a priority group and 15 % wanting two clubs, clubs
meeting on one or two weekdays for a grade band, most children attending every day, and a
开班最低人数 that the least wanted clubs miss. The last line times ``optimal`` when every child takes
one club (the min-cost flow), at 3,000 students and 50 clubs. ``runs`` counts how often the method
ran: once, and again after each club cancelled for want of its minimum.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from afterschool_lib import allocation as al

WEEK = ("周一", "周二", "周三", "周四", "周五")
GRADE_BANDS = ("1,2", "3,4", "5,6", "1,2,3", "4,5,6", "3,4,5,6", "1,2,3,4,5,6")
PRIORITY_GROUPS = ("留守儿童", "困难家庭", "随迁子女")
SLOW = 60.0  # seconds: a run slower than this is flagged


def make_instance(students: int, clubs: int, seed: int = 1, two_clubs: float = 0.15, priority: float = 0.15,
                  siblings: float = 0.0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Applicants and activities frames as :func:`allocation.allocate` reads them."""
    rng = np.random.default_rng(seed)
    # clubs: a grade band, one or two weekdays, a lognormal popularity (a few clubs get most first choices)
    band = rng.choice(len(GRADE_BANDS), size=clubs, p=[0.12, 0.12, 0.12, 0.14, 0.14, 0.16, 0.20])
    grades = [frozenset(int(g) for g in GRADE_BANDS[b].split(",")) for b in band]
    n_days = rng.choice([1, 2], size=clubs, p=[0.55, 0.45])
    days = [tuple(sorted(rng.choice(5, size=k, replace=False).tolist())) for k in n_days]
    popularity = rng.lognormal(0.0, 0.9, size=clubs)
    # seats: about 1.1 seats for every club place asked for, spread evenly (30 ± 10), so popular
    # clubs are oversubscribed and unpopular ones half empty
    wanted_places = students * (1 + two_clubs)
    cap = rng.integers(20, 41, size=clubs).astype(float)
    cap = np.maximum(10, np.round(cap * 1.1 * wanted_places / cap.sum())).astype(int)
    minimum = np.where(rng.random(clubs) < 0.8, rng.integers(8, 13, size=clubs), 0)
    activities = pd.DataFrame({
        "活动编号": [f"K{c + 1:03d}" for c in range(clubs)],
        "活动名称": [f"社团{c + 1}" for c in range(clubs)],
        "适用年级": [GRADE_BANDS[b] for b in band],
        "人数上限": cap,
        "开班最低人数": minimum,
        "活动日": [",".join(WEEK[d] for d in ds) for ds in days],
    })

    grade = rng.integers(1, 7, size=students)
    every_day = rng.random(students) < 0.75
    rows = []
    for s in range(students):
        attends = tuple(range(5)) if every_day[s] else tuple(sorted(rng.choice(5, size=rng.integers(2, 5), replace=False).tolist()))
        # mostly clubs the child can take; now and then one that does not fit (grade or day), as families do
        fits = np.array([grade[s] in grades[c] and set(days[c]) <= set(attends) for c in range(clubs)])
        weight = popularity * np.where(fits, 1.0, 0.03)
        choices = rng.choice(clubs, size=3, replace=False, p=weight / weight.sum())
        rows.append({
            "学号": f"2025{s + 1:06d}",
            "年级": int(grade[s]),
            "服务日": ",".join(WEEK[d] for d in attends),
            "志愿1": f"K{choices[0] + 1:03d}", "志愿2": f"K{choices[1] + 1:03d}", "志愿3": f"K{choices[2] + 1:03d}",
            "最多社团数": 2 if rng.random() < two_clubs else 1,
            "提交时间": pd.Timestamp("2025-09-01 08:00") + pd.Timedelta(seconds=int(rng.exponential(6 * 3600))),
            "优先群体": str(rng.choice(PRIORITY_GROUPS)) if rng.random() < priority else "",
        })
    applicants = pd.DataFrame(rows)
    if siblings > 0:
        # pairs of consecutive children with the same parent, asking to be together
        applicants["家长姓名"] = [f"家长{s}" for s in range(students)]
        applicants["联系电话"] = [f"138{s:08d}" for s in range(students)]
        applicants["兄弟姐妹同社团"] = False
        for s in np.flatnonzero(rng.random(students - 1) < siblings / 2):
            applicants.loc[s + 1, ["家长姓名", "联系电话"]] = applicants.loc[s, ["家长姓名", "联系电话"]].to_numpy()
            applicants.loc[s, "兄弟姐妹同社团"] = True
    return applicants, activities


def describe(applicants: pd.DataFrame, activities: pd.DataFrame) -> str:
    first = applicants["志愿1"].value_counts()
    caps = activities.set_index("活动编号")["人数上限"]
    over = int((first.reindex(caps.index, fill_value=0) > caps).sum())
    return (f"{len(applicants):,} students, {len(activities)} clubs, {int(caps.sum()):,} seats; "
            f"{(applicants['最多社团数'] == 2).mean():.0%} want 2 clubs, {(applicants['优先群体'] != '').mean():.0%} priority; "
            f"{over} clubs have more first choices than seats")


class _CountRuns:
    """Counts how often allocate() runs the method: once, plus once for every club it cancels."""

    def __init__(self):
        self.calls = 0
        self._inner = al._run_method

    def __call__(self, *args, **kwargs):
        self.calls += 1
        return self._inner(*args, **kwargs)

    def __enter__(self):
        al._run_method = self
        return self

    def __exit__(self, *exc):
        al._run_method = self._inner


def run(applicants, activities, method: str, seed: int) -> dict:
    with _CountRuns() as counter:
        start = time.perf_counter()
        allocation = al.allocate(applicants, activities, method, seed)
        elapsed = time.perf_counter() - start
    s = al.summary(allocation)
    not_proven = any("没能证明" in p.message for p in allocation.problems)
    return {
        "method": method, "seconds": elapsed, "placed": s["分配到社团"], "asked": s["申请社团人数"],
        "seats": len(allocation.placements), "priority rate": s["优先群体分配率"], "first choice": s["第一志愿率"],
        "envy": s[al.ENVY], "open clubs": s["开班社团数"], "runs": counter.calls,
        "note": "optimum not proven" if not_proven else "",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="Club allocation timing")
    parser.add_argument("--sizes", nargs="*", default=["1000:40", "3000:60", "10000:100"], help="students:clubs")
    parser.add_argument("--methods", nargs="*", default=list(al.METHODS))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--siblings", type=float, default=0.0, help="share of children in a family asking to be together")
    args = parser.parse_args()
    lottery_seed = al.default_seed("2025-09-01")
    rows = []
    for size in args.sizes:
        students, clubs = (int(x) for x in size.split(":"))
        applicants, activities = make_instance(students, clubs, seed=args.seed, siblings=args.siblings)
        print(describe(applicants, activities), flush=True)
        for method in args.methods:
            row = {"size": f"{students:,} × {clubs}", **run(applicants, activities, method, lottery_seed)}
            if row["seconds"] > SLOW:
                row["note"] = (row["note"] + "; " if row["note"] else "") + f"slow (> {SLOW:.0f} s)"
            rows.append(row)
            print(f"  {method:8s} {row['seconds']:8.2f} s", flush=True)
    table = pd.DataFrame(rows)
    print()
    print(format_table(table))

    # one club each, optimal = one min-cost flow (plus a re-run per cancelled club)
    applicants, activities = make_instance(3000, 50, seed=args.seed, two_clubs=0.0, siblings=0.0)
    one = run(applicants, activities, "optimal", lottery_seed)
    no_min = activities.assign(开班最低人数=0)
    start = time.perf_counter()
    al.allocate(applicants, no_min, "optimal", lottery_seed)
    single = time.perf_counter() - start
    print()
    print(f"optimal, one club each, 3,000 × 50: {one['seconds']:.2f} s with cancellations "
          f"({one['open clubs']} clubs open, {one['runs']} runs), {single:.2f} s with no 开班最低人数 (a single solve); "
          f"placed {one['placed']:,}/{one['asked']:,}, first choice {one['first choice']:.1%}, envy {one['envy']}")


def format_table(table: pd.DataFrame) -> str:
    shown = pd.DataFrame({
        "size": table["size"],
        "method": table["method"],
        "seconds": table["seconds"].map(lambda v: f"{v:.2f}"),
        "placed": [f"{p:,}/{a:,} ({p / a:.1%})" for p, a in zip(table["placed"], table["asked"])],
        "seats": table["seats"].map(lambda v: f"{v:,}"),
        "priority placed": table["priority rate"].map(lambda v: f"{v:.1%}"),
        "1st choice": table["first choice"].map(lambda v: f"{v:.1%}"),
        "envy": table["envy"],
        "open clubs": table["open clubs"],
        "runs": table["runs"],
        "note": table["note"],
    })
    return shown.to_string(index=False)


if __name__ == "__main__":
    main()
