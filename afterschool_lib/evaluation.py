"""The end-of-term evaluation (step 05): indicators, targets, satisfaction, appraisal.

Seed 003 sets measurable targets (参与率, 学生满意度, 家长满意度, 校内完成作业, 安全事故,
培训覆盖率, 30+ activities covering 90 % of interests); seed 000 asks for the appraisal and
commendation of teachers and volunteers; seed 002 for families' comments to be heard. This module
turns the term's data into those figures. Every indicator keeps its numerator and denominator, so
a rate of 0.9231 can be traced to "1,200 of 1,300", and is defined in one sentence
(:data:`DEFINITIONS`) that the notebook and the report print beside it.

No file is read or written here: :mod:`afterschool_lib.term_state` gathers the inputs and
:mod:`afterschool_lib.evaluation_files` writes the report.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pandas as pd

from . import allocation as al
from . import care_groups as cg
from . import staffing as sf
from .display import percent_text
from .loaders import parse_satisfaction
from .schema import (
    ACTIVITY_ID,
    ACTIVITY_NAME,
    CATEGORY,
    CHOICES,
    CLASS,
    CLASS_NAME,
    COMMENTS,
    DATE,
    EXCEL_ROW,
    GRADE,
    GRADE_NAMES,
    HANDLING,
    HOMEWORK_DONE,
    HOMEWORK_ITEM,
    INCIDENT_LEVELS,
    INCIDENT_TYPE,
    INCIDENT_TYPES,
    ITEM,
    LEVEL,
    NAME,
    RESPONDENT,
    RESPONDENTS,
    SAFETY_TRAINING,
    SATISFACTION,
    SATISFACTION_LEVELS,
    STAFF_ID,
    STAFF_TYPE,
    STAFF_TYPES,
    STATUS,
    STUDENT_ID,
    VETTING,
    WEEKDAY_NAMES,
)
from .settings import (
    MIN_ATTENDANCE,
    MIN_SATISFACTION,
    MIN_SESSIONS,
    TEACHER_AWARDS,
    VOLUNTEER_AWARDS,
    Settings,
    is_ceiling_target,
    is_count_target,
)
from .survey import class_name_of, joining

# --- column names of the evaluation tables ---------------------------------------------------------
INDICATOR = "指标"
VALUE = "数值"
TARGET = "目标"
MET = "达标"  # 是 / 否, blank when no target is set (DESIGN section 4)
VERDICT = "结论"  # 达标 / 未达标 / 未设目标 / 无数据
GAP = "差距"  # how far past the target (positive) or short of it (negative), in the indicator's unit
NUMERATOR = "分子"
DENOMINATOR = "分母"
DEFINITION = "口径"
TARGET_COLUMNS = (INDICATOR, VALUE, TARGET, MET, VERDICT, GAP, NUMERATOR, DENOMINATOR, DEFINITION)
INDICATOR_COLUMNS = (INDICATOR, VALUE, NUMERATOR, DENOMINATOR, DEFINITION)

STUDENTS_COUNT = "学生数"
APPLIED = "申请参加"
TOOK_PART = "实际参加"
RATE_OF_APPLICANTS = "申请学生参与率"
RATE_OF_SCHOOL = "全校参与率"

PRESENT, ABSENT, ON_LEAVE = "出勤", "缺勤", "请假"
RECORDS = "记录数"
ATTENDANCE_RATE = "出勤率"
GROUP = "组别"
GROUP_KIND = "类型"
TITLE = "名称"
WEEKDAY = "星期"
MONTH = "月份"
CARE_KIND, CLUB_KIND = "看护组", "社团"

SHEETS = "答卷数"
ANSWERS = "答题数"
SATISFIED = "满意数"
SATISFACTION_RATE = "满意率"
QUESTION = "题目"

HOMEWORK_RECORDED = "有记录"
HOMEWORK_FINISHED = "完成"
HOMEWORK_RATE = "完成率"

INCIDENT_COUNT = "起数"
TRAINED = "已完成安全培训"
TRAINING_RATE = "培训覆盖率"
VETTED = "资质审核通过"
VETTING_RATE = "资质审核通过率"
NOT_VETTED = "不需审核"  # 在职教师 are not vetted
OFFERED = "开班数"
PLACED_COUNT = "分配人数"

ITEM_NAME = "项目"
AMOUNT = "数额"

LEAD_TIMES = "负责次数"
DUTY_TIMES = "值班次数"
SESSIONS = "服务次数"
GROUPS_LED = "负责的组"
GROUP_ATTENDANCE = "所负责组出勤率"
GROUP_SATISFACTION = "所负责学生满意率"
INCIDENTS_IN_GROUPS = "所负责组安全事故"
SHORTLISTED = "表彰建议"
WHY_NOT = "说明"
AWARD = "奖项"
RANK = "名次"
REASON = "理由"

PREVIOUS = "上学期"
CURRENT = "本学期"
CHANGE = "变化"
TREND = "趋势"

# --- the indicators: names, one-sentence definitions, which way is better -------------------------
PARTICIPATION = "参与率"
SCHOOL_PARTICIPATION = "全校参与率"
ATTENDANCE = "出勤率"
HOMEWORK = "校内完成作业"
SAFETY = "安全事故"
TRAINING = "培训覆盖率"
VETTING_PASS = "校外人员资质审核通过率"
ACTIVITIES = "活动数量"
CHOICE_MET = "志愿满足率"
SPENDING_COMPLIANCE = "经费使用合规率"


def satisfaction_indicator(respondent: str) -> str:
    """学生 -> 学生满意度: the target names seed 003 and the settings use."""
    return f"{respondent}满意度"


DEFINITIONS: dict[str, str] = {
    PARTICIPATION: "家长申请参加课后服务的学生中，本学期至少出勤一次的学生所占比例（还没有考勤记录时，按审核后参加的学生计）。",
    SCHOOL_PARTICIPATION: "全校学生中，本学期至少出勤一次的学生所占比例（还没有考勤记录时，按审核后参加的学生计）。",
    ATTENDANCE: "考勤记录中“出勤”占出勤、缺勤、请假记录总数的比例；不在服务日或不在参加名单上的记录不计。",
    **{satisfaction_indicator(r): f"{r}问卷所有题目的作答中，答“满意”或“非常满意”的所占比例；空着的题不计入。"
       for r in RESPONDENTS},
    HOMEWORK: "三至六年级作业辅导出勤记录中，记录为书面作业在校内“完成”的所占比例；一、二年级没有书面作业，不计。",
    SAFETY: "安全记录中登记的安全事故起数（任何类型和等级都计入）。",
    TRAINING: "教职工名单上的所有人员中，安全培训为“已完成”的所占比例。",
    VETTING_PASS: "在职教师以外的人员（退休教师、校外专业人员、志愿者、家长义工）中，资质审核为“通过”的所占比例。",
    ACTIVITIES: "本学期实际开班的社团活动个数（作业辅导看护组不计）。",
    CHOICE_MET: "填写了社团志愿的参加学生中，分到了自己所填志愿之一的学生所占比例。",
    SPENDING_COMPLIANCE: "计划支出的金额中，符合规定可以从课后服务收费中列支的所占比例（水电费、场地费等不可列支）。",
}
"""Each indicator in one sentence: what is counted over what."""

AT_MOST = frozenset({SAFETY})
"""Indicators where less is better: the target is a ceiling."""

COUNTS = frozenset({SAFETY, ACTIVITIES})
"""Indicators that count things rather than give a rate."""


def lower_is_better(name: str) -> bool:
    return name in AT_MOST or is_ceiling_target(name)


def is_count(name: str) -> bool:
    return name in COUNTS or is_count_target(name)


def _value(numerator, denominator) -> float | None:
    """A rate as a fraction with four decimals, rounded half up (0.9231); None when nothing was
    counted. Exact in between: 1/32 is 0.0313, as a person rounding by hand would write it."""
    if not denominator:
        return None
    exact = Fraction(Decimal(str(numerator))) / Fraction(Decimal(str(denominator)))
    quotient = Decimal(exact.numerator) / Decimal(exact.denominator)
    return float(quotient.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))


def _rate_column(frame: pd.DataFrame, numerator: str, denominator: str) -> pd.Series:
    return pd.Series([_value(int(n), int(d)) for n, d in zip(frame[numerator], frame[denominator])],
                     index=frame.index, dtype=object)


# =================================================================================================
# Participation and attendance
# =================================================================================================


def counted_attendance(attendance: pd.DataFrame, set_aside_rows: set[int] | frozenset[int] = frozenset()) -> pd.DataFrame:
    """The attendance rows an evaluation counts: those the fee step did not set aside (a weekend, a
    student not enrolled), with 月份 added. ``set_aside_rows``: their Excel row numbers."""
    if attendance is None or attendance.empty:
        return pd.DataFrame(columns=[EXCEL_ROW, DATE, STUDENT_ID, ITEM, STATUS, HOMEWORK_DONE, MONTH])
    rows = attendance
    if EXCEL_ROW in rows and set_aside_rows:
        rows = rows[~rows[EXCEL_ROW].isin(set_aside_rows)]
    rows = rows.copy()
    rows[DATE] = pd.to_datetime(rows[DATE])
    rows[MONTH] = rows[DATE].dt.strftime("%Y-%m")
    rows[ITEM] = rows[ITEM].fillna(HOMEWORK_ITEM) if ITEM in rows else HOMEWORK_ITEM
    if HOMEWORK_DONE not in rows:
        rows[HOMEWORK_DONE] = None
    return rows.reset_index(drop=True)


def participants_attending(attendance: pd.DataFrame, taking_part_ids: set[str]) -> set[str]:
    """Who took part in fact: present at least once; before any attendance exists, who was admitted."""
    if attendance.empty:
        return set(taking_part_ids)
    return set(attendance.loc[attendance[STATUS] == PRESENT, STUDENT_ID].astype(str))


def participation(students: pd.DataFrame, applications: pd.DataFrame, took_part: set[str]) -> pd.DataFrame:
    """Per grade and for the school: students, applicants, those who took part, and the two rates."""
    applied_ids = set(joining(applications)[STUDENT_ID].astype(str))
    table = pd.DataFrame({GRADE: students[GRADE].astype(int), STUDENT_ID: students[STUDENT_ID].astype(str)})
    table[APPLIED] = table[STUDENT_ID].isin(applied_ids)
    table[TOOK_PART] = table[STUDENT_ID].isin(took_part)
    table["申请且参加"] = table[APPLIED] & table[TOOK_PART]
    grades = table.groupby(GRADE).agg(**{STUDENTS_COUNT: (STUDENT_ID, "size"), APPLIED: (APPLIED, "sum"),
                                         TOOK_PART: (TOOK_PART, "sum"), "申请且参加": ("申请且参加", "sum")})
    grades.loc["全校"] = grades.sum()
    grades = grades.astype(int).reset_index().rename(columns={"index": GRADE})
    grades[GRADE] = [g if g == "全校" else f"{int(g)}年级" for g in grades[GRADE]]
    grades[RATE_OF_APPLICANTS] = _rate_column(grades, "申请且参加", APPLIED)
    grades[RATE_OF_SCHOOL] = _rate_column(grades, TOOK_PART, STUDENTS_COUNT)
    return grades


def group_of_each_row(attendance: pd.DataFrame, timetable: pd.DataFrame, care_members: pd.DataFrame,
                      club_names: dict[str, str]) -> pd.DataFrame:
    """Each attendance row with its 组别, 类型, 名称 and the timetable 星期 of its date: a club row
    belongs to its club, a 作业辅导 row to the care group the student was in on that weekday."""
    weekday_of = dict(zip(pd.to_datetime(timetable[DATE]), timetable["weekday"]))
    rows = attendance.copy()
    rows[WEEKDAY] = [WEEKDAY_NAMES[weekday_of[d]] if d in weekday_of else "" for d in rows[DATE]]
    care = {(w, str(s)): g for w, s, g in zip(care_members[cg.WEEKDAY], care_members[STUDENT_ID], care_members[cg.GROUP])}
    groups, kinds, titles = [], [], []
    for item, sid, day in zip(rows[ITEM], rows[STUDENT_ID], rows[WEEKDAY]):
        if item == HOMEWORK_ITEM:
            group = care.get((day, str(sid)), "")
            groups.append(group or "（未分组）")
            kinds.append(CARE_KIND)
            titles.append(group or "当天不在看护分组中")
        else:
            groups.append(str(item))
            kinds.append(CLUB_KIND)
            titles.append(club_names.get(str(item), ""))
    rows[GROUP], rows[GROUP_KIND], rows[TITLE] = groups, kinds, titles
    return rows


def attendance_table(rows: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """出勤, 缺勤, 请假, 记录数 and 出勤率 per value of ``by``, sorted."""
    if rows.empty:
        return pd.DataFrame(columns=[*by, PRESENT, ABSENT, ON_LEAVE, RECORDS, ATTENDANCE_RATE])
    counts = pd.crosstab([rows[c] for c in by], rows[STATUS]).reindex(columns=[PRESENT, ABSENT, ON_LEAVE], fill_value=0)
    counts.columns.name = None
    counts = counts.reset_index()
    counts[RECORDS] = counts[[PRESENT, ABSENT, ON_LEAVE]].sum(axis=1)
    counts[ATTENDANCE_RATE] = _rate_column(counts, PRESENT, RECORDS)
    return counts.sort_values(by, kind="stable").reset_index(drop=True)


def with_class_name(rows: pd.DataFrame, students: pd.DataFrame) -> pd.DataFrame:
    """Rows with 年级, 班级 and 班级名称 from the student list (rows of unknown students keep blanks)."""
    info = students[[STUDENT_ID, GRADE, CLASS]].copy()
    info[STUDENT_ID] = info[STUDENT_ID].astype(str)
    out = rows.drop(columns=[c for c in (GRADE, CLASS) if c in rows]).assign(**{STUDENT_ID: rows[STUDENT_ID].astype(str)})
    out = out.merge(info, on=STUDENT_ID, how="left")
    out[CLASS_NAME] = [class_name_of(g, c) if pd.notna(g) and pd.notna(c) else "" for g, c in zip(out[GRADE], out[CLASS])]
    return out


def _group_order(values: pd.Series) -> pd.Series:
    """看护组 before 社团; care groups in grade order (一年级 before 二年级, which text order breaks)."""
    if values.name == GROUP_KIND:
        return values.map({CARE_KIND: 0, CLUB_KIND: 1})
    def key(name: str) -> str:
        for i, grade in enumerate(GRADE_NAMES):
            if name.startswith(grade):
                return f"{i}{name[len(grade):]:>8}"
        return f"9{name}"
    return values.astype(str).map(key)


def attendance_by_class(rows: pd.DataFrame) -> pd.DataFrame:
    """Attendance per class, in grade and class order."""
    table = attendance_table(rows.dropna(subset=[GRADE, CLASS]), [GRADE, CLASS])
    table.insert(0, CLASS_NAME, [class_name_of(g, c) for g, c in zip(table[GRADE], table[CLASS])])
    return table.drop(columns=[GRADE, CLASS])


# =================================================================================================
# Homework
# =================================================================================================

FIRST_GRADE_WITH_HOMEWORK = 3  # grades 1 and 2 get no written homework (DESIGN section 5)


def homework_by_grade(rows: pd.DataFrame) -> pd.DataFrame:
    """Per grade 3–6 (and all together): 作业辅导 days present with 作业完成 recorded, and how many
    of them finished. Days with nothing recorded are not guessed either way."""
    columns = [GRADE, HOMEWORK_RECORDED, HOMEWORK_FINISHED, HOMEWORK_RATE]
    if rows.empty or GRADE not in rows:
        return pd.DataFrame(columns=columns)
    days = rows[(rows[ITEM] == HOMEWORK_ITEM) & (rows[STATUS] == PRESENT) & (rows[GRADE] >= FIRST_GRADE_WITH_HOMEWORK)
                & rows[HOMEWORK_DONE].notna()]
    table = days.groupby(GRADE).agg(**{HOMEWORK_RECORDED: (STUDENT_ID, "size"),
                                       HOMEWORK_FINISHED: (HOMEWORK_DONE, lambda v: int((v == "完成").sum()))})
    table = table.reindex(range(FIRST_GRADE_WITH_HOMEWORK, 7), fill_value=0)
    table.loc["合计"] = table.sum()
    table = table.astype(int).reset_index().rename(columns={"index": GRADE})
    table[GRADE] = [g if g == "合计" else f"{int(g)}年级" for g in table[GRADE]]
    table[HOMEWORK_RATE] = _rate_column(table, HOMEWORK_FINISHED, HOMEWORK_RECORDED)
    return table


# =================================================================================================
# Satisfaction
# =================================================================================================

SATISFIED_LEVELS = frozenset(SATISFACTION_LEVELS[:2])  # 非常满意, 满意
_DECLARED = frozenset((*SATISFACTION.names, EXCEL_ROW))


def question_columns(answers: pd.DataFrame) -> list[str]:
    """The question columns of a satisfaction survey, in the file's order: every column that is not
    身份, 年级, 班级, 意见建议 or the row number, not a survey platform's own column (序号,
    提交答卷时间, IP ...), and whose readable five-level answers are at least as many as its
    unreadable values (the loader's rule: a 序号 of 1..40 is not 40 answers). A question nobody
    answered is still a question."""
    from .survey_import import PLATFORMS

    found = []
    for column in answers.columns:
        if column in _DECLARED or any(platform.is_meta(str(column)) for platform in PLATFORMS):
            continue
        raw = answers[column]
        levels = answer_levels(raw)
        given = raw.map(lambda v: not (v is None or (isinstance(v, float) and pd.isna(v)) or str(v).strip() == ""))
        answered = int(levels.notna().sum())
        unreadable = int((given & levels.isna()).sum())
        if answered >= unreadable:
            found.append(column)
    return found


def answer_levels(column: pd.Series) -> pd.Series:
    """A question's answers as five-level values (None when blank or unreadable). Each distinct
    spelling is parsed once: a survey of 100,000 sheets has only a handful of them."""
    values = column.astype(object).where(column.notna(), None)
    levels = {value: parse_satisfaction(value)[0] for value in pd.unique(values)}
    return pd.Series([levels[v] for v in values], index=column.index, dtype=object)


def answers_long(answers: pd.DataFrame) -> pd.DataFrame:
    """One row per answered question: 身份, 年级, 题目, the answer as one of the five levels.
    An answer written 满意度：满意 or 很满意 is read as its level; blanks and unreadable answers are
    left out (the loader has already named the unreadable ones)."""
    questions = question_columns(answers)
    columns = [RESPONDENT, GRADE, QUESTION, "答案"]
    if answers.empty or not questions:
        return pd.DataFrame(columns=columns)
    base = answers[[RESPONDENT, GRADE]].copy() if GRADE in answers else answers[[RESPONDENT]].assign(**{GRADE: None})
    parts = []
    for question in questions:
        part = base.assign(**{QUESTION: question, "答案": answer_levels(answers[question])})
        parts.append(part[part["答案"].notna()])
    return pd.concat(parts, ignore_index=True)[columns] if parts else pd.DataFrame(columns=columns)


def _satisfaction_counts(long: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    counts = pd.crosstab([long[c] for c in by], long["答案"]).reindex(columns=list(SATISFACTION_LEVELS), fill_value=0)
    counts.columns.name = None
    counts = counts.reset_index()
    counts[ANSWERS] = counts[list(SATISFACTION_LEVELS)].sum(axis=1)
    counts[SATISFIED] = counts[list(SATISFIED_LEVELS)].sum(axis=1)
    counts[SATISFACTION_RATE] = _rate_column(counts, SATISFIED, ANSWERS)
    return counts


def _respondent_order(values: pd.Series) -> pd.Series:
    return values.map(lambda r: RESPONDENTS.index(r) if r in RESPONDENTS else len(RESPONDENTS))


def satisfaction_by_respondent(answers: pd.DataFrame) -> pd.DataFrame:
    """Per respondent type present in the file: sheets returned, questions answered, satisfied,
    rate. A type whose sheets left every question blank is listed with no rate."""
    columns = [RESPONDENT, SHEETS, ANSWERS, SATISFIED, SATISFACTION_RATE]
    if answers.empty:
        return pd.DataFrame(columns=columns)
    sheets = answers[RESPONDENT].value_counts()
    long = answers_long(answers)
    counts = _satisfaction_counts(long, [RESPONDENT]).set_index(RESPONDENT) if len(long) else pd.DataFrame()
    rows = []
    for who in sorted(sheets.index, key=lambda r: (RESPONDENTS.index(r) if r in RESPONDENTS else 9, r)):
        answered = int(counts.at[who, ANSWERS]) if who in counts.index else 0
        satisfied = int(counts.at[who, SATISFIED]) if who in counts.index else 0
        rows.append((who, int(sheets[who]), answered, satisfied, _value(satisfied, answered)))
    return pd.DataFrame(rows, columns=columns)


def satisfaction_by_question(answers: pd.DataFrame) -> pd.DataFrame:
    """Per respondent type and question: the five levels, answers, satisfied and the rate.
    A question nobody answered still gets its row, with 0 answers and no rate."""
    columns = [RESPONDENT, QUESTION, *SATISFACTION_LEVELS, ANSWERS, SATISFIED, SATISFACTION_RATE]
    questions = question_columns(answers)
    if answers.empty or not questions:
        return pd.DataFrame(columns=columns)
    long = answers_long(answers)
    counts = _satisfaction_counts(long, [RESPONDENT, QUESTION]) if len(long) else pd.DataFrame(columns=columns)
    types = sorted(answers[RESPONDENT].dropna().unique(), key=lambda r: (RESPONDENTS.index(r) if r in RESPONDENTS else 9, r))
    full = pd.DataFrame([(r, q) for r in types for q in questions], columns=[RESPONDENT, QUESTION])
    table = full.merge(counts, on=[RESPONDENT, QUESTION], how="left")
    for column in (*SATISFACTION_LEVELS, ANSWERS, SATISFIED):
        table[column] = table[column].fillna(0).astype(int)
    table[SATISFACTION_RATE] = _rate_column(table, SATISFIED, ANSWERS)
    return table[columns]


def satisfaction_by_grade(answers: pd.DataFrame) -> pd.DataFrame:
    """Per respondent type (students and parents, who name a grade) and grade: answers and the rate."""
    columns = [RESPONDENT, GRADE, ANSWERS, SATISFIED, SATISFACTION_RATE]
    long = answers_long(answers)
    long = long[long[GRADE].notna()] if len(long) else long
    if long.empty:
        return pd.DataFrame(columns=columns)
    long = long.assign(**{GRADE: long[GRADE].astype(int)})
    table = _satisfaction_counts(long, [RESPONDENT, GRADE])
    table = table.sort_values([RESPONDENT, GRADE], key=lambda s: _respondent_order(s) if s.name == RESPONDENT else s)
    table[GRADE] = [f"{int(g)}年级" for g in table[GRADE]]
    return table[columns].reset_index(drop=True)


def class_satisfaction(answers: pd.DataFrame) -> pd.DataFrame:
    """Students' and parents' answers per class (年级, 班级): answers and satisfied, for the appraisal."""
    columns = [GRADE, CLASS, ANSWERS, SATISFIED]
    if answers.empty or GRADE not in answers or CLASS not in answers:
        return pd.DataFrame(columns=columns)
    families = answers[answers[RESPONDENT].isin(("学生", "家长")) & answers[GRADE].notna() & answers[CLASS].notna()]
    long = answers_long(families).drop(columns=[GRADE])
    if long.empty:
        return pd.DataFrame(columns=columns)
    classes = families[[GRADE, CLASS]].astype(int)
    parts = []
    questions = question_columns(families)
    for question in questions:
        levels = answer_levels(families[question])
        parts.append(classes.assign(answered=levels.notna().astype(int), satisfied=levels.isin(SATISFIED_LEVELS).astype(int)))
    both = pd.concat(parts)
    table = both.groupby([GRADE, CLASS]).agg(**{ANSWERS: ("answered", "sum"), SATISFIED: ("satisfied", "sum")})
    return table.reset_index()


# =================================================================================================
# Safety, staff, activities, fees
# =================================================================================================


def incidents_by_type(incidents: pd.DataFrame) -> pd.DataFrame:
    """Every type by every level (一般, 较重, 严重), with totals: zero rows stay, so a clean term shows
    that nothing happened rather than an empty table."""
    types = list(INCIDENT_TYPES)
    frame = incidents if incidents is not None else pd.DataFrame(columns=[INCIDENT_TYPE, LEVEL])
    counts = pd.crosstab(frame[INCIDENT_TYPE], frame[LEVEL].fillna(INCIDENT_LEVELS[0])) if len(frame) else pd.DataFrame()
    table = counts.reindex(index=types, columns=list(INCIDENT_LEVELS), fill_value=0)
    table.index.name, table.columns.name = INCIDENT_TYPE, None
    table[INCIDENT_COUNT] = table.sum(axis=1)
    table.loc["合计"] = table.sum()
    return table.astype(int).reset_index()


def incident_list(incidents: pd.DataFrame, students: pd.DataFrame) -> pd.DataFrame:
    """The incidents with the child's class instead of 学号 (the report circulates among staff;
    the class is what the team discusses), handling text with phone numbers masked."""
    from .masking import mask_text

    columns = [DATE, CLASS_NAME, INCIDENT_TYPE, LEVEL, HANDLING]
    if incidents is None or incidents.empty:
        return pd.DataFrame(columns=columns)
    rows = with_class_name(incidents.assign(**{STUDENT_ID: incidents[STUDENT_ID].fillna("").astype(str)}), students)
    rows[DATE] = pd.to_datetime(rows[DATE]).dt.strftime("%Y-%m-%d")
    rows[HANDLING] = [mask_text(v) for v in rows[HANDLING]] if HANDLING in rows else ""
    return rows.sort_values([DATE, CLASS_NAME], kind="stable")[columns].reset_index(drop=True)


def staff_readiness(staff: pd.DataFrame) -> pd.DataFrame:
    """Per staff type: people, trained, training coverage, vetting passed and its rate (the vetting
    rate is left blank for 在职教师, who are not vetted)."""
    rows = []
    for kind in [*STAFF_TYPES, "合计"]:
        part = staff if kind == "合计" else staff[staff[STAFF_TYPE] == kind]
        if kind != "合计" and part.empty:
            continue
        trained = int((part[SAFETY_TRAINING] == "已完成").sum())
        outside = part[part[STAFF_TYPE] != STAFF_TYPES[0]]
        vetted = int((outside[VETTING] == "通过").sum())
        rows.append((kind, len(part), trained, _value(trained, len(part)), vetted if len(outside) else NOT_VETTED,
                     _value(vetted, len(outside))))
    return pd.DataFrame(rows, columns=[STAFF_TYPE, "人数", TRAINED, TRAINING_RATE, VETTED, VETTING_RATE], dtype=object)


def activities_offered(clubs: pd.DataFrame) -> pd.DataFrame:
    """Per 类别: activities listed, opened, and students placed; with a 合计 row."""
    frame = clubs.assign(_open=clubs[al.STATUS] == al.OPEN)
    table = frame.groupby(CATEGORY, sort=False).agg(**{"活动数": (ACTIVITY_ID, "size"), OFFERED: ("_open", "sum"),
                                                       PLACED_COUNT: (al.PLACED_COUNT, "sum")})
    table.loc["合计"] = table.sum()
    return table.astype(int).reset_index().rename(columns={"index": CATEGORY})


def choices_met(taking_part: pd.DataFrame, placements: pd.DataFrame) -> tuple[int, int]:
    """(students placed in one of their own choices, students who named at least one club)."""
    held: dict[str, set[str]] = {}
    for sid, code in zip(placements[STUDENT_ID].astype(str), placements[ACTIVITY_ID].astype(str)):
        held.setdefault(sid, set()).add(code)
    asked = met = 0
    for record in taking_part[[STUDENT_ID, *[c for c in CHOICES if c in taking_part]]].itertuples(index=False):
        wanted = {str(v) for v in record[1:] if isinstance(v, str) and v.strip()}
        if not wanted:
            continue
        asked += 1
        met += bool(wanted & held.get(str(record[0]), set()))
    return met, asked


def fee_state(plan) -> pd.DataFrame:
    """The fee ledger and budget at term end, as 项目 and 数额 lines (money exact, in yuan)."""
    from . import fees

    totals = plan.ledger.totals()
    spending, income = plan.budget.total(fees.SPENDING), plan.budget.total(fees.INCOME)
    refused_amount = _refused_amount(plan)
    set_aside = int((plan.attendance.accounting[fees.OUTCOME] == fees.SET_ASIDE).sum()) if plan.attendance is not None else 0
    lines = [
        ("缴费学生数（人）", int(plan.ledger.rows[STUDENT_ID].nunique())),
        ("计费课时数", totals[fees.PERIODS]),
        ("应收金额（元）", totals[fees.DUE]),
        ("减免金额（元）", totals[fees.WAIVED]),
        ("实收金额（元）", totals[fees.PAID]),
        ("经费收入合计（元）", income),
        ("经费支出合计（元）", spending),
        ("经费结余（元）", plan.budget.balance),
        ("不能列支的支出项（项）", len(plan.budget.refused)),
        ("不能列支的金额（元）", refused_amount),
        ("考勤中未计入的记录（行）", set_aside),
    ]
    return pd.DataFrame(lines, columns=[ITEM_NAME, AMOUNT])


def spending_compliance(plan) -> tuple[Decimal, Decimal]:
    """(spending fee income may pay, all spending planned): 经费使用合规率 of seed 003."""
    from . import fees

    spending = plan.budget.total(fees.SPENDING)
    return spending, spending + _refused_amount(plan)


def _refused_amount(plan) -> Decimal:
    """Money of the spending lines fee income may not pay (their 金额 is kept as typed)."""
    from . import fees

    amounts = (fees.parse_money(a) for a in plan.budget.refused[fees.AMOUNT]) if len(plan.budget.refused) else ()
    return fees.money_sum(a for a in amounts if a is not None)


# =================================================================================================
# Indicators and targets
# =================================================================================================


def _row(name: str, numerator, denominator, *, count: bool = False) -> dict:
    value = numerator if count else _value(numerator, denominator)
    return {INDICATOR: name, VALUE: value, NUMERATOR: numerator, DENOMINATOR: None if count else denominator,
            DEFINITION: DEFINITIONS.get(name, "")}


def _exact(record: dict) -> Fraction:
    """The indicator's exact value: 分子/分母 when both are known, else the value itself."""
    numerator, denominator = record.get(NUMERATOR), record.get(DENOMINATOR)
    if numerator is not None and denominator:
        return Fraction(Decimal(str(numerator))) / Fraction(Decimal(str(denominator)))
    return Fraction(Decimal(str(record[VALUE])))


def targets_table(indicators: pd.DataFrame, targets: tuple[tuple[str, Decimal], ...]) -> pd.DataFrame:
    """The indicators with their targets: 达标 是/否 and the gap; indicators with a target come
    first in the settings' order, then the others; a target with no indicator is listed as 无数据."""
    by_name = {r[INDICATOR]: r for r in indicators.to_dict("records")}
    order = [n for n, _ in targets] + [n for n in by_name if n not in dict(targets)]
    goals = dict(targets)
    rows = []
    for name in order:
        record = by_name.get(name, {INDICATOR: name, VALUE: None, NUMERATOR: None, DENOMINATOR: None,
                                    DEFINITION: DEFINITIONS.get(name, "没有这项指标的数据")})
        goal = goals.get(name)
        value = record[VALUE]
        goal_value = None if goal is None else (int(goal) if is_count(name) else float(goal))
        if goal is None:
            met, verdict, gap = "", "未设目标", None
        elif value is None or (isinstance(value, float) and math.isnan(value)):
            met, verdict, gap = "", "无数据", None
        else:
            exact = _exact(record)  # the verdict on the exact fraction, not on the 4-place rounding
            ok = exact <= Fraction(goal) if lower_is_better(name) else exact >= Fraction(goal)
            met, verdict = ("是", "达标") if ok else ("否", "未达标")
            gap = (goal_value - value) if lower_is_better(name) else (value - goal_value)
            gap = int(gap) if is_count(name) else round(gap, 4)
        rows.append({**record, TARGET: goal_value, MET: met, VERDICT: verdict, GAP: gap})
    return pd.DataFrame(rows, columns=list(TARGET_COLUMNS), dtype=object)


# =================================================================================================
# Appraisal and commendation
# =================================================================================================

TEACHER_POOL = ("在职教师", "退休教师", "校外专业人员")
VOLUNTEER_POOL = ("志愿者", "家长义工")
TEACHER_AWARD, VOLUNTEER_AWARD = "优秀服务教师", "优秀志愿者"


@dataclass(frozen=True)
class CommendationRule:
    """Who may be put forward for commendation, and how many: the team sees the rule printed
    beside the shortlist and changes it in the settings' 表彰 block (or a notebook parameter).

    A nominee serves at least ``min_sessions`` times, their groups attend at least
    ``min_attendance`` and their pupils' families are at least ``min_satisfaction`` satisfied
    (where there are answers), and no 较重 or 严重 incident happened in their groups. Nominees are
    ranked by sessions served, then satisfaction, then attendance.
    """

    teacher_awards: int = 5
    volunteer_awards: int = 3
    min_sessions: int = 16
    min_attendance: float = 0.90
    min_satisfaction: float = 0.85

    @classmethod
    def from_settings(cls, settings: Settings | None) -> CommendationRule:
        values = dict(settings.commendation) if settings is not None else {}
        default = cls()
        return cls(
            teacher_awards=int(values.get(TEACHER_AWARDS, default.teacher_awards)),
            volunteer_awards=int(values.get(VOLUNTEER_AWARDS, default.volunteer_awards)),
            min_sessions=int(values.get(MIN_SESSIONS, default.min_sessions)),
            min_attendance=float(values.get(MIN_ATTENDANCE, default.min_attendance)),
            min_satisfaction=float(values.get(MIN_SATISFACTION, default.min_satisfaction)),
        )

    def text(self) -> str:
        return (f"表彰规则：本学期服务不少于 {self.min_sessions} 次，所负责组出勤率不低于 {self.min_attendance:.0%}，"
                f"所负责学生的学生和家长满意率不低于 {self.min_satisfaction:.0%}（没有问卷数据的不看这一项），"
                f"所负责组没有发生较重及以上安全事故；按服务次数、满意率、出勤率依次排序，"
                f"{TEACHER_AWARD}从{'、'.join(TEACHER_POOL)}中推荐 {self.teacher_awards} 名，"
                f"{VOLUNTEER_AWARD}从{'、'.join(VOLUNTEER_POOL)}中推荐 {self.volunteer_awards} 名。"
                "可在学期设置的“表彰”一段修改。")


def appraisal(duties: pd.DataFrame, timetable: pd.DataFrame, rows: pd.DataFrame, care_members: pd.DataFrame,
              placements: pd.DataFrame, students: pd.DataFrame, class_answers: pd.DataFrame,
              serious_incidents: pd.DataFrame | None = None, club_names: dict[str, str] | None = None) -> pd.DataFrame:
    """Per staff member on the roster: sessions served this term (from the weekly duties and the
    real service days), their groups' attendance, the satisfaction of the students they look after
    and the incidents in their groups.

    ``rows``: counted attendance with 组别 and 星期 (:func:`group_of_each_row`). The satisfaction of
    a person's students is the students' and parents' satisfaction of each class, weighted by how
    many of the person's students come from that class: the survey is anonymous and names a class,
    not a group. ``serious_incidents``: rows of incidents at 较重 or 严重 level with 组别 and 星期.
    """
    columns = [STAFF_ID, NAME, STAFF_TYPE, LEAD_TIMES, DUTY_TIMES, SESSIONS, GROUPS_LED, GROUP_ATTENDANCE,
               GROUP_SATISFACTION, INCIDENTS_IN_GROUPS]
    if duties is None or duties.empty:
        return pd.DataFrame(columns=columns)
    days_per_weekday = timetable["weekday"].value_counts()
    day_number = {name: i for i, name in enumerate(WEEKDAY_NAMES)}  # a hand-typed 星期一 counts no days, never raises
    attendance = rows.groupby([GROUP, WEEKDAY])[STATUS].agg(present=lambda s: int((s == PRESENT).sum()), records="size") \
        if len(rows) else pd.DataFrame(columns=["present", "records"])
    class_of = students.assign(**{STUDENT_ID: students[STUDENT_ID].astype(str)}).set_index(STUDENT_ID)[[GRADE, CLASS]]
    rate_of_class = {(int(g), int(c)): (int(a), int(s)) for g, c, a, s in
                     zip(class_answers[GRADE], class_answers[CLASS], class_answers[ANSWERS], class_answers[SATISFIED])}
    care = care_members.assign(**{STUDENT_ID: care_members[STUDENT_ID].astype(str)})
    club_members = placements.assign(**{STUDENT_ID: placements[STUDENT_ID].astype(str)})
    serious = serious_incidents if serious_incidents is not None else pd.DataFrame(columns=[GROUP, WEEKDAY])
    out = []
    for sid, mine in duties.groupby(STAFF_ID, sort=True):
        lead = mine[mine[sf.ROLE] == sf.ROLE_LEAD]
        lead_times = sum(int(days_per_weekday.get(day_number.get(d, -1), 0)) for d in lead[sf.WEEKDAY])
        duty_times = sum(int(days_per_weekday.get(day_number.get(d, -1), 0))
                         for d in mine.loc[mine[sf.ROLE] != sf.ROLE_LEAD, sf.WEEKDAY])
        places = list(zip(lead[sf.GROUP].astype(str), lead[sf.WEEKDAY]))
        present = records = 0
        for place in places:
            if place in attendance.index:
                present += int(attendance.at[place, "present"])
                records += int(attendance.at[place, "records"])
        pupils: list[str] = []
        for group, day in places:
            in_care = care.loc[(care[cg.GROUP] == group) & (care[cg.WEEKDAY] == day), STUDENT_ID].tolist()
            pupils += in_care or club_members.loc[club_members[ACTIVITY_ID] == group, STUDENT_ID].tolist()
        weight_answers = weight_satisfied = 0.0
        known = class_of.reindex(pupils).dropna()
        for (grade, number), n in known.value_counts().items():
            answered, satisfied = rate_of_class.get((int(grade), int(number)), (0, 0))
            if answered:
                weight_answers += n
                weight_satisfied += n * satisfied / answered
        incidents = sum(int(((serious[GROUP] == g) & (serious[WEEKDAY] == d)).sum()) for g, d in places)
        first = mine.iloc[0]
        names = club_names or {}
        groups_led = "、".join(sorted({f"{d}{g}" + (f"（{names[g]}）" if g in names else "") for g, d in places},
                                     key=lambda t: (day_number.get(t[:2], 9), t)))
        out.append((sid, first[NAME], first[STAFF_TYPE], lead_times, duty_times, lead_times + duty_times, groups_led,
                    _value(present, records), round(weight_satisfied / weight_answers, 4) if weight_answers else None,
                    incidents))
    table = pd.DataFrame(out, columns=columns)
    order = {t: i for i, t in enumerate(STAFF_TYPES)}
    return table.sort_values([STAFF_TYPE, STAFF_ID], key=lambda s: s.map(order) if s.name == STAFF_TYPE else s,
                             kind="stable").reset_index(drop=True)


def _shortfalls(record: dict, rule: CommendationRule) -> list[str]:
    reasons = []
    if record[SESSIONS] < rule.min_sessions:
        reasons.append(f"服务 {record[SESSIONS]} 次，少于 {rule.min_sessions} 次")
    attendance = record[GROUP_ATTENDANCE]
    # no attendance of one's groups (值班 only, or a school that records clubs' attendance nowhere)
    # is no shortfall: the person is judged on what is recorded
    if attendance is not None and not (isinstance(attendance, float) and math.isnan(attendance)) \
            and attendance < rule.min_attendance:
        reasons.append(f"所负责组出勤率 {percent_text(attendance)}，低于 {percent_text(rule.min_attendance, 0)}")
    satisfaction = record[GROUP_SATISFACTION]
    if satisfaction is not None and not (isinstance(satisfaction, float) and math.isnan(satisfaction)) \
            and satisfaction < rule.min_satisfaction:
        reasons.append(f"满意率 {percent_text(satisfaction)}，低于 {percent_text(rule.min_satisfaction, 0)}")
    if record[INCIDENTS_IN_GROUPS]:
        reasons.append(f"所负责组发生较重及以上安全事故 {record[INCIDENTS_IN_GROUPS]} 起")
    return reasons


def commendation(table: pd.DataFrame, rule: CommendationRule) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The shortlist (奖项, 名次, 工号, 姓名, ... 理由) and the appraisal table with 表彰建议 and
    说明 (why someone was not put forward), so nobody's result is unexplained."""
    short_columns = [AWARD, RANK, STAFF_ID, NAME, STAFF_TYPE, SESSIONS, GROUP_ATTENDANCE, GROUP_SATISFACTION, REASON]
    marked = table.copy()
    marked[SHORTLISTED] = ""
    marked[WHY_NOT] = ""
    chosen = []
    for award, pool, quota in ((TEACHER_AWARD, TEACHER_POOL, rule.teacher_awards),
                               (VOLUNTEER_AWARD, VOLUNTEER_POOL, rule.volunteer_awards)):
        candidates = []
        for index, record in marked[marked[STAFF_TYPE].isin(pool)].iterrows():
            reasons = _shortfalls(record.to_dict(), rule)
            if reasons:
                marked.at[index, WHY_NOT] = "；".join(reasons)
            else:
                candidates.append(index)

        def key(i: int) -> tuple:
            r = marked.loc[i]
            sat = r[GROUP_SATISFACTION]
            sat = -1.0 if sat is None or (isinstance(sat, float) and math.isnan(sat)) else sat
            return (-r[SESSIONS], -sat, -(_number(r[GROUP_ATTENDANCE]) or 0), str(r[STAFF_ID]))

        ranked = sorted(candidates, key=key)
        for place, index in enumerate(ranked, start=1):
            if place <= quota:
                marked.at[index, SHORTLISTED] = award
                r = marked.loc[index]
                sat, att = _number(r[GROUP_SATISFACTION]), _number(r[GROUP_ATTENDANCE])
                why = [f"服务 {r[SESSIONS]} 次（负责 {r[LEAD_TIMES]} 次，值班 {r[DUTY_TIMES]} 次）"]
                why += [f"所负责组出勤率 {percent_text(att)}"] if att is not None else []
                why += [f"学生和家长满意率 {percent_text(sat)}"] if sat is not None else []
                chosen.append((award, place, r[STAFF_ID], r[NAME], r[STAFF_TYPE], r[SESSIONS], att, sat, "，".join(why)))
            else:
                marked.at[index, WHY_NOT] = (f"符合条件，按排序列第 {place} 名；{award}名额 {quota} 名已满" if quota
                                             else f"符合条件；{award}名额为 0，本次不推荐")
    return pd.DataFrame(chosen, columns=short_columns), marked


# =================================================================================================
# Term over term
# =================================================================================================


def compare_terms(current: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """The same indicators side by side: 上学期, 本学期, 变化 (this minus last) and whether that is
    better or worse for the indicator (more satisfaction is better, more incidents worse)."""
    columns = [INDICATOR, PREVIOUS, CURRENT, CHANGE, TREND]
    last = {r[INDICATOR]: r[VALUE] for r in previous.to_dict("records")}
    now = {r[INDICATOR]: r[VALUE] for r in current.to_dict("records")}
    names = [n for n in now] + [n for n in last if n not in now]
    rows = []
    for name in names:
        before, after = _number(last.get(name)), _number(now.get(name))
        if before is None or after is None:
            change, trend = None, "无法比较" if name in last and name in now else ("本学期新增" if name not in last else "本学期无数据")
        else:
            change = after - before
            change = int(change) if is_count(name) else round(change, 4)
            better = change < 0 if lower_is_better(name) else change > 0
            trend = "持平" if change == 0 else ("改善" if better else "下降")
        rows.append((name, before, after, change, trend))
    table = pd.DataFrame(rows, columns=columns, dtype=object)
    table.attrs.update(previous.attrs)  # which report last term's figures came from
    return table


def _number(value: object) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


# =================================================================================================
# The whole evaluation
# =================================================================================================


@dataclass(frozen=True, eq=False)
class Evaluation:
    """Everything step 05 shows and the report holds. ``targets`` is the contract table of
    ``afterschool evaluate`` (指标, 数值, 目标, 达标 ...); the rest are its breakdowns."""

    indicators: pd.DataFrame
    targets: pd.DataFrame
    participation: pd.DataFrame
    attendance_by_group: pd.DataFrame
    attendance_by_class: pd.DataFrame
    attendance_by_month: pd.DataFrame
    satisfaction_by_respondent: pd.DataFrame
    satisfaction_by_question: pd.DataFrame
    satisfaction_by_grade: pd.DataFrame
    homework: pd.DataFrame
    incidents: pd.DataFrame
    incident_list: pd.DataFrame
    staff: pd.DataFrame
    activities: pd.DataFrame
    fees: pd.DataFrame
    appraisal: pd.DataFrame
    shortlist: pd.DataFrame
    rule: CommendationRule
    comments: object  # comments.CommentSummary
    comparison: pd.DataFrame | None = None
    notes: tuple[str, ...] = field(default=())

    def value(self, name: str):
        found = self.indicators.loc[self.indicators[INDICATOR] == name, VALUE]
        return None if found.empty else found.iloc[0]


def evaluate(*, students: pd.DataFrame, applications: pd.DataFrame, taking_part: pd.DataFrame,
             attendance: pd.DataFrame, timetable: pd.DataFrame, care_members: pd.DataFrame, clubs: pd.DataFrame,
             placements: pd.DataFrame, staff: pd.DataFrame, duties: pd.DataFrame, satisfaction: pd.DataFrame | None,
             incidents: pd.DataFrame | None, fee_plan=None, targets: tuple[tuple[str, Decimal], ...] = (),
             rule: CommendationRule = CommendationRule(), names: tuple[str, ...] = (),
             previous: pd.DataFrame | None = None) -> Evaluation:
    """The term's evaluation from frames already read and checked (see term_state.load_term_evaluation).

    ``attendance``: the counted rows (:func:`counted_attendance`); ``timetable``: the service days
    with their timetable weekday (staffing.timetable_weekdays); ``names``: personal names to mask
    inside free-text comments; ``previous``: last term's indicators (指标, 数值) to compare with.
    """
    from .comments import summarise_comments

    notes: list[str] = []
    answers = satisfaction if satisfaction is not None else pd.DataFrame(columns=[RESPONDENT, GRADE, CLASS, COMMENTS])
    incidents_recorded = incidents is not None
    incidents = incidents if incidents is not None else pd.DataFrame(columns=[DATE, STUDENT_ID, INCIDENT_TYPE, LEVEL, HANDLING])

    # participation
    took_part = participants_attending(attendance, set(taking_part[STUDENT_ID].astype(str)))
    if attendance.empty:
        notes.append("还没有考勤记录：参与率按审核后参加的学生计算，出勤率和校内完成作业无法计算。")
    table = participation(students, applications, took_part)
    school = table.iloc[-1]
    indicator_rows = [_row(PARTICIPATION, school["申请且参加"], school[APPLIED]),
                      _row(SCHOOL_PARTICIPATION, school[TOOK_PART], school[STUDENTS_COUNT])]

    # attendance
    club_names = dict(zip(clubs[ACTIVITY_ID].astype(str), clubs[ACTIVITY_NAME]))
    rows = group_of_each_row(attendance, timetable, care_members, club_names) if len(attendance) else \
        attendance.assign(**{WEEKDAY: [], GROUP: [], GROUP_KIND: [], TITLE: []})
    rows = with_class_name(rows, students)
    present = int((rows[STATUS] == PRESENT).sum())
    indicator_rows.append(_row(ATTENDANCE, present, len(rows)))
    by_group = attendance_table(rows, [GROUP_KIND, GROUP, TITLE])
    by_group = by_group.sort_values([GROUP_KIND, GROUP], key=_group_order, kind="stable").reset_index(drop=True)
    by_month = attendance_table(rows, [MONTH])

    # satisfaction
    by_respondent = satisfaction_by_respondent(answers)
    for record in by_respondent.to_dict("records"):
        indicator_rows.append(_row(satisfaction_indicator(record[RESPONDENT]), record[SATISFIED], record[ANSWERS]))
        if not record[ANSWERS]:
            notes.append(f"{record[RESPONDENT]}问卷 {record[SHEETS]} 份，所有题目都没有作答，{record[RESPONDENT]}满意度无法计算。")
    if answers.empty:
        notes.append("没有满意度调查数据（satisfaction 表）：满意度指标无法计算。")

    # homework
    homework = homework_by_grade(rows)
    total = homework.iloc[-1] if len(homework) else None
    if total is not None and total[HOMEWORK_RECORDED]:
        indicator_rows.append(_row(HOMEWORK, total[HOMEWORK_FINISHED], total[HOMEWORK_RECORDED]))
    else:
        indicator_rows.append(_row(HOMEWORK, 0, 0))
        if len(attendance):
            notes.append("考勤表没有记录“作业完成”：校内完成作业无法计算。需要时在考勤表加一列“作业完成”，填完成或未完成。")

    # safety
    if incidents_recorded:
        indicator_rows.append(_row(SAFETY, len(incidents), None, count=True))
    else:  # no file is not the same as a clean term: a school with none keeps an empty table
        indicator_rows.append(_row(SAFETY, None, None, count=True))
        notes.append("没有安全记录表（incidents）：安全事故无法评价。本学期没有发生事故的，也请保留只有表头的空表。")

    # staff
    readiness = staff_readiness(staff)
    all_staff = readiness.iloc[-1]
    indicator_rows.append(_row(TRAINING, all_staff[TRAINED], all_staff["人数"]))
    outside = staff[staff[STAFF_TYPE] != STAFF_TYPES[0]]
    indicator_rows.append(_row(VETTING_PASS, int((outside[VETTING] == "通过").sum()), len(outside)))

    # activities
    offered = activities_offered(clubs)
    indicator_rows.append(_row(ACTIVITIES, int(offered.iloc[-1][OFFERED]), None, count=True))
    met, asked = choices_met(taking_part, placements)
    indicator_rows.append(_row(CHOICE_MET, met, asked))

    # fees
    fees_table = fee_state(fee_plan) if fee_plan is not None else pd.DataFrame(columns=[ITEM_NAME, AMOUNT])
    if fee_plan is not None:
        allowed, planned = spending_compliance(fee_plan)
        indicator_rows.append(_row(SPENDING_COMPLIANCE, allowed, planned))

    indicators = pd.DataFrame(indicator_rows, columns=list(INDICATOR_COLUMNS), dtype=object)
    targets_frame = targets_table(indicators, targets)

    # appraisal
    serious = _serious_incidents(incidents, rows)
    staff_table = appraisal(duties, timetable, rows, care_members, placements, students, class_satisfaction(answers), serious,
                            club_names)
    shortlist, staff_table = commendation(staff_table, rule)

    return Evaluation(
        indicators=indicators, targets=targets_frame, participation=table, attendance_by_group=by_group,
        attendance_by_class=attendance_by_class(rows), attendance_by_month=by_month,
        satisfaction_by_respondent=by_respondent, satisfaction_by_question=satisfaction_by_question(answers),
        satisfaction_by_grade=satisfaction_by_grade(answers), homework=homework,
        incidents=incidents_by_type(incidents), incident_list=incident_list(incidents, students), staff=readiness,
        activities=offered, fees=fees_table, appraisal=staff_table, shortlist=shortlist, rule=rule,
        comments=summarise_comments(answers, names=names),
        comparison=compare_terms(indicators, previous) if previous is not None else None,
        notes=tuple(notes),
    )


def _serious_incidents(incidents: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """较重 and 严重 incidents with the 组别 and 星期 the child was in that day (from attendance)."""
    heavy = incidents[incidents[LEVEL].isin(INCIDENT_LEVELS[1:])] if len(incidents) else incidents
    if heavy.empty or rows.empty:
        return pd.DataFrame(columns=[GROUP, WEEKDAY])
    keys = heavy.assign(**{STUDENT_ID: heavy[STUDENT_ID].astype(str), DATE: pd.to_datetime(heavy[DATE])})[[STUDENT_ID, DATE]]
    found = keys.merge(rows[[STUDENT_ID, DATE, GROUP, WEEKDAY]], on=[STUDENT_ID, DATE], how="inner")
    return found[[GROUP, WEEKDAY]]


# =================================================================================================
# Words for the report and the plan
# =================================================================================================


def shown_value(name: str, value) -> str:
    """98.4% for a rate, 3 起 or 26 个 for a count, 无数据 when nothing was counted."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "无数据"
    if is_count(name):
        return f"{int(value)} 起" if "事故" in name else f"{int(value)} 个"
    return percent_text(value)


def summary_paragraphs(evaluation: Evaluation) -> tuple[str, ...]:
    """A few paragraphs in plain Chinese for the report and the 实施方案's 考核 section: what was
    met, what was not and by how much, what families said, and who is put forward."""
    met = evaluation.targets[evaluation.targets[MET] == "是"]
    missed = evaluation.targets[evaluation.targets[MET] == "否"]
    parts = []
    if len(met) or len(missed):
        head = f"本学期对照 {len(met) + len(missed)} 项目标进行评价，达标 {len(met)} 项"
        if len(missed):
            details = "、".join(f"{r[INDICATOR]}（{shown_value(r[INDICATOR], r[VALUE])}，目标{target_text(r)}）"
                                for r in missed.to_dict("records"))
            head += f"，未达标 {len(missed)} 项：{details}"
        parts.append(head + "。")
    figures = [f"{r[INDICATOR]} {shown_value(r[INDICATOR], r[VALUE])}" for r in evaluation.indicators.to_dict("records")
               if r[VALUE] is not None and not (isinstance(r[VALUE], float) and math.isnan(r[VALUE]))]
    if figures:
        parts.append("主要指标：" + "，".join(figures) + "。")
    from .comments import themes_sentence

    parts.append(themes_sentence(evaluation.comments))
    if len(evaluation.shortlist):
        names = "；".join(f"{award}：" + "、".join(group[NAME]) for award, group in evaluation.shortlist.groupby(AWARD, sort=False))
        parts.append(f"按表彰规则推荐 {len(evaluation.shortlist)} 人：{names}。")
    return tuple(parts)


def target_text(record: dict) -> str:
    """不低于 95% / 不超过 0: the target with its direction."""
    name, goal = record[INDICATOR], record[TARGET]
    if is_count(name):
        return f"{'不超过' if lower_is_better(name) else '不少于'} {int(goal)}"
    return f"{'不超过' if lower_is_better(name) else '不低于'} {goal * 100:.0f}%"


def _gap_text(name: str, gap) -> str:
    if gap is None or (isinstance(gap, float) and math.isnan(gap)):
        return ""
    if is_count(name):
        return f"{int(gap):+d}"
    points = percent_text(abs(gap)).rstrip("%")
    return f"{'-' if gap < 0 else '+'}{points} 个百分点"


def targets_view(targets: pd.DataFrame) -> pd.DataFrame:
    """The targets table as people read it: 98.4%, 不低于 95%, +3.4 个百分点, 1,047 / 1,064."""
    rows = []
    for r in targets.to_dict("records"):
        name = r[INDICATOR]
        counted = "" if r[NUMERATOR] is None or is_count(name) or not r[DENOMINATOR] else \
            f"{r[NUMERATOR]:,} / {r[DENOMINATOR]:,}"
        rows.append((name, shown_value(name, r[VALUE]), "" if r[TARGET] is None else target_text(r), r[VERDICT],
                     _gap_text(name, r[GAP]), counted))
    return pd.DataFrame(rows, columns=[INDICATOR, VALUE, TARGET, VERDICT, GAP, f"{NUMERATOR} / {DENOMINATOR}"])


def comparison_view(comparison: pd.DataFrame) -> pd.DataFrame:
    """上学期, 本学期 and 变化 written as percentages or counts."""
    rows = [(r[INDICATOR], shown_value(r[INDICATOR], r[PREVIOUS]), shown_value(r[INDICATOR], r[CURRENT]),
             _gap_text(r[INDICATOR], r[CHANGE]), r[TREND]) for r in comparison.to_dict("records")]
    return pd.DataFrame(rows, columns=[INDICATOR, PREVIOUS, CURRENT, CHANGE, TREND])


def definitions(indicators: pd.DataFrame) -> pd.DataFrame:
    """Each indicator of this evaluation with its one-sentence definition."""
    return indicators[[INDICATOR, DEFINITION]].reset_index(drop=True)
