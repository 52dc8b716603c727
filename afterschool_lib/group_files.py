"""The workbooks of step 02: the allocation (internal and public), printable club and group lists.

- 社团分配结果.xlsx (internal): first sheet 分配结果 (学号, 活动编号, 志愿序号 per placement, with
  优先级 and 抽签号 beside them, DESIGN section 4), then 未分配 (学号, 原因, 候补), 候补名单,
  抽签号 (every applicant), 社团 and 说明 (method, seed and how to recompute the lottery). Read back
  by :func:`read_allocation` to lock placements in a mid-term re-run.
- 社团分配公示.xlsx (public): the same lists for posting, names masked, no 学号 and no phone.
- 社团名单.xlsx: a printable sheet per open club for its teacher (names and parents' phones:
  an internal list that is handed to the club's teacher, not posted).
- 看护分组名单.xlsx: a sheet per weekday, one printed page per group, and the group overview.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import allocation as al
from . import care_groups as cg
from .files import write_bytes_atomic
from .masking import mask_name
from .normalize import class_name, clean_text
from .problems import Problem, Severity
from .schema import (
    ACTIVITY_DAYS,
    ACTIVITY_ID,
    ACTIVITY_NAME,
    ASSIGNED_TEACHER,
    CLASS,
    CLASS_NAME,
    ELIGIBLE_GRADES,
    GENDER,
    GRADE,
    NAME,
    PARENT_NAME,
    PHONE,
    ROOM,
    STUDENT_ID,
)
from .workbooks import add_table_sheet, list_sheet, new_workbook, workbook_bytes, write_tables

ALLOCATION_FILE = "社团分配结果.xlsx"
PUBLIC_FILE = "社团分配公示.xlsx"
CLUB_LISTS_FILE = "社团名单.xlsx"
GROUP_LISTS_FILE = "看护分组名单.xlsx"
PLACEMENT_SHEET, UNPLACED_SHEET, WAITLIST_SHEET, LOTTERY_SHEET, CLUBS_SHEET = "分配结果", "未分配", "候补名单", "抽签号", "社团"


def _with_class_name(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with 班级名称 (三年级2班) from 年级 and 班级, as printed lists show the class."""
    frame = frame.copy()
    frame[CLASS_NAME] = [class_name(int(g), int(c)) for g, c in zip(frame[GRADE], frame[CLASS])]
    return frame


def _people(applicants: pd.DataFrame) -> pd.DataFrame:
    return _with_class_name(applicants[[STUDENT_ID, NAME, GRADE, CLASS]])[[STUDENT_ID, NAME, CLASS_NAME]]


def allocation_tables(allocation: al.Allocation, applicants: pd.DataFrame, activities: pd.DataFrame,
                      left_out: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """The internal allocation workbook's sheets, in order. ``left_out``: club requests that did
    not enter the allocation (学号, 姓名, 班级名称, 原因), listed under 未分配 after the others."""
    people = _people(applicants)
    names = activities[[ACTIVITY_ID, ACTIVITY_NAME]]
    ranks = allocation.ranking[[STUDENT_ID, al.PRIORITY_LEVEL, al.LOTTERY]]
    placed = (allocation.placements.merge(names, on=ACTIVITY_ID, how="left").merge(people, on=STUDENT_ID, how="left")
              .merge(ranks, on=STUDENT_ID, how="left"))
    placed = placed[[STUDENT_ID, ACTIVITY_ID, al.CHOICE_RANK, al.PRIORITY_LEVEL, al.LOTTERY, NAME, CLASS_NAME,
                     ACTIVITY_NAME, al.SOURCE]]
    unplaced = allocation.unplaced.merge(people, on=STUDENT_ID, how="left").merge(ranks, on=STUDENT_ID, how="left")
    unplaced = unplaced[[STUDENT_ID, al.REASON, al.WAITLIST, NAME, CLASS_NAME, al.PRIORITY_LEVEL, al.LOTTERY]]
    if left_out is not None and len(left_out):
        unplaced = pd.concat([unplaced, left_out.assign(**{al.WAITLIST: ""})[[STUDENT_ID, al.REASON, al.WAITLIST, NAME, CLASS_NAME]]],
                             ignore_index=True)
    waitlist = allocation.waitlist.merge(names, on=ACTIVITY_ID, how="left").merge(people, on=STUDENT_ID, how="left")
    waitlist = waitlist[[ACTIVITY_ID, ACTIVITY_NAME, al.WAITLIST_POSITION, STUDENT_ID, NAME, CLASS_NAME,
                         al.CHOICE_RANK, al.PRIORITY_LEVEL, al.LOTTERY, "现分配"]]
    lottery = allocation.ranking.merge(people, on=STUDENT_ID, how="left")
    lottery = lottery[[STUDENT_ID, NAME, CLASS_NAME, *[c for c in allocation.ranking.columns if c != STUDENT_ID]]]
    return {PLACEMENT_SHEET: placed, UNPLACED_SHEET: unplaced, WAITLIST_SHEET: waitlist, LOTTERY_SHEET: lottery,
            CLUBS_SHEET: allocation.clubs, "说明": explanation(allocation)}


def explanation(allocation: al.Allocation, public: bool = False) -> pd.DataFrame:
    """The rules in words, and how any parent can recompute the lottery."""
    priority = ("留守儿童、困难家庭、随迁子女等优先群体的学生先于其他学生安排（公示版不列出每名学生的优先级）" if public else
                "1 = 留守儿童、困难家庭、随迁子女等优先群体，2 = 其他学生；优先级 1 的学生先于所有优先级 2 的学生")
    lines = [
        ("分配方法", f"{allocation.method}：{al.METHOD_NAMES[allocation.method]}"),
        ("随机种子", str(allocation.seed)),
        ("优先级", priority),
        ("抽签码", f"把“{allocation.seed}:学号”（随机种子、英文冒号和学生的学号连在一起）用 SHA-256 计算摘要，取前 {al.CODE_SHOWN} 位；"
                   "抽签码不会改变，任何人都能复核"),
        ("抽签号", "全体申请学生按抽签码从小到大排序，排第 1 的抽签号为 1；同一优先级内抽签号小的先安排。"
                   "学期中有学生退出或新申请时，抽签号可能前后移动一两位，但学生之间的先后不变"),
        ("分配轮次", "先为每名学生安排第一个社团，再为想参加两个社团的学生用剩余名额安排第二个"),
        ("限制", "不超过人数上限；只招适用年级；社团的每个活动日都须是学生参加课后服务的日子；同一天只参加一个社团；"
                 "不超过家长填写的最多社团数"),
        ("兄弟姐妹", "选择“兄弟姐妹同社团”的家庭，孩子安排在几个孩子都填了的同一社团，或都不安排；"
                     "这样的家庭按几个孩子中较靠前的优先级和抽签号一起排序"),
        ("开班", "报名人数达不到开班最低人数的社团取消，报名的学生按其他志愿重新安排"),
        ("候补", "有空出的名额时，按候补名单的顺序递补" + (
            "" if allocation.method == "optimal" else "；先前已申请的学生先于学期中新申请的学生")),
        *([("整体最优", "各项人数都相同的几种安排之间，抽签号靠前的学生先安排（每人一个社团时严格按抽签号；"
                          "有人报两个社团时，逐一检查能否把名额换给抽签号更靠前的学生）")] if allocation.method == "optimal" else []),
        (al.ENVY, f"{allocation.envy}（想去某社团而没有去成、该社团却有按规则排在他之后的学生的人数；保留原分配和手工调整的名额不计）"),
    ]
    return pd.DataFrame(lines, columns=["项目", "说明"])


def public_tables(allocation: al.Allocation, applicants: pd.DataFrame, activities: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """What may be posted: each club's children and everyone's lottery, by class, names masked.

    No 学号 and no phone. Neither 优先级 nor the waitlists are posted: beside a class and a masked
    name they would tell the school which children are 留守儿童, 困难家庭 or 随迁子女 (the waitlist
    order shows it too). Families are told their own waitlist place from the internal workbook.
    """
    tables = allocation_tables(allocation, applicants, activities)
    class_order = {class_name(int(g), int(c)): (int(g), int(c)) for g, c in zip(applicants[GRADE], applicants[CLASS])}
    out = {}
    for title, columns, sort in (
            (PLACEMENT_SHEET, [ACTIVITY_ID, ACTIVITY_NAME, CLASS_NAME, NAME, al.LOTTERY], [ACTIVITY_ID, "_class", al.LOTTERY]),
            (LOTTERY_SHEET, [CLASS_NAME, NAME, al.LOTTERY, al.LOTTERY_CODE, al.PLACED_COUNT], ["_class", al.LOTTERY])):
        frame = tables[title][columns].copy()
        frame[NAME] = frame[NAME].map(mask_name)
        frame["_class"] = frame[CLASS_NAME].map(class_order)  # 二年级 before 三年级, not by character code
        out[title] = frame.sort_values(sort).drop(columns="_class").reset_index(drop=True)
    out[LOTTERY_SHEET][al.PLACED_COUNT] = out[LOTTERY_SHEET][al.PLACED_COUNT].map(lambda n: f"{n} 个社团" if n else "未分配")
    out["说明"] = explanation(allocation, public=True)
    return out


def write_allocation(path: Path | str, allocation: al.Allocation, applicants: pd.DataFrame, activities: pd.DataFrame,
                     left_out: pd.DataFrame | None = None) -> Path:
    return write_tables(path, allocation_tables(allocation, applicants, activities, left_out), text_columns=(STUDENT_ID,))


def write_allocation_files(out_dir: Path | str, allocation: al.Allocation, applicants: pd.DataFrame,
                           activities: pd.DataFrame, left_out: pd.DataFrame | None = None) -> list[Path]:
    """The step's three allocation workbooks under their usual names: internal, public, club lists."""
    out = Path(out_dir)
    return [write_allocation(out / ALLOCATION_FILE, allocation, applicants, activities, left_out),
            write_public(out / PUBLIC_FILE, allocation, applicants, activities),
            write_club_lists(out / CLUB_LISTS_FILE, allocation, applicants, activities)]


def write_public(path: Path | str, allocation: al.Allocation, applicants: pd.DataFrame, activities: pd.DataFrame) -> Path:
    return write_tables(path, public_tables(allocation, applicants, activities))


def read_allocation(path: Path | str) -> tuple[pd.DataFrame | None, set[str], list[Problem]]:
    """An earlier 社团分配结果.xlsx back: its placements (学号, 活动编号, 来源) and everyone it ranked.

    Used to lock placements for a mid-term re-run; a file that is not such a workbook is one
    clear problem, and the re-run then starts from nothing.
    """
    path = Path(path)
    try:
        sheets = pd.read_excel(path, sheet_name=[PLACEMENT_SHEET, LOTTERY_SHEET], dtype=str)
    except Exception:  # a missing sheet, a damaged file or another format: told plainly
        return None, set(), [Problem(path.name, f"不是本工具导出的社团分配结果（需要“{PLACEMENT_SHEET}”和“{LOTTERY_SHEET}”两个工作表）",
                                     f"选择上一次导出的 {ALLOCATION_FILE}", Severity.ERROR)]
    placed = sheets[PLACEMENT_SHEET]
    missing = [c for c in (STUDENT_ID, ACTIVITY_ID) if c not in placed]
    if missing:
        return None, set(), [Problem(path.name, f"“{PLACEMENT_SHEET}”工作表缺少列：{'、'.join(missing)}",
                                     f"选择上一次导出的 {ALLOCATION_FILE}，不要删改列名", Severity.ERROR)]
    placed = placed.dropna(subset=[STUDENT_ID, ACTIVITY_ID]).copy()
    placed[STUDENT_ID] = placed[STUDENT_ID].map(clean_text)
    placed[ACTIVITY_ID] = placed[ACTIVITY_ID].map(lambda v: clean_text(v).upper())
    if al.SOURCE not in placed:
        placed[al.SOURCE] = al.KEPT
    earlier = set(sheets[LOTTERY_SHEET].get(STUDENT_ID, pd.Series(dtype=str)).dropna().map(clean_text))
    return placed[[STUDENT_ID, ACTIVITY_ID, al.SOURCE]], earlier, []


def read_allocation_seed(path: Path | str) -> int | None:
    """The 随机种子 an earlier allocation used (its 说明 sheet), so a re-run keeps the same lottery."""
    try:
        notes = pd.read_excel(path, sheet_name="说明", dtype=str)
        return int(notes.set_index("项目").at["随机种子", "说明"])
    except Exception:  # an older or hand-made file without it: the caller falls back to the default
        return None


# --- printable lists --------------------------------------------------------------------------

def club_lists_bytes(allocation: al.Allocation, applicants: pd.DataFrame, activities: pd.DataFrame) -> bytes:
    """One printable sheet per open club for its teacher: 序号, 学号, 姓名, 性别, 班级, 家长, 电话."""
    book = new_workbook()
    roster = _with_class_name(applicants[[STUDENT_ID, NAME, *[c for c in (GENDER, PARENT_NAME, PHONE) if c in applicants],
                                          GRADE, CLASS]])
    info = activities.set_index(ACTIVITY_ID)
    opened = allocation.clubs[allocation.clubs[al.STATUS] == al.OPEN][ACTIVITY_ID]
    for code in opened:
        members = allocation.placements[allocation.placements[ACTIVITY_ID] == code][[STUDENT_ID]]
        members = members.merge(roster, on=STUDENT_ID, how="left").sort_values([GRADE, CLASS, STUDENT_ID])
        members.insert(0, "序号", range(1, len(members) + 1))
        members = members[["序号", STUDENT_ID, NAME, *[c for c in (GENDER,) if c in members], CLASS_NAME,
                           *[c for c in (PARENT_NAME, PHONE) if c in members]]]
        club = info.loc[code]
        teacher = "" if pd.isna(club.get(ASSIGNED_TEACHER)) else f"；指导教师：{club[ASSIGNED_TEACHER]}"
        note = (f"活动日：{club[ACTIVITY_DAYS]}；场地：{'' if pd.isna(club.get(ROOM)) else club[ROOM]}；"
                f"适用年级：{club[ELIGIBLE_GRADES]}；人数：{len(members)}{teacher}")
        list_sheet(book, f"{code} {club[ACTIVITY_NAME]}", f"{code} {club[ACTIVITY_NAME]} 学生名单", note, members)
    if not book.sheetnames:
        book.create_sheet("没有开班的社团")
    return workbook_bytes(book)


def write_club_lists(path: Path | str, allocation: al.Allocation, applicants: pd.DataFrame, activities: pd.DataFrame) -> Path:
    return write_bytes_atomic(path, club_lists_bytes(allocation, applicants, activities))


def group_lists_bytes(care: cg.CareGroups, weekdays_in_order: list[str]) -> bytes:
    """The overview, then one sheet per weekday with a printed page per group."""
    book = new_workbook()
    add_table_sheet(book, "分组总表", care.groups)
    for day in weekdays_in_order:
        members = care.members[care.members[cg.WEEKDAY] == day]
        if members.empty:
            continue
        groups = care.groups[care.groups[cg.WEEKDAY] == day]
        order = {name: i for i, name in enumerate(groups[cg.GROUP])}
        members = members.assign(_o=members[cg.GROUP].map(order)).sort_values(["_o", GRADE, CLASS_NAME, STUDENT_ID])
        members = members.drop(columns=["_o", cg.WEEKDAY])
        members.insert(1, "序号", members.groupby(cg.GROUP).cumcount() + 1)
        members.insert(2, ROOM, members[cg.GROUP].map(dict(zip(groups[cg.GROUP], groups[ROOM]))))
        sizes = members.groupby(cg.GROUP, sort=False).size()
        breaks = list(sizes.cumsum().iloc[:-1])
        list_sheet(book, day, f"{day} 看护（作业辅导）分组名单", f"共 {len(groups)} 组、{len(members)} 人，每组一页",
                    members.drop(columns=[GRADE]), breaks)
    return workbook_bytes(book)


def write_group_lists(path: Path | str, care: cg.CareGroups, weekdays_in_order: list[str]) -> Path:
    return write_bytes_atomic(path, group_lists_bytes(care, weekdays_in_order))
