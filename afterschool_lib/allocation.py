"""Step 02, 分组编班 (clubs): who gets a seat in which club, by a rule anyone can check.

Schools today mostly place children first come, first served (抢课). The kit offers four methods
on the same inputs, so the team can see the difference and explain its choice:

- ``da``: student-proposing deferred acceptance. Each club ranks its applicants by 优先级 (the
  priority groups 留守儿童, 困难家庭, 随迁子女 before everyone else) and then by 抽签号, one lottery
  shared by all clubs. With one club per student nobody can point to a seat they wanted that went
  to someone ranked below them (no justified envy), and no wanted seat is left empty.
- ``da+fill``: ``da``, then a maximum matching places students left without a club, keeping
  everyone ``da`` placed in a club of their list (some move to another of their choices), the
  newly placed taken in ``da``'s order: with one club each as many placed as ``optimal``, at the
  price of a few moves (with second clubs, which stay as ``da`` gave them, nearly as many).
- ``optimal``: the exact lexicographic optimum of, in order, priority students placed, students
  placed, first choices, second choices, third choices. A min-cost flow (OR-Tools) when every
  student takes one club; an integer programme (SCIP through OR-Tools), one objective after
  another, otherwise.
- ``fcfs``: by 提交时间, what the school does today, for comparison.

Students who want two clubs are served in rounds: everyone's first seat, then second seats from
what is left, so a second club never costs another child a first one. Every method respects
capacity, 适用年级, the student's 服务日 (a club meets on every one of its 活动日), 最多社团数 and
at most one club per weekday. Siblings whose family asked for it (兄弟姐妹同社团) are placed in
the same club or not at all. A club below 开班最低人数 is cancelled (the emptiest first) and its
students placed again. Current placements can be locked: a re-run then moves nobody, students
waiting from before take freed seats ahead of new applicants, in waitlist order.

Everything here works on frames and returns frames; no file is read or written.
"""

from __future__ import annotations

import bisect
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import normalize as nz
from .problems import Problem, Severity
from .schema import (
    ACTIVITY_DAYS,
    ACTIVITY_ID,
    ACTIVITY_NAME,
    CAPACITY_MAX,
    CAPACITY_MIN,
    CHOICES,
    ELIGIBLE_GRADES,
    GRADE,
    MAX_CLUBS,
    PARENT_NAME,
    PHONE,
    SIBLINGS,
    STUDENT_ID,
    SUBMITTED_AT,
    WEEKDAY_NAMES,
    WEEKDAYS_COL,
)

METHODS = ("da", "da+fill", "optimal", "fcfs")
METHOD_NAMES = {
    "da": "延迟接受（优先群体优先，再按抽签号）",
    "da+fill": "延迟接受＋空余名额补录",
    "optimal": "整体最优（优化求解）",
    "fcfs": "先到先得（按提交时间，对照用）",
}
SHORT_NAMES = {"da": "延迟接受", "da+fill": "延迟接受+补录", "optimal": "整体最优", "fcfs": "先到先得"}

# columns added by this module
PRIORITY_LEVEL = "优先级"
LOTTERY = "抽签号"
LOTTERY_CODE = "抽签码"
CHOICE_RANK = "志愿序号"
SOURCE = "来源"
FROM_METHOD, KEPT, MANUAL = "本次分配", "保留原分配", "手工调整"
REASON = "原因"
WAITLIST = "候补"
WAITLIST_POSITION = "候补序号"
PRIORITY_GROUP = "优先群体"
STATUS = "状态"
PLACED_COUNT = "已分配"
WANTED = "想参加社团数"
OPEN, CANCELLED = "开班", "取消（不足开班最低人数）"
NEW_APPLICANT = "新申请"
ENVY = "被挤占人数"

PRIORITY_FIRST, PRIORITY_OTHER = 1, 2
CODE_SHOWN = 8  # hex digits of the lottery code published: enough to order 10,000 children without a tie


@dataclass(frozen=True)
class Allocation:
    """One allocation and everything needed to publish and audit it.

    ``placements``: one row per seat (学号, 活动编号, 志愿序号, 来源: 本次分配, 保留原分配 or 手工调整). ``ranking``: every applicant's
    优先级 and 抽签号 and what they got. ``unplaced``: applicants with no club, each with 原因 and
    候补. ``waitlist``: per club, who would take a freed seat, in order. ``clubs``: per club, seats,
    placed and 状态 (开班 or cancelled). ``problems``: what the team should know (a family's
    sibling request that could not be kept, a leaver's freed seat, an optimum not proven).
    """

    method: str
    seed: int
    placements: pd.DataFrame
    ranking: pd.DataFrame
    unplaced: pd.DataFrame
    waitlist: pd.DataFrame
    clubs: pd.DataFrame
    problems: tuple[Problem, ...] = ()
    envy: int = 0

    @property
    def placed_students(self) -> int:
        return int(self.placements[STUDENT_ID].nunique())


def default_seed(term_start) -> int:
    """The lottery seed a school can announce beforehand: the term's first day as 20250901."""
    return int(pd.Timestamp(term_start).strftime("%Y%m%d"))


def lottery_code(seed: int, student_id: str) -> str:
    """The SHA-256 of "种子:学号" in hex: anyone can recompute it, and it never changes."""
    return hashlib.sha256(f"{seed}:{student_id}".encode("utf-8")).hexdigest()


def lottery_numbers(student_ids, seed: int) -> pd.Series:
    """抽签号 1..n: applicants ordered by their :func:`lottery_code`.

    Anyone can recompute it with any SHA-256 tool, and a student's place relative to another does
    not change when a new applicant joins or one leaves (a shuffled list would reshuffle); the
    number itself, a rank, shifts then, which is why the code is published beside it.
    """
    ids = pd.Series(sorted(set(map(str, student_ids))), dtype=object)
    digests = ids.map(lambda sid: lottery_code(seed, sid))
    order = digests.sort_values(kind="stable").index
    return pd.Series(np.arange(1, len(ids) + 1), index=ids.loc[order].to_numpy(), name=LOTTERY)


# --- the market: applicants and clubs as plain arrays -------------------------------------------

@dataclass
class _Market:
    ids: list[str]
    grade: list[int]
    days: list[int]              # bitmask of weekdays the student attends
    max_clubs: list[int]
    choices: list[list[tuple[int, int]]]   # (志愿序号, club index), known clubs only, in order
    tier: list[int]
    lottery: list[int]
    submitted: list[float]
    family: list[int]            # sibling group asking to be together, -1 for none
    is_new: list[bool]
    codes: list[str]
    cap: list[int]
    minimum: list[int]
    club_days: list[int]
    club_grades: list[frozenset]
    locked: dict[int, list[int]] = field(default_factory=dict)  # student -> clubs already held
    locked_source: dict[tuple[int, int], str] = field(default_factory=dict)
    sibling_clubs: dict[int, set[int]] = field(default_factory=dict)  # clubs a sibling already holds

    def key(self, s: int) -> tuple:
        return (self.is_new[s], self.tier[s], self.lottery[s])

    def fcfs_key(self, s: int) -> tuple:
        return (self.is_new[s], self.submitted[s], self.lottery[s])

    def fits(self, s: int, c: int, held_days: int) -> bool:
        return (self.grade[s] in self.club_grades[c] and not self.club_days[c] & ~self.days[s]
                and not self.club_days[c] & held_days)

    def days_of(self, clubs) -> int:
        """The weekdays (as a bitmask) taken by ``clubs``."""
        days = 0
        for c in clubs:
            days |= self.club_days[c]
        return days

    def family_clubs(self) -> dict[int, set[int]]:
        """Per family asking to stay together, the clubs every child listed and could attend."""
        members: dict[int, list[int]] = defaultdict(list)
        for s, f in enumerate(self.family):
            if f >= 0:
                members[f].append(s)
        return {f: set.intersection(*({c for _, c in self.choices[s] if self.cap[c] > 0 and self.fits(s, c, 0)} for s in kids))
                for f, kids in members.items()}

    def after_locks(self) -> tuple[list[int], list[int]]:
        """Seats left in each club and each student's taken weekdays once locked placements count."""
        seats = list(self.cap)
        held = [0] * len(self.ids)
        for s, clubs in self.locked.items():
            for c in clubs:
                seats[c] -= 1
            held[s] = self.days_of(clubs)
        return seats, held


def _mask(days) -> int:
    return sum(1 << d for d in days)


def _build_market(applicants: pd.DataFrame, activities: pd.DataFrame, lottery: pd.Series,
                  locked: pd.DataFrame | None, earlier_applicants: set[str] | None) -> _Market:
    """The arrays every method works on. ``locked``: placements to hold (学号, 活动编号, 来源)."""
    codes = [str(c) for c in activities[ACTIVITY_ID]]
    index = {c: i for i, c in enumerate(codes)}
    family_of = _sibling_groups(applicants)
    choices = []
    for row in applicants[list(CHOICES)].itertuples(index=False):
        mine, seen = [], set()
        for rank, value in enumerate(row, start=1):
            c = index.get(str(value)) if not _blank(value) else None
            if c is not None and c not in seen:
                seen.add(c)
                mine.append((rank, c))
        choices.append(mine)
    submitted = pd.to_datetime(applicants.get(SUBMITTED_AT, pd.Series(pd.NaT, index=applicants.index)), errors="coerce")
    submitted_key = [float("inf") if pd.isna(t) else t.value / 1e9 for t in submitted]
    ids = [str(s) for s in applicants[STUDENT_ID]]
    market = _Market(
        ids=ids,
        grade=[int(g) if not pd.isna(g) else -1 for g in applicants[GRADE]],
        days=[_mask(nz.parse_weekdays(d) or ()) for d in applicants[WEEKDAYS_COL]],
        max_clubs=[_max_clubs(v) for v in applicants[MAX_CLUBS]] if MAX_CLUBS in applicants else [1] * len(ids),
        choices=choices,
        tier=[PRIORITY_FIRST if isinstance(p, str) and p else PRIORITY_OTHER
              for p in applicants.get(PRIORITY_GROUP, pd.Series("", index=applicants.index))],
        lottery=[int(lottery[s]) for s in ids],
        submitted=submitted_key,
        family=[family_of.get(s, -1) for s in ids],
        is_new=[earlier_applicants is not None and s not in earlier_applicants for s in ids],
        codes=codes,
        cap=[int(v) if not pd.isna(v) else 0 for v in activities[CAPACITY_MAX]],
        minimum=[int(v) if not pd.isna(v) else 0 for v in activities[CAPACITY_MIN]],
        club_days=[_mask(nz.parse_weekdays(d) or ()) for d in activities[ACTIVITY_DAYS]],
        club_grades=[nz.parse_grade_set(g) if not _blank(g) else frozenset(range(1, 7)) for g in activities[ELIGIBLE_GRADES]],
    )
    if locked is not None and len(locked):
        position = {s: i for i, s in enumerate(ids)}
        for sid, code, source in zip(locked[STUDENT_ID], locked[ACTIVITY_ID], locked[SOURCE]):
            if str(sid) in position and str(code) in index:
                s, c = position[str(sid)], index[str(code)]
                market.locked.setdefault(s, []).append(c)
                market.locked_source[s, c] = source
    _join_locked_siblings(market)
    return market


def _join_locked_siblings(m: _Market) -> None:
    """A child whose sibling already holds a club, in a family asking to stay together, may only
    join that club: the others' choices are cut to it (kept in ``sibling_clubs`` for the reasons),
    and the family no longer moves as one, since the placed child never moves."""
    members: dict[int, list[int]] = defaultdict(list)
    for s, f in enumerate(m.family):
        if f >= 0:
            members[f].append(s)
    for kids in members.values():
        placed = [s for s in kids if s in m.locked]
        if not placed:
            continue
        allowed = set.intersection(*(set(m.locked[s]) for s in placed))
        for s in kids:
            m.family[s] = -1
            if s not in m.locked:
                m.sibling_clubs[s] = allowed
                m.choices[s] = [(rank, c) for rank, c in m.choices[s] if c in allowed]


def _blank(value) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA or str(value).strip() == ""


def _max_clubs(value) -> int:
    if _blank(value):
        return 1
    return max(0, min(int(value), len(CHOICES)))


def _sibling_groups(applicants: pd.DataFrame) -> dict[str, int]:
    """学号 -> family number, for families that asked to keep their children together.

    A family is the same 家长姓名 and 联系电话 on the roster; one child's form asking is enough,
    since parents often fill the question in only once.
    """
    if SIBLINGS not in applicants or PARENT_NAME not in applicants or PHONE not in applicants:
        return {}
    keys = [(nz.clean_text(p), nz.clean_text(t)) if not _blank(p) and not _blank(t) else None
            for p, t in zip(applicants[PARENT_NAME], applicants[PHONE])]
    members: dict[tuple, list[str]] = defaultdict(list)
    asks: dict[tuple, bool] = defaultdict(bool)
    for key, sid, wish in zip(keys, applicants[STUDENT_ID], applicants[SIBLINGS]):
        if key is not None:
            members[key].append(str(sid))
            asks[key] |= not _blank(wish) and bool(wish)  # loaded as numpy/pandas booleans
    groups = {}
    for number, key in enumerate(sorted(k for k in members if asks[k] and len(members[k]) > 1)):
        for sid in members[key]:
            groups[sid] = number
    return groups


# --- the methods --------------------------------------------------------------------------------

def _units(m: _Market, active: list[int]) -> list[tuple[int, ...]]:
    """Who proposes together: a family asking to stay together is one unit, everyone else alone."""
    families: dict[int, list[int]] = defaultdict(list)
    units = []
    for s in active:
        if m.family[s] >= 0:
            families[m.family[s]].append(s)
        else:
            units.append((s,))
    units += [tuple(sorted(members)) for members in families.values()]
    return units


def _unit_prefs(m: _Market, unit: tuple[int, ...], open_clubs: list[bool], held: list[int], taken: list[set]) -> list[int]:
    """Clubs a unit may ask for, best first: for a family, the clubs every child chose, by rank sum."""
    per_member = []
    for s in unit:
        per_member.append({c: rank for rank, c in m.choices[s]
                           if open_clubs[c] and c not in taken[s] and m.fits(s, c, held[s])})
    common = set.intersection(*(set(p) for p in per_member))
    return sorted(common, key=lambda c: (sum(p[c] for p in per_member), min(p[c] for p in per_member), c))


def _deferred_acceptance(m: _Market, active: list[int], seats: list[int], open_clubs: list[bool],
                         held: list[int], taken: list[set], key) -> dict[int, int]:
    """One round of student-proposing DA; returns student -> club for this round.

    A club keeps the best-ranked proposers that fit, in rank order; a family that does not fit
    whole is passed over for the next proposer who does.
    """
    units = _units(m, active)
    prefs = [_unit_prefs(m, u, open_clubs, held, taken) for u in units]
    unit_key = [min(key(s) for s in u) for u in units]
    nxt = [0] * len(units)
    holding: dict[int, list[tuple]] = defaultdict(list)  # club -> sorted [(key, unit)]
    free = list(range(len(units)))[::-1]
    while free:
        u = free.pop()
        while nxt[u] < len(prefs[u]):
            c = prefs[u][nxt[u]]
            nxt[u] += 1
            entries = holding[c]
            bisect.insort(entries, (unit_key[u], u))
            kept, load = [], 0
            for k, w in entries:
                if load + len(units[w]) <= seats[c]:
                    kept.append((k, w))
                    load += len(units[w])
                elif w != u:
                    free.append(w)
            holding[c] = kept
            if any(w == u for _, w in kept):
                break
    result = {}
    for c, entries in holding.items():
        for _, u in entries:
            for s in units[u]:
                result[s] = c
    return result


def _serial(m: _Market, active: list[int], seats: list[int], open_clubs: list[bool],
            held: list[int], taken: list[set], key) -> dict[int, int]:
    """One round of first come, first served: each unit in order takes its best club with room."""
    result = {}
    units = sorted(_units(m, active), key=lambda u: min(key(s) for s in u))
    for u in units:
        for c in _unit_prefs(m, u, open_clubs, held, taken):
            if seats[c] >= len(u):
                seats[c] -= len(u)
                for s in u:
                    result[s] = c
                break
    return result


def _rounds(m: _Market, open_clubs: list[bool], one_round, key) -> dict[int, list[int]]:
    """Repeat a one-club method: first seats for all, then second seats from what is left."""
    seats, held = m.after_locks()
    taken: list[set] = [set(m.locked.get(s, ())) for s in range(len(m.ids))]
    assigned: dict[int, list[int]] = defaultdict(list)
    remaining = [m.max_clubs[s] - len(m.locked.get(s, ())) for s in range(len(m.ids))]
    for round_number in range(len(CHOICES)):
        # round k serves those holding k clubs: a kept club counts, so a re-run gives freed seats to
        # children without any club before anyone's second
        active = [s for s in range(len(m.ids)) if remaining[s] > 0 and m.choices[s] and len(taken[s]) == round_number]
        if not active:
            continue
        got = one_round(m, active, list(seats), open_clubs, held, taken, key)
        for s, c in got.items():
            assigned[s].append(c)
            held[s] |= m.club_days[c]
            taken[s].add(c)
            remaining[s] -= 1
            seats[c] -= 1
    return assigned


def _fill(m: _Market, assigned: dict[int, list[int]], open_clubs: list[bool]) -> dict[int, list[int]]:
    """da+fill: place as many students as a maximum matching can, keeping everyone DA placed.

    After DA no free seat is wanted by anyone left out (DA wastes nothing), so seats can only be
    found by moving a placed student to another club on their own list. The matching keeps every
    DA-placed student placed, takes the newly placed in DA's order (优先级, then 抽签号), and
    among such matchings moves the fewest students and then gives the best choices. Only each
    student's first seat takes part; second clubs, locked seats and families stay as they are.
    """
    seats = list(m.cap)
    fixed_days = [0] * len(m.ids)
    fixed: dict[int, list[int]] = defaultdict(list)
    first_seat: dict[int, int] = {}
    for s, clubs in m.locked.items():
        fixed[s] += clubs
    for s, clubs in assigned.items():
        if m.family[s] >= 0 or s in m.locked:
            fixed[s] += clubs
        else:
            first_seat[s] = clubs[0]
            fixed[s] += clubs[1:]
    for s, clubs in fixed.items():
        for c in clubs:
            seats[c] -= 1
        fixed_days[s] = m.days_of(clubs)
    waiting = [s for s in range(len(m.ids)) if m.choices[s] and s not in fixed and s not in first_seat
               and m.max_clubs[s] > 0 and m.family[s] < 0]
    order = sorted(first_seat, key=m.key) + sorted(waiting, key=m.key)
    n = len(order)
    choice_bonus = {1: 2, 2: 1}
    stay = 2 * n + 1            # one student left in place outweighs every choice bonus together
    unit = n * stay + stay      # one more student in DA's order outweighs every stay and bonus together
    weight = {s: (n - i) * unit for i, s in enumerate(order)}
    arcs = []
    for s in order:
        for rank, c in m.choices[s]:
            if open_clubs[c] and c not in fixed.get(s, ()) and m.fits(s, c, fixed_days[s]):
                bonus = (stay if first_seat.get(s) == c else 0) + choice_bonus.get(rank, 0)
                arcs.append((s, c, weight[s] + bonus))
    matched = _min_cost_matching(order, arcs, seats)
    merged = {s: list(clubs) for s, clubs in assigned.items()}
    for s in first_seat:
        merged[s] = merged[s][1:]
    for s, c in matched.items():
        merged.setdefault(s, []).insert(0, c)
    return {s: clubs for s, clubs in merged.items() if clubs}


def _classes(m: _Market, students: list[int]) -> dict[int, int]:
    """Each student's standing before the lottery, 0 = served first: children waiting from an
    earlier allocation before new applicants, and within each, the priority groups first."""
    return {s: 2 * int(m.is_new[s]) + int(m.tier[s] != PRIORITY_FIRST) for s in students}


def _max_weight_matching(m: _Market, students: list[int], arcs: list[tuple[int, int, int]], seats: list[int]) -> dict[int, int]:
    """The lexicographic optimum for one club each, ties broken by the lottery.

    Stage one is one min-cost flow: every student's weight by standing (earlier applicants, then
    priority groups) outweighs all choice weights together, and a first choice outweighs all second
    choices together. The sets of students that can be placed together form a matroid, so the
    standing weights also give the most students placed and, class by class, the most from each.
    Stage two keeps only flows that are optimal for stage one (by complementary slackness with
    the potentials of stage one's residual graph) and among them places the children with the
    better 抽签号.
    """
    if not arcs:
        return {}
    n = len(students)
    standing = _classes(m, students)
    choices_total = (n + 1) * (n + 1)         # more than n firsts at n + 1 plus n seconds at 1
    rank_weight = {1: n + 1, 2: 1}
    top = max(standing.values()) + 1
    weighted = [(s, c, (top - standing[s]) * choices_total + rank_weight.get(rank, 0)) for s, c, rank in arcs]
    order = sorted(students, key=m.key)
    tie = {s: n - i for i, s in enumerate(order)}
    return _lexicographic_flow(students, weighted, seats, tie)


def _lexicographic_flow(students: list[int], arcs: list[tuple[int, int, int]], seats: list[int],
                        tie: dict[int, int]) -> dict[int, int]:
    """Largest total arc weight, then, among all such matchings, largest total ``tie`` of the
    students placed. Two OR-Tools min-cost flows; the second runs on the arcs that some optimum
    of the first uses (reduced cost 0), with the arcs every optimum uses already pushed."""
    from ortools.graph.python import min_cost_flow

    node = {s: i + 1 for i, s in enumerate(students)}
    clubs = sorted({c for _, c, _ in arcs})
    club_node = {c: len(students) + 1 + i for i, c in enumerate(clubs)}
    sink = len(students) + 1 + len(clubs)
    # arcs as (tail, head, capacity, cost); every placement has a positive weight, so the bypass
    # arc (source -> sink, cost 0) only carries the children nobody can place
    tails, heads, caps, costs, placement = [], [], [], [], []
    for s in students:
        tails.append(0), heads.append(node[s]), caps.append(1), costs.append(0), placement.append(None)
    for s, c, weight in arcs:
        tails.append(node[s]), heads.append(club_node[c]), caps.append(1), costs.append(-weight), placement.append((s, c))
    for c in clubs:
        tails.append(club_node[c]), heads.append(sink), caps.append(max(seats[c], 0)), costs.append(0), placement.append(None)
    tails.append(0), heads.append(sink), caps.append(len(students)), costs.append(0), placement.append(None)
    supply = np.zeros(sink + 1, dtype=np.int64)
    supply[0], supply[sink] = len(students), -len(students)

    flows = _solve_flow(min_cost_flow, tails, heads, caps, costs, supply)
    potential = _potentials(sink + 1, tails, heads, caps, costs, flows)
    reduced = np.asarray(costs, dtype=np.int64) + potential[tails] - potential[heads]
    kept, second_supply, forced = [], supply.copy(), []
    for a, rc in enumerate(reduced):
        if rc < 0:                     # every optimum saturates it
            forced.append(a)
            second_supply[tails[a]] -= caps[a]
            second_supply[heads[a]] += caps[a]
        elif rc == 0:
            kept.append(a)
    tie_of_node = {node[s]: tie[s] for s in students}
    second_costs = [-tie_of_node[heads[a]] if tails[a] == 0 and heads[a] in tie_of_node else 0 for a in kept]
    second = _solve_flow(min_cost_flow, [tails[a] for a in kept], [heads[a] for a in kept],
                         [caps[a] for a in kept], second_costs, second_supply)
    used = {a for a in forced} | {a for a, f in zip(kept, second) if f > 0}
    return {placement[a][0]: placement[a][1] for a in sorted(used) if placement[a] is not None}


def _solve_flow(min_cost_flow, tails, heads, caps, costs, supply) -> list[int]:
    flow = min_cost_flow.SimpleMinCostFlow()
    if tails:
        flow.add_arcs_with_capacity_and_unit_cost(np.asarray(tails, dtype=np.int32), np.asarray(heads, dtype=np.int32),
                                                  np.asarray(caps, dtype=np.int64), np.asarray(costs, dtype=np.int64))
    flow.set_nodes_supplies(np.arange(len(supply), dtype=np.int32), supply)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min cost flow status {status}")
    return list(flow.flows(np.arange(len(tails))))


def _potentials(nodes: int, tails, heads, caps, costs, flows) -> np.ndarray:
    """Shortest-path distances in the residual graph of an optimal flow (Bellman-Ford from every
    node at once): node potentials that leave every residual arc a reduced cost of at least 0."""
    tails, heads = np.asarray(tails), np.asarray(heads)
    caps, costs, flows = (np.asarray(v, dtype=np.int64) for v in (caps, costs, flows))
    forward = flows < caps
    backward = flows > 0
    u = np.concatenate([tails[forward], heads[backward]])
    v = np.concatenate([heads[forward], tails[backward]])
    w = np.concatenate([costs[forward], -costs[backward]])
    dist = np.zeros(nodes, dtype=np.int64)
    for _ in range(nodes + 1):
        relaxed = dist.copy()
        np.minimum.at(relaxed, v, dist[u] + w)
        if np.array_equal(relaxed, dist):
            return dist
        dist = relaxed
    raise RuntimeError("negative cycle in the residual graph of an optimal flow")


def _min_cost_matching(students: list[int], arcs: list[tuple[int, int, int]], seats: list[int]) -> dict[int, int]:
    """A maximum matching of largest total weight: OR-Tools min-cost flow, source → student (1)
    → club (its free seats) → sink, each arc costing minus its weight."""
    from ortools.graph.python import min_cost_flow

    if not arcs:
        return {}
    n = len(students)
    node = {s: i + 1 for i, s in enumerate(students)}
    clubs = sorted({c for _, c, _ in arcs})
    club_node = {c: n + 1 + i for i, c in enumerate(clubs)}
    sink = n + 1 + len(clubs)
    flow = min_cost_flow.SimpleMinCostFlow()
    for s in students:
        flow.add_arc_with_capacity_and_unit_cost(0, node[s], 1, 0)
    arc_of = {}
    for s, c, weight in arcs:
        arc_of[flow.add_arc_with_capacity_and_unit_cost(node[s], club_node[c], 1, -weight)] = (s, c)
    for c in clubs:
        flow.add_arc_with_capacity_and_unit_cost(club_node[c], sink, max(seats[c], 0), 0)
    flow.set_node_supply(0, n)
    flow.set_node_supply(sink, -n)
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min cost flow status {status}")
    return {arc_of[a][0]: arc_of[a][1] for a in arc_of if flow.flow(a) > 0}


def _optimal(m: _Market, open_clubs: list[bool], time_limit: float = 60.0) -> tuple[dict[int, list[int]], bool]:
    """The lexicographic optimum; returns the placements and whether optimality was proven."""
    seats, held = m.after_locks()
    remaining = [m.max_clubs[s] - len(m.locked.get(s, ())) for s in range(len(m.ids))]
    students = [s for s in range(len(m.ids)) if remaining[s] > 0 and m.choices[s]]
    arcs = [(s, c, rank) for s in students for rank, c in m.choices[s]
            if open_clubs[c] and c not in m.locked.get(s, ()) and m.fits(s, c, held[s])]
    unit = all(remaining[s] == 1 for s in students) and all(m.family[s] < 0 for s in students)
    if unit:
        placed = _max_weight_matching(m, students, arcs, seats)
        return {s: [c] for s, c in placed.items()}, True
    return _optimal_mip(m, students, arcs, seats, remaining, time_limit)


def _optimal_mip(m: _Market, students, arcs, seats, remaining, time_limit) -> tuple[dict[int, list[int]], bool]:
    """The multi-club case as an integer programme (SCIP through OR-Tools), one objective at a time.

    Each stage maximises the next criterion with the earlier ones held at their optimum. The LP
    relaxation is nearly integral here, so SCIP proves each stage in a fraction of a second where
    CP-SAT, lacking a strong LP bound, ran out of time on the sample school.
    """
    from ortools.linear_solver import pywraplp

    solver = pywraplp.Solver.CreateSolver("SCIP")
    solver.SetTimeLimit(int(time_limit * 1000))
    x = {(s, c): solver.BoolVar(f"x_{s}_{c}") for s, c, _ in arcs}
    rank_of = {(s, c): rank for s, c, rank in arcs}
    by_student: dict[int, list] = defaultdict(list)
    by_club: dict[int, list] = defaultdict(list)
    by_day: dict[tuple[int, int], list] = defaultdict(list)
    for (s, c), var in x.items():
        by_student[s].append(var)
        by_club[c].append(var)
        for d in range(7):
            if m.club_days[c] >> d & 1:
                by_day[s, d].append(var)
    for c, vars_ in by_club.items():
        solver.Add(solver.Sum(vars_) <= max(seats[c], 0))
    for s, vars_ in by_student.items():
        if len(vars_) > remaining[s]:
            solver.Add(solver.Sum(vars_) <= remaining[s])
    for vars_ in by_day.values():
        if len(vars_) > 1:
            solver.Add(solver.Sum(vars_) <= 1)
    families: dict[int, list[int]] = defaultdict(list)
    for s in students:
        if m.family[s] >= 0:
            families[m.family[s]].append(s)
    for members in families.values():
        clubs = {c for (s, c) in x if s in members}
        for c in clubs:
            present = [x.get((s, c)) for s in members]
            if any(v is None for v in present):
                for v in present:
                    if v is not None:
                        solver.Add(v == 0)
            else:
                for v in present[1:]:
                    solver.Add(v == present[0])
    placed = {}
    for s, vars_ in by_student.items():
        placed[s] = solver.BoolVar(f"y_{s}")
        solver.Add(placed[s] <= solver.Sum(vars_))
    standing = _classes(m, list(placed))
    stages = [solver.Sum([placed[s] for s in placed if standing[s] <= level])  # earlier applicants, priority
              for level in sorted(set(standing.values()))[:-1]]
    stages += [
        solver.Sum(list(placed.values())),
        solver.Sum([var for key, var in x.items() if rank_of[key] == 1]),
        # second choices, then third, as one stage: a second choice is worth more than all thirds
        solver.Sum([(len(x) + 1 if rank_of[key] == 2 else 1 if rank_of[key] == 3 else 0) * var for key, var in x.items()]),
    ]
    exact = pywraplp.MPSolverParameters()
    exact.SetDoubleParam(exact.RELATIVE_MIP_GAP, 0.0)  # the default 1e-4 could lose a second choice
    proven = True
    for objective in stages:
        solver.Maximize(objective)
        status = solver.Solve(exact)
        if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
            raise RuntimeError(f"SCIP status {status}")
        proven &= status == pywraplp.Solver.OPTIMAL
        chosen = [key for key, var in x.items() if var.solution_value() > 0.5]
        solver.Add(objective >= round(solver.Objective().Value()))
    result: dict[int, list[int]] = defaultdict(list)
    for s, c in chosen:
        result[s].append(c)
    return _lottery_swaps(m, dict(result), rank_of), proven


def _lottery_swaps(m: _Market, held: dict[int, list[int]], rank_of: dict) -> dict[int, list[int]]:
    """Break the optimum's ties by the lottery: while a child holding one club could give it to a
    child with none, of the same standing, who listed it as high and draws a better 抽签号, swap
    them. Every count the optimum fixed stays the same; an exact tie-break would be one more
    integer programme, many times slower, for what such swaps already settle."""
    standing = _classes(m, range(len(m.ids)))
    listed: dict[int, list[int]] = defaultdict(list)
    for t, c in sorted(rank_of, key=lambda key: m.key(key[0])):
        if m.family[t] < 0 and t not in m.locked:
            listed[c].append(t)
    changed = True
    while changed:
        changed = False
        for s in sorted(held, key=m.key, reverse=True):          # the worst number gives way first
            if len(held[s]) != 1 or m.family[s] >= 0 or s in m.locked:
                continue
            c = held[s][0]
            for t in listed[c]:                                 # best number first
                if m.key(t) >= m.key(s):
                    break
                if not held.get(t) and standing[t] == standing[s] and rank_of[t, c] <= rank_of[s, c]:
                    held[t] = [c]
                    del held[s]
                    changed = True
                    break
    return held


def _run_method(m: _Market, method: str, open_clubs: list[bool]) -> tuple[dict[int, list[int]], bool]:
    if method == "da":
        return _rounds(m, open_clubs, _deferred_acceptance, m.key), True
    if method == "da+fill":
        return _fill(m, _rounds(m, open_clubs, _deferred_acceptance, m.key), open_clubs), True
    if method == "fcfs":
        return _rounds(m, open_clubs, _serial, m.fcfs_key), True
    if method == "optimal":
        return _optimal(m, open_clubs)
    raise ValueError(f"未知的分配方法：{method}（可选：{' | '.join(METHODS)}）")


def _with_cancellations(m: _Market, method: str) -> tuple[dict[int, list[int]], list[bool], bool]:
    """Run the method, cancel the emptiest club below its minimum, run again, until none is.

    A club holding locked students has met already and is never cancelled here.
    """
    open_clubs = [m.cap[c] > 0 for c in range(len(m.codes))]
    locked_clubs = {c for clubs in m.locked.values() for c in clubs}
    while True:
        assigned, proven = _run_method(m, method, open_clubs)
        count = [0] * len(m.codes)
        for clubs in (*assigned.values(), *m.locked.values()):
            for c in clubs:
                count[c] += 1
        short = [c for c in range(len(m.codes)) if open_clubs[c] and c not in locked_clubs
                 and count[c] < m.minimum[c]]
        if not short:
            return assigned, open_clubs, proven
        worst = min(short, key=lambda c: (count[c] / max(m.minimum[c], 1), count[c], m.codes[c]))
        open_clubs[worst] = False


# --- the public entry points --------------------------------------------------------------------

def allocate(applicants: pd.DataFrame, activities: pd.DataFrame, method: str = "da", seed: int = 0,
             current: pd.DataFrame | None = None, earlier_applicants: set[str] | None = None) -> Allocation:
    """Place the club applicants by ``method``; see the module text for the rules.

    ``applicants``: one row per student taking part (see :func:`club_applicants`). ``current``:
    placements to keep (学号, 活动编号), as read back from an earlier allocation; a placement of
    someone no longer applying is released and named. ``earlier_applicants``: 学号 of everyone who
    took part in that earlier allocation; they go before new applicants for freed seats.
    """
    if method not in METHODS:
        raise ValueError(f"未知的分配方法：{method}（可选：{' | '.join(METHODS)}）")
    activities = activities.reset_index(drop=True)
    applicants, lottery = _club_applicants(applicants, seed, () if current is None else current[STUDENT_ID])
    kept, problems = _usable_locks(current, applicants, activities)
    m = _build_market(applicants, activities, lottery, kept, earlier_applicants if current is not None else None)
    assigned, open_clubs, proven = _with_cancellations(m, method)
    if not proven:
        problems.append(Problem("社团分配", "在规定时间内找到了很好的分配，但没能证明它是最优的", "核对后采用，或换用 da+fill 方法",
                                Severity.WARNING))
    problems += _sibling_notes(m)
    return _result(m, applicants, activities, method, seed, assigned, open_clubs, problems)


def _club_applicants(applicants: pd.DataFrame, seed: int, holding=()) -> tuple[pd.DataFrame, pd.Series]:
    """Those who listed a club or hold one (``holding``: 学号, e.g. placed by hand without a
    choice), in lottery order, and their 抽签号.

    Rows in lottery order: where a solver meets a tie it then favours the better 抽签号, and the
    order of rows in the file never decides anything.
    """
    asked = applicants[list(CHOICES)].map(lambda v: not _blank(v)).any(axis=1)
    applicants = applicants[asked | applicants[STUDENT_ID].astype(str).isin(set(map(str, holding)))]
    lottery = lottery_numbers(applicants[STUDENT_ID], seed)
    order = np.argsort(applicants[STUDENT_ID].astype(str).map(lottery).to_numpy(), kind="stable")
    return applicants.iloc[order].reset_index(drop=True), lottery


def _usable_locks(current: pd.DataFrame | None, applicants: pd.DataFrame,
                  activities: pd.DataFrame) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Current placements that still stand; the others are released with a message each."""
    if current is None or current.empty:
        return None, []
    problems = []
    present = set(applicants[STUDENT_ID].astype(str))
    codes = set(activities[ACTIVITY_ID].astype(str))
    keep = []
    sources = current[SOURCE] if SOURCE in current else pd.Series(KEPT, index=current.index)
    for sid, code, source in zip(current[STUDENT_ID].astype(str), current[ACTIVITY_ID].astype(str), sources):
        if sid not in present:
            problems.append(Problem("当前分配", "这名学生已不在参加课后服务的名单中，原来的名额已释放给候补学生",
                                    "核对该生的申请和审核结果（学生仍参加时）", Severity.WARNING, None, STUDENT_ID, sid))
        elif code not in codes:
            problems.append(Problem("当前分配", f"活动 {code} 已不在活动清单中，这名学生需要重新分配",
                                    "把它加回活动清单（活动仍开展时）", Severity.WARNING, None, STUDENT_ID, sid))
        else:
            keep.append((sid, code, MANUAL if source == MANUAL else KEPT))  # this run's own placements come after
    frame = pd.DataFrame(keep, columns=[STUDENT_ID, ACTIVITY_ID, SOURCE]).drop_duplicates([STUDENT_ID, ACTIVITY_ID])
    return frame, problems


def _sibling_notes(m: _Market) -> list[Problem]:
    """Families asking to stay together with no club every child listed and could attend."""
    notes = []
    for family, common in sorted(m.family_clubs().items()):
        if not common:
            ids = "、".join(m.ids[s] for s in range(len(m.ids)) if m.family[s] == family)
            notes.append(Problem("社团分配", "希望兄弟姐妹同社团，但没有一个社团是几个孩子都填了、又都能参加的"
                                 "（年级和活动日都要符合），只能都不安排",
                                 "请家长为几个孩子填写至少一个都能参加的相同社团志愿", Severity.WARNING, None, STUDENT_ID, ids))
    joining = sorted(m.ids[s] for s in m.sibling_clubs)
    if joining:
        notes.append(Problem("社团分配", "这些孩子的兄弟姐妹已有社团，家长要求兄弟姐妹同社团，所以只安排进兄弟姐妹所在的社团，"
                             "那里满员时暂不安排",
                             "如家长同意分开，在需求调查中把“兄弟姐妹同社团”改为“否”后重新分配", Severity.WARNING, None,
                             STUDENT_ID, "、".join(joining)))
    return notes


def _result(m: _Market, applicants: pd.DataFrame, activities: pd.DataFrame, method: str, seed: int,
            assigned: dict[int, list[int]], open_clubs: list[bool], problems: list[Problem]) -> Allocation:
    rows = []
    for s in range(len(m.ids)):
        rank_of = {c: rank for rank, c in m.choices[s]}
        for c in m.locked.get(s, ()):
            rows.append((m.ids[s], m.codes[c], rank_of.get(c, pd.NA), m.locked_source[s, c]))
        for c in assigned.get(s, ()):
            rows.append((m.ids[s], m.codes[c], rank_of.get(c, pd.NA), FROM_METHOD))
    placements = pd.DataFrame(rows, columns=[STUDENT_ID, ACTIVITY_ID, CHOICE_RANK, SOURCE])
    placements[CHOICE_RANK] = placements[CHOICE_RANK].astype("Int64")
    placements = placements.sort_values([ACTIVITY_ID, STUDENT_ID]).reset_index(drop=True)
    held = {s: list(m.locked.get(s, [])) + list(assigned.get(s, [])) for s in range(len(m.ids))}
    count = [0] * len(m.codes)
    for clubs in held.values():
        for c in clubs:
            count[c] += 1
    waitlists = _waitlists(m, held, open_clubs, method)
    position = {(s, c): i + 1 for c, queue in waitlists.items() for i, s in enumerate(queue)}
    ranking = pd.DataFrame({
        STUDENT_ID: m.ids,
        PRIORITY_LEVEL: m.tier,
        LOTTERY: m.lottery,
        LOTTERY_CODE: [lottery_code(seed, sid)[:CODE_SHOWN] for sid in m.ids],
        WANTED: [min(m.max_clubs[s], len(m.choices[s])) if m.choices[s] else 0 for s in range(len(m.ids))],
        PLACED_COUNT: [len(held[s]) for s in range(len(m.ids))],
        "分配结果": ["、".join(m.codes[c] for c in held[s]) for s in range(len(m.ids))],
    })
    if any(m.is_new):
        ranking[NEW_APPLICANT] = m.is_new
    ranking = ranking.sort_values([PRIORITY_LEVEL, LOTTERY]).reset_index(drop=True)
    unplaced_rows = []
    for s in range(len(m.ids)):
        if held[s]:
            continue
        unplaced_rows.append((m.ids[s], _reasons(m, applicants, s, open_clubs, position),
                              _waitlist_text(m, s, position), min((p for (t, _), p in position.items() if t == s), default=pd.NA)))
    unplaced = pd.DataFrame(unplaced_rows, columns=[STUDENT_ID, REASON, WAITLIST, WAITLIST_POSITION])
    unplaced[WAITLIST_POSITION] = unplaced[WAITLIST_POSITION].astype("Int64")
    waitlist = pd.DataFrame(
        [(m.codes[c], i + 1, m.ids[s], dict((cc, r) for r, cc in m.choices[s])[c], m.tier[s], m.lottery[s],
          "、".join(m.codes[h] for h in held[s]))
         for c, queue in sorted(waitlists.items(), key=lambda kv: m.codes[kv[0]]) for i, s in enumerate(queue)],
        columns=[ACTIVITY_ID, WAITLIST_POSITION, STUDENT_ID, CHOICE_RANK, PRIORITY_LEVEL, LOTTERY, "现分配"])
    clubs = activities[[ACTIVITY_ID, ACTIVITY_NAME, ACTIVITY_DAYS, CAPACITY_MAX, CAPACITY_MIN]].copy()
    clubs[PLACED_COUNT] = count
    clubs["余额"] = [max(m.cap[c] - count[c], 0) if open_clubs[c] else 0 for c in range(len(m.codes))]
    clubs["第一志愿人数"] = [sum(1 for s in range(len(m.ids)) if m.choices[s] and m.choices[s][0][1] == c and m.choices[s][0][0] == 1)
                        for c in range(len(m.codes))]
    clubs["候补人数"] = [len(waitlists.get(c, ())) for c in range(len(m.codes))]
    clubs[STATUS] = [OPEN if open_clubs[c] else (CANCELLED if m.cap[c] > 0 else "未设名额") for c in range(len(m.codes))]
    return Allocation(method, seed, placements, ranking, unplaced.sort_values(STUDENT_ID).reset_index(drop=True),
                      waitlist, clubs, tuple(problems), _envy(m, held, open_clubs))


def _envy(m: _Market, held: dict[int, list[int]], open_clubs: list[bool]) -> int:
    """Students who lost a seat they wanted to someone ranked below them (justified envy).

    The announced rule ranks claims by round (first seats before second seats), then by 优先级
    and 抽签号. Student s envies club c when s listed c, does not hold it, could take it (in a
    free slot, or in place of a club s likes less) and c holds a student whose claim ranks below
    s's and whose seat is not protected (kept from before or moved by hand). Every method is
    measured against this rule: it is what the school announces, so first come, first served
    shows here how many families it passes over.
    """
    worst: dict[int, tuple] = {}
    for t, clubs in held.items():
        for position, c in enumerate(clubs):
            if m.locked_source.get((t, c)) in (KEPT, MANUAL):
                continue
            claim = (position, m.key(t))
            if c not in worst or claim > worst[c]:
                worst[c] = claim
    count = 0
    for s in range(len(m.ids)):
        mine = held[s]
        rank_of = {c: r for r, c in m.choices[s]}
        days = m.days_of(mine)
        for rank, c in m.choices[s]:
            if c in mine or not open_clubs[c] or c not in worst:
                continue
            if len(mine) < m.max_clubs[s] and m.fits(s, c, days) and worst[c] > (len(mine), m.key(s)):
                count += 1
                break
            if any(rank_of.get(h, 99) > rank and m.locked_source.get((s, h)) not in (KEPT, MANUAL) and m.fits(s, c, days & ~m.club_days[h])
                   and worst[c] > (i, m.key(s)) for i, h in enumerate(mine)):
                count += 1
                break
    return count


def _waitlists(m: _Market, held: dict[int, list[int]], open_clubs: list[bool], method: str) -> dict[int, list[int]]:
    """Per open club, who asked for it, did not get it and could take a freed seat without moving.

    Ordered as the method ranks students (优先级 then 抽签号; 提交时间 for fcfs). Someone already
    placed in another club is listed only if they have room for one more club on that day.
    """
    key = m.fcfs_key if method == "fcfs" else m.key
    family_clubs = m.family_clubs()
    queues: dict[int, list[int]] = defaultdict(list)
    for s in range(len(m.ids)):
        mine = held[s]
        if len(mine) >= m.max_clubs[s]:
            continue
        days = m.days_of(mine)
        for _, c in m.choices[s]:
            if m.family[s] >= 0 and c not in family_clubs[m.family[s]]:
                continue  # a child whose sibling cannot join this club never takes a seat in it
            if open_clubs[c] and c not in mine and m.fits(s, c, days):
                queues[c].append(s)
    return {c: sorted(q, key=key) for c, q in queues.items()}


def _waitlist_text(m: _Market, s: int, position: dict) -> str:
    return "；".join(f"{m.codes[c]} 第{position[s, c]}位" for _, c in m.choices[s] if (s, c) in position)


def _reasons(m: _Market, applicants: pd.DataFrame, s: int, open_clubs: list[bool], position: dict) -> str:
    """Why a student has no club: one phrase per choice, in the order the family wrote them."""
    codes = {code: c for c, code in enumerate(m.codes)}
    family_clubs = m.family_clubs() if m.family[s] >= 0 else {}
    if m.max_clubs[s] == 0:
        return "最多社团数填了 0，不参加社团"
    parts = []
    for rank, column in enumerate(CHOICES, start=1):
        value = applicants.at[s, column]
        if _blank(value):
            continue
        c = codes.get(str(value))
        label = f"志愿{rank} {value}"
        if c is None:
            parts.append(f"{label}：不是活动清单里的活动")
        elif m.grade[s] not in m.club_grades[c]:
            parts.append(f"{label}：年级不符（招{_grades_text(m.club_grades[c])}）")
        elif m.club_days[c] & ~m.days[s]:
            missing = _days_text(m.club_days[c] & ~m.days[s])
            parts.append(f"{label}：时间冲突（{_days_text(m.club_days[c])}活动，该生{missing}不参加课后服务）")
        elif m.cap[c] <= 0:
            parts.append(f"{label}：活动清单没有给这个社团设名额")
        elif not open_clubs[c]:
            parts.append(f"{label}：能安排进来的不足开班最低人数（{m.minimum[c]}人），未开班")
        elif s in m.sibling_clubs and c not in m.sibling_clubs[s]:
            held_by_sibling = "、".join(m.codes[k] for k in sorted(m.sibling_clubs[s])) or "不同的社团"
            parts.append(f"{label}：要求兄弟姐妹同社团，兄弟姐妹已在{held_by_sibling}")
        elif m.family[s] >= 0 and c not in family_clubs[m.family[s]]:
            parts.append(f"{label}：要求兄弟姐妹同社团，而另一个孩子没有填这个社团或不能参加")
        elif (s, c) in position:
            parts.append(f"{label}：名额已满（{m.cap[c]}人，候补第{position[s, c]}位）")
        elif m.family[s] >= 0:
            parts.append(f"{label}：兄弟姐妹同社团的要求无法同时满足")
        else:
            parts.append(f"{label}：名额已满")
    return "；".join(parts) if parts else "没有填写社团志愿"


def _grades_text(grades: frozenset) -> str:
    ordered = sorted(grades)
    if ordered == list(range(ordered[0], ordered[-1] + 1)) and len(ordered) > 1:
        return f"{ordered[0]}-{ordered[-1]}年级"
    return "、".join(map(str, ordered)) + "年级"


def _days_text(mask: int) -> str:
    return "、".join(WEEKDAY_NAMES[d] for d in range(7) if mask >> d & 1)


# --- comparing methods, moving a student by hand -----------------------------------------------

COMPARISON_COLUMNS = ("方法", "说明", "申请社团人数", "分配到社团", "分配率", "优先群体申请", "优先群体分配率",
                      "第一志愿率", ENVY, "开班社团数")


def summary(allocation: Allocation) -> dict:
    """The figures the team compares methods by, for one allocation."""
    ranking = allocation.ranking
    asked = ranking[ranking[WANTED] > 0]
    priority = asked[asked[PRIORITY_LEVEL] == PRIORITY_FIRST]
    first = allocation.placements[allocation.placements[CHOICE_RANK] == 1][STUDENT_ID].nunique()
    placed = asked[asked[PLACED_COUNT] > 0]
    return {
        "方法": allocation.method,
        "说明": METHOD_NAMES[allocation.method],
        "申请社团人数": len(asked),
        "分配到社团": len(placed),
        "分配率": len(placed) / len(asked) if len(asked) else 0.0,
        "优先群体申请": len(priority),
        "优先群体分配率": (priority[PLACED_COUNT] > 0).mean() if len(priority) else 0.0,
        "第一志愿率": first / len(asked) if len(asked) else 0.0,
        ENVY: allocation.envy,
        "开班社团数": int((allocation.clubs[STATUS] == OPEN).sum()),
    }


def summary_text(allocation: Allocation) -> str:
    """The summary in one sentence, as the command line and the notebook's buttons say it."""
    figures = summary(allocation)
    return (f"申请社团 {figures['申请社团人数']} 人，分配到社团 {figures['分配到社团']} 人（{figures['分配率']:.1%}），"
            f"优先群体 {figures['优先群体分配率']:.1%}，第一志愿 {figures['第一志愿率']:.1%}，被挤占 {figures[ENVY]} 人，"
            f"开班 {figures['开班社团数']} 个")


def compare_methods(applicants: pd.DataFrame, activities: pd.DataFrame, seed: int,
                    methods: tuple[str, ...] = METHODS, **kwargs) -> tuple[pd.DataFrame, dict[str, Allocation]]:
    """Every method on the same applicants and lottery: one row each, and the allocations."""
    results = {method: allocate(applicants, activities, method, seed, **kwargs) for method in methods}
    table = pd.DataFrame([summary(a) for a in results.values()], columns=list(COMPARISON_COLUMNS))
    return table, results


def move_student(allocation: Allocation, applicants: pd.DataFrame, activities: pd.DataFrame, student_id: str,
                 to_club: str | None, from_club: str | None = None) -> tuple[Allocation, list[Problem]]:
    """A move made by hand (调剂), checked by the same rules as every method.

    ``to_club`` None takes the student out of ``from_club``. A move that breaks a rule (the club is
    full or cancelled, wrong grade, a day the child does not attend, two clubs on one day, more
    clubs than the family asked for) is refused with the reason and the allocation is unchanged;
    a club the family did not list is allowed with a reminder to ask the family first. Other
    students are not moved: a freed seat waits for the next run, which fills it from the waitlist.
    """
    sid = nz.clean_text(student_id)
    to_club = nz.clean_text(to_club).upper() or None if to_club is not None else None
    from_club = nz.clean_text(from_club).upper() or None if from_club is not None else None
    placements = allocation.placements
    mine = placements[placements[STUDENT_ID] == sid]
    refuse = []
    asked = applicants[applicants[STUDENT_ID].astype(str) == sid]
    clubs = allocation.clubs.set_index(ACTIVITY_ID)
    if asked.empty:
        refuse.append(f"学号 {sid} 不在本学期参加课后服务的学生中")
    if from_club and from_club not in set(mine[ACTIVITY_ID]):
        refuse.append(f"该生现在不在 {from_club}")
    if to_club:
        if to_club not in clubs.index:
            refuse.append(f"活动清单里没有 {to_club}")
        elif clubs.at[to_club, STATUS] != OPEN:
            refuse.append(f"{to_club} 未开班")
        elif to_club in set(mine[ACTIVITY_ID]):
            refuse.append(f"该生已在 {to_club}")
        elif int(clubs.at[to_club, PLACED_COUNT]) >= int(clubs.at[to_club, CAPACITY_MAX]):
            refuse.append(f"{to_club} 已满（{int(clubs.at[to_club, CAPACITY_MAX])}人）")
        elif not asked.empty:
            m, _ = _market_for(allocation, placements, applicants, activities, also=(sid,))
            s, index = m.ids.index(sid), {code: c for c, code in enumerate(m.codes)}
            refuse += _move_conflicts(m, s, index[to_club], [index[c] for c in mine[ACTIVITY_ID] if c != from_club])
    elif not from_club:
        refuse.append("请选择要调入的社团，或要调出的社团")
    if refuse:
        return allocation, [Problem("手工调整", "；".join(refuse), "换一个社团，或先把该生从原社团调出",
                                    Severity.ERROR, None, STUDENT_ID, sid)]
    notes = []
    keep = placements[~((placements[STUDENT_ID] == sid) & (placements[ACTIVITY_ID] == from_club))]
    if to_club:
        listed = [nz.clean_text(v).upper() for v in asked.iloc[0][list(CHOICES)] if not _blank(v)]
        rank = listed.index(to_club) + 1 if to_club in listed else pd.NA
        if pd.isna(rank):
            notes.append(Problem("手工调整", f"{to_club} 不在该生的志愿中", "在调剂前征得家长同意",
                                 Severity.WARNING, None, STUDENT_ID, sid))
        keep = pd.concat([keep, pd.DataFrame([{STUDENT_ID: sid, ACTIVITY_ID: to_club, CHOICE_RANK: rank, SOURCE: MANUAL}])],
                         ignore_index=True)
    return rebuild(allocation, keep, applicants, activities), notes


def _move_conflicts(m: _Market, s: int, c: int, others: list[int]) -> list[str]:
    """The rules a move into club ``c`` breaks, by the same market every method uses."""
    code, reasons = m.codes[c], []
    if m.grade[s] not in m.club_grades[c]:
        reasons.append(f"{code} 只招{_grades_text(m.club_grades[c])}")
    if m.club_days[c] & ~m.days[s]:
        reasons.append(f"{code} 在{_days_text(m.club_days[c])}活动，该生{_days_text(m.club_days[c] & ~m.days[s])}不参加课后服务")
    for other in others:
        if m.club_days[c] & m.club_days[other]:
            reasons.append(f"与该生已参加的 {m.codes[other]} 同在{_days_text(m.club_days[c] & m.club_days[other])}")
    if len(others) + 1 > max(m.max_clubs[s], 1):
        reasons.append(f"家长填的最多社团数是 {m.max_clubs[s]}，该生已有 {len(others)} 个社团")
    return reasons


def _market_for(allocation: Allocation, placements: pd.DataFrame, applicants: pd.DataFrame,
                activities: pd.DataFrame, also=()) -> tuple[_Market, pd.DataFrame]:
    """The market with ``placements`` held as they stand, and the applicants in its order
    (those holding a seat and ``also`` included even without a choice)."""
    activities = activities.reset_index(drop=True)
    applicants, lottery = _club_applicants(applicants, allocation.seed, [*placements[STUDENT_ID], *also])
    # a student's clubs in the order they were won (better choice first), for the envy rule's rounds
    held = placements.sort_values([STUDENT_ID, CHOICE_RANK], na_position="last")
    return _build_market(applicants, activities, lottery, held, None), applicants


def rebuild(allocation: Allocation, placements: pd.DataFrame, applicants: pd.DataFrame,
            activities: pd.DataFrame) -> Allocation:
    """The allocation's tables recomputed for ``placements`` as they stand, nobody re-placed."""
    m, applicants = _market_for(allocation, placements, applicants, activities)
    open_clubs = [status == OPEN for status in allocation.clubs.set_index(ACTIVITY_ID).reindex(m.codes)[STATUS]]
    return _result(m, applicants, activities.reset_index(drop=True), allocation.method, allocation.seed, {},
                   open_clubs, list(allocation.problems))
