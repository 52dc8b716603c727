"""Step 01, 需求调查: applications through 家长申请 → 班级审核 → 学校复核 → 统筹安排, and demand.

The norms in the seeds fix the procedure: parents apply, the class teacher (班主任) checks each
application of the class, the school reviews what the classes passed, then places students. This
module keeps that chain visible: applications matched to the roster, one review sheet per class
for the 班主任, a school review sheet, and one table that says where each student stands.
The demand tables (by class, weekday, pick-up time, noon care, priority group, activity) are what
the team needs to size groups and clubs in the next step. Functions here take and return frames;
reading and writing the review workbooks is kept to the few functions named ``read_``/``write_``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd

from . import normalize as nz
from .problems import Problem, Severity
from .schema import (
    ACTIVITY_ID,
    ACTIVITY_NAME,
    CAPACITY_MAX,
    CAPACITY_MIN,
    CATEGORY,
    CHOICES,
    CLASS,
    CLASS_NAME,
    EXCEL_ROW,
    GENDER,
    GRADE,
    GRADE_NAMES,
    HARDSHIP,
    JOIN,
    LEAVE_TIME,
    LEFT_BEHIND,
    MIGRANT,
    NAME,
    NOON_CARE,
    PARENT_NAME,
    PHONE,
    STUDENT_ID,
    SUBMITTED_AT,
    WEEKDAY_NAMES,
    WEEKDAYS_COL,
)
from .files import write_bytes_atomic
from .validate import activity_lookup, match_activity
from .workbooks import add_table_sheet, list_validation, new_workbook, workbook_bytes

PRIORITY_GROUPS = (LEFT_BEHIND, HARDSHIP, MIGRANT)
"""Served first (DESIGN section 5), in this order; 低年级 follows from the grade."""

# columns added by this module
MATCHED_BY = "匹配方式"
PRIORITY = "优先群体"
CLASS_REVIEW = "班级审核"
SCHOOL_REVIEW = "学校复核"
REASON = "原因"
APPLICATION = "家长申请"
ARRANGEMENT = "统筹安排"
STAGE = "当前环节"

CLASS_REVIEW_FILE = "班级审核.xlsx"
UNMATCHED_SHEET = "未对应名单的申请"
SCHOOL_REVIEW_FILE = "学校复核.xlsx"
PASSED, REJECTED, PENDING = "通过", "不通过", "待审核"
_REVIEW_CHOICES = ("审核通过", "不通过")
_PASS_WORDS = {"审核通过", "通过", "同意", "是", "√", "✓", "ok", "y", "yes", "1"}
_REJECT_WORDS = {"不通过", "未通过", "不同意", "否", "×", "x", "n", "no", "0", "驳回"}

APPLIED_YES, APPLIED_NO, NOT_SUBMITTED = "申请参加", "申请不参加", "未提交"


def class_name_of(grade: object, number: object) -> str:
    if pd.isna(grade) or pd.isna(number):
        return ""
    return nz.class_name(int(grade), int(number))


def priority_text(row: pd.Series) -> str:
    """留守儿童、困难家庭 for a student in those groups; empty for the others."""
    return "、".join(group for group in PRIORITY_GROUPS if group in row and row[group] is True)


# --- 家长申请: applications matched to the roster ------------------------------------------------

def prepare_applications(survey: pd.DataFrame, students: pd.DataFrame, activities: pd.DataFrame | None,
                         service_weekdays: tuple[int, ...], file_name: str = "survey.csv",
                         ) -> tuple[pd.DataFrame, list[Problem]]:
    """Applications ready for review and analysis: matched to the roster, answers made explicit.

    Besides :func:`match_applications`: a blank 服务日 of a family that joins becomes every service
    weekday (that is what the form means by it), pick-up times are written one way (17：30 and
    5点半 are 17:30) and each 志愿 given by name becomes its 活动编号, so later steps compare like
    with like. Names that fit no activity stay as written (validation already named them).
    """
    applications, problems = match_applications(survey, students, file_name)
    applications, repeats = _latest_per_student(applications, file_name)
    problems += repeats
    everyday = nz.format_weekdays(service_weekdays)
    joins = applications[JOIN].fillna(False).astype(bool)
    applications[WEEKDAYS_COL] = [everyday if join and (pd.isna(v) or not v) else v
                                  for v, join in zip(applications[WEEKDAYS_COL], joins)]
    applications[LEAVE_TIME] = [v if pd.isna(v) else leave_slot(v) for v in applications[LEAVE_TIME]]
    if activities is not None and len(activities):
        lookup = activity_lookup(activities)
        for column in CHOICES:
            applications[column] = [v if pd.isna(v) else (match_activity(lookup, v) or v) for v in applications[column]]
    applications[PRIORITY] = applications.apply(priority_text, axis=1)
    return applications, problems


def _latest_per_student(applications: pd.DataFrame, file_name: str) -> tuple[pd.DataFrame, list[Problem]]:
    """One application per matched student: the latest stands, earlier ones are named and set aside.

    The loader already keeps the latest per 学号; this catches the same child applying once by
    学号 and once by name only, which only the roster match reveals.
    """
    matched = applications[applications[MATCHED_BY] != "未匹配"]
    order = matched.sort_values([SUBMITTED_AT, EXCEL_ROW], na_position="first") if SUBMITTED_AT in matched else matched
    earlier = order.duplicated(STUDENT_ID, keep="last")
    if not earlier.any():
        return applications, []
    latest = order[~earlier].set_index(STUDENT_ID)[EXCEL_ROW]
    problems = [Problem(file_name, f"与第 {int(latest[sid])} 行是同一名学生，以最后提交的为准，这一行未采用",
                        "确认以最后一次提交为准", Severity.WARNING, int(row), STUDENT_ID, str(sid), dropped=True)
                for row, sid in zip(order.loc[earlier, EXCEL_ROW], order.loc[earlier, STUDENT_ID])]
    return applications.drop(index=order.index[earlier]), problems


def match_applications(applications: pd.DataFrame, students: pd.DataFrame,
                       file_name: str = "survey.csv") -> tuple[pd.DataFrame, list[Problem]]:
    """Each application tied to a roster student: by 学号, else by 姓名+年级+班级.

    A 学号 mistyped on the form is common; when name, grade and class name exactly one student,
    the application is his or hers and the problem says so. Applications that fit nobody stay in
    the result with 匹配方式 "未匹配" and are listed for the class teacher: none is dropped.
    """
    roster = students.set_index(STUDENT_ID)
    by_name: dict[tuple, list[str]] = {}
    for sid, name, grade, number in zip(students[STUDENT_ID], students[NAME], students[GRADE], students[CLASS]):
        by_name.setdefault((nz.clean_text(name), grade, number), []).append(sid)
    matched = applications.copy()
    how, ids, problems = [], [], []
    for _, row in applications.iterrows():
        sid = row[STUDENT_ID]
        if sid in roster.index:
            how.append("学号")
            ids.append(sid)
            continue
        candidates = by_name.get((nz.clean_text(row.get(NAME)), row.get(GRADE), row.get(CLASS)), [])
        if len(candidates) == 1:
            how.append("姓名+年级+班级")
            ids.append(candidates[0])
            why = "没有填写学号" if pd.isna(sid) else "学生名单里没有这个学号"
            problems.append(Problem(file_name, f"{why}，按姓名和班级对应到学号 {candidates[0]}",
                                    "核对无误即可；如对应错了，在问卷结果中填写正确的学号", Severity.WARNING,
                                    int(row[EXCEL_ROW]), STUDENT_ID, "" if pd.isna(sid) else str(sid)))
            continue
        how.append("未匹配")
        ids.append(sid)
        why = "姓名和班级对应到多名学生" if candidates else "按学号、按姓名和班级都找不到这名学生"
        problems.append(Problem(file_name, f"{why}，这份申请暂不能处理",
                                "请班主任核对学号和姓名；如是新转入的学生，先加入学生名单", Severity.WARNING,
                                int(row[EXCEL_ROW]), STUDENT_ID, "" if pd.isna(sid) else str(sid)))
    matched[MATCHED_BY] = how
    matched[STUDENT_ID] = ids
    # the roster, not the form, says which class a student is in
    known = matched[MATCHED_BY] != "未匹配"
    for column in (NAME, GRADE, CLASS, *PRIORITY_GROUPS):
        if column in roster:
            matched.loc[known, column] = matched.loc[known, STUDENT_ID].map(roster[column]).to_numpy()
    matched[CLASS_NAME] = [class_name_of(g, c) for g, c in zip(matched[GRADE], matched[CLASS])]
    return matched, problems


# --- 班级审核 and 学校复核 --------------------------------------------------------------------------

_SHEET_COLUMNS = (STUDENT_ID, NAME, PRIORITY, JOIN, WEEKDAYS_COL, LEAVE_TIME, NOON_CARE, *CHOICES)


def class_review_sheets(applications: pd.DataFrame, activities: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """One table per class of the applications its 班主任 must review, in class order.

    Only matched applications that ask to join appear (a 不参加 answer needs no review); each
    has blank 审核结果 and 原因 for the teacher to fill. Activities are shown as "A01 趣味篮球" so
    the teacher need not look codes up.
    """
    matched = joining(applications).copy()
    if activities is not None:
        names = dict(zip(activities[ACTIVITY_ID], activities[ACTIVITY_NAME]))
        for column in CHOICES:
            matched[column] = [v if pd.isna(v) or v not in names else f"{v} {names[v]}" for v in matched[column]]
    matched[JOIN] = matched[JOIN].map({True: "是", False: "否"})
    matched[NOON_CARE] = matched[NOON_CARE].map({True: "是", False: "否"})
    sheets = {}
    for (_, _), group in matched.sort_values([GRADE, CLASS, STUDENT_ID]).groupby([GRADE, CLASS], sort=False):
        table = group[list(_SHEET_COLUMNS)].reset_index(drop=True)
        table["审核结果"] = ""
        table[REASON] = ""
        sheets[group[CLASS_NAME].iloc[0]] = table
    unmatched = applications[applications[MATCHED_BY] == "未匹配"]
    if len(unmatched):
        sheets[UNMATCHED_SHEET] = pd.DataFrame({
            "问卷行号": unmatched[EXCEL_ROW], STUDENT_ID: unmatched[STUDENT_ID], NAME: unmatched[NAME],
            "所填年级班级": [class_name_of(g, c) for g, c in zip(unmatched[GRADE], unmatched[CLASS])],
            "请班主任核实": "学号和姓名都对应不上学生名单：请核对后在问卷结果中改正，或把学生补入学生名单"}).reset_index(drop=True)
    return sheets


def review_workbook_bytes(sheets: dict[str, pd.DataFrame], result_column: str = "审核结果") -> bytes:
    """A review workbook: one sheet per table, a drop-down on the result column."""
    book = new_workbook()
    for title, table in sheets.items():
        add_table_sheet(book, title, table, text_columns=(STUDENT_ID,))
        if result_column not in table:  # a sheet to read, not to fill (未对应名单的申请)
            continue
        sheet = book[title[:31]]
        letter = openpyxl.utils.get_column_letter(list(table.columns).index(result_column) + 1)
        check = list_validation(result_column, _REVIEW_CHOICES)
        check.add(f"{letter}2:{letter}{max(len(table) + 1, 2)}")
        sheet.add_data_validation(check)
    return workbook_bytes(book)


def write_class_review(path: Path | str, applications: pd.DataFrame, activities: pd.DataFrame | None = None) -> Path:
    """The 班级审核 workbook for the 班主任 (one sheet per class), written atomically."""
    return write_bytes_atomic(path, review_workbook_bytes(class_review_sheets(applications, activities)))


def school_review_sheet(status: pd.DataFrame) -> pd.DataFrame:
    """The applications classes passed, for the school's review, priority groups first."""
    passed = status[status[CLASS_REVIEW] == PASSED].copy()
    passed["_priority"] = passed[PRIORITY] == ""
    table = passed.sort_values(["_priority", GRADE, CLASS, STUDENT_ID])
    table = table[[STUDENT_ID, NAME, CLASS_NAME, PRIORITY, CLASS_REVIEW]].reset_index(drop=True)
    table["复核结果"] = ""
    table[REASON] = ""
    return table


def write_school_review(path: Path | str, status: pd.DataFrame) -> Path:
    return write_bytes_atomic(path, review_workbook_bytes({"学校复核": school_review_sheet(status)}, "复核结果"))


def _verdict(value: object) -> str:
    text = nz.clean_text(value).lower().replace(" ", "")
    if not text:
        return PENDING
    if text in _PASS_WORDS:
        return PASSED
    if text in _REJECT_WORDS:
        return REJECTED
    return ""


def read_review(path: Path | str, result_column: str) -> tuple[pd.DataFrame, list[Problem]]:
    """A filled review workbook back: 学号, result (通过/不通过/待审核), 原因, from every sheet.

    Teachers type 通过, √ or 同意 as often as they pick from the list; each is understood. A
    result that cannot be read, or a 不通过 without a reason, is a problem naming sheet and row.
    """
    path = Path(path)
    rows, problems = [], []
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # any unreadable workbook: one clear message, no traceback
        return pd.DataFrame(columns=[STUDENT_ID, result_column, REASON]), [Problem(
            path.name, "无法读取这个审核表，文件可能已损坏或不是 Excel 工作簿", "重新导出审核表，填好后另存为 .xlsx")]
    try:
        for sheet in book.worksheets:
            if sheet.title == UNMATCHED_SHEET:
                continue
            values = list(sheet.iter_rows(values_only=True))
            if not values:
                continue
            header = [nz.clean_text(h) for h in values[0]]
            if STUDENT_ID not in header or result_column not in header:
                problems.append(Problem(path.name, f"工作表“{sheet.title}”缺少“{STUDENT_ID}”或“{result_column}”列，未读取",
                                        "使用工具导出的审核表，不要删除或改名这两列"))
                continue
            sid_at, result_at = header.index(STUDENT_ID), header.index(result_column)
            reason_at = header.index(REASON) if REASON in header else None
            for number, row in enumerate(values[1:], start=2):
                if all(nz.is_blank(v) for v in row):
                    continue
                sid, _ = nz.parse_code(row[sid_at])
                verdict = _verdict(row[result_at])
                reason = nz.clean_text(row[reason_at], fold=False) if reason_at is not None else ""
                where = f"{path.name}（{sheet.title}）"
                if not verdict:
                    problems.append(Problem(where, "看不懂这个审核结果，按待审核处理", "从下拉列表选择“审核通过”或“不通过”",
                                            Severity.WARNING, number, result_column, nz.clean_text(row[result_at])))
                    verdict = PENDING
                elif verdict == REJECTED and not reason:
                    problems.append(Problem(where, "不通过但没有写原因", "在“原因”列写明不通过的原因，便于向家长说明",
                                            Severity.WARNING, number, REASON, ""))
                rows.append((sid, verdict, reason))
    finally:
        book.close()
    return pd.DataFrame(rows, columns=[STUDENT_ID, result_column, REASON]), problems


def unused_reviews(review: pd.DataFrame | None, applications: pd.DataFrame, file_name: str) -> list[Problem]:
    """Review rows that fit no current application to join: named, so none is ignored silently.

    Happens when a review workbook from an earlier export is read against a newer survey (the
    family withdrew, or the review belongs to another term folder).
    """
    if review is None or review.empty:
        return []
    current = set(joining(applications)[STUDENT_ID])
    stale = review[~review[STUDENT_ID].isin(current)]
    if stale.empty:
        return []
    return [Problem(file_name, f"{len(stale)} 条审核结果没有对应的参加申请（如学号 {'、'.join(map(str, stale[STUDENT_ID].head(5)))}），"
                    "未使用", "确认审核表是按本学期当前的申请导出的；必要时重新导出班级审核表", Severity.WARNING)]


def read_reviews(data_dir: Path | str, applications: pd.DataFrame) -> tuple[pd.DataFrame | None, pd.DataFrame | None, list[Problem]]:
    """The term folder's 班级审核.xlsx and 学校复核.xlsx, where present, with their problems."""
    data_dir = Path(data_dir)
    reviews, problems = [], []
    for file_name, result_column, column in ((CLASS_REVIEW_FILE, "审核结果", CLASS_REVIEW),
                                             (SCHOOL_REVIEW_FILE, "复核结果", SCHOOL_REVIEW)):
        review = None
        if (data_dir / file_name).exists():
            review, found = read_review(data_dir / file_name, result_column)
            review = review.rename(columns={result_column: column})
            problems += found
        reviews.append(review)
    problems += unused_reviews(reviews[0], applications, CLASS_REVIEW_FILE)
    return reviews[0], reviews[1], problems


# --- one table: where each student stands -------------------------------------------------------

def review_status(students: pd.DataFrame, applications: pd.DataFrame,
                  class_review: pd.DataFrame | None = None, school_review: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every student of the roster, one row each, through the four steps.

    家长申请: 申请参加 / 申请不参加 / 未提交. 班级审核 and 学校复核: 通过 / 不通过 / 待审核, or
    empty where the step does not apply. 统筹安排 becomes 待安排 once the school passed the
    application; placing students is the next step (分组编班). 当前环节 names the step a student
    waits on, so the team can chase what is outstanding.
    """
    table = students[[STUDENT_ID, NAME, GRADE, CLASS, *[g for g in PRIORITY_GROUPS if g in students]]].copy()
    table[CLASS_NAME] = [class_name_of(g, c) for g, c in zip(table[GRADE], table[CLASS])]
    table[PRIORITY] = table.apply(priority_text, axis=1)
    known = applications[applications[MATCHED_BY] != "未匹配"].drop_duplicates(STUDENT_ID, keep="last").set_index(STUDENT_ID)
    joined = table[STUDENT_ID].map(known[JOIN])
    table[APPLICATION] = [NOT_SUBMITTED if pd.isna(j) else (APPLIED_YES if j else APPLIED_NO) for j in joined]
    applied = table[APPLICATION] == APPLIED_YES
    table[CLASS_REVIEW] = _step(table, applied, class_review, CLASS_REVIEW)
    table[SCHOOL_REVIEW] = _step(table, table[CLASS_REVIEW] == PASSED, school_review, SCHOOL_REVIEW)
    class_reasons, school_reasons = _reasons_by_student(class_review), _reasons_by_student(school_review)
    table[REASON] = ["；".join(r for r in (class_reasons.get(sid, ""), school_reasons.get(sid, "")) if r)
                     for sid in table[STUDENT_ID]]
    table[ARRANGEMENT] = ["待安排" if s == PASSED else "" for s in table[SCHOOL_REVIEW]]
    table[STAGE] = [_stage(a, c, s) for a, c, s in zip(table[APPLICATION], table[CLASS_REVIEW], table[SCHOOL_REVIEW])]
    columns = [STUDENT_ID, NAME, GRADE, CLASS, CLASS_NAME, PRIORITY, APPLICATION, CLASS_REVIEW, SCHOOL_REVIEW,
               ARRANGEMENT, STAGE, REASON]
    return table[columns].sort_values([GRADE, CLASS, STUDENT_ID]).reset_index(drop=True)


def _step(table: pd.DataFrame, applies: pd.Series, review: pd.DataFrame | None, column: str) -> list[str]:
    results = review.drop_duplicates(STUDENT_ID, keep="last").set_index(STUDENT_ID)[column] if review is not None and len(review) else pd.Series(dtype=object)
    return [(results.get(sid, PENDING) if ok else "") for sid, ok in zip(table[STUDENT_ID], applies)]


def _reasons_by_student(review: pd.DataFrame | None) -> dict[str, str]:
    """The last reason given per student in one review, looked up once rather than per student."""
    if review is None or review.empty:
        return {}
    last = review.drop_duplicates(STUDENT_ID, keep="last")
    return {sid: str(reason) for sid, reason in zip(last[STUDENT_ID], last[REASON]) if reason}


STAGES = ("等待家长提交申请", "家长申请不参加", "等待班主任审核", "班级审核未通过", "等待学校复核",
          "学校复核未通过", "等待统筹安排（分组编班）")
"""Where a student can stand, in the order of the procedure (column 当前环节)."""


def _stage(application: str, class_step: str, school_step: str) -> str:
    waiting_parent, declined, waiting_class, class_no, waiting_school, school_no, to_place = STAGES
    if application == NOT_SUBMITTED:
        return waiting_parent
    if application == APPLIED_NO:
        return declined
    if class_step == PENDING:
        return waiting_class
    if class_step == REJECTED:
        return class_no
    if school_step == PENDING:
        return waiting_school
    if school_step == REJECTED:
        return school_no
    return to_place


def stage_counts(status: pd.DataFrame) -> pd.DataFrame:
    """How many students are at each step, in the order of the procedure."""
    counts = status[STAGE].value_counts().reindex(list(STAGES), fill_value=0)
    return counts.rename("人数").rename_axis(STAGE).reset_index()


# --- demand --------------------------------------------------------------------------------------

def participation_by_class(students: pd.DataFrame, status: pd.DataFrame) -> pd.DataFrame:
    """Per class: students, applications submitted, applying to join, and the share applying."""
    grouped = status.groupby([GRADE, CLASS, CLASS_NAME], sort=True)
    table = pd.DataFrame({
        "学生数": grouped.size(),
        "提交申请": grouped[APPLICATION].apply(lambda s: int((s != NOT_SUBMITTED).sum())),
        APPLIED_YES: grouped[APPLICATION].apply(lambda s: int((s == APPLIED_YES).sum())),
    }).reset_index()
    total = pd.DataFrame([{GRADE: pd.NA, CLASS: pd.NA, CLASS_NAME: "全校合计", "学生数": int(table["学生数"].sum()),
                           "提交申请": int(table["提交申请"].sum()), APPLIED_YES: int(table[APPLIED_YES].sum())}])
    table = pd.concat([table, total], ignore_index=True)
    table["申请参加率"] = (table[APPLIED_YES] / table["学生数"]).round(3)
    return table.drop(columns=[GRADE, CLASS])


def participation_by_grade(status: pd.DataFrame) -> pd.DataFrame:
    grouped = status.groupby(GRADE, sort=True)
    table = pd.DataFrame({"学生数": grouped.size(),
                          APPLIED_YES: grouped[APPLICATION].apply(lambda s: int((s == APPLIED_YES).sum()))})
    table["申请参加率"] = (table[APPLIED_YES] / table["学生数"]).round(3)
    table.index = [nz.grade_name(int(g)) for g in table.index]
    return table.rename_axis(GRADE).reset_index()


def joining(applications: pd.DataFrame) -> pd.DataFrame:
    """The matched applications that ask to join: the demand the school plans for."""
    # a frame that was never matched against the student list (a hand-made one) has no 匹配方式
    matched = applications[MATCHED_BY] != "未匹配" if MATCHED_BY in applications else True
    keep = matched & applications[JOIN].fillna(False).astype(bool)
    return applications[keep]


TAKING_PART, NOT_JOINING, REVIEW_REFUSED, NOT_MATCHED = "参加", "申请不参加", "审核未通过", "未对应学生名单"
OUTCOME = "去向"


def taking_part(applications: pd.DataFrame, status: pd.DataFrame, students: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Who takes part this term, and where every application went.

    A student takes part once the family applied to join and no review refused it; an application
    still waiting for review takes part (the team is told how many), so groups and clubs can be
    formed while the last classes return their sheets. Returns the students taking part (the
    application with the roster's family columns, 优先群体 and review state) and one row per
    application saying 参加, 申请不参加, 审核未通过 or 未对应学生名单, so none is unaccounted for.
    """
    reviewed = status.set_index(STUDENT_ID)
    refused = reviewed[CLASS_REVIEW].eq(REJECTED) | reviewed[SCHOOL_REVIEW].eq(REJECTED)
    outcome = []
    for how, sid, join in zip(applications[MATCHED_BY], applications[STUDENT_ID], applications[JOIN]):
        if how == "未匹配":
            outcome.append(NOT_MATCHED)
        elif not (isinstance(join, (bool, np.bool_)) and join):
            outcome.append(NOT_JOINING)
        elif bool(refused.get(sid, False)):
            outcome.append(REVIEW_REFUSED)
        else:
            outcome.append(TAKING_PART)
    accounting = applications[[EXCEL_ROW, STUDENT_ID, NAME]].copy()
    accounting[OUTCOME] = outcome
    part = applications[[o == TAKING_PART for o in outcome]].copy()
    family = [c for c in (GENDER, PARENT_NAME, PHONE) if c in students and c not in part]
    if family:
        part = part.merge(students[[STUDENT_ID, *family]], on=STUDENT_ID, how="left")
    part["审核状态"] = [PASSED if reviewed.at[sid, SCHOOL_REVIEW] == PASSED else PENDING for sid in part[STUDENT_ID]]
    return part.sort_values([GRADE, CLASS, STUDENT_ID]).reset_index(drop=True), accounting


def clubs_left_out(people: Participants) -> pd.DataFrame:
    """Applications that listed clubs but are not in the allocation, and why: refused in review,
    the family declined the service, or the child is not on the roster. The allocation's 未分配
    sheet lists them too, so every club request is accounted for where the team looks for it."""
    apps = people.applications.reset_index(drop=True)
    outcome = people.accounting.reset_index(drop=True)[OUTCOME]
    asked = apps[list(CHOICES)].notna().any(axis=1)
    out = apps[asked & (outcome != TAKING_PART)].copy()
    reasons = people.status.set_index(STUDENT_ID)[REASON]
    why = {REVIEW_REFUSED: "审核未通过", NOT_JOINING: "家长申请不参加课后服务", NOT_MATCHED: "学号或姓名对不上学生名单"}
    texts = []
    for sid, result in zip(out[STUDENT_ID], outcome[out.index]):
        given = reasons.get(sid, "") if result == REVIEW_REFUSED else ""
        texts.append(f"{why[result]}{'：' + given if given else ''}，未参加社团分配")
    out[REASON] = texts
    out[CLASS_NAME] = [class_name_of(g, c) if not (pd.isna(g) or pd.isna(c)) else "" for g, c in zip(out[GRADE], out[CLASS])]
    return out[[STUDENT_ID, NAME, CLASS_NAME, REASON]].reset_index(drop=True)


def demand_by_weekday(applications: pd.DataFrame, service_weekdays: tuple[int, ...]) -> pd.DataFrame:
    """Students asking for each service weekday (prepared applications: 服务日 always explicit)."""
    rows = joining(applications)
    wanted = [set(nz.parse_weekdays(v) or ()) for v in rows[WEEKDAYS_COL].fillna("")]
    counts = {WEEKDAY_NAMES[d]: sum(d in w for w in wanted) for d in service_weekdays}
    return pd.DataFrame({"星期": list(counts), "人数": list(counts.values())})


def demand_by_leave_time(applications: pd.DataFrame) -> pd.DataFrame:
    """The pick-up times parents asked for, in clock order; unanswered counted apart."""
    rows = joining(applications)
    times = rows[LEAVE_TIME].map(leave_slot)
    counts = times.value_counts()
    order = sorted(counts.index, key=lambda t: (t == "未填写", _clock_key(t), t))
    return pd.DataFrame({LEAVE_TIME: order, "人数": [int(counts[t]) for t in order]})


def leave_slot(value: object) -> str:
    """A pick-up time as parents write it, in one spelling: 17：30, 5点半 and 17:30 are one slot.

    Hours before noon are afternoon hours here (nobody collects a child from after-school
    service at 5 in the morning). Text that names no clock time (看情况) stays as written.
    """
    text = nz.clean_text(value).replace(" ", "")
    if not text:
        return "未填写"
    match = re.fullmatch(r"(下午)?(\d{1,2})(?::|点)(\d{1,2}|半)?分?(以前|之前|前|以后|之后|后|左右)?", text)
    if not match:
        return text
    hours, minutes = int(match.group(2)), 30 if match.group(3) == "半" else int(match.group(3) or 0)
    if hours < 12:
        hours += 12
    if hours > 23 or minutes > 59:
        return text
    suffix = {"以前": "前", "之前": "前", "以后": "后", "之后": "后"}.get(match.group(4) or "", match.group(4) or "")
    return f"{hours:02d}:{minutes:02d}{suffix}"


def _clock_key(text: str) -> int:
    match = re.search(r"(\d{1,2})[:：点](\d{0,2})", text)
    return int(match.group(1)) * 60 + int(match.group(2) or 0) if match else 24 * 60


def noon_care_by_grade(applications: pd.DataFrame) -> pd.DataFrame:
    rows = joining(applications)
    grouped = rows.groupby(GRADE, sort=True)[NOON_CARE]
    table = pd.DataFrame({"申请参加": grouped.size(), "需要午间托管": grouped.apply(lambda s: int((s == True).sum()))})  # noqa: E712
    table.index = [nz.grade_name(int(g)) for g in table.index]
    return table.rename_axis(GRADE).reset_index()


def priority_coverage(status: pd.DataFrame, students: pd.DataFrame) -> pd.DataFrame:
    """Per priority group: how many students, how many applied to join, how many have not answered."""
    rows = []
    for group in PRIORITY_GROUPS:
        if group not in students:
            continue
        members = status[status[STUDENT_ID].isin(students.loc[students[group] == True, STUDENT_ID])]  # noqa: E712
        rows.append({"群体": group, "人数": len(members),
                     APPLIED_YES: int((members[APPLICATION] == APPLIED_YES).sum()),
                     APPLIED_NO: int((members[APPLICATION] == APPLIED_NO).sum()),
                     NOT_SUBMITTED: int((members[APPLICATION] == NOT_SUBMITTED).sum())})
    return pd.DataFrame(rows, columns=["群体", "人数", APPLIED_YES, APPLIED_NO, NOT_SUBMITTED])


def priority_students_without_application(status: pd.DataFrame) -> pd.DataFrame:
    """Priority-group students whose families have not applied: the class teacher should call."""
    missing = status[(status[PRIORITY] != "") & (status[APPLICATION] == NOT_SUBMITTED)]
    return missing[[STUDENT_ID, NAME, CLASS_NAME, PRIORITY]].reset_index(drop=True)


def interest_by_activity(applications: pd.DataFrame, activities: pd.DataFrame) -> pd.DataFrame:
    """Per activity: first choices and all choices against its capacity, and what that means.

    超额 when first choices alone exceed the places; 不足开班 when even all choices together stay
    under 开班最低人数; the rest 正常. The ratio is first choices per place.
    """
    rows = joining(applications)
    first = rows[CHOICES[0]].dropna().value_counts()
    every = pd.concat([rows[c].dropna() for c in CHOICES]).value_counts()
    table = activities[[ACTIVITY_ID, ACTIVITY_NAME, CATEGORY, CAPACITY_MAX, CAPACITY_MIN]].copy()
    table["第一志愿"] = table[ACTIVITY_ID].map(first).fillna(0).astype(int)
    table["全部志愿"] = table[ACTIVITY_ID].map(every).fillna(0).astype(int)
    table["第一志愿/名额"] = (table["第一志愿"] / table[CAPACITY_MAX]).round(2)
    minimum = table[CAPACITY_MIN].fillna(0)
    table["判断"] = ["超额" if f > cap else "不足开班" if e < low else "正常"
                   for f, e, cap, low in zip(table["第一志愿"], table["全部志愿"], table[CAPACITY_MAX], minimum)]
    return table.sort_values(["第一志愿/名额", ACTIVITY_ID], ascending=[False, True]).reset_index(drop=True)


def answers_long(applications: pd.DataFrame) -> pd.DataFrame:
    """Every answer of every matched application as one row: 学号, 年级, 班级, 问题, 回答, 序号.

    Multi-valued answers are split (服务日 into one row per weekday; 志愿 keep their rank in 序号),
    so any question is a one-line pandas group-by away. Blank answers are left out.
    """
    rows = applications[applications[MATCHED_BY] != "未匹配"]
    records = []
    for _, row in rows.iterrows():
        base = (row[STUDENT_ID], row[GRADE], row[CLASS])
        records.append((*base, JOIN, "是" if row[JOIN] is True else "否", 1))
        if row[JOIN] is not True:  # a family that does not join answered nothing else that counts
            continue
        days = nz.parse_weekdays(row[WEEKDAYS_COL]) if not pd.isna(row[WEEKDAYS_COL]) else ()
        for rank, day in enumerate(days or (), start=1):
            records.append((*base, WEEKDAYS_COL, WEEKDAY_NAMES[day], rank))
        if not pd.isna(row[LEAVE_TIME]):
            records.append((*base, LEAVE_TIME, str(row[LEAVE_TIME]), 1))
        if not pd.isna(row[NOON_CARE]):
            records.append((*base, NOON_CARE, "是" if row[NOON_CARE] else "否", 1))
        for rank, column in enumerate(CHOICES, start=1):
            if not pd.isna(row[column]):
                records.append((*base, "志愿", str(row[column]), rank))
    table = pd.DataFrame(records, columns=[STUDENT_ID, GRADE, CLASS, "问题", "回答", "序号"])
    table[GRADE] = table[GRADE].astype("Int64")
    table[CLASS] = table[CLASS].astype("Int64")
    return table


def demand_report(students: pd.DataFrame, applications: pd.DataFrame, status: pd.DataFrame,
                  activities: pd.DataFrame, service_weekdays: tuple[int, ...]) -> dict[str, pd.DataFrame]:
    """Every demand table of the step, by sheet name, for the report workbook."""
    return {
        "按年级": participation_by_grade(status),
        "按班级": participation_by_class(students, status),
        "按星期": demand_by_weekday(applications, service_weekdays),
        "离校时段": demand_by_leave_time(applications),
        "午间托管": noon_care_by_grade(applications),
        "优先群体": priority_coverage(status, students),
        "优先群体未申请": priority_students_without_application(status),
        "社团意向": interest_by_activity(applications, activities),
        "审核进度": stage_counts(status),
    }


def grade_view(table: pd.DataFrame, grade_column: str = CLASS_NAME):
    """A grade drop-down over a per-class table, for the notebook (全部 shows every class).

    The table is rendered into an HTML widget rather than captured output, so the notebook stays
    comparable under nbval.
    """
    import ipywidgets as widgets

    from .display import as_percent

    grades = ["全部", *[g for g in GRADE_NAMES if table[grade_column].astype(str).str.startswith(g).any()]]
    picker = widgets.Dropdown(options=grades, value="全部", description="年级")
    view = widgets.HTML()

    def show(change: object = None) -> None:
        chosen = picker.value
        rows = table if chosen == "全部" else table[table[grade_column].astype(str).str.startswith(chosen)]
        view.value = as_percent(rows).to_html(index=False, na_rep="")

    picker.observe(show, names="value")
    show()
    return widgets.VBox([picker, view])


@dataclass(frozen=True)
class Participants:
    """The survey step's outcome as later steps need it: who takes part, and where every
    application went (``accounting``), with the problems met on the way."""

    applications: pd.DataFrame
    status: pd.DataFrame
    taking_part: pd.DataFrame
    accounting: pd.DataFrame
    problems: tuple[Problem, ...]


def read_participants(data_dir: Path | str, students: pd.DataFrame, survey: pd.DataFrame, activities: pd.DataFrame | None,
                      service_weekdays: tuple[int, ...], survey_file: str = "survey.csv") -> Participants:
    """Applications matched, reviews read, participants found: steps 02 onwards start here."""
    applications, problems = prepare_applications(survey, students, activities, service_weekdays, survey_file)
    class_review, school_review, review_problems = read_reviews(data_dir, applications)
    status = review_status(students, applications, class_review, school_review)
    part, accounting = taking_part(applications, status, students)
    pending = int((part["审核状态"] != PASSED).sum())
    notes = []
    if pending:
        notes.append(Problem("审核进度", f"{pending} 名学生的申请还没有完成学校复核，已按申请参加分组和分配",
                             "完成学校复核；复核后重新分配时，用上一次的分配结果锁定已分配的学生（命令行 --current，笔记本参数 current_placements），他们就不会被移动", Severity.WARNING))
    return Participants(applications, status, part, accounting, tuple(problems + review_problems + notes))
