"""How long the staff roster takes, and how good it is, for schools of 40, 80 and 160 staff.

Prints figures; asserts nothing. Run: python benchmarks/roster.py [--sizes 40 80 160] [--time-limit 10]
Synthetic schools shaped like the sample one, seeded: per weekday about 0.31 care groups per staff
member (some large enough to need two adults) and clubs for about 0.1, two duty teachers a day;
staff mostly in-service teachers (a fifth of them available on three or four days only, most at
most three sessions a week), with retired teachers, coaches, volunteers and parents, a few not yet
vetted or trained; clubs asking for a 特长 that some teachers and every coach have. ``capacity``
is the sessions the eligible staff could give in a week (每周最多次数 and 可服务日), against
``places/week`` (adults needed, 值班 included): the instances are tight on purpose. ``time`` is
wall-clock; each stage is limited in deterministic time (the roster does not depend on the
machine), so a slower machine takes longer for the same result. ``--stages`` changes the order of
the objectives (e.g. 缺口 特长匹配 连续负责 工作量均衡 puts continuity before the even spread).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from afterschool_lib import staffing as st

WEEK = ("周一", "周二", "周三", "周四", "周五")
SKILLS = ("篮球", "足球", "书法", "国画", "合唱", "舞蹈", "编程", "科学", "围棋", "阅读", "英语", "手工")
TYPES = ("在职教师", "退休教师", "校外专业人员", "志愿者", "家长义工")
TYPE_SHARES = (0.78, 0.06, 0.07, 0.05, 0.04)
STATUS_WORDS = {st.OPTIMAL: "opt", st.FEASIBLE: "feas"}


def make_instance(staff_count: int, seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A staff frame and a needs frame (as :func:`staffing.needs` returns it) for one school."""
    rng = np.random.default_rng(seed)
    kinds = rng.choice(len(TYPES), size=staff_count, p=TYPE_SHARES)
    rows = []
    for n, k in enumerate(kinds):
        kind = TYPES[k]
        outside = kind != "在职教师"
        days = (sorted(rng.choice(5, size=int(rng.integers(1, 3)), replace=False).tolist()) if outside
                else sorted(rng.choice(5, size=int(rng.integers(3, 5)), replace=False).tolist()) if rng.random() < 0.2
                else [])
        skill = "、".join(rng.choice(SKILLS, size=int(rng.integers(1, 3)), replace=False)) if outside or rng.random() < 0.5 else None
        rows.append({
            "行号": n + 2, "工号": f"S{n + 1:03d}", "姓名": f"教职工{n + 1}", "人员类型": kind, "特长": skill,
            "可服务日": ",".join(WEEK[d] for d in days) or None,
            "每周最多次数": (len(days) if outside else int(rng.choice([2, 3, 3, 3, 4]))) if rng.random() < 0.95 else pd.NA,
            "资质审核": "通过" if rng.random() < 0.93 else "待审核",
            "安全培训": "已完成" if rng.random() < 0.95 else "未完成",
        })
    staff = pd.DataFrame(rows)
    staff["每周最多次数"] = staff["每周最多次数"].astype("Int64")

    groups_per_day = round(0.31 * staff_count)
    places = []
    for day in WEEK:
        for g in range(groups_per_day):
            size = int(rng.integers(30, 46)) if rng.random() < 0.9 else int(rng.integers(46, 60))
            places.append({"星期": day, "组别": f"{g + 1}组", "类型": "看护组", "名称": f"{g + 1}组", "场地": f"教室{g + 1}",
                           "人数": size, "需要人数": st.adults_needed(size, 45), "所需特长": "", "指定教师": "", "行号": pd.NA})
    for c in range(round(0.4 * staff_count)):
        days = rng.choice(5, size=1 if rng.random() < 0.75 else 2, replace=False)
        skill = str(rng.choice(SKILLS))
        for d in sorted(days.tolist()):
            places.append({"星期": WEEK[d], "组别": f"K{c + 1:03d}", "类型": "社团", "名称": f"{skill}社团", "场地": "",
                           "人数": 25, "需要人数": 1, "所需特长": skill, "指定教师": "", "行号": pd.NA})
    return staff, pd.DataFrame(places)  # make_roster orders places itself (weekday, care, clubs, duty)


def run(staff: pd.DataFrame, need: pd.DataFrame, time_limit: float, stages: tuple[str, ...]) -> dict:
    start = time.perf_counter()
    roster = st.make_roster(staff, need, (0, 1, 2, 3, 4), 2, stages=stages, time_limit=time_limit)
    seconds = time.perf_counter() - start
    loads = roster.loads
    w = roster.workload[roster.workload["可排班"] == "是"]
    capacity = sum(min(5 if pd.isna(m) else int(m), len(d.split(",")) if d else 5)
                   for m, d in zip(w["每周最多次数"], w["可服务日"]))
    return {
        "staff": len(staff), "eligible": len(w), "capacity/week": capacity,
        "places/week": int(roster.places["需要人数"].sum()), "filled": len(roster.duties), "gap rows": len(roster.gaps),
        "missing": roster.missing, "loads": f"{loads.min()}-{loads.max()}" if len(loads) else "", "spread": roster.spread,
        "status": "optimal" if roster.status == st.OPTIMAL else "feasible", "seconds": seconds,
        "stages": "; ".join(f"{s.name} {s.value} {STATUS_WORDS.get(s.status, 'no roster in time')} {s.seconds:.1f}s"
                            for s in roster.stages),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="Staff roster timing")
    parser.add_argument("--sizes", nargs="*", type=int, default=[40, 80, 160], help="staff per school")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=st.DEFAULT_STAGE_LIMIT, help="deterministic seconds per stage")
    parser.add_argument("--stages", nargs="*", default=list(st.DEFAULT_STAGES))
    args = parser.parse_args()
    rows = []
    for size in args.sizes:
        staff, need = make_instance(size, args.seed)
        row = run(staff, need, args.time_limit, tuple(args.stages))
        rows.append(row)
        print(f"  {size} staff: {row['seconds']:.1f} s", flush=True)
    table = pd.DataFrame(rows)
    table["seconds"] = table["seconds"].map(lambda v: f"{v:.1f}")
    print()
    print(table.drop(columns="stages").to_string(index=False))
    print()
    for row in rows:
        print(f"{row['staff']} staff: {row['stages']}")


if __name__ == "__main__":
    main()
