"""Step 04, 收费测算: ledgers worked out by hand for small terms, in every mode and settlement.

The small term (2025-09-22 .. 2025-10-12, Monday to Friday, 2 课时 a day in 16:30-18:00):

- September service days: 22, 23, 24, 25, 26, 28 (a Sunday the school calendar makes a 调休
  school day following Wednesday's timetable), 29, 30: 8 days.
- October: 1-8 are the National Day holiday, 11 (Saturday) is a make-up day without a timetable
  (no service), 12 is a Sunday: only 9 and 10 are service days: 2 days. The term has 10.

Students (all in real GBK CSV files loaded with the real loaders):

- S1 2025030101, every day, no waiver.
- S2 2025030102, 周一,周三,周五, 困难家庭 (waiver 1.0).
- S3 2025030201, every day, 留守儿童 (0.5) and 随迁子女 (0.3): the larger share, 0.5; leaves after
  2025-09-25 (退出日期).
- S4 2025030202, every day, joins on 2025-10-10 (开始日期).
- S5 2025040101, every day, never in the attendance.
- S6 2025040102 applied not to take part, yet has an attendance row.

A 课时 of the 16:30-18:00 window lasts 45 minutes: the second begins at 17:15, so a sign-out at
17:15 or earlier (after 16:30) counts one 课时, later two.
"""

from __future__ import annotations

import re

import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from afterschool_lib import fee_files, fees
from afterschool_lib import schema as sc
from afterschool_lib.loaders import load_input
from afterschool_lib.problems import Severity
from afterschool_lib.settings import FeeRule, Season, Settings, load_settings
from afterschool_lib.survey import read_participants
from afterschool_lib.term_calendar import build_term_calendar

from .conftest import STUDENT_HEADER, write_csv, write_xlsx

TEMPLATE = Path(__file__).resolve().parent.parent / "data_templates" / "settings.yaml"
D = dt.date
Y = Decimal
S1, S2, S3, S4, S5, S6 = "2025030101", "2025030102", "2025030201", "2025030202", "2025040101", "2025040102"
SEP, OCT = "2025-09", "2025-10"
WAIVERS = (("困难家庭", Y("1.0")), ("留守儿童", Y("0.5")), ("随迁子女", Y("0.3")))
PHONES = ("13800001111", "13800002222", "13800003333", "13800004444", "13800005555", "13800006666")
NAMES = ("张小明", "李小红", "王小刚", "赵小丽", "钱小伟", "孙小美")


# --- the small term on disk ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A term folder with a Chinese name, files as Chinese Excel/WPS save them."""
    root = tmp_path_factory.mktemp("fees") / "课后服务" / "2025秋季学期"
    root.mkdir(parents=True)
    write_csv(root / "students.csv", [
        STUDENT_HEADER,
        [S1, NAMES[0], "男", "三年级", "1班", "张父", PHONES[0], "否", "否", "否"],
        [S2, NAMES[1], "女", "三年级", "1班", "李母", PHONES[1], "否", "是", "否"],
        [S3, NAMES[2], "男", "三年级", "2班", "王父", PHONES[2], "是", "否", "是"],
        [S4, NAMES[3], "女", "三年级", "2班", "赵母", PHONES[3], "否", "否", "否"],
        [S5, NAMES[4], "男", "四年级", "1班", "钱父", PHONES[4], "否", "否", "否"],
        [S6, NAMES[5], "女", "四年级", "1班", "孙母", PHONES[5], "否", "否", "否"],
    ])
    write_csv(root / "survey.csv", [
        ["学号", "姓名", "年级", "班级", "参加课后服务", "服务日", "开始日期", "退出日期"],
        [S1, NAMES[0], "三年级", "1班", "是", "", "", ""],
        [S2, NAMES[1], "三年级", "1班", "是", "周一,周三,周五", "", ""],
        [S3, NAMES[2], "三年级", "2班", "是", "", "", "2025-09-25"],
        [S4, NAMES[3], "三年级", "2班", "是", "", "2025/10/10", ""],
        [S5, NAMES[4], "四年级", "1班", "是", "", "", ""],
        [S6, NAMES[5], "四年级", "1班", "否", "", "", ""],
    ])
    write_xlsx(root / "calendar.xlsx", [
        ["日期", "类型", "按周几课表", "说明"],
        [dt.datetime(2025, 9, 28), "调休上课", "周三", "国庆节调休"],
    ])
    write_csv(root / "attendance.csv", [
        ["日期", "学号", "项目", "状态", "签退时间", "接领人"],
        ["2025-09-22", S1, "作业辅导", "出勤", "18:00", "妈妈"],  # row 2: 2 课时
        ["2025-09-22", S1, "A01", "出勤", "18:00", "妈妈"],  # row 3: same day, not billed twice
        ["2025-09-23", S1, "作业辅导", "出勤", "17:10", "爸爸"],  # row 4: signed out early: 1 课时
        ["2025-09-24", S1, "作业辅导", "请假", "", ""],  # row 5
        ["2025-09-25", S1, "作业辅导", "缺勤", "", ""],  # row 6
        ["2025-09-26", S1, "作业辅导", "出勤", "", ""],  # row 7: no time recorded: 2 课时
        ["2025-09-28", S1, "作业辅导", "出勤", "17:50", "妈妈"],  # row 8: the 调休 Sunday: 2 课时
        ["2025-10-01", S1, "作业辅导", "出勤", "17:50", "妈妈"],  # row 9: National Day: set aside
        ["2025-10-09", S1, "作业辅导", "出勤", "17:15", "妈妈"],  # row 10: 1 课时
        ["2025-10-09", S1, "作业辅导", "出勤", "17:15", "妈妈"],  # row 11: an exact repeat of row 10
        ["2025-09-22", S2, "作业辅导", "出勤", "18:00", "妈妈"],  # row 12
        ["2025-09-23", S2, "作业辅导", "出勤", "18:00", "妈妈"],  # row 13: a Tuesday S2 did not choose
        ["2025-09-24", S2, "作业辅导", "出勤", "18:00", "妈妈"],  # row 14
        ["2025-09-28", S2, "作业辅导", "出勤", "18:00", "妈妈"],  # row 15: Sunday on Wednesday's timetable
        ["2025-10-10", S2, "作业辅导", "出勤", "18:00", "妈妈"],  # row 16
        ["2025-09-22", S3, "作业辅导", "出勤", "18:00", "奶奶"],  # row 17
        ["2025-09-23", S3, "作业辅导", "出勤", "17:59", "奶奶"],  # row 18: 2 课时
        ["2025-09-26", S3, "作业辅导", "出勤", "18:00", "奶奶"],  # row 19: after S3 left: set aside
        ["2025-09-30", S4, "作业辅导", "出勤", "18:00", "妈妈"],  # row 20: before S4 joined: set aside
        ["2025-10-09", S4, "作业辅导", "出勤", "18:00", "妈妈"],  # row 21: before S4 joined: set aside
        ["2025-10-10", S4, "作业辅导", "出勤", "16:50", "妈妈"],  # row 22: 1 课时
        ["2025-09-22", "2099000001", "作业辅导", "出勤", "18:00", ""],  # row 23: not on the roster
        ["2025-09-22", S6, "作业辅导", "出勤", "18:00", ""],  # row 24: not taking part
        ["2025-10-11", S1, "作业辅导", "出勤", "18:00", ""],  # row 25: make-up Saturday without timetable
    ])
    return root


@pytest.fixture(scope="module")
def base_settings() -> Settings:
    loaded, problems = load_settings(TEMPLATE)
    assert loaded is not None, problems
    return dataclasses.replace(
        loaded, term_start=D(2025, 9, 22), term_end=D(2025, 10, 12), service_weekdays=(0, 1, 2, 3, 4),
        periods_per_day=2, seasons=(Season("夏秋季", D(2025, 9, 22), "16:30", "18:00"),),
        fee=FeeRule("按课时", Y("3.5"), "按出勤", WAIVERS))


@dataclasses.dataclass
class Term:
    settings: Settings
    calendar: object
    students: pd.DataFrame
    taking_part: pd.DataFrame
    attendance: pd.DataFrame
    attendance_rows_read: int
    attendance_problems: tuple


@pytest.fixture(scope="module")
def term(folder: Path, base_settings: Settings) -> Term:
    students = load_input("students", folder / "students.csv").frame
    survey = load_input("survey", folder / "survey.csv").frame
    calendar_frame = load_input("calendar", folder / "calendar.xlsx").frame
    attendance = load_input("attendance", folder / "attendance.csv")
    calendar = build_term_calendar(base_settings, calendar_frame)
    people = read_participants(folder, students, survey, None, base_settings.service_weekdays)
    return Term(base_settings, calendar, students, people.taking_part, attendance.frame, attendance.rows_read,
                attendance.problems)


def plan(term: Term, mode: str = "按课时", standard: str = "3.5", settlement: str = "按出勤",
         extra: tuple = (), **kwargs) -> fees.FeePlan:
    settings = dataclasses.replace(term.settings, fee=FeeRule(mode, Y(standard), settlement, WAIVERS, extra))
    return fees.plan_fees(settings, term.calendar, term.taking_part, term.attendance, students=term.students, **kwargs)


def amounts(ledger: fees.Ledger) -> dict[tuple[str, str], tuple]:
    """(学号, 月份) -> (课时数, 应收, 减免, 实收) as the ledger has them."""
    rows = ledger.rows
    return {(s, m): (p, d, w, a) for s, m, p, d, w, a in zip(*(rows[c] for c in fees.LEDGER_CONTRACT))}


def money(*values: str) -> tuple[Decimal, ...]:
    return tuple(Y(v) for v in values)


# --- the calendar the tests rely on ----------------------------------------------------------------

def test_the_small_term_has_the_service_days_the_docstring_says(term: Term):
    assert term.calendar.count_by_month().to_dict() == {SEP: 8, OCT: 2}
    sunday = term.calendar.days[term.calendar.days[sc.DATE] == pd.Timestamp(2025, 9, 28)].iloc[0]
    assert bool(sunday[sc.DAY_IS_SERVICE]) and sunday[sc.FOLLOWS_WEEKDAY] == "周三"


# --- attendance: checked, every row accounted for ---------------------------------------------------

def test_every_attendance_row_is_billed_or_set_aside_with_a_named_reason(term: Term):
    checked = plan(term).attendance
    # the loader read 24 rows and set aside the exact repeat (row 11) itself, naming it
    assert term.attendance_rows_read == 24 and len(term.attendance) == 23
    repeat = [p for p in term.attendance_problems if p.row == 11]
    assert repeat and repeat[0].dropped and "重复" in repeat[0].message
    accounting = checked.accounting.set_index(sc.EXCEL_ROW)
    assert len(accounting) == 23 and accounting[fees.OUTCOME].notna().all()
    assert accounting.at[2, fees.OUTCOME] == fees.COUNTED
    assert accounting.at[3, fees.OUTCOME] == fees.SAME_DAY  # the club the same day
    assert accounting.at[5, fees.OUTCOME] == fees.ON_LEAVE and accounting.at[6, fees.OUTCOME] == fees.ABSENT
    assert accounting.at[8, fees.OUTCOME] == fees.COUNTED  # the 调休 Sunday
    set_aside = set(accounting.index[accounting[fees.OUTCOME] == fees.SET_ASIDE])
    assert set_aside == {9, 19, 20, 21, 23, 24, 25}
    named = {row for p in checked.problems if p.dropped for row in p.rows}
    assert set_aside <= named  # each one named by a problem that says it was left out


def test_the_holiday_record_is_named_with_file_row_column_value_and_fix(term: Term):
    checked = plan(term).attendance
    holiday = next(p for p in checked.problems if 9 in p.rows)
    assert holiday.file == "attendance.csv" and holiday.column == sc.DATE and holiday.value == "2025-10-01"
    assert "不是课后服务日" in holiday.message and "法定节假日" in holiday.message and holiday.fix
    text = str(holiday)
    assert text.startswith("attendance.csv 第9行 日期：2025-10-01 —— ") and "应当" in text
    saturday = next(p for p in checked.problems if 25 in p.rows)
    assert "调休上课" in saturday.message  # a make-up Saturday without a timetable has no service


def test_unknown_student_not_taking_part_and_outside_the_enrolment_are_named(term: Term):
    problems = plan(term).attendance.problems
    by_row = {row: p for p in problems for row in p.rows}
    assert "学生名单里没有这个学号" in by_row[23].message and by_row[23].value == "2099000001"
    assert "不在本学期参加课后服务的名单中" in by_row[24].message and by_row[24].value == S6
    assert "退出日期（2025-09-25）之后" in by_row[19].message
    assert "开始日期（2025-10-10）之前" in by_row[20].message and 21 in by_row[20].rows
    assert all(p.severity is Severity.WARNING for p in problems)
    chosen = by_row[13]  # counted, but the class teacher is told
    assert not chosen.dropped and "不是该生报名的服务日" in chosen.message


def test_a_repeat_inside_the_frame_is_set_aside_too(term: Term):
    """The loader removes repeats; a frame pasted together elsewhere may still carry one."""
    doubled = pd.concat([term.attendance, term.attendance.iloc[[0]]], ignore_index=True)
    checked = fees.check_attendance(doubled, term.calendar, fees.enrolment(term.taking_part, term.settings)[0])
    repeats = [p for p in checked.problems if "日期+学号+项目相同" in p.message]
    assert len(repeats) == 1 and repeats[0].rows == (2,) and repeats[0].dropped
    assert len(checked.accounting) == len(doubled)


# --- 按课时 ------------------------------------------------------------------------------------------

def test_by_period_by_attendance_computed_by_hand(term: Term):
    ledger = plan(term).ledger
    got = amounts(ledger)
    # S1 Sep: 9/22 2 (the club row is the same day) + 9/23 1 (17:10) + 9/26 2 (no time) + 9/28 2 (17:50) = 7
    #         7 × 3.5 = 24.50; Oct: 10/9 signed out 17:15, one 课时 begun: 3.50
    assert got[(S1, SEP)] == (7, *money("24.50", "0.00", "24.50"))
    assert got[(S1, OCT)] == (1, *money("3.50", "0.00", "3.50"))
    # S2 (困难家庭, 1.0): 9/22, 9/23 (not chosen but present), 9/24, 9/28: 8 × 3.5 = 28.00, all waived
    assert got[(S2, SEP)] == (8, *money("28.00", "28.00", "0.00"))
    assert got[(S2, OCT)] == (2, *money("7.00", "7.00", "0.00"))
    # S3 (留守儿童 0.5 and 随迁子女 0.3: 0.5): 9/22 2 + 9/23 2 (17:59) = 4 × 3.5 = 14.00, waived 7.00;
    # left after 9/25, so no October row
    assert got[(S3, SEP)] == (4, *money("14.00", "7.00", "7.00"))
    assert (S3, OCT) not in got
    # S4 joined 10/10: signed out 16:50, one 课时: 3.50; no September row
    assert got[(S4, OCT)] == (1, *money("3.50", "0.00", "3.50")) and (S4, SEP) not in got
    # S5 enrolled, never came: listed with zeros
    assert got[(S5, SEP)] == (0, *money("0.00", "0.00", "0.00")) and got[(S5, OCT)][0] == 0
    assert S6 not in set(ledger.rows[sc.STUDENT_ID])
    assert ledger.totals() == {fees.PERIODS: 23, fees.DUE: Y("80.50"), fees.WAIVED: Y("42.00"), fees.PAID: Y("38.50")}
    row = ledger.rows.set_index([sc.STUDENT_ID, sc.MONTH]).loc[(S3, SEP)]
    assert row[fees.WAIVER_REASON].startswith("留守儿童、随迁子女") and row[fees.WAIVER_SHARE] == Y("0.5")


def test_without_the_sign_out_rule_an_attended_day_counts_every_period(term: Term):
    got = amounts(plan(term, extra=((fees.SIGN_OUT_RULE, "否"),)).ledger)
    # S1 Sep: 4 attended days × 2 = 8 → 28.00; S4 Oct: 1 day × 2 = 7.00
    assert got[(S1, SEP)] == (8, *money("28.00", "0.00", "28.00"))
    assert got[(S4, OCT)] == (2, *money("7.00", "0.00", "7.00"))


def test_by_period_by_enrolment_computed_by_hand(term: Term):
    got = amounts(plan(term, settlement="按报名").ledger)
    # S1: every service day whatever the attendance: Sep 8 × 2 = 16 → 56.00, Oct 2 × 2 = 4 → 14.00
    assert got[(S1, SEP)] == (16, *money("56.00", "0.00", "56.00"))
    assert got[(S1, OCT)] == (4, *money("14.00", "0.00", "14.00"))
    # S2 周一,周三,周五: 9/22, 9/24, 9/26, 9/28 (Sunday on Wednesday's timetable), 9/29 = 5 days;
    # the Tuesday 9/23 it attended is not billed under 按报名. Oct: 10/10 only.
    assert got[(S2, SEP)] == (10, *money("35.00", "35.00", "0.00"))
    assert got[(S2, OCT)] == (2, *money("7.00", "7.00", "0.00"))
    # S3: 9/22-9/25, 4 days → 28.00, half waived; S4: 10/10 → 7.00; S5 as S1
    assert got[(S3, SEP)] == (8, *money("28.00", "14.00", "14.00"))
    assert got[(S4, OCT)] == (2, *money("7.00", "0.00", "7.00"))
    assert got[(S5, SEP)] == got[(S1, SEP)]


# --- 按月 -------------------------------------------------------------------------------------------

def test_by_month_by_enrolment_prorates_joiners_and_leavers(term: Term):
    got = amounts(plan(term, "按月", "200", "按报名").ledger)
    # fee × enrolled days / the month's service days (Sep 8, Oct 2)
    assert got[(S1, SEP)][1:] == money("200.00", "0.00", "200.00")
    assert got[(S2, SEP)][1:] == money("125.00", "125.00", "0.00")  # 5/8 × 200
    assert got[(S2, OCT)][1:] == money("100.00", "100.00", "0.00")  # 1/2 × 200
    assert got[(S3, SEP)][1:] == money("100.00", "50.00", "50.00")  # left after 9/25: 4/8 × 200, half waived
    assert got[(S4, OCT)][1:] == money("100.00", "0.00", "100.00")  # joined 10/10: 1/2 × 200
    notes = plan(term, "按月", "200", "按报名").ledger.rows.set_index([sc.STUDENT_ID, sc.MONTH])[fees.LEDGER_NOTE]
    assert notes[(S3, SEP)] == "9月25日后退出" and notes[(S4, OCT)] == "10月10日起参加"


def test_by_month_by_attendance_settles_per_day(term: Term):
    got = amounts(plan(term, "按月", "200", "按出勤").ledger)
    # fee × attended days / the month's service days
    assert got[(S1, SEP)][1:] == money("100.00", "0.00", "100.00")  # 9/22, 9/23, 9/26, 9/28: 4/8
    assert got[(S1, OCT)][1:] == money("100.00", "0.00", "100.00")  # 10/9: 1/2
    assert got[(S3, SEP)][1:] == money("50.00", "25.00", "25.00")  # 2/8 × 200, half waived
    assert got[(S5, SEP)][1:] == money("0.00", "0.00", "0.00")


def test_by_month_whole_or_half_month_refund(term: Term):
    ledger = plan(term, "按月", "200", "按出勤", ((fees.REFUND_RULE, "整月半月"),)).ledger
    got = amounts(ledger)
    # S1 Sep: enrolled 8, absent on 4 of them (≥ half) → half refunded: 8/8 × 200 / 2 = 100.00
    assert got[(S1, SEP)][1:] == money("100.00", "0.00", "100.00")
    # S1 Oct: enrolled 2, absent 1 (≥ half) → 2/2 × 200 / 2 = 100.00
    assert got[(S1, OCT)][1:] == money("100.00", "0.00", "100.00")
    # S2 Sep: enrolled 5, absent on 9/26 and 9/29 only (< half) → no refund: 5/8 × 200 = 125.00
    assert got[(S2, SEP)][1:] == money("125.00", "125.00", "0.00")
    # S5 Sep: absent every enrolled day → the whole month refunded
    assert got[(S5, SEP)][1:] == money("0.00", "0.00", "0.00")
    notes = ledger.rows.set_index([sc.STUDENT_ID, sc.MONTH])[fees.LEDGER_NOTE]
    assert "退还整月" in notes[(S5, SEP)] and "退还半月" in notes[(S1, SEP)]


# --- 按学期 ------------------------------------------------------------------------------------------

def test_by_term_by_enrolment_spreads_the_term_fee_over_the_months(term: Term):
    got = amounts(plan(term, "按学期", "600", "按报名").ledger)
    # the term has 10 service days: S1 Sep 8/10 × 600 = 480.00, Oct the rest of 600 = 120.00
    assert got[(S1, SEP)][1:] == money("480.00", "0.00", "480.00")
    assert got[(S1, OCT)][1:] == money("120.00", "0.00", "120.00")
    assert got[(S2, SEP)][1] == Y("300.00") and got[(S2, OCT)][1] == Y("60.00")  # 5/10, then 6/10 in all
    assert got[(S3, SEP)][1:] == money("240.00", "120.00", "120.00")
    assert got[(S4, OCT)][1:] == money("60.00", "0.00", "60.00")


def test_by_term_cumulative_rounding_adds_up_to_the_term_fee(tmp_path: Path, base_settings: Settings):
    """Tuesdays only, 2025-09-30 .. 2025-11-04, with 10/21 and 10/28 停课: one service day in each of
    September (9/30), October (10/14; 10/7 is a holiday) and November (11/4). 100 元 a term, 1/3
    a month: rounding each month alone gives 33.33 × 3 = 99.99; cumulative rounding gives
    33.33, 66.67 − 33.33 = 33.34, 100.00 − 66.67 = 33.33. Waiver 0.5, also cumulative:
    16.665 → 16.67, 33.335 → 33.34 (+16.67), 50.00 (+16.66)."""
    settings = dataclasses.replace(base_settings, term_start=D(2025, 9, 30), term_end=D(2025, 11, 4),
                                   service_weekdays=(1,), seasons=(Season("秋季", D(2025, 9, 1), "16:30", "18:00"),),
                                   fee=FeeRule("按学期", Y(100), "按报名", (("留守儿童", Y("0.5")),)))
    write_xlsx(tmp_path / "calendar.xlsx", [["日期", "类型", "按周几课表", "说明"],
                                            ["2025-10-21", "停课", "", "运动会"], ["2025-10-28", "停课", "", "期中"]])
    calendar = build_term_calendar(settings, load_input("calendar", tmp_path / "calendar.xlsx").frame)
    assert calendar.count_by_month().to_dict() == {"2025-09": 1, "2025-10": 1, "2025-11": 1}
    part = pd.DataFrame({sc.STUDENT_ID: ["X1"], sc.NAME: ["测试"], sc.GRADE: [3], sc.CLASS: [1], sc.WEEKDAYS_COL: ["周二"],
                         sc.LEFT_BEHIND: [True]})
    ledger = fees.plan_fees(settings, calendar, part).ledger
    assert list(ledger.rows[fees.DUE]) == list(money("33.33", "33.34", "33.33"))
    assert list(ledger.rows[fees.WAIVED]) == list(money("16.67", "16.67", "16.66"))
    assert list(ledger.rows[fees.PAID]) == list(money("16.66", "16.67", "16.67"))
    assert ledger.totals()[fees.DUE] == Y("100.00") and ledger.totals()[fees.PAID] == Y("50.00")


# --- 免费 and 学期末 ---------------------------------------------------------------------------------

def test_free_lists_every_student_and_month_with_periods_and_zero_amounts(term: Term):
    ledger = plan(term, "免费", "0").ledger
    got = amounts(ledger)
    assert set(got) == set(amounts(plan(term).ledger))
    assert got[(S1, SEP)] == (7, *money("0.00", "0.00", "0.00"))
    assert all(v == Y("0.00") for c in fees.MONEY_COLUMNS for v in ledger.rows[c])


def test_term_end_settlement_refunds_or_tops_up_once(term: Term):
    ledger = plan(term, extra=((fees.CYCLE, "学期末"),)).ledger
    term_rows = ledger.term.set_index(sc.STUDENT_ID)
    # prepaid at term start by enrolment from 开始日期 to the term's end (退出日期 not yet known):
    # S1 10 days × 2 × 3.5 = 70.00; actual 24.50 + 3.50 = 28.00 → 42.00 back
    assert term_rows.loc[S1, [fees.PREPAID, fees.TERM_PAID, fees.REFUND, fees.TOP_UP]].tolist() == list(
        money("70.00", "28.00", "42.00", "0.00"))
    # S3: 10 days prepaid, half waived: 35.00; actual 7.00 → 28.00 back
    assert term_rows.loc[S3, [fees.PREPAID, fees.REFUND]].tolist() == list(money("35.00", "28.00"))
    assert term_rows.loc[S2, fees.PREPAID] == Y("0.00")  # fully waived
    for _, row in term_rows.iterrows():
        assert row[fees.PREPAID] - row[fees.REFUND] + row[fees.TOP_UP] == row[fees.TERM_PAID]


def test_no_attendance_yet_still_lists_every_enrolled_student(term: Term):
    """Before the first attendance comes in (an optional input): 按报名 bills, 按出勤 lists zeros."""
    empty = term.attendance.iloc[0:0]
    for attendance in (None, empty):
        settings = dataclasses.replace(term.settings, fee=FeeRule("按课时", Y("3.5"), "按报名", WAIVERS))
        got = amounts(fees.plan_fees(settings, term.calendar, term.taking_part, attendance).ledger)
        assert got[(S1, SEP)] == (16, *money("56.00", "0.00", "56.00"))
        zero = amounts(fees.plan_fees(term.settings, term.calendar, term.taking_part, attendance).ledger)
        assert set(zero) == set(got) and zero[(S1, SEP)] == (0, *money("0.00", "0.00", "0.00"))


# --- waivers and totals ---------------------------------------------------------------------------

def test_the_largest_waiver_share_applies_never_the_sum(term: Term, base_settings: Settings):
    enrolled, _ = fees.enrolment(term.taking_part, base_settings)
    shares = dict(zip(enrolled[sc.STUDENT_ID], enrolled[fees.WAIVER_SHARE]))
    assert shares[S3] == Y("0.5") and shares[S2] == Y("1.0") and shares[S1] == Y(0)


def test_totals_by_class_and_month_reconcile_exactly(term: Term):
    for mode, standard, settlement in (("按课时", "3.5", "按出勤"), ("按月", "199.99", "按出勤"), ("按学期", "777.77", "按报名")):
        ledger = plan(term, mode, standard, settlement).ledger
        rows = ledger.rows
        by_class = fees.class_month_totals(ledger)
        classes = by_class[by_class[sc.CLASS_NAME] != fees.TOTAL_LABEL]
        for column in fees.MONEY_COLUMNS:
            assert fees.money_sum(classes[column]) == fees.money_sum(rows[column])
            for month in (SEP, OCT):
                in_month = classes[classes[sc.MONTH] == month]
                total = by_class[(by_class[sc.CLASS_NAME] == fees.TOTAL_LABEL) & (by_class[sc.MONTH] == month)]
                assert fees.money_sum(in_month[column]) == total[column].iloc[0] == fees.money_sum(rows.loc[rows[sc.MONTH] == month, column])
        assert all(d - w == p for d, w, p in zip(rows[fees.DUE], rows[fees.WAIVED], rows[fees.PAID]))
        assert all(v == v.quantize(Y("0.01")) and v >= 0 for c in fees.MONEY_COLUMNS for v in rows[c])
        months = fees.month_totals(ledger).set_index(sc.MONTH)
        assert months.at[fees.TOTAL_LABEL, fees.PAID] == ledger.totals()[fees.PAID]
        assert list(rows[[sc.STUDENT_ID, sc.MONTH]].itertuples(index=False)) == sorted(rows[[sc.STUDENT_ID, sc.MONTH]].itertuples(index=False))


def test_same_inputs_same_ledger(term: Term):
    first, second = plan(term).ledger.rows, plan(term).ledger.rows
    pd.testing.assert_frame_equal(first, second)


# --- settings ---------------------------------------------------------------------------------------

def test_city_variants_are_read_from_the_settings_file(tmp_path: Path):
    """The 收费 block's further keys, written in settings.yaml as a teacher would, reach fee_options."""
    text = TEMPLATE.read_text(encoding="utf-8")
    for key, value in (("退费规则", "整月半月"), ("结算周期", "学期末"), ("按签退时间计课时", "否"),
                       ("财政补助", "{每生每月: 20}"), ("收费依据", "某市发改委〔2023〕12号")):
        text = re.sub(rf"(?m)^  {key}: \S+", f"  {key}: {value}", text, count=1)
    text = text.replace("方式: 按课时", "方式: 按月")
    (tmp_path / "settings.yaml").write_text(text, encoding="utf-8")
    settings, problems = load_settings(tmp_path / "settings.yaml")
    assert settings is not None, problems
    options, found = fees.fee_options(settings)
    assert not found
    assert options == fees.FeeOptions(fees.REFUND_HALF_MONTH, fees.CYCLE_TERM_END, False, Y(20), Y(0), "某市发改委〔2023〕12号")


def test_bad_city_variants_are_chinese_problems_and_defaults_stand(base_settings: Settings):
    rule = FeeRule("按月", Y(200), "按出勤", (), (("退费规则", "随便"), ("财政补助", "很多"), ("结算周期", "每月"),
                                                ("退款方式", "现金")))
    options, problems = fees.fee_options(dataclasses.replace(base_settings, fee=rule))
    assert options.refund_rule == fees.REFUND_BY_DAY and options.cycle == fees.CYCLE_MONTHLY  # 每月 is an alias
    by_column = {p.column: p for p in problems}
    assert by_column["收费.退费规则"].is_error and "按天折算" in by_column["收费.退费规则"].fix
    assert by_column["收费.财政补助"].is_error and by_column["收费.财政补助"].value == "很多"
    assert not by_column["收费.退款方式"].is_error  # an unknown key: a warning, not used


# --- the 2027 spring term from the school calendar ---------------------------------------------------

def test_a_2027_term_is_billed_from_the_school_calendar(tmp_path: Path, base_settings: Settings):
    """2027-03-29 .. 2027-04-11. The holiday package may not know 2027, so the school calendar says:
    4/5 清明节 放假, 4/10 (Saturday) 调休上课 following Monday's timetable.
    March: 29, 30, 31 = 3 days; April: 1, 2, 6, 7, 8, 9, 10 (Saturday) = 7 days."""
    settings = dataclasses.replace(base_settings, term_name="2026-2027学年第二学期", term_start=D(2027, 3, 29),
                                   term_end=D(2027, 4, 11), seasons=(Season("春季", D(2027, 3, 1), "16:30", "18:00"),))
    write_xlsx(tmp_path / "calendar.xlsx", [["日期", "类型", "按周几课表", "说明"],
                                            [dt.datetime(2027, 4, 5), "放假", "", "清明节"],
                                            [dt.datetime(2027, 4, 10), "调休上课", "周一", "清明节调休"]])
    write_csv(tmp_path / "attendance.csv", [["日期", "学号", "状态", "签退时间"],
                                            ["2027-04-05", "M1", "出勤", "18:00"],  # row 2: 清明节
                                            ["2027-04-10", "M1", "出勤", "18:00"],  # row 3: the 调休 Saturday
                                            ["2027-03-29", "M1", "出勤", "18:00"]])  # row 4
    calendar = build_term_calendar(settings, load_input("calendar", tmp_path / "calendar.xlsx").frame)
    if D(2027, 1, 1).year in calendar.uncovered_years:
        assert any("2027年" in p.message for p in calendar.problems)
    assert calendar.count_by_month().to_dict() == {"2027-03": 3, "2027-04": 7}
    part = pd.DataFrame({sc.STUDENT_ID: ["M1", "A1"], sc.NAME: ["周一生", "全勤生"], sc.GRADE: [2, 2], sc.CLASS: [1, 1],
                         sc.WEEKDAYS_COL: ["周一", ""]})
    attendance = load_input("attendance", tmp_path / "attendance.csv").frame
    by_enrolment = fees.plan_fees(dataclasses.replace(settings, fee=FeeRule("按课时", Y("3.5"), "按报名")),
                                  calendar, part, attendance)
    got = amounts(by_enrolment.ledger)
    # M1 (周一 only): 3/29 in March; in April 4/5 is a holiday and 4/10 runs Monday's timetable: 1 day each
    assert got[("M1", "2027-03")] == (2, *money("7.00", "0.00", "7.00"))
    assert got[("M1", "2027-04")] == (2, *money("7.00", "0.00", "7.00"))
    # A1 (every day): 3 × 2 × 3.5 = 21.00 and 7 × 2 × 3.5 = 49.00
    assert got[("A1", "2027-03")][1] == Y("21.00") and got[("A1", "2027-04")][1] == Y("49.00")
    by_attendance = fees.plan_fees(settings, calendar, part, attendance)
    got = amounts(by_attendance.ledger)
    assert got[("M1", "2027-03")][0] == 2 and got[("M1", "2027-04")][0] == 2  # 3/29 and the Saturday, not 4/5
    holiday = next(p for p in by_attendance.attendance.problems if 2 in p.rows)
    assert holiday.value == "2027-04-05" and "放假" in holiday.message


# --- budget -----------------------------------------------------------------------------------------

def test_budget_refuses_utilities_and_balances_by_month(term: Term, folder: Path):
    write_xlsx(folder / "expenses.xlsx", [
        ["项目", "类别", "金额", "月份", "活动编号", "说明"],
        ["美术社团画纸颜料", "耗材", 1200.5, "2025-09", "A05", ""],  # row 2
        ["教学楼水电费", "其他", "500", "2025-09", "", "课后服务时段用电"],  # row 3: refused
        ["学生意外险", "保险", "300元", "", "", ""],  # row 4: no month: 8:2 over Sep and Oct
        ["作业本", "材料费", "88.8", "10月", "", ""],  # row 5: 材料费 is 耗材; 10月 is 2025-10
        ["礼堂场地使用费", "场地", "1000", "2025-10", "", ""],  # row 6: refused
    ])
    expenses = load_input("expenses", folder / "expenses.xlsx").frame
    subsidies = pd.DataFrame({"工号": ["T001", "T001", "T002"], "月份": [SEP, OCT, SEP],
                              "补助金额": [Y("120.00"), Y("30.00"), Y("60.00")]})
    result = plan(term, extra=((fees.PUBLIC_FUNDS, {"每生每月": 10}),), subsidies=subsidies, expenses=expenses,
                  expenses_file="expenses.xlsx")
    spent = result.budget
    assert set(spent.refused[sc.EXCEL_ROW]) == {3, 6}
    refusal = next(p for p in spent.problems if p.row == 3)
    assert refusal.severity is Severity.WARNING and "未列入支出" in refusal.message  # refused; planning goes on
    assert refusal.file == "expenses.xlsx" and refusal.column == sc.ITEM
    assert refusal.value == "教学楼水电费" and "水电" in refusal.message and "不得" in refusal.message
    assert "公用" in refusal.fix
    venue = next(p for p in spent.problems if p.row == 6)
    assert "场地使用" in venue.message
    by_month = spent.by_month.set_index(sc.MONTH)
    # income: 实收 Sep 24.50 + 7.00 = 31.50, Oct 3.50 + 3.50 = 7.00; 财政补助 10 × 4 students each month
    assert by_month.loc[SEP, [fees.FEE_INCOME, fees.PUBLIC_INCOME]].tolist() == list(money("31.50", "40.00"))
    assert by_month.loc[OCT, [fees.FEE_INCOME, fees.PUBLIC_INCOME]].tolist() == list(money("7.00", "40.00"))
    # spending Sep: subsidies 180.00, consumables 1200.50, insurance 300 × 8/10 = 240.00 → 1620.50
    assert by_month.loc[SEP, [fees.STAFF_SUBSIDY, fees.CONSUMABLES, fees.INSURANCE, fees.SPENDING_TOTAL]].tolist() == list(
        money("180.00", "1200.50", "240.00", "1620.50"))
    # Oct: subsidies 30.00, consumables 88.80, insurance 60.00 → 178.80
    assert by_month.loc[OCT, fees.SPENDING_TOTAL] == Y("178.80")
    assert by_month.loc[SEP, fees.BALANCE] == Y("71.50") - Y("1620.50")
    assert by_month.loc[OCT, fees.RUNNING_BALANCE] == by_month.loc[SEP, fees.BALANCE] + by_month.loc[OCT, fees.BALANCE]
    assert by_month.loc[fees.TOTAL_LABEL, fees.BALANCE] == spent.balance == by_month.loc[OCT, fees.RUNNING_BALANCE]
    consumables = dict(zip(spent.consumables[sc.ACTIVITY_ID], spent.consumables[sc.AMOUNT]))
    assert consumables == {"A05": Y("1200.50"), fees.SHARED_CONSUMABLES: Y("88.80")}
    paths = fee_files.write_fee_files(folder / "输出", result, term.settings)
    budget_book = openpyxl.load_workbook(paths[3])
    assert budget_book.sheetnames[:4] == ["收支汇总", "收支明细", "耗材按活动", "未列支"]
    refused_sheet = budget_book["未列支"]
    assert [c.value for c in refused_sheet[1]] == list(fees.REFUSED_COLUMNS)
    assert {refused_sheet.cell(row=r, column=1).value for r in (2, 3)} == {3, 6}


# --- what-if --------------------------------------------------------------------------------------

def test_what_if_uses_the_ledger_logic(term: Term):
    result = plan(term)
    same = fees.what_if(result.basis, dataclasses.replace(term.settings, fee=result.ledger.rule))
    pd.testing.assert_frame_equal(same.ledger.rows, result.ledger.rows)
    dearer = fees.what_if(result.basis, dataclasses.replace(term.settings, fee=result.ledger.rule),
                          standard="4", periods_per_day=3, waiver_share="0.5")
    rows = dearer.by_month.set_index(sc.MONTH)
    # a student present on every service day, no waiver: Sep 8 days × 3 × 4 = 96.00, Oct 2 × 3 × 4 = 24.00
    assert rows.at[SEP, fees.FULL_TIME_PAID] == Y("96.00") and rows.at[OCT, fees.FULL_TIME_PAID] == Y("24.00")
    got = amounts(dearer.ledger)
    # S1 Sep with 3 课时 a day (each 30 minutes): 9/22 3, 9/23 (17:10: 40 min → 2), 9/26 3, 9/28 (17:50 → 3) = 11
    assert got[(S1, SEP)] == (11, *money("44.00", "0.00", "44.00"))
    # S2 困难家庭 now waived half: 4 days × 3 × 4 = 48.00, 24.00 waived
    assert got[(S2, SEP)] == (12, *money("48.00", "24.00", "24.00"))
    assert rows.at[SEP, fees.FEE_INCOME] == fees.money_sum(dearer.ledger.rows.loc[dearer.ledger.rows[sc.MONTH] == SEP, fees.PAID])
    assert rows.at[SEP, fees.BALANCE] == rows.at[SEP, fees.INCOME_TOTAL] - rows.at[SEP, fees.SPENDING_TOTAL]
    # a school waiving nobody tries waiving 困难家庭 in full: S2 pays nothing
    no_waivers = dataclasses.replace(term.settings, fee=FeeRule("按课时", Y("3.5"), "按出勤"))
    base = fees.plan_fees(no_waivers, term.calendar, term.taking_part, term.attendance).basis
    tried = amounts(fees.what_if(base, no_waivers, waiver_share=1).ledger)
    assert tried[(S2, SEP)] == (8, *money("28.00", "28.00", "0.00")) and tried[(S1, SEP)][2] == Y("0.00")
    # staff pay that follows the length of the day
    paid = fees.what_if(result.basis, term.settings, periods_per_day=3,
                        subsidies=lambda n: pd.DataFrame({"工号": ["T1"], "月份": [SEP], "补助金额": [Y(30 * n)]}))
    assert paid.by_month.set_index(sc.MONTH).at[SEP, fees.SPENDING_TOTAL] == Y("90.00")


# --- workbooks --------------------------------------------------------------------------------------

def test_ledger_workbook_first_sheet_has_the_contract_columns_first(term: Term, tmp_path: Path):
    result = plan(term)
    path = fee_files.write_ledger(tmp_path / "收费台账.xlsx", result.ledger, result.attendance, result.problems)
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header[:6] == ["学号", "月份", "课时数", "应收金额", "减免金额", "实收金额"]
    assert header[6:9] == ["姓名", "班级名称", "减免原因"]
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    assert len(rows) == len(result.ledger.rows)
    first = rows[0]
    assert first[:2] == [S1, SEP] and first[2] == 7 and Y(str(first[3])) == Y("24.50")
    assert sheet.cell(row=2, column=4).number_format == "#,##0.00"
    assert sum(Y(str(r[5])) for r in rows) == result.ledger.totals()[fees.PAID]
    assert fee_files.ledger_bytes(result.ledger, result.attendance, result.problems) == path.read_bytes()


def test_class_collection_sheets_one_per_class(term: Term, tmp_path: Path):
    ledger = plan(term).ledger
    path = fee_files.write_collection(tmp_path / "班级收费表.xlsx", ledger, "测试小学", month=SEP)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["三年级1班", "三年级2班", "四年级1班"]
    sheet = book["三年级1班"]
    assert "三年级1班" in sheet["A1"].value
    assert [c.value for c in sheet[3]][:7] == ["序号", "学号", "姓名", "课时数", "应收金额", "减免金额", "实收金额"]
    assert [sheet.cell(row=r, column=2).value for r in (4, 5)] == [S1, S2]
    whole = fees.collection_sheets(ledger)
    assert f"{SEP} 实收金额" in whole["三年级1班"] and "合计实收金额" in whole["三年级1班"]


def test_public_notice_has_no_student_ids_names_or_phones(term: Term, tmp_path: Path):
    result = plan(term)
    path = fee_files.write_notice(tmp_path / "收费公示.xlsx", result.ledger, term.settings, result.budget)
    book = openpyxl.load_workbook(path)
    cells = [str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value is not None]
    text = "\n".join(cells)
    assert "学号" not in text and "联系电话" not in text
    for sid in (S1, S2, S3, S4, S5, S6):
        assert sid not in text
    for phone in PHONES:
        assert phone not in text and phone[-4:] not in text
    for name in NAMES:
        assert name not in text
    assert "每生每课时 3.50 元" in text and "困难家庭全免" in text and "水电" in text
    totals = fees.public_notice(result.ledger, term.settings)["各班收费汇总"]
    assert fees.WAIVED_COUNT not in totals  # how many children a class waives would point at them
    assert fees.WAIVED not in totals and fees.PAID not in totals  # nor what one waived family is excused


def test_attendance_sheets_from_care_groups_load_as_attendance(term: Term, tmp_path: Path):
    enrolled, _ = fees.enrolment(term.taking_part, term.settings)
    members = pd.DataFrame({
        "星期": ["周一", "周三", "周三", "周五", "周一", "周二", "周三", "周四", "周五"],
        "组别": ["三年级1组"] * 9,
        sc.STUDENT_ID: [S2, S2, S1, S2, S1, S1, S3, S3, S3],
        sc.NAME: [NAMES[1], NAMES[1], NAMES[0], NAMES[1], NAMES[0], NAMES[0], NAMES[2], NAMES[2], NAMES[2]],
        sc.GRADE: [3] * 9, sc.CLASS_NAME: ["三年级1班"] * 6 + ["三年级2班"] * 3,
    })
    sheets = fees.attendance_sheets(members, term.calendar, enrolled, months=[SEP])
    assert list(sheets) == ["三年级1班", "三年级2班"]
    class_1 = sheets["三年级1班"]
    assert tuple(class_1.columns[:len(ATTENDANCE_HEADER)]) == ATTENDANCE_HEADER
    sunday = class_1[class_1[sc.DATE] == pd.Timestamp(2025, 9, 28)]  # the 调休 Sunday lists Wednesday's group
    assert sunday[sc.STUDENT_ID].tolist() == [S1, S2]
    # S3 is in a group on 周三, 周四, 周五: 9/24 and 9/25; 9/26 and the Sunday 9/28 come after S3 left
    assert sorted(sheets["三年级2班"][sc.DATE].dt.day) == [24, 25]
    path = fee_files.write_attendance_sheets(tmp_path / "考勤表.xlsx", sheets, "测试小学")
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    sheet.cell(row=4, column=4, value="出勤")  # the teacher fills the first row
    book.save(tmp_path / "填好的考勤表.xlsx")
    loaded = load_input("attendance", tmp_path / "填好的考勤表.xlsx")
    assert len(loaded.frame) == 1 and loaded.frame[sc.STUDENT_ID].iloc[0] == class_1[sc.STUDENT_ID].iloc[0]


ATTENDANCE_HEADER = tuple(c.name for c in sc.ATTENDANCE.columns)


# --- the sample school ---------------------------------------------------------------------------

def test_the_sample_school_settles_and_accounts_for_every_attendance_row():
    from afterschool_lib.paths import data_templates_dir
    from afterschool_lib.validate import check_folder

    sample = data_templates_dir() / "sample"
    check = check_folder(sample)
    people = read_participants(sample, check.frame("students"), check.frame("survey"), check.frame("activities"),
                               check.settings.service_weekdays)
    result = fees.plan_fees(check.settings, check.calendar, people.taking_part, check.frame("attendance"),
                            students=check.frame("students"), activities=check.frame("activities"))
    assert len(result.attendance.accounting) == len(check.frame("attendance"))
    assert result.ledger.rows[sc.STUDENT_ID].nunique() == len(people.taking_part)
    months = fees.month_totals(result.ledger).set_index(sc.MONTH)
    assert months.at[fees.TOTAL_LABEL, fees.PAID] == fees.money_sum(result.ledger.rows[fees.PAID])


def test_a_large_balance_is_pointed_out(term: Term):
    """Fees cover subsidies and consumables: a term that keeps most of its income is told so."""
    unspent = plan(term).budget
    (note,) = [p for p in unspent.problems if p.file == "经费收支"]
    assert note.severity is Severity.WARNING and "结余" in note.message and "测算" in note.fix
    income = unspent.by_month.iloc[-1][fees.INCOME_TOTAL]
    staff = pd.DataFrame({"工号": ["T001"], "月份": [SEP], "补助金额": [income]})  # everything paid out
    assert not [p for p in plan(term, subsidies=staff).budget.problems if p.file == "经费收支"]
