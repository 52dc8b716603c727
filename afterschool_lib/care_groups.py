"""Step 02, 分组编班 (care): every child in one 看护/作业辅导 group on each of their service days.

The seeds organise the first part of the afternoon as supervised homework and care in groups of
one grade (classes of a grade merged), with a room and an adult each; a grade with only a few
children on a given day joins the other grade of its 学段 in a mixed-age (混龄) group. Groups of
grades 1 and 2 are marked as groups without written homework (the norms forbid it there), which
is also why the 学段 are never mixed across that line. Group size stays within the settings'
每组人数上限 and the room's 容量; a room used by a club that day is not given to a care group, and
no room holds two groups.

Groups are formed per service weekday: a family may choose 周一,周三,周五, so Monday's grade-3
groups are not Tuesday's. Within a grade children are ordered by class and 学号 before the grade
is cut into groups of near-equal size, so classmates stay together where numbers allow.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from . import normalize as nz
from .problems import Problem, Severity
from .schema import (
    ACTIVITY_DAYS,
    ACTIVITY_ID,
    CLASS,
    CLASS_NAME,
    GRADE,
    NAME,
    ROOM,
    ROOM_CAPACITY,
    ROOM_TYPE,
    STUDENT_ID,
    WEEKDAY_NAMES,
    WEEKDAYS_COL,
)

WEEKDAY = "星期"
GROUP = "组别"
GROUP_KIND = "类型"
GRADES = "年级范围"
SIZE = "人数"
NO_WRITTEN_HOMEWORK = "无书面作业"
IN_CLUBS = "当天参加社团"
BY_GRADE, MIXED = "按年级", "混龄"
UNASSIGNED_ROOM = "未安排"
STAGES = ((1, 2), (3, 4), (5, 6))
"""学段: grades that may share a mixed-age group. 1-2 never mix with 3-6 (no written homework)."""
OUTDOOR = "室外场地"


@dataclass(frozen=True)
class CareGroups:
    """``groups``: one row per group and weekday (星期, 组别, 类型, 年级范围, 人数, 场地, 容量, 无书面作业).
    ``members``: one row per student and service weekday (星期, 组别, 学号, 姓名, 年级, 班级名称).
    ``problems``: rooms that could not be found, children attending on no service day, clubs
    sharing a room on one day."""

    groups: pd.DataFrame
    members: pd.DataFrame
    problems: tuple[Problem, ...]


def mixed_age_threshold(group_size: int) -> int:
    """Below this many children a grade joins the other grade of its 学段 that day (a third of a group)."""
    return max(8, group_size // 3)


def form_care_groups(students: pd.DataFrame, rooms: pd.DataFrame, service_weekdays: tuple[int, ...],
                     group_size: int = 45, activities: pd.DataFrame | None = None,
                     placements: pd.DataFrame | None = None, open_clubs: set[str] | None = None) -> CareGroups:
    """Care groups for every service weekday.

    ``students``: the students taking part (学号, 姓名, 年级, 班级, 服务日 as text). ``activities``
    with ``open_clubs`` keep club rooms free on club days; ``placements`` (学号, 活动编号) add how
    many of each group leave for a club that day, which the staffing step needs.
    """
    problems: list[Problem] = []
    days_of = [set(nz.parse_weekdays(v) or ()) & set(service_weekdays) for v in students[WEEKDAYS_COL]]
    for sid, days in zip(students[STUDENT_ID], days_of):
        if not days:
            problems.append(Problem("分组编班", "这名学生选的服务日都不是本校的服务日，没有编入看护组",
                                    "核对该生申请中的服务日", Severity.WARNING, None, STUDENT_ID, str(sid)))
    club_rooms = _club_rooms(activities, open_clubs)
    if activities is not None:
        problems += club_room_clashes(activities, open_clubs)
    clubs_by_student = _clubs_by_student(placements, activities)
    group_rows, member_rows = [], []
    for day in service_weekdays:
        attending = students[[day in d for d in days_of]].sort_values([GRADE, CLASS, STUDENT_ID])
        taken = {room for room, days in club_rooms.items() if day in days}
        free = _free_rooms(rooms, taken)
        for name, kind, grades, block in _split_day(attending, group_size):
            home = block[[GRADE, CLASS]].value_counts().sort_index().idxmax()  # most of the group's class
            room, capacity = _pick_room(free, len(block), grades, home)
            if room is None:
                problems.append(Problem("分组编班", f"{WEEKDAY_NAMES[day]} {name} 有 {len(block)} 人，没有空闲的场地能容纳",
                                        "在场地表中增加教室，或在学期设置中调小“每组人数上限”", Severity.WARNING))
            in_clubs = sum(1 for sid in block[STUDENT_ID] if day in clubs_by_student.get(sid, ()))
            group_rows.append({WEEKDAY: WEEKDAY_NAMES[day], GROUP: name, GROUP_KIND: kind,
                               GRADES: _grades_label(grades), SIZE: len(block), ROOM: room or UNASSIGNED_ROOM,
                               ROOM_CAPACITY: capacity, NO_WRITTEN_HOMEWORK: set(grades) <= {1, 2},
                               IN_CLUBS: in_clubs})
            for row in block.itertuples(index=False):
                record = row._asdict()
                member_rows.append({WEEKDAY: WEEKDAY_NAMES[day], GROUP: name, STUDENT_ID: record[STUDENT_ID],
                                    NAME: record.get(NAME), GRADE: record[GRADE],
                                    CLASS_NAME: nz.class_name(int(record[GRADE]), int(record[CLASS]))})
    groups = pd.DataFrame(group_rows, columns=[WEEKDAY, GROUP, GROUP_KIND, GRADES, SIZE, ROOM, ROOM_CAPACITY,
                                               NO_WRITTEN_HOMEWORK, IN_CLUBS])
    groups[ROOM_CAPACITY] = groups[ROOM_CAPACITY].astype("Int64")
    members = pd.DataFrame(member_rows, columns=[WEEKDAY, GROUP, STUDENT_ID, NAME, GRADE, CLASS_NAME])
    return CareGroups(groups, members, tuple(problems))


def _split_day(attending: pd.DataFrame, group_size: int):
    """(name, kind, grades, students) for each group of one day, by grade or mixed within a 学段."""
    counts = attending[GRADE].value_counts()
    small = mixed_age_threshold(group_size)
    for stage in STAGES:
        present = [g for g in stage if counts.get(g, 0)]
        if not present:
            continue
        if len(present) > 1 and any(counts[g] < small for g in present):
            block = attending[attending[GRADE].isin(present)]
            label = "".join(nz.grade_name(g).removesuffix("年级") for g in present) + "年级混龄"
            yield from _cut(block, label, MIXED, tuple(present), group_size)
            continue
        for grade in present:
            yield from _cut(attending[attending[GRADE] == grade], nz.grade_name(grade), BY_GRADE, (grade,), group_size)


def _cut(block: pd.DataFrame, label: str, kind: str, grades: tuple[int, ...], group_size: int):
    """Cut a sorted block into the fewest groups within the size limit, sizes differing by at most one."""
    count = -(-len(block) // group_size)
    base, extra = divmod(len(block), count)
    start = 0
    for number in range(count):
        size = base + (1 if number < extra else 0)
        yield f"{label}{number + 1}组", kind, grades, block.iloc[start:start + size]
        start += size


def _grades_label(grades: tuple[int, ...]) -> str:
    return "、".join(nz.grade_name(g) for g in grades)


def _club_meetings(activities: pd.DataFrame, open_clubs: set[str] | None):
    """(code, room, weekdays) of every open club with a room."""
    for code, room, days in zip(activities[ACTIVITY_ID], activities[ROOM], activities[ACTIVITY_DAYS]):
        if not nz.is_blank(room) and (open_clubs is None or code in open_clubs):
            yield code, nz.clean_text(room), nz.parse_weekdays(days) or ()


def _club_rooms(activities: pd.DataFrame | None, open_clubs: set[str] | None) -> dict[str, set[int]]:
    """Room -> weekdays on which an open club meets there."""
    rooms: dict[str, set[int]] = {}
    for _, room, days in (() if activities is None else _club_meetings(activities, open_clubs)):
        rooms.setdefault(room, set()).update(days)
    return rooms


def club_room_clashes(activities: pd.DataFrame, open_clubs: set[str] | None = None) -> list[Problem]:
    """Two open clubs in one room on the same weekday: named, since only one can use it."""
    seen: dict[tuple[str, int], str] = {}
    problems = []
    for code, room, days in _club_meetings(activities, open_clubs):
        for day in days:
            key = (room, day)
            if key in seen:
                problems.append(Problem("activities", f"{seen[key]} 和 {code} 都在{WEEKDAY_NAMES[day]}使用{key[0]}",
                                        "给其中一个社团换场地或换活动日", Severity.WARNING, None, ROOM, key[0]))
            else:
                seen[key] = code
    return problems


def _clubs_by_student(placements: pd.DataFrame | None, activities: pd.DataFrame | None) -> dict[str, set[int]]:
    if placements is None or activities is None or placements.empty:
        return {}
    days = {code: set(nz.parse_weekdays(d) or ()) for code, d in zip(activities[ACTIVITY_ID], activities[ACTIVITY_DAYS])}
    out: dict[str, set[int]] = {}
    for sid, code in zip(placements[STUDENT_ID], placements[ACTIVITY_ID]):
        out.setdefault(sid, set()).update(days.get(code, ()))
    return out


def _free_rooms(rooms: pd.DataFrame, taken: set[str]) -> list[dict]:
    """Rooms free for care groups that day: indoor, not used by a club, largest first within type."""
    free = []
    for name, kind, capacity in zip(rooms[ROOM], rooms.get(ROOM_TYPE, pd.Series(None, index=rooms.index)),
                                    rooms[ROOM_CAPACITY]):
        if nz.clean_text(name) in taken or nz.clean_text(kind) == OUTDOOR or pd.isna(capacity):
            continue
        free.append({"name": nz.clean_text(name), "kind": nz.clean_text(kind), "capacity": int(capacity)})
    return free


def _pick_room(free: list[dict], size: int, grades: tuple[int, ...], home: tuple[int, int]) -> tuple[str | None, int | None]:
    """The room a group gets: the classroom of most of its children if it fits, then a classroom of
    its grade, then any classroom, then any other indoor room, the smallest that fits within each;
    the room is then no longer free. Rooms are matched by name as schools write them: 三(2)班教室."""
    grade_marks = tuple(nz.grade_name(g).removesuffix("年级") + "(" for g in grades)
    home_mark = f"{nz.grade_name(int(home[0])).removesuffix('年级')}({int(home[1])})"

    def tier(room: dict) -> int:
        if room["name"].startswith(home_mark):
            return -1
        if room["name"].startswith(grade_marks):
            return 0
        return 1 if "教室" in room["kind"] or "教室" in room["name"] else 2

    fitting = [r for r in free if r["capacity"] >= size]
    if not fitting:
        return None, None
    best = min(fitting, key=lambda r: (tier(r), r["capacity"], r["name"]))
    free.remove(best)
    return best["name"], best["capacity"]


def group_of(care: CareGroups, student_id: str) -> pd.DataFrame:
    """One student's group on each of their days: what a class teacher is asked most often."""
    return care.members[care.members[STUDENT_ID] == student_id][[WEEKDAY, GROUP]].merge(
        care.groups[[WEEKDAY, GROUP, ROOM]], on=[WEEKDAY, GROUP])
