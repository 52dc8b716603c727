"""Step 03, 师资安排: who may serve, who runs which group on which day, duty, workload, subsidies.

The norms in the seeds say every group has a responsible adult on every service day, outside
staff work only after 资质审核 通过 and safety training, and a child not collected stays with the
duty teacher. This module turns that into a weekly roster:

- :func:`eligibility`: who may be rostered, and for whoever may not, why and what to do about it
  (the table the 安全办 acts on).
- :func:`needs`: every place to fill: each care group and each open club on each of its service
  weekdays, with as many adults as the children need (``ceil(人数 / 每名成人最多看护学生数)``).
- :func:`make_roster`: the roster, solved with OR-Tools CP-SAT. Hard rules: only eligible
  people; 可服务日 and 每周最多次数 (every role counts); one role per person and day; 值班 only by
  在职教师; a care group's first adult an 在职教师 or 退休教师 (volunteers and parents only as
  further adults; 校外专业人员 never); outside staff, volunteers and parents only on clubs their
  特长 fits (they come for that activity); 指定教师 and pins fixed where possible. The objective is
  lexicographic, solved stage by stage: (1) fewest groups of children without an adult, then
  fewest missing adults (值班 included); (2) most clubs run by someone whose 特长 fits; (3) the
  smallest max−min spread of sessions among in-service teachers; (4) the same person on all
  weekdays of a club or a care group. The order of (2) to (4) can be changed per call.
  Places left open are reported as gaps with the reason, never as an exception.
- :func:`subsidies`: per person and month, from the real service days of the term calendar.

How it is solved: a first roster (built group by group like a person would, or by a min-cost flow
when that leaves fewer places empty) is handed to CP-SAT as a hint; each stage then runs CP-SAT's
complete search, which proves most stages optimal at once, and where it does not, large
neighbourhood search from the best roster so far. A stage's result is kept as a constraint for
the next. The same inputs give the same roster: one search worker, then LNS workers interleaved in
fixed batches, a fixed seed, and limits in deterministic time (not wall-clock time, which would
make the result depend on the machine's load). No solve time appears in any table or text.

Every function takes and returns frames or small frozen dataclasses; nothing is read or written.
"""

from __future__ import annotations

import math
import re
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
from ortools.sat.python import cp_model

from . import allocation as al
from . import care_groups as cg
from . import normalize as nz
from .problems import Problem, Severity
from .schema import (
    ACTIVITY_DAYS,
    ACTIVITY_ID,
    ACTIVITY_NAME,
    ASSIGNED_TEACHER,
    AVAILABLE_DAYS,
    CAPACITY_MAX,
    DATE,
    DAY_IS_SERVICE,
    DAY_WEEKDAY,
    EXCEL_ROW,
    FOLLOWS_WEEKDAY,
    MAX_PER_WEEK,
    NAME,
    NO,
    NOTE,
    ROOM,
    SAFETY_TRAINING,
    SKILL_NEEDED,
    SKILLS,
    STAFF_ID,
    STAFF_TYPE,
    STAFF_TYPES,
    TRAINING_STATES,
    VETTING,
    VETTING_STATES,
    WEEKDAY_NAMES,
    YES,
)
from .term_calendar import MONTH

# --- column names of the tables this module returns ----------------------------------------------
WEEKDAY = cg.WEEKDAY  # 星期
GROUP = cg.GROUP  # 组别: a care group's name, an 活动编号 or 值班
SIZE = cg.SIZE  # 人数
KIND = cg.GROUP_KIND  # 类型: here 看护组, 社团 or 值班
TITLE = "名称"  # the care group's name or the club's 活动名称
ROLE = "角色"
NEEDED = "需要人数"
ASSIGNED = "已安排人数"
MISSING = "缺少人数"
REASON = al.REASON  # 原因
ACTION = "应当"
ELIGIBLE = "可排班"
SKILL_MATCH = "特长匹配"
SOURCE = "来源"
SESSIONS = "每周次数"
LEAD_SESSIONS = "负责次数"
DUTY_SESSIONS = "值班次数"
TIMES = "次数"
PERIODS = "课时数"
RATE = "补助标准"
AMOUNT = "补助金额"
REMARK = NOTE  # 说明

# --- values ---------------------------------------------------------------------------------------
ROLE_LEAD, ROLE_DUTY = "负责", "值班"
KIND_CARE, KIND_CLUB, KIND_DUTY = "看护组", "社团", "值班"
DUTY_GROUP = "值班"  # the 组别 of a duty place
FROM_PIN, FROM_ASSIGNED, FROM_SOLVER = "固定", "指定教师", "排班"
IN_SERVICE, RETIRED, EXTERNAL, VOLUNTEER, PARENT = STAFF_TYPES
LEADS_CARE = (IN_SERVICE, RETIRED)  # may be a care group's first (responsible) adult
HELPS_CARE = (VOLUNTEER, PARENT)  # may be a further adult of a large care group
COMES_FOR_ACTIVITY = (EXTERNAL, VOLUNTEER, PARENT)  # run only clubs that fit their 特长
PASSED, FAILED, PENDING = VETTING_STATES
TRAINED, UNTRAINED = TRAINING_STATES
OPTIMAL, FEASIBLE = "最优", "可行（求解时限内未证明最优）"
PROBLEM_FILE = "排班"
DEFAULT_STAGE_LIMIT = 10.0  # deterministic seconds per stage; the sample school needs far less
STAGE_GAPS, STAGE_SKILLS, STAGE_SPREAD, STAGE_CONTINUITY = "缺口", "特长匹配", "工作量均衡", "连续负责"
DEFAULT_STAGES = (STAGE_GAPS, STAGE_SKILLS, STAGE_SPREAD, STAGE_CONTINUITY)

ELIGIBILITY_COLUMNS = (STAFF_ID, NAME, STAFF_TYPE, ELIGIBLE, REASON, ACTION)
PLACE_COLUMNS = (WEEKDAY, GROUP, KIND, TITLE, ROOM, SIZE, NEEDED, SKILL_NEEDED, ASSIGNED_TEACHER, EXCEL_ROW)
DUTY_COLUMNS = (WEEKDAY, GROUP, STAFF_ID, ROLE, NAME, STAFF_TYPE, KIND, TITLE, ROOM, SIZE, SKILL_MATCH, SOURCE)
GAP_COLUMNS = (WEEKDAY, GROUP, KIND, TITLE, NEEDED, ASSIGNED, MISSING, REASON, ACTION)
WORKLOAD_COLUMNS = (STAFF_ID, NAME, STAFF_TYPE, SESSIONS, LEAD_SESSIONS, DUTY_SESSIONS, MAX_PER_WEEK,
                    AVAILABLE_DAYS, ELIGIBLE)
SUBSIDY_COLUMNS = (STAFF_ID, NAME, STAFF_TYPE, MONTH, LEAD_SESSIONS, DUTY_SESSIONS, TIMES, PERIODS, RATE,
                   AMOUNT, REMARK)
_KIND_ORDER = {KIND_CARE: 0, KIND_CLUB: 1, KIND_DUTY: 2}
_FEN = Decimal("0.01")


# --- eligibility ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Person:
    sid: str
    name: str
    kind: str
    skills: tuple[str, ...]
    days: frozenset[int]  # available weekdays (before intersecting with the service weekdays)
    max_week: int | None  # None: no limit
    reasons: tuple[str, ...]  # why not eligible; empty when eligible
    actions: tuple[str, ...]

    @property
    def eligible(self) -> bool:
        return not self.reasons


def split_skills(text: object) -> tuple[str, ...]:
    """篮球、田径 / 篮球,田径 / 篮球 田径 -> ("篮球", "田径")."""
    return tuple(p for p in re.split(r"[、,;/|\s]+", nz.clean_text(text)) if p)


def skills_fit(skills: Iterable[str], needed: Iterable[str], title: str = "") -> bool:
    """Whether someone with ``skills`` fits a club asking for ``needed`` (or, when it asks for
    nothing or for something else, whose name contains one of the skills: 篮球 fits 趣味篮球)."""
    needed = tuple(needed)
    for skill in skills:
        if any(skill == n or skill in n or n in skill for n in needed):
            return True
        if title and skill in title:
            return True
    return False


def _max_week(value: object) -> int | None:
    if nz.is_blank(value):
        return None
    number, _ = nz.parse_int(value)
    return None if number is None else max(number, 0)


def _person(record: dict) -> _Person:
    sid = nz.clean_text(record.get(STAFF_ID))
    kind = nz.clean_text(record.get(STAFF_TYPE))
    training = nz.clean_text(record.get(SAFETY_TRAINING))
    vetting = nz.clean_text(record.get(VETTING))
    max_week = _max_week(record.get(MAX_PER_WEEK))
    reasons: list[str] = []
    actions: list[str] = []
    if kind not in STAFF_TYPES:
        reasons.append("人员类型未填写或无法识别")
        actions.append("在 staff 表中填写人员类型：" + "、".join(STAFF_TYPES))
    if training != TRAINED:
        if training == UNTRAINED:
            reasons.append("安全培训未完成")
        else:
            reasons.append("安全培训未填写")
        actions.append(f"完成课后服务安全培训后，在 staff 表的安全培训列填写“{TRAINED}”")
    if kind != IN_SERVICE or vetting == FAILED:
        if vetting == FAILED:
            reasons.append("资质审核未通过")
            actions.append(f"不能上岗；补齐材料重新审核通过后，在 staff 表中改为“{PASSED}”")
        elif vetting == PENDING:
            reasons.append("资质审核待审核（尚未通过）")
            actions.append(f"尽快完成资质审核，通过后在 staff 表中改为“{PASSED}”")
        elif vetting != PASSED:
            reasons.append("资质审核未填写（在职教师以外的人员须审核通过）")
            actions.append(f"完成资质审核，通过后在 staff 表的资质审核列填写“{PASSED}”")
    if max_week == 0:
        reasons.append("每周最多次数为0")
        actions.append("本学期能服务的，在 staff 表中把每周最多次数改为能服务的次数（空白为不限）")
    days = nz.parse_weekdays(record.get(AVAILABLE_DAYS))
    return _Person(sid, nz.clean_text(record.get(NAME)), kind, split_skills(record.get(SKILLS)),
                   frozenset(range(7)) if not days else frozenset(days), max_week, tuple(reasons), tuple(actions))


def _people(staff: pd.DataFrame) -> tuple[list[_Person], list[Problem]]:
    """Everyone on the staff list once (a repeated 工号 keeps its first row, as the loader does)."""
    people, seen, problems = [], set(), []
    for record in staff.to_dict("records"):
        person = _person(record)
        if not person.sid:
            continue  # the loader already reported and dropped a row without 工号
        if person.sid in seen:
            problems.append(Problem("staff", f"工号 {person.sid} 出现不止一次，排班只用第一行", "每人一个工号",
                                    Severity.WARNING, _row(record.get(EXCEL_ROW)), STAFF_ID, person.sid))
            continue
        seen.add(person.sid)
        people.append(person)
    return people, problems


def eligibility(staff: pd.DataFrame) -> pd.DataFrame:
    """Who may be rostered: 工号, 姓名, 人员类型, 可排班 (是/否), 原因, 应当; those who may not first.

    Everyone needs 安全培训 已完成; everyone but 在职教师 needs 资质审核 通过, and an 在职教师 whose
    审核 is 未通过 may not serve either; 每周最多次数 0 means not this term. A blank counts as not
    done, and the reason says it was left blank.
    """
    people, _ = _people(staff)
    rows = [(p.sid, p.name, p.kind, YES if p.eligible else NO, "；".join(p.reasons), "；".join(p.actions))
            for p in people]
    table = pd.DataFrame(rows, columns=list(ELIGIBILITY_COLUMNS))
    order = table[ELIGIBLE].eq(YES).to_numpy().argsort(kind="stable")
    return table.iloc[order].reset_index(drop=True)


# --- places to fill ---------------------------------------------------------------------------------
def adults_needed(children: int, children_per_adult: int) -> int:
    """A group of ``children`` needs ``ceil(children / children_per_adult)`` adults, at least one."""
    return max(1, math.ceil(int(children) / max(int(children_per_adult), 1)))


def needs(care_groups: pd.DataFrame, activities: pd.DataFrame, clubs: pd.DataFrame | None = None, *,
          service_weekdays: tuple[int, ...] = (0, 1, 2, 3, 4), children_per_adult: int = 45) -> pd.DataFrame:
    """Every care group and every open club on each of its service weekdays, with its adults needed.

    ``care_groups`` is :attr:`CareGroups.groups` (星期, 组别, 人数, 场地 ...). ``clubs`` is
    :attr:`Allocation.clubs`: only clubs with 状态 开班 are staffed, for 已分配 children; without
    it every activity is staffed for its 人数上限 (planning before the allocation). A club day that is
    not a service weekday is left out (validation already names it). Columns :data:`PLACE_COLUMNS`,
    in week order, care groups as listed, then clubs by 活动编号.
    """
    rows = []
    for record in care_groups.to_dict("records"):
        size = int(record[SIZE])
        rows.append({WEEKDAY: record[WEEKDAY], GROUP: record[GROUP], KIND: KIND_CARE, TITLE: record[GROUP],
                     ROOM: record.get(ROOM), SIZE: size, NEEDED: adults_needed(size, children_per_adult),
                     SKILL_NEEDED: "", ASSIGNED_TEACHER: "", EXCEL_ROW: pd.NA})
    placed = None
    if clubs is not None:
        opened = clubs[clubs[al.STATUS] == al.OPEN]
        placed = dict(zip(opened[ACTIVITY_ID], opened[al.PLACED_COUNT]))
    for record in activities.sort_values(ACTIVITY_ID, kind="stable").to_dict("records"):
        code = nz.clean_text(record[ACTIVITY_ID])
        if placed is not None and code not in placed:
            continue
        size = int(placed[code]) if placed is not None else int(record.get(CAPACITY_MAX) or 0)
        for day in nz.parse_weekdays(record.get(ACTIVITY_DAYS)) or ():
            if day not in service_weekdays:
                continue
            rows.append({WEEKDAY: WEEKDAY_NAMES[day], GROUP: code, KIND: KIND_CLUB,
                         TITLE: nz.clean_text(record.get(ACTIVITY_NAME)), ROOM: nz.clean_text(record.get(ROOM)) or None,
                         SIZE: size, NEEDED: adults_needed(size, children_per_adult),
                         SKILL_NEEDED: nz.clean_text(record.get(SKILL_NEEDED)),
                         ASSIGNED_TEACHER: nz.clean_text(record.get(ASSIGNED_TEACHER)),
                         EXCEL_ROW: _row(record.get(EXCEL_ROW))})
    table = pd.DataFrame(rows, columns=list(PLACE_COLUMNS))
    table[EXCEL_ROW] = table[EXCEL_ROW].astype("Int64")
    day_index = table[WEEKDAY].map(WEEKDAY_NAMES.index)
    order = sorted(range(len(table)), key=lambda i: (day_index.iloc[i], _KIND_ORDER[table[KIND].iloc[i]], i))
    return table.iloc[order].reset_index(drop=True)


def _row(value: object) -> int | None:
    return None if nz.is_blank(value) else int(value)


@dataclass(frozen=True)
class _Place:
    index: int
    day: int
    group: str
    kind: str
    title: str
    room: str
    size: int | None
    need: int
    skills_needed: tuple[str, ...]
    assigned_teacher: str
    row: int | None

    @property
    def label(self) -> str:
        if self.kind == KIND_CLUB:
            return f"{WEEKDAY_NAMES[self.day]} {self.group} {self.title}"
        return f"{WEEKDAY_NAMES[self.day]} {self.group}"


def _places(table: pd.DataFrame, service_weekdays: tuple[int, ...], duty_per_day: int) -> list[_Place]:
    places = []
    for record in table.to_dict("records"):
        day = WEEKDAY_NAMES.index(record[WEEKDAY])
        if day not in service_weekdays:
            continue
        size = record.get(SIZE)
        places.append(_Place(len(places), day, nz.clean_text(record[GROUP]), record[KIND],
                             nz.clean_text(record.get(TITLE)) or nz.clean_text(record[GROUP]),
                             nz.clean_text(record.get(ROOM)), None if nz.is_blank(size) else int(size),
                             int(record[NEEDED]), split_skills(record.get(SKILL_NEEDED)),
                             nz.clean_text(record.get(ASSIGNED_TEACHER)), _row(record.get(EXCEL_ROW))))
    if duty_per_day > 0:
        for day in service_weekdays:
            places.append(_Place(len(places), day, DUTY_GROUP, KIND_DUTY, DUTY_GROUP, "", None, duty_per_day,
                                 (), "", None))
    return sorted(places, key=lambda p: (p.day, _KIND_ORDER[p.kind], p.index))


# --- who may take which place -------------------------------------------------------------------------
def _fits(person: _Person, place: _Place) -> bool:
    return skills_fit(person.skills, place.skills_needed, place.title)


def _may_serve(person: _Person, place: _Place, explicit: bool = False) -> bool:
    """The type rules of a place. ``explicit``: a pin or a 指定教师, which may put anyone eligible
    on a club (the school chose them) but not break the care and duty rules."""
    if place.kind == KIND_DUTY:
        return person.kind == IN_SERVICE
    if place.kind == KIND_CARE:
        return person.kind in LEADS_CARE or (person.kind in HELPS_CARE and place.need >= 2 and not explicit)
    return person.kind in LEADS_CARE or explicit or _fits(person, place)


def _why_not_type(person: _Person, place: _Place) -> str:
    if place.kind == KIND_DUTY:
        return f"{person.kind}不能值班（值班只安排在职教师）"
    if person.kind == EXTERNAL:
        return "校外专业人员不负责看护组"
    return f"{person.kind}不能负责看护组（看护组须由在职教师或退休教师负责；人多的组可由排班安排{person.kind}协助）"


# --- the roster -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Stage:
    """One stage of the lexicographic solve: its name, CP-SAT's status, the value reached and time."""

    name: str
    status: str
    value: int
    seconds: float


@dataclass(frozen=True, eq=False)
class Roster:
    """A weekly roster and everything needed to publish and check it.

    ``duties``: one row per person and place (:data:`DUTY_COLUMNS`), in week order. ``gaps``: every
    place left short of adults, with 原因 and 应当 (:data:`GAP_COLUMNS`). ``workload``: everyone on
    the staff list with their weekly sessions (:data:`WORKLOAD_COLUMNS`). ``eligibility``: see
    :func:`eligibility`. ``places``: every place that was to be filled, 值班 included.
    ``problems``: 指定教师 and pins that could not be honoured, and why. ``status``: 最优 when every
    stage was proven optimal. ``stages``: each stage's result.
    """

    duties: pd.DataFrame
    gaps: pd.DataFrame
    workload: pd.DataFrame
    eligibility: pd.DataFrame
    places: pd.DataFrame
    problems: tuple[Problem, ...]
    status: str
    stages: tuple[Stage, ...]
    service_weekdays: tuple[int, ...]
    duty_per_day: int

    @property
    def seconds(self) -> float:
        return sum(s.seconds for s in self.stages)

    @property
    def missing(self) -> int:
        """Adults missing over the week (sum of 缺少人数)."""
        return int(self.gaps[MISSING].sum()) if len(self.gaps) else 0

    @property
    def loads(self) -> pd.Series:
        """Weekly sessions of the in-service teachers who can serve (eligible, some service day free)."""
        w = self.workload
        days = set(self.service_weekdays)
        usable = [(t == IN_SERVICE and e == YES and bool(set(nz.parse_weekdays(d) or days) & days))
                  for t, e, d in zip(w[STAFF_TYPE], w[ELIGIBLE], w[AVAILABLE_DAYS])]
        return w.loc[usable, SESSIONS].astype(int)

    @property
    def spread(self) -> int:
        """max − min of weekly sessions among in-service teachers who can serve: 0 is perfectly even."""
        loads = self.loads
        return int(loads.max() - loads.min()) if len(loads) else 0


def make_roster(staff: pd.DataFrame, needs: pd.DataFrame, service_weekdays: tuple[int, ...] = (0, 1, 2, 3, 4),
                duty_per_day: int = 2, pins: Iterable[tuple[str, str, str]] = (), *,
                stages: tuple[str, ...] = DEFAULT_STAGES, time_limit: float = DEFAULT_STAGE_LIMIT,
                seed: int = 0, activities_file: str = "activities.xlsx") -> Roster:
    """The weekly roster for ``needs`` (from :func:`needs`) with ``duty_per_day`` 值班 each day.

    ``pins``: (星期, 组别, 工号) the team has fixed, e.g. after looking at a first roster; each is
    honoured or refused with a Problem saying why. ``stages``: the objectives in order of
    importance, each optimised without giving up what the earlier ones reached; 缺口 always comes
    first, and a stage left out is not optimised. The even spread comes before continuity by
    default, so that an even spread is found whenever one exists (the issue's requirement);
    continuity first can cost it: two groups over three days and four teachers give one face per
    group but loads 3, 3, 0, 0. On the sample school both orders give max−min 1; on
    benchmarks/roster.py's tighter schools continuity first gives 2–3 where spread first gives
    1–2, with fewer faces per group. ``time_limit`` is per stage, in
    CP-SAT's deterministic seconds, so the same inputs give the same roster on any machine;
    ``status`` says whether every stage was proven optimal within it. Never raises for what the
    inputs say: places that cannot be filled become rows of ``gaps``. ``activities_file`` names the
    activity list in messages about its 指定教师. (A ``stages`` name that is
    not a stage is a programming error and raises ValueError.)
    """
    order = (STAGE_GAPS, *[s for s in stages if s != STAGE_GAPS])
    if any(s not in DEFAULT_STAGES for s in order) or len(set(order)) != len(order):
        raise ValueError(f"stages must be distinct names among {DEFAULT_STAGES}, got {stages}")
    service_weekdays = tuple(sorted(set(service_weekdays)))
    people, problems = _people(staff)
    places = _places(needs, service_weekdays, duty_per_day)
    by_id = {p.sid: i for i, p in enumerate(people)}
    free_days = [frozenset(p.days) & frozenset(service_weekdays) for p in people]
    usable = [p.eligible for p in people]

    fixing = _Fixing(people, places, usable, free_days)
    problems += _apply_pins(pins, fixing, by_id)
    problems += _apply_assigned_teachers(fixing, by_id, activities_file)
    chosen, results = _solve(people, places, usable, free_days, fixing.fixed, order, time_limit, seed)
    return _roster(people, places, chosen, fixing, usable, free_days, problems, results, service_weekdays,
                   duty_per_day, staff)


class _Fixing:
    """Pins and 指定教师 fixed before solving, checked against the same hard rules as the solver,
    so that what is fixed can never make the model infeasible."""

    def __init__(self, people: list[_Person], places: list[_Place], usable: list[bool], free_days: list[frozenset]):
        self.people, self.places, self.usable, self.free_days = people, places, usable, free_days
        self.fixed: dict[tuple[int, int], str] = {}  # (person, place) -> 来源
        self.busy: dict[tuple[int, int], _Place] = {}  # (person, day) -> the place fixed there
        self.count = [0] * len(people)
        self.filled = [0] * len(places)
        self.notes: dict[int, list[str]] = defaultdict(list)  # place -> why its 指定教师 is not there

    def full(self, q: _Place) -> bool:
        return self.filled[q.index] >= q.need

    def fix(self, i: int, q: _Place, source: str) -> None:
        self.fixed[i, q.index] = source
        self.busy[i, q.day] = q
        self.count[i] += 1
        self.filled[q.index] += 1

    def blocked(self, i: int, q: _Place) -> str | None:
        """Why person ``i`` cannot be fixed on ``q`` (a pin or a 指定教师), or None."""
        person = self.people[i]
        if not self.usable[i]:
            return "不能排班：" + "；".join(person.reasons)
        if q.day not in self.free_days[i]:
            return f"的可服务日不含{WEEKDAY_NAMES[q.day]}"
        if not _may_serve(person, q, explicit=True):
            return "：" + _why_not_type(person, q)
        if (i, q.day) in self.busy:
            return f"在{WEEKDAY_NAMES[q.day]}已安排在{self.busy[i, q.day].group}"
        if person.max_week is not None and self.count[i] >= person.max_week:
            return f"已达每周最多次数（{person.max_week}次）"
        if self.full(q):
            return f"不能再加入：{q.label}只需 {q.need} 人，已经排满"
        return None


def _apply_pins(pins, fixing: _Fixing, by_id: dict[str, int]) -> list[Problem]:
    problems = []
    for pin in pins:
        parts = [nz.clean_text(v) for v in tuple(pin)][:3]
        day_name, group, sid = parts + [""] * (3 - len(parts))
        where = f"{day_name} {group} {sid}"
        day = nz.parse_weekdays(day_name)
        matches = [q for q in fixing.places if day and len(day) == 1 and q.day == day[0] and q.group == group]
        if not matches:
            problems.append(Problem(PROBLEM_FILE, f"固定安排无法执行：{day_name}没有“{group}”这个组、社团或值班",
                                    "核对星期和组别（看护组如“三年级1组”，社团写活动编号，值班写“值班”）",
                                    Severity.WARNING, None, GROUP, where))
            continue
        if sid not in by_id:
            problems.append(Problem(PROBLEM_FILE, f"固定安排无法执行：工号 {sid} 不在教职工名单中", "核对工号",
                                    Severity.WARNING, None, STAFF_ID, where))
            continue
        i, q = by_id[sid], matches[0]
        why = fixing.blocked(i, q)
        if why is not None:
            person = fixing.people[i]
            problems.append(Problem(PROBLEM_FILE, f"固定安排无法执行：{person.name}（{sid}）{why}",
                                    "换一个人或另一天固定，或先改正教职工表", Severity.WARNING, None, STAFF_ID, where))
            continue
        fixing.fix(i, q, FROM_PIN)
    return problems


def _resolve_teacher(text: str, people: list[_Person], by_id: dict[str, int]) -> tuple[int | None, str | None]:
    """A 指定教师 cell to a person: 工号 first (case-insensitive), then a unique 姓名."""
    key = text.upper()
    for sid, i in by_id.items():
        if sid.upper() == key:
            return i, None
    named = [i for i, p in enumerate(people) if p.name == text]
    if len(named) == 1:
        return named[0], None
    if named:
        return None, f"教职工表中有 {len(named)} 人叫“{text}”，无法确定是哪一位"
    return None, f"教职工表中没有工号或姓名为“{text}”的人"


def _apply_assigned_teachers(fixing: _Fixing, by_id: dict[str, int], activities_file: str) -> list[Problem]:
    """Fix each club's 指定教师 on every club day they can serve; say why not on the others.

    A problem that holds for every day of the club (unknown name, not eligible) is told once.
    """
    problems: dict[str, Problem] = {}
    for q in fixing.places:
        if q.kind != KIND_CLUB or not q.assigned_teacher:
            continue
        i, unknown = _resolve_teacher(q.assigned_teacher, fixing.people, by_id)
        if unknown is not None:
            why, fix_text, where = unknown, "在活动清单中填写教职工表里的工号（同名时必须填工号）；排班已另选他人", f"{q.group} {q.title}"
        elif (i, q.index) in fixing.fixed or fixing.full(q):
            continue  # a pin already put this person, or others, there: the team's later decision wins
        else:
            why = fixing.blocked(i, q)
            if why is None:
                fixing.fix(i, q, FROM_ASSIGNED)
                continue
            person = fixing.people[i]
            why = f"指定教师{person.name}（{person.sid}）{why}"
            if not fixing.usable[i]:
                where = f"{q.group} {q.title}"
                fix_text = "；".join(person.actions) + "；在此之前排班另选他人"
            else:
                where = q.label
                fix_text = "核对指定教师的可服务日和每周最多次数，或换一位指定教师；这一天排班已另选他人"
        fixing.notes[q.index].append(why)
        message = f"{where}：{why}"
        problems.setdefault(message, Problem(activities_file, message, fix_text, Severity.WARNING, q.row,
                                             ASSIGNED_TEACHER, q.assigned_teacher))
    return list(problems.values())


# --- CP-SAT ------------------------------------------------------------------------------------------------
def _solve(people, places, usable, free_days, fixed, order, time_limit, seed):
    """x[person, place] for every allowed pair; the stages; returns (chosen pairs, stage results)."""
    model = cp_model.CpModel()
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    for q in places:
        for i, person in enumerate(people):
            if (i, q.index) in fixed:
                x[i, q.index] = model.new_constant(1)
            elif usable[i] and q.day in free_days[i] and _may_serve(person, q):
                x[i, q.index] = model.new_bool_var(f"x{i}_{q.index}")
    by_place: dict[int, list[int]] = defaultdict(list)
    by_person_day: dict[tuple[int, int], list[int]] = defaultdict(list)
    by_person: dict[int, list[int]] = defaultdict(list)
    place_of = {q.index: q for q in places}
    for i, j in x:
        by_place[j].append(i)
        by_person_day[i, place_of[j].day].append(j)
        by_person[i].append(j)

    # helper variables and how to compute each from who is where, to hint complete rosters (LNS
    # starts only from a complete one)
    aux: list[tuple[cp_model.IntVar, object]] = []
    aux_lns: list[tuple[cp_model.IntVar, object]] = []  # hinted for LNS only (see top and low below)
    missing_terms, uncovered = [], []
    for q in places:
        assigned = sum(x[i, q.index] for i in by_place[q.index])
        model.add(assigned <= q.need)
        missing_terms.append(q.need - assigned)
        if q.kind != KIND_DUTY:  # children without any adult come before a missing duty teacher
            u = model.new_bool_var(f"u{q.index}")  # at least "nobody here"; exact at the optimum
            model.add(assigned + u >= 1)
            uncovered.append(u)
            aux.append((u, lambda values, j=q.index: int(not any(values[i, j] for i in by_place[j]))))
        if q.kind == KIND_CARE and q.need >= 2:
            leads = [x[i, q.index] for i in by_place[q.index] if people[i].kind in LEADS_CARE]
            helpers = [x[i, q.index] for i in by_place[q.index] if people[i].kind not in LEADS_CARE]
            if helpers:  # volunteers and parents only beside a teacher
                model.add(sum(helpers) <= (q.need - 1) * sum(leads))
    for (i, _day), js in by_person_day.items():
        if len(js) > 1:
            model.add_at_most_one(x[i, j] for j in js)
    for i, js in by_person.items():
        limit = people[i].max_week
        if limit is not None and limit < len({place_of[j].day for j in js}):
            model.add(sum(x[i, j] for j in js) <= limit)

    # Each objective: (name, CP-SAT expression, maximise?, its true value on a roster). The helper
    # variables (u, top/low, z) are only bounded one way, exact at an optimum but not on every
    # roster found on the way; the value held for later stages is therefore computed from who
    # is where, so it never lets a later stage give back what an earlier one reached.
    weight = sum(q.need for q in places) + 1  # a group without anyone outweighs every other missing adult
    care_or_club = [q for q in places if q.kind != KIND_DUTY]

    def gaps_value(values: dict) -> int:
        count = defaultdict(int)
        for (_, j), v in values.items():
            count[j] += v
        return (weight * sum(1 for q in care_or_club if count[q.index] == 0)
                + sum(q.need - count[q.index] for q in places))

    available = {STAGE_GAPS: (weight * sum(uncovered) + sum(missing_terms), False, gaps_value)}
    match_keys = [(i, q.index) for q in places if q.kind == KIND_CLUB and q.skills_needed
                  for i in by_place[q.index] if skills_fit(people[i].skills, q.skills_needed)]
    if match_keys and STAGE_SKILLS in order:
        available[STAGE_SKILLS] = (sum(x[k] for k in match_keys), True,
                                   lambda values: sum(values[k] for k in match_keys))
    spread_people = [i for i, p in enumerate(people) if p.kind == IN_SERVICE and usable[i] and free_days[i]]
    if len(spread_people) > 1 and STAGE_SPREAD in order:
        top = model.new_int_var(0, len(places), "max_load")
        low = model.new_int_var(0, len(places), "min_load")
        # bounds rather than max/min equalities, which CP-SAT proves optimal far more slowly
        for i in spread_people:
            load = sum(x[i, j] for j in by_person[i])
            model.add(load <= top)
            model.add(load >= low)

        def spread_value(values: dict) -> int:
            loads = [sum(values[i, j] for j in by_person[i]) for i in spread_people]
            return max(loads) - min(loads)

        # top and low are hinted for LNS only, which needs a complete roster to start from: with
        # them hinted, the complete search stopped proving the sample school's spread optimal
        # within its time (1 s before, 20 s after)
        aux_lns.append((top, lambda values: max(sum(values[i, j] for j in by_person[i]) for i in spread_people)))
        aux_lns.append((low, lambda values: min(sum(values[i, j] for j in by_person[i]) for i in spread_people)))
        available[STAGE_SPREAD] = (top - low, False, spread_value)
    if STAGE_CONTINUITY in order:
        terms, series_keys, helpers = _continuity_terms(model, x, places, by_place)
        aux += [(z, lambda values, pairs=pairs: int(any(values[k] for k in pairs))) for z, pairs in helpers]
        if terms:
            available[STAGE_CONTINUITY] = (sum(terms), False,
                                           lambda values: sum(1 for keys in series_keys if any(values[k] for k in keys)))
    objectives = [(name, *available[name]) for name in order if name in available]

    start = _greedy(people, places, by_place, fixed)
    flow = _flow_start(people, places, by_place, fixed)
    if gaps_value({k: int(k in flow) for k in x}) < gaps_value({k: int(k in start) for k in x}):
        start = flow  # the greedy start's few faces are worth less than places it left empty

    def hint(values: dict, complete: bool = False) -> None:
        model.clear_hints()
        for key, var in x.items():
            if key not in fixed:  # fixed pairs are one shared constant, which may be hinted only once
                model.add_hint(var, values[key])
        for var, value_of in aux + (aux_lns if complete else []):
            model.add_hint(var, value_of(values))

    values = {key: int(key in start) for key in x}  # what is returned if the very first stage finds nothing
    hint(values)
    stages = []
    for name, expression, maximize, evaluate in objectives:
        if maximize:
            model.maximize(expression)
        else:
            model.minimize(expression)
        if not maximize and evaluate(values) == 0:  # nothing to improve (every objective minimised counts)
            stage, found = Stage(name, OPTIMAL, 0, 0.0), values
        else:
            stage, found = _run_stage(model, name, x, hint, values, evaluate, maximize, time_limit, seed)
        stages.append(stage)
        if found is None:  # out of time: keep the roster of the stage before, optimise nothing more
            break
        values = found
        # keep what this stage reached while the next one optimises, starting from this solution
        model.add(expression >= stage.value if maximize else expression <= stage.value)
        hint(values)
    return {key for key in x if key in fixed or values[key]}, tuple(stages)


SEARCH_SHARE = 0.3  # of a stage's time: complete search, which can prove optimality
LNS_WORKERS = 3  # interleaved, so deterministic; the count is part of what makes results repeatable


def _run_stage(model: cp_model.CpModel, name: str, x: dict, hint, values: dict, evaluate, maximize: bool,
               time_limit: float, seed: int):
    """One stage: CP-SAT's complete search first (it proves most stages optimal at once); if it
    does not, large neighbourhood search from the best roster known for the rest of the time. The
    complete search alone barely improves objectives with many interchangeable people (who runs
    which group on which day), where LNS does in seconds. Both runs are deterministic: one worker,
    then LNS workers interleaved in fixed batches, a fixed seed and limits in deterministic time.
    ``values`` is the roster the stage starts from (already hinted). Returns the stage (with the
    true value of the best roster) and the values of ``x``, or None when neither run found a
    roster in time."""
    start = time.perf_counter()
    best: tuple[int, dict] | None = None
    bound = None
    proven = False
    for share, lns in ((SEARCH_SHARE, False), (1 - SEARCH_SHARE, True)):
        solver = cp_model.CpSolver()
        solver.parameters.random_seed = seed
        solver.parameters.max_deterministic_time = time_limit * share
        # symmetry detection spends a large part of a short budget on models this size without
        # paying back (measured on benchmarks/roster.py and the sample school)
        solver.parameters.symmetry_level = 0
        if lns:
            solver.parameters.num_workers = LNS_WORKERS
            solver.parameters.interleave_search = True
            solver.parameters.use_lns_only = True
            hint(best[1] if best else values, complete=True)  # LNS starts only from a complete roster
        else:
            solver.parameters.num_workers = 1
        status = solver.solve(model)
        if not lns:  # the bound the complete search proved, found a roster or not
            bound = _integer_bound(solver.best_objective_bound, maximize)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            continue
        found = {key: int(solver.value(var)) for key, var in x.items()}
        value = evaluate(found)
        if best is None or (value > best[0] if maximize else value < best[0]):
            best = (value, found)
        proven = proven or status == cp_model.OPTIMAL or best[0] == bound
        if proven:
            break
    seconds = time.perf_counter() - start
    if best is None:
        return Stage(name, "未完成（时限内没有找到安排）", 0, seconds), None
    return Stage(name, OPTIMAL if proven else FEASIBLE, best[0], seconds), best[1]


def _integer_bound(bound: float, maximize: bool) -> int | None:
    """CP-SAT's objective bound as the integer it implies. Every objective minimised here counts
    something (places, sessions, faces), so 0 bounds it below whatever the solver knew."""
    if not math.isfinite(bound):
        return None if maximize else 0
    if maximize:
        return math.floor(bound + 1e-6)
    return max(math.ceil(bound - 1e-6), 0)


def _continuity_terms(model, x, places, by_place) -> tuple[list, list, list]:
    """One term per person and series (a club, or a care group name, over its weekdays): 1 when the
    person runs it on any day. Fewer terms for the same sessions = the same faces all week.
    Returns the terms, for each the (person, place) pairs it stands for, and the new variables
    with their pairs."""
    series: dict[tuple[str, str], list[_Place]] = defaultdict(list)
    for q in places:
        if q.kind != KIND_DUTY:
            series[q.kind, q.group].append(q)
    terms, keys, helpers = [], [], []
    for (_, group), members in sorted(series.items()):
        if len({q.day for q in members}) < 2:
            continue
        persons: dict[int, list] = defaultdict(list)
        for q in members:
            for i in by_place[q.index]:
                persons[i].append((i, q.index))
        for i, pairs in sorted(persons.items()):
            keys.append(pairs)
            if len(pairs) == 1:
                terms.append(x[pairs[0]])
                continue
            z = model.new_bool_var(f"z{i}_{group}")  # at least "runs it on some day"
            for pair in pairs:
                model.add(z >= x[pair])
            terms.append(z)
            helpers.append((z, pairs))
    return terms, keys, helpers


def _flow_start(people, places, by_place, fixed) -> set[tuple[int, int]]:
    """A start with as few gaps as a min-cost flow finds: source → person (每周最多次数 left) →
    person and day (one role a day) → each place's first slot (a teacher on a care group; worth
    the most) or its further slots → sink. The k-th session of a person costs k, so sessions
    spread. Helpers the flow puts where no teacher got the first slot are taken out again (the
    one rule a flow cannot express). Used when the greedy start leaves more places empty."""
    from ortools.graph.python import min_cost_flow

    place_of = {q.index: q for q in places}
    load, filled, busy, led = defaultdict(int), defaultdict(int), set(), set()
    for i, j in fixed:
        load[i] += 1
        filled[j] += 1
        busy.add((i, place_of[j].day))
        if people[i].kind in LEADS_CARE:
            led.add(j)
    nodes: dict[tuple, int] = {}

    def node(key: tuple) -> int:
        return nodes.setdefault(key, len(nodes))

    source, sink = node(("s",)), node(("t",))
    arcs: list[tuple[int, int, int, int]] = []  # tail, head, capacity, unit cost
    days_of: dict[int, set[int]] = defaultdict(set)
    extra_value = 10 * (len(places) + 8)  # one more adult anywhere beats any spreading of load
    first_value = extra_value * (sum(q.need for q in places) + 1)  # a group without anyone beats all
    for q in places:
        left = q.need - filled[q.index]
        if left <= 0:
            continue
        has_first = q.kind != KIND_DUTY and not filled[q.index]
        if has_first:
            arcs.append((node(("first", q.index)), sink, 1, -first_value))
        if left - has_first > 0:
            arcs.append((node(("more", q.index)), sink, left - has_first, -extra_value))
        for i in by_place[q.index]:
            if (i, q.index) in fixed or (i, q.day) in busy:
                continue
            days_of[i].add(q.day)
            if has_first and (q.kind != KIND_CARE or people[i].kind in LEADS_CARE):
                arcs.append((node(("day", i, q.day)), node(("first", q.index)), 1, 0))
            if left - has_first > 0:
                arcs.append((node(("day", i, q.day)), node(("more", q.index)), 1, 0))
    for i, days in sorted(days_of.items()):
        person = people[i]
        room = len(days) if person.max_week is None else min(len(days), person.max_week - load[i])
        for k in range(room):  # one unit arc per extra session, each dearer than the last
            arcs.append((source, node(("person", i)), 1, load[i] + k + 1))
        for d in sorted(days):
            arcs.append((node(("person", i)), node(("day", i, d)), 1, 0))
    supply = sum(cap for tail, _, cap, _ in arcs if tail == source)
    arcs.append((source, sink, supply, 0))  # unused supply
    solver = min_cost_flow.SimpleMinCostFlow()
    for tail, head, cap, cost in arcs:
        solver.add_arc_with_capacity_and_unit_cost(tail, head, cap, cost)
    solver.set_node_supply(source, supply)
    solver.set_node_supply(sink, -supply)
    if solver.solve() != solver.OPTIMAL:
        return set(fixed)
    key_of = {v: k for k, v in nodes.items()}
    chosen = set(fixed)
    for a, (tail, head, _, _) in enumerate(arcs):
        t, h = key_of.get(tail), key_of.get(head)
        if solver.flow(a) and t and h and t[0] == "day" and h[0] in ("first", "more"):
            chosen.add((t[1], h[1]))
            if h[0] == "first" and people[t[1]].kind in LEADS_CARE:
                led.add(h[1])
    return {(i, j) for i, j in chosen
            if (i, j) in fixed or place_of[j].kind != KIND_CARE or people[i].kind in LEADS_CARE or j in led}


def _greedy(people, places, by_place, fixed) -> set[tuple[int, int]]:
    """A first roster for CP-SAT to start from, built the way a person would: club by club and
    group by group over the week, each time the person who can take most of its days (fitting
    特长 first on clubs, teachers first on care groups), at first within an even share of
    sessions, then without it. It is far from optimal but keeps each group with few faces, which
    the later stages can hardly find alone."""
    allowed = {(i, q.index) for q in places for i in by_place[q.index]}
    chosen = set(fixed)
    load: dict[int, int] = defaultdict(int)
    filled: dict[int, int] = defaultdict(int)
    taken, led = set(), set()
    day_of = {q.index: q.day for q in places}
    for i, j in fixed:
        load[i] += 1
        filled[j] += 1
        taken.add((i, day_of[j]))
        if people[i].kind in LEADS_CARE:
            led.add(j)
    series: dict[tuple, list[_Place]] = defaultdict(list)
    for q in places:
        key = (0, q.group) if q.kind == KIND_CLUB else (1, q.group) if q.kind == KIND_CARE else (2, q.group, q.day)
        series[key].append(q)
    workers = {i for i, _ in allowed}
    share = -(-sum(q.need for q in places) // max(len(workers), 1))
    for cap in (share, None):
        for key in sorted(series):
            members = series[key]
            while True:
                best = None
                for i in sorted({i for q in members for i in by_place[q.index]}):
                    person = people[i]
                    days = [q for q in members if filled[q.index] < q.need and (i, q.index) in allowed
                            and (i, q.index) not in chosen and (i, q.day) not in taken
                            and (q.kind != KIND_CARE or person.kind in LEADS_CARE or q.index in led)]
                    room = len(days) if person.max_week is None else person.max_week - load[i]
                    if cap is not None:
                        room = min(room, cap - load[i])
                    k = min(len(days), room)
                    if k <= 0:
                        continue
                    first = members[0]
                    preferred = (not _fits(person, first)) if first.kind == KIND_CLUB else (person.kind not in LEADS_CARE)
                    score = (preferred, -k, load[i], i)
                    if best is None or score < best[0]:
                        best = (score, i, days[:k])
                if best is None:
                    break
                _, i, days = best
                for q in days:
                    chosen.add((i, q.index))
                    load[i] += 1
                    filled[q.index] += 1
                    taken.add((i, q.day))
                    if people[i].kind in LEADS_CARE:
                        led.add(q.index)
    return chosen


# --- tables of the result -------------------------------------------------------------------------------
def _roster(people, places, chosen, fixing: _Fixing, usable, free_days, problems, stages, service_weekdays,
            duty_per_day, staff) -> Roster:
    fixed, notes = fixing.fixed, fixing.notes
    by_place: dict[int, list[int]] = defaultdict(list)
    for i, j in sorted(chosen, key=lambda key: people[key[0]].sid):
        by_place[j].append(i)
    duty_rows, gap_rows = [], []
    count = defaultdict(int)
    day_of: dict[tuple[int, int], int] = {}
    for i, j in chosen:
        count[i] += 1
    for q in places:
        for i in by_place[q.index]:
            day_of[i, q.day] = q.index
    for q in places:
        assigned = by_place[q.index]
        for i in sorted(assigned, key=lambda i: (people[i].kind not in LEADS_CARE, people[i].sid)):
            person = people[i]
            match = (YES if _fits(person, q) else NO) if q.kind == KIND_CLUB else ""
            duty_rows.append((WEEKDAY_NAMES[q.day], q.group, person.sid, ROLE_DUTY if q.kind == KIND_DUTY else ROLE_LEAD,
                              person.name, person.kind, q.kind, q.title, q.room or None, q.size, match,
                              fixed.get((i, q.index), FROM_SOLVER)))
        if len(assigned) < q.need:
            reason, action = _gap_reason(q, assigned, people, usable, free_days, day_of, count, notes)
            gap_rows.append((WEEKDAY_NAMES[q.day], q.group, q.kind, q.title, q.need, len(assigned),
                             q.need - len(assigned), reason, action))
    duties = pd.DataFrame(duty_rows, columns=list(DUTY_COLUMNS))
    duties[SIZE] = duties[SIZE].astype("Int64")
    gaps = pd.DataFrame(gap_rows, columns=list(GAP_COLUMNS))
    for column in (NEEDED, ASSIGNED, MISSING):
        gaps[column] = gaps[column].astype("int64")
    workload = _workload(people, duties, usable)
    place_table = pd.DataFrame([(WEEKDAY_NAMES[q.day], q.group, q.kind, q.title, q.room or None, q.size, q.need,
                                 "、".join(q.skills_needed), q.assigned_teacher, q.row) for q in places],
                               columns=list(PLACE_COLUMNS))
    place_table[SIZE] = place_table[SIZE].astype("Int64")
    place_table[EXCEL_ROW] = place_table[EXCEL_ROW].astype("Int64")
    status = OPTIMAL if stages and all(s.status == OPTIMAL for s in stages) else FEASIBLE
    return Roster(duties, gaps, workload, eligibility(staff), place_table, tuple(problems), status, stages,
                  service_weekdays, duty_per_day)


def _workload(people: list[_Person], duties: pd.DataFrame, usable: list[bool]) -> pd.DataFrame:
    lead = duties[duties[ROLE] == ROLE_LEAD][STAFF_ID].value_counts()
    duty = duties[duties[ROLE] == ROLE_DUTY][STAFF_ID].value_counts()
    rows = []
    for i, p in enumerate(people):
        a, b = int(lead.get(p.sid, 0)), int(duty.get(p.sid, 0))
        days = "" if p.days == frozenset(range(7)) else nz.format_weekdays(sorted(p.days))
        rows.append((p.sid, p.name, p.kind, a + b, a, b, p.max_week, days, YES if usable[i] else NO))
    table = pd.DataFrame(rows, columns=list(WORKLOAD_COLUMNS))
    table[MAX_PER_WEEK] = table[MAX_PER_WEEK].astype("Int64")
    return table


def _gap_reason(q: _Place, assigned: list[int], people, usable, free_days, day_of, count, notes):
    """Why ``q`` is short of adults, in the order a team would check it, and what to do."""
    day = WEEKDAY_NAMES[q.day]
    prefix = "；".join(notes.get(q.index, ()))
    prefix = prefix + "；" if prefix else ""
    if q.kind == KIND_CARE and not any(people[i].kind in LEADS_CARE for i in assigned):
        def wanted(p: _Person) -> bool:
            return p.kind in LEADS_CARE
        who = "可负责看护组的在职教师或退休教师"
    else:
        def wanted(p: _Person) -> bool:
            return _may_serve(p, q)
        who = {KIND_DUTY: "可值班的在职教师", KIND_CARE: "可看护的人员"}.get(
            q.kind, "可负责社团的在职、退休教师或特长相符的校外人员")
    qualified = [i for i, p in enumerate(people) if usable[i] and wanted(p) and i not in assigned]
    ineligible = [i for i, p in enumerate(people) if not usable[i] and wanted(p)]
    if not qualified and not assigned:
        extra = f"（另有 {len(ineligible)} 人暂不能排班，见资格审核表）" if ineligible else ""
        return (prefix + f"没有符合要求的人员：没有{who}{extra}",
                "在 staff 表中增加符合要求的人员，或尽快完成相关人员的资质审核和安全培训")
    if not qualified:
        return (prefix + f"没有更多符合要求的人员（{who}都已安排在这里）",
                "增加符合要求的人员，或在学期设置中调大“每名成人最多看护学生数”")
    free = [i for i in qualified if q.day in free_days[i]]
    if not free:
        return (prefix + f"当天没有可服务的人员：符合要求的 {len(qualified)} 人的可服务日都不含{day}",
                f"请能在{day}服务的人员补充可服务日，或增加{day}可服务的人员")
    elsewhere = [i for i in free if (i, q.day) in day_of]
    at_limit = [i for i in free if (i, q.day) not in day_of and people[i].max_week is not None
                and count[i] >= people[i].max_week]
    idle = [i for i in free if (i, q.day) not in day_of and i not in at_limit]
    if not idle:
        parts = []
        if elsewhere:
            parts.append(f"{len(elsewhere)} 人当天已有其他安排")
        if at_limit:
            parts.append(f"{len(at_limit)} 人已达每周最多次数")
        return (prefix + f"当天可服务的人员都已安排：{day}可服务的 {len(free)} 人中" + "，".join(parts),
                f"放宽相关人员的每周最多次数，或增加{day}可服务的人员，或把人数少的组合并")
    return (prefix + f"求解时限内未能安排（{day}还有 {len(idle)} 人空闲）",
            "再运行一次排班并放宽求解时限，或手工固定这些人员后重新排班")


# --- views for printing -------------------------------------------------------------------------------
def weekly_grid(roster: Roster) -> pd.DataFrame:
    """The 值班表: one row per group (值班 first, care groups, then clubs), one column per service
    weekday, cells the names of its adults; a place short of adults says 缺N人."""
    days = [WEEKDAY_NAMES[d] for d in roster.service_weekdays]
    names = roster.duties.groupby([GROUP, WEEKDAY], sort=False)[NAME].agg("、".join)
    short = {(g, d): m for g, d, m in zip(roster.gaps[GROUP], roster.gaps[WEEKDAY], roster.gaps[MISSING])}
    rank = {KIND_DUTY: 0, KIND_CARE: 1, KIND_CLUB: 2}
    rows: dict[tuple[int, str], dict] = {}
    for record in roster.places.to_dict("records"):
        kind, group = record[KIND], record[GROUP]
        key = (rank[kind], group)
        label = f"{group} {record[TITLE]}" if kind == KIND_CLUB else group
        row = rows.setdefault(key, {GROUP: label, KIND: kind, **{d: "" for d in days}})
        cell = names.get((group, record[WEEKDAY]), "")
        missing = short.get((group, record[WEEKDAY]), 0)
        if missing:
            cell = (cell + "、" if cell else "") + f"缺{missing}人"
        row[record[WEEKDAY]] = cell
    first_seen = {key: i for i, key in enumerate(rows)}  # care groups as step 02 lists them; clubs by code
    ordered = sorted(rows, key=lambda k: (k[0], 0 if k[0] == rank[KIND_CLUB] else first_seen[k], k[1]))
    return pd.DataFrame([rows[k] for k in ordered], columns=[GROUP, KIND, *days])


def personal_schedules(roster: Roster) -> pd.DataFrame:
    """Each rostered person's week on one line: 工号, 姓名, 人员类型, a column per service weekday
    (组别, 名称 and 场地, or 值班), 每周次数. What a teacher prints and pins to the desk."""
    days = [WEEKDAY_NAMES[d] for d in roster.service_weekdays]
    rows: dict[str, dict] = {}
    for record in roster.duties.to_dict("records"):
        person = rows.setdefault(record[STAFF_ID], {STAFF_ID: record[STAFF_ID], NAME: record[NAME],
                                                    STAFF_TYPE: record[STAFF_TYPE], **{d: "" for d in days},
                                                    SESSIONS: 0})
        if record[KIND] == KIND_DUTY:
            text = ROLE_DUTY
        else:
            what = f"{record[GROUP]} {record[TITLE]}" if record[KIND] == KIND_CLUB else record[GROUP]
            room = record[ROOM]
            text = what + (f"（{room}）" if isinstance(room, str) and room and room != cg.UNASSIGNED_ROOM else "")
        person[record[WEEKDAY]] = text
        person[SESSIONS] += 1
    table = pd.DataFrame(sorted(rows.values(), key=lambda r: r[STAFF_ID]), columns=[STAFF_ID, NAME, STAFF_TYPE,
                                                                                    *days, SESSIONS])
    return table


def _span(loads: pd.Series) -> str:
    """"2–3", or "2" when everyone has the same, for the summary sentence."""
    if not len(loads):
        return ""
    low, high = int(loads.min()), int(loads.max())
    return str(low) if low == high else f"{low}–{high}"


def summary(roster: Roster) -> dict:
    """The figures a team looks at first. No solve time: it varies from run to run, and a
    notebook's output must not (``Roster.seconds`` has it)."""
    return {
        "排班人次": len(roster.duties),
        "需要人次": int(roster.places[NEEDED].sum()) if len(roster.places) else 0,
        "缺口组次": len(roster.gaps),
        "缺少人数": roster.missing,
        "在职教师每周次数": _span(roster.loads),
        "工作量差": roster.spread,
        "可排班人数": int((roster.eligibility[ELIGIBLE] == YES).sum()),
        "不可排班人数": int((roster.eligibility[ELIGIBLE] == NO).sum()),
        "求解状态": roster.status,
    }


def summary_text(roster: Roster) -> str:
    """One sentence for the command line and the notebook."""
    s = summary(roster)
    gaps = f"{s['缺口组次']} 个组次缺 {s['缺少人数']} 人（见“缺口”表）" if s["缺口组次"] else "每个组都有负责人，没有缺口"
    loads = f"在职教师每周 {s['在职教师每周次数']} 次，相差 {s['工作量差']}；" if s["在职教师每周次数"] else ""
    return (f"排班 {s['排班人次']} 人次（需要 {s['需要人次']} 人次），{gaps}；{loads}"
            f"{s['不可排班人数']} 人暂不能排班（见“资格审核”表）；求解结果{s['求解状态']}")


_STAGE_WORDS = {
    STAGE_GAPS: "缺口最少（先保证每个组都有人负责，再补足人多的组和值班）",
    STAGE_SKILLS: "社团尽量由特长相符的人负责",
    STAGE_SPREAD: "在职教师之间每周次数尽量均衡（最多与最少之差最小）",
    STAGE_CONTINUITY: "同一社团、同一看护组尽量每天是同一人",
}


def explanation(roster: Roster) -> pd.DataFrame:
    """How the roster was made, in words, for the workbook's 说明 sheet."""
    lines = [
        ("资格", "安全培训须为“已完成”；在职教师以外的人员须资质审核“通过”；在职教师资质审核“未通过”的也不安排；每周最多次数为 0 的不安排"),
        ("看护组", "每组按人数配看护人员（人数 ÷ 每名成人最多看护学生数，向上取整）；第一人须为在职教师或退休教师，"
                   "人多的组可由志愿者、家长义工协助；校外专业人员不负责看护组"),
        ("社团", "在职教师、退休教师都可负责；校外专业人员、志愿者、家长义工只负责与其特长相符的社团；活动清单指定了教师的，"
                 "该教师可服务时固定由其负责"),
        ("值班", f"每个服务日 {roster.duty_per_day} 名在职教师值班"),
        ("限制", "只在本人的可服务日安排；每人每天最多一项；每周不超过本人的每周最多次数（负责和值班都计入）"),
        ("排班目标", "依次为：" + "；".join(_STAGE_WORDS[s.name] for s in roster.stages)
         + "。前一项达到的结果在后面各项中保持不变"),
        ("求解", "OR-Tools CP-SAT 逐项求解：每一项先完整搜索（能证明最优），未能证明时再做大邻域搜索；随机种子固定，"
                 "按确定性时间限时，同样的数据得到同样的排班"),
        ("求解状态", roster.status),
        *[(f"第{n}项：{s.name}", f"{s.status}，目标值 {s.value}") for n, s in enumerate(roster.stages, 1)],
        ("结果", summary_text(roster)),
    ]
    return pd.DataFrame(lines, columns=["项目", REMARK])


# --- subsidies ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SubsidyRule:
    """教师补助: 元 per 课时, 课时 credited per 值班, and the 人员类型 who are paid."""

    per_period: Decimal
    duty_periods: Decimal = Decimal(1)
    paid_types: tuple[str, ...] = STAFF_TYPES[:3]

    @classmethod
    def from_settings(cls, settings) -> SubsidyRule:
        return cls(Decimal(settings.subsidy_per_period), Decimal(settings.subsidy_duty_periods),
                   tuple(settings.subsidy_paid_types))


def timetable_weekdays(calendar) -> pd.DataFrame:
    """Each service day's 日期, 月份 and the weekday whose timetable runs (the 按周几课表 of a 调休
    day, else its own weekday), as 0 = Monday. ``calendar``: a TermCalendar or its days frame."""
    days = getattr(calendar, "service_days", None)
    if days is None:
        days = calendar[calendar[DAY_IS_SERVICE]] if DAY_IS_SERVICE in calendar else calendar
    follows = days[FOLLOWS_WEEKDAY] if FOLLOWS_WEEKDAY in days else pd.Series("", index=days.index)
    weekday = [WEEKDAY_NAMES.index(nz.clean_text(f) or w) for f, w in zip(follows, days[DAY_WEEKDAY])]
    return pd.DataFrame({DATE: days[DATE].to_numpy(), MONTH: pd.to_datetime(days[DATE]).dt.strftime("%Y-%m").to_numpy(),
                         "weekday": weekday})


def subsidies(roster: Roster | pd.DataFrame, calendar, periods_per_day: int, rule: SubsidyRule) -> pd.DataFrame:
    """Subsidy per person and month (:data:`SUBSIDY_COLUMNS`), from the weekly roster and the term's
    real service days: a weekday's sessions in a month are the service days of that month whose
    timetable weekday it is (a 调休 Saturday following Wednesday's timetable counts as a Wednesday).

    A 负责 session earns ``periods_per_day`` 课时, a 值班 ``rule.duty_periods``. The amount is
    课时数 × 每课时, rounded half-up to the fen once per person and month; people whose type is not
    paid get 0 and a 说明. Only months in which the person serves are listed. ``roster`` may also
    be just its duties (as read back from a saved roster workbook): nothing else is needed.
    """
    duties = roster if isinstance(roster, pd.DataFrame) else roster.duties
    service = timetable_weekdays(calendar)
    days_in = service.groupby([MONTH, "weekday"]).size()
    months = sorted(service[MONTH].unique())
    week: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    who: dict[str, tuple[str, str]] = {}
    for sid, name, kind, day, role in zip(duties[STAFF_ID], duties[NAME], duties[STAFF_TYPE], duties[WEEKDAY], duties[ROLE]):
        week[sid][WEEKDAY_NAMES.index(day)][0 if role == ROLE_LEAD else 1] += 1
        who[sid] = (name, kind)
    rows = []
    for sid in sorted(week):
        name, kind = who[sid]
        paid = kind in rule.paid_types
        for month in months:
            lead = sum(n[0] * int(days_in.get((month, d), 0)) for d, n in week[sid].items())
            duty = sum(n[1] * int(days_in.get((month, d), 0)) for d, n in week[sid].items())
            if lead + duty == 0:
                continue
            periods = Decimal(lead * periods_per_day) + Decimal(duty) * rule.duty_periods
            amount = (periods * rule.per_period).quantize(_FEN, ROUND_HALF_UP) if paid else Decimal("0.00")
            note = "" if paid else f"{kind}不在补助发放对象内（学期设置“教师补助.发放对象”）"
            rows.append((sid, name, kind, month, lead, duty, lead + duty, periods, rule.per_period if paid else Decimal(0),
                         amount, note))
    return pd.DataFrame(rows, columns=list(SUBSIDY_COLUMNS))
