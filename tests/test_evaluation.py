"""Step 05, 期末评价: every figure worked out by hand on a small term, then the sample school's
report written, read back and compared term over term through the CLI.

The small term (hand-made frames, as the loaders and earlier steps return them):

- Six students: S1 一年级1班, S2 and S3 三年级1班, S4, S5 and S6 四年级2班. S1–S5 applied and were
  admitted; S6 applied not to take part.
- Timetable: Mon 2025-09-22, Wed 09-24, Sun 09-28 (a 调休 school day following Wednesday's
  timetable) and Mon 09-29: two Mondays and two Wednesdays.
- Care groups: 一年级1组 (S1), 三年级1组 (S2, S3), 四年级1组 (S4, S5 on Monday, S4 alone on Wednesday,
  when S5 is in club A01 合唱).
- Attendance, 13 rows (8 出勤, 3 缺勤, 2 请假); S4 is never present, so 4 of the 5 applicants took part.
- Satisfaction: 4 student sheets, 3 parent sheets and 2 teacher sheets that answered nothing.

The sample school's full evaluation takes a while (most of it solving the roster), so it is done
once per module: the roster is solved once and saved the way step 03 saves it, the evaluation is
computed and written, and the CLI evaluates the same term again with that report as last term's.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import math
import posixpath
import re
import shutil
import xml.etree.ElementTree as ET
import zipfile
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pandas as pd
import pytest

from afterschool_lib import cli
from afterschool_lib import evaluation as ev
from afterschool_lib import evaluation_files as ef
from afterschool_lib import schema as sc
from afterschool_lib import staffing as sf
from afterschool_lib.loaders import load_input
from afterschool_lib.paths import sample_dir
from afterschool_lib.problems import Severity
from afterschool_lib.roster_files import ROSTER_FILE, write_roster
from afterschool_lib.settings import load_settings
from afterschool_lib.survey import MATCHED_BY
from afterschool_lib.term_state import load_term_evaluation, load_term_groups, solve_roster
from afterschool_lib.validate import check_folder

from .conftest import write_csv, write_xlsx

TEMPLATE = Path(__file__).resolve().parent.parent / "data_templates" / "settings.yaml"
D = dt.date
Y = Decimal
Q1, Q2, Q3 = "作业辅导满意度", "社团活动满意度", "安全管理满意度"
MON, WED = "周一", "周三"


# =================================================================================================
# The small term
# =================================================================================================

# (身份, 年级, 班级, Q1, Q2, Q3) as typed on the sheets; Q3 nobody answered.
SHEETS = [
    ("学生", 3, 1, "满意度：满意", 5, None),  # 满意, 非常满意
    ("学生", 3, 1, "很满意", None, None),  # 非常满意
    ("学生", 4, 2, " 满意 ", "不满意", None),  # 满意, 不满意
    ("学生", 4, 2, "一般", "A.非常满意", None),  # 一般, 非常满意
    ("家长", 3, 1, "满意", "一般", None),
    ("家长", 4, 2, "非常不满意", 4, None),  # 非常不满意, 满意
    ("家长", 3, 1, "比较满意", "2", None),  # 满意, 不满意
    ("教师", None, None, None, None, None),
    ("教师", None, None, None, None, None),
]
# By hand. 学生: Q1 满意, 非常满意, 满意, 一般 (3 of 4); Q2 非常满意, 不满意, 非常满意 (2 of 3): 5 of 7.
# 家长: Q1 满意, 非常不满意, 满意 (2 of 3); Q2 一般, 满意, 不满意 (1 of 3): 3 of 6. 教师: nothing.


def answers_frame(sheets=SHEETS) -> pd.DataFrame:
    """The satisfaction input as the loader returns it: 行号, 身份, 年级, 班级, 意见建议, questions."""
    frame = pd.DataFrame({
        sc.EXCEL_ROW: pd.array(range(2, len(sheets) + 2), dtype="Int64"),
        sc.RESPONDENT: [s[0] for s in sheets],
        sc.GRADE: pd.array([s[1] for s in sheets], dtype="Int64"),
        sc.CLASS: pd.array([s[2] for s in sheets], dtype="Int64"),
        sc.COMMENTS: [None] * len(sheets),
    })
    for j, question in enumerate((Q1, Q2, Q3)):
        frame[question] = pd.Series([s[3 + j] for s in sheets], dtype=object)
    return frame


STUDENTS = [("S1", 1, 1), ("S2", 3, 1), ("S3", 3, 1), ("S4", 4, 2), ("S5", 4, 2), ("S6", 4, 2)]
TIMETABLE = [(D(2025, 9, 22), 0), (D(2025, 9, 24), 2), (D(2025, 9, 28), 2), (D(2025, 9, 29), 0)]
CARE = [(MON, "S1", "一年级1组"), (WED, "S1", "一年级1组"), (MON, "S2", "三年级1组"), (WED, "S2", "三年级1组"),
        (MON, "S3", "三年级1组"), (WED, "S3", "三年级1组"), (MON, "S4", "四年级1组"), (WED, "S4", "四年级1组"),
        (MON, "S5", "四年级1组")]
HW = sc.HOMEWORK_ITEM
ATTENDANCE = [  # (日期, 学号, 项目, 状态, 作业完成)
    (D(2025, 9, 22), "S1", HW, "出勤", None),  # 一年级: no written homework
    (D(2025, 9, 22), "S2", HW, "出勤", "完成"),
    (D(2025, 9, 22), "S3", HW, "出勤", "未完成"),
    (D(2025, 9, 22), "S4", HW, "缺勤", None),
    (D(2025, 9, 22), "S5", None, "出勤", "完成"),  # a blank 项目 is 作业辅导
    (D(2025, 9, 24), "S1", HW, "出勤", None),
    (D(2025, 9, 24), "S2", HW, "出勤", "完成"),
    (D(2025, 9, 24), "S3", HW, "请假", None),
    (D(2025, 9, 24), "S4", HW, "请假", None),
    (D(2025, 9, 24), "S5", "A01", "出勤", None),
    (D(2025, 9, 28), "S2", HW, "出勤", "未完成"),  # the 调休 Sunday, Wednesday's timetable
    (D(2025, 9, 28), "S4", HW, "缺勤", "完成"),  # absent: its 作业完成 is not counted
    (D(2025, 9, 28), "S5", "A01", "缺勤", None),
]


def students_frame() -> pd.DataFrame:
    return pd.DataFrame({sc.STUDENT_ID: [s[0] for s in STUDENTS], sc.NAME: ["甲", "乙", "丙", "丁", "戊", "己"],
                         sc.GRADE: pd.array([s[1] for s in STUDENTS], dtype="Int64"),
                         sc.CLASS: pd.array([s[2] for s in STUDENTS], dtype="Int64")})


def applications_frame() -> pd.DataFrame:
    return pd.DataFrame({sc.STUDENT_ID: ["S1", "S2", "S3", "S4", "S5", "S6", "S9"],
                         sc.JOIN: pd.array([True, True, True, True, True, False, True], dtype="boolean"),
                         MATCHED_BY: ["学号"] * 6 + ["未匹配"]})


def taking_part_frame() -> pd.DataFrame:
    # S5 asked for A01 and got it; S2 and S4 asked only for clubs they did not get; S1 and S3 asked nothing
    return pd.DataFrame({sc.STUDENT_ID: ["S1", "S2", "S3", "S4", "S5"],
                         sc.CHOICE_1: [None, "A02", None, "A02", "A01"],
                         sc.CHOICE_2: [None, "A01", " ", None, None],
                         sc.CHOICE_3: [None, None, None, None, None]})


def placements_frame() -> pd.DataFrame:
    return pd.DataFrame({sc.STUDENT_ID: ["S5"], sc.ACTIVITY_ID: ["A01"]})


def clubs_frame() -> pd.DataFrame:
    return pd.DataFrame({sc.ACTIVITY_ID: ["A01", "A02"], sc.ACTIVITY_NAME: ["合唱", "足球"], sc.CATEGORY: ["艺术", "体育"],
                         "已分配": [1, 0], "状态": ["开班", "取消（不足开班最低人数）"]})


def timetable_frame() -> pd.DataFrame:
    return pd.DataFrame({sc.DATE: [d for d, _ in TIMETABLE], sc.MONTH: [d.strftime("%Y-%m") for d, _ in TIMETABLE],
                         "weekday": [w for _, w in TIMETABLE]})


def care_frame() -> pd.DataFrame:
    return pd.DataFrame({"星期": [c[0] for c in CARE], sc.STUDENT_ID: [c[1] for c in CARE], "组别": [c[2] for c in CARE]})


def attendance_frame() -> pd.DataFrame:
    return pd.DataFrame({sc.EXCEL_ROW: pd.array(range(2, len(ATTENDANCE) + 2), dtype="Int64"),
                         sc.DATE: [a[0] for a in ATTENDANCE], sc.STUDENT_ID: [a[1] for a in ATTENDANCE],
                         sc.ITEM: [a[2] for a in ATTENDANCE], sc.STATUS: [a[3] for a in ATTENDANCE],
                         sc.HOMEWORK_DONE: [a[4] for a in ATTENDANCE]})


def staff_frame() -> pd.DataFrame:
    rows = [("T01", "林老师", "在职教师", "已完成", None), ("T02", "周老师", "在职教师", "未完成", None),
            ("T03", "吴老师", "退休教师", "已完成", "通过"), ("V01", "郑阿姨", "志愿者", "未完成", "通过"),
            ("V02", "冯叔叔", "家长义工", "已完成", "未通过")]
    return pd.DataFrame(rows, columns=[sc.STAFF_ID, sc.NAME, sc.STAFF_TYPE, sc.SAFETY_TRAINING, sc.VETTING])


def duties_frame() -> pd.DataFrame:
    """The weekly roster: T01 leads 三年级1组 Mon and Wed, T02 is on 值班 only, T03 leads club A01
    on Wed, V01 leads 四年级1组 on Mon, V02 leads 一年级1组 Mon and Wed."""
    rows = [(MON, "三年级1组", "T01", "负责"), (WED, "三年级1组", "T01", "负责"), (MON, "值班", "T02", "值班"),
            (WED, "值班", "T02", "值班"), (WED, "A01", "T03", "负责"), (MON, "四年级1组", "V01", "负责"),
            (MON, "一年级1组", "V02", "负责"), (WED, "一年级1组", "V02", "负责")]
    info = staff_frame().set_index(sc.STAFF_ID)
    frame = pd.DataFrame(rows, columns=[sf.WEEKDAY, sf.GROUP, sc.STAFF_ID, sf.ROLE])
    frame[sc.NAME] = [info.at[s, sc.NAME] for s in frame[sc.STAFF_ID]]
    frame[sc.STAFF_TYPE] = [info.at[s, sc.STAFF_TYPE] for s in frame[sc.STAFF_ID]]
    return frame


def incidents_frame() -> pd.DataFrame:
    return pd.DataFrame({sc.DATE: [D(2025, 9, 24), D(2025, 9, 28)], sc.STUDENT_ID: ["S2", "S5"],
                         sc.INCIDENT_TYPE: ["意外伤害", "走失"], sc.LEVEL: ["一般", "较重"],
                         sc.HANDLING: ["校医处理，已电话通知家长 13800001234", "十分钟后在操场找到"]})


def grouped_rows() -> pd.DataFrame:
    """The small term's attendance with 组别 and 星期, and the students' classes: what evaluate builds."""
    rows = ev.group_of_each_row(ev.counted_attendance(attendance_frame()), timetable_frame(), care_frame(),
                                {"A01": "合唱", "A02": "足球"})
    return ev.with_class_name(rows, students_frame())


TARGETS = (("参与率", Y("0.95")), ("学生满意度", Y("0.70")), ("家长满意度", Y("0.85")), ("教师满意度", Y("0.80")),
           ("安全事故", Y("0")), ("活动数量", Y("30")), ("校内完成作业", Y("0.6")))
RULE = ev.CommendationRule(teacher_awards=1, volunteer_awards=1, min_sessions=3, min_attendance=0.6,
                           min_satisfaction=0.7)


def evaluate_small(**changes) -> ev.Evaluation:
    inputs = dict(students=students_frame(), applications=applications_frame(), taking_part=taking_part_frame(),
                  attendance=ev.counted_attendance(attendance_frame()), timetable=timetable_frame(),
                  care_members=care_frame(), clubs=clubs_frame(), placements=placements_frame(), staff=staff_frame(),
                  duties=duties_frame(), satisfaction=answers_frame(), incidents=incidents_frame(), targets=TARGETS,
                  rule=RULE, names=("甲", "乙"))
    inputs.update(changes)
    return ev.evaluate(**inputs)


@pytest.fixture(scope="module")
def small() -> ev.Evaluation:
    return evaluate_small()


def records(frame: pd.DataFrame, columns: list[str] | None = None) -> list[tuple]:
    """Rows as tuples with blanks (None, NaN, <NA>) as None, for exact comparison."""
    frame = frame if columns is None else frame[columns]
    return [tuple(None if _blank(v) else v for v in row) for row in frame.itertuples(index=False, name=None)]


def _blank(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def by_indicator(frame: pd.DataFrame) -> dict[str, dict]:
    return {r[ev.INDICATOR]: r for r in frame.to_dict("records")}


# =================================================================================================
# 1–3. Satisfaction
# =================================================================================================

def test_answers_written_differently_count_at_their_level():
    long = ev.answers_long(answers_frame())
    students = long[long[sc.RESPONDENT] == "学生"]
    assert list(students[ev.QUESTION]) == [Q1, Q1, Q1, Q1, Q2, Q2, Q2]
    assert list(students["答案"]) == ["满意", "非常满意", "满意", "一般", "非常满意", "不满意", "非常满意"]
    assert list(students[sc.GRADE]) == [3, 3, 4, 4, 3, 4, 4]
    parents = long[long[sc.RESPONDENT] == "家长"]
    assert list(parents["答案"]) == ["满意", "非常不满意", "满意", "一般", "满意", "不满意"]
    assert "教师" not in set(long[sc.RESPONDENT]), "blank answers are left out"
    assert Q3 not in set(long[ev.QUESTION])
    assert len(long) == 13


def test_satisfaction_by_respondent_gives_exact_rates_and_blank_teachers():
    table = ev.satisfaction_by_respondent(answers_frame())
    assert list(table.columns) == [sc.RESPONDENT, ev.SHEETS, ev.ANSWERS, ev.SATISFIED, ev.SATISFACTION_RATE]
    assert records(table) == [("学生", 4, 7, 5, 0.7143),  # 5/7 = 0.714285… -> 0.7143
                              ("家长", 3, 6, 3, 0.5),
                              ("教师", 2, 0, 0, None)]  # sheets returned, nothing answered: no rate


def test_satisfaction_by_question_keeps_unanswered_questions():
    table = ev.satisfaction_by_question(answers_frame())
    assert list(table.columns) == [sc.RESPONDENT, ev.QUESTION, *sc.SATISFACTION_LEVELS, ev.ANSWERS, ev.SATISFIED,
                                   ev.SATISFACTION_RATE]
    assert records(table) == [
        # 身份, 题目, 非常满意, 满意, 一般, 不满意, 非常不满意, 答题数, 满意数, 满意率
        ("学生", Q1, 1, 2, 1, 0, 0, 4, 3, 0.75),
        ("学生", Q2, 2, 0, 0, 1, 0, 3, 2, 0.6667),  # 2/3 -> 0.6667
        ("学生", Q3, 0, 0, 0, 0, 0, 0, 0, None),
        ("家长", Q1, 0, 2, 0, 0, 1, 3, 2, 0.6667),
        ("家长", Q2, 0, 1, 1, 1, 0, 3, 1, 0.3333),
        ("家长", Q3, 0, 0, 0, 0, 0, 0, 0, None),
        ("教师", Q1, 0, 0, 0, 0, 0, 0, 0, None),
        ("教师", Q2, 0, 0, 0, 0, 0, 0, 0, None),
        ("教师", Q3, 0, 0, 0, 0, 0, 0, 0, None),
    ]


def test_satisfaction_by_grade_leaves_out_who_names_no_grade():
    table = ev.satisfaction_by_grade(answers_frame())
    # 学生 3年级: 满意, 非常满意, 非常满意; 4年级: 满意, 一般, 不满意, 非常满意
    # 家长 3年级: 满意, 一般, 满意, 不满意; 4年级: 非常不满意, 满意
    assert records(table) == [("学生", "3年级", 3, 3, 1.0), ("学生", "4年级", 4, 2, 0.5),
                              ("家长", "3年级", 4, 2, 0.5), ("家长", "4年级", 2, 1, 0.5)]


def test_class_satisfaction_pools_students_and_parents_per_class():
    table = ev.class_satisfaction(answers_frame())
    # 三年级1班: students 满意, 非常满意, 非常满意 + parents 满意, 一般, 满意, 不满意 -> 5 of 7
    # 四年级2班: students 满意, 一般, 不满意, 非常满意 + parent 非常不满意, 满意 -> 3 of 6
    assert records(table, [sc.GRADE, sc.CLASS, ev.ANSWERS, ev.SATISFIED]) == [(3, 1, 7, 5), (4, 2, 6, 3)]


def test_no_answers_at_all_gives_empty_tables():
    empty = answers_frame().iloc[0:0]
    assert ev.satisfaction_by_respondent(empty).empty
    assert ev.satisfaction_by_question(empty).empty
    assert ev.satisfaction_by_grade(empty).empty


MESSY_SHEET = [
    ["身份", "年级", "班级", Q1, Q2, "意见建议", Q3],
    ["学生本人", "三年级", "1班", "满意度：满意", 5, "希望多些社团", None],
    ["学生", "三年级", "2班", "很满意", "A.非常满意", None, None],
    ["家长/监护人", "四年级", "1班", " 满意 ", "一般", "孩子很喜欢", None],
    ["家长", "4年级", "1班", "不满意", 4, None, None],
    ["老师", None, None, None, None, None, None],
    ["学生", "三年级", "1班", "满意。", 2, None, None],  # 满意。 is no level: left out, with a warning
]


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_satisfaction_rates_from_a_real_messy_file(cn_dir: Path, kind: str):
    path = cn_dir / f"satisfaction.{kind}"
    if kind == "xlsx":
        write_xlsx(path, MESSY_SHEET, title="满意度调查")
    else:
        write_csv(path, [["" if v is None else v for v in row] for row in MESSY_SHEET])  # GBK, as WPS saves it
    loaded = load_input("satisfaction", path)
    warnings = [p for p in loaded.problems if p.column == Q1]
    assert [(p.row, p.value, p.severity) for p in warnings] == [(7, "满意。", Severity.WARNING)]
    answers = loaded.frame
    # 学生: Q1 满意, 非常满意; Q2 非常满意, 非常满意, 不满意 -> 4 of 5
    # 家长: Q1 满意, 不满意; Q2 一般, 满意 -> 2 of 4; 教师: one sheet, nothing answered
    assert records(ev.satisfaction_by_respondent(answers)) == [("学生", 3, 5, 4, 0.8), ("家长", 2, 4, 2, 0.5),
                                                               ("教师", 1, 0, 0, None)]
    by_question = ev.satisfaction_by_question(answers)
    assert records(by_question, [sc.RESPONDENT, ev.QUESTION, ev.ANSWERS, ev.SATISFIED, ev.SATISFACTION_RATE]) == [
        ("学生", Q1, 2, 2, 1.0), ("学生", Q2, 3, 2, 0.6667), ("学生", Q3, 0, 0, None),
        ("家长", Q1, 2, 1, 0.5), ("家长", Q2, 2, 1, 0.5), ("家长", Q3, 0, 0, None),
        ("教师", Q1, 0, 0, None), ("教师", Q2, 0, 0, None), ("教师", Q3, 0, 0, None)]
    assert records(ev.satisfaction_by_grade(answers)) == [("学生", "3年级", 5, 4, 0.8), ("家长", "4年级", 4, 2, 0.5)]


def test_a_row_number_column_is_not_counted_as_answers(cn_dir: Path):
    rows = [["序号", "提交答卷时间", "身份", Q1]]
    rows += [[i, f"2026-01-10 10:{i:02d}:00", "家长", "满意"] for i in range(1, 41)]
    loaded = load_input("satisfaction", write_xlsx(cn_dir / "satisfaction.xlsx", rows))
    assert not [p for p in loaded.problems if p.is_error]
    table = ev.satisfaction_by_respondent(loaded.frame)
    # 40 parents, each answered the one question 满意: 40 of 40
    assert records(table) == [("家长", 40, 40, 40, 1.0)]


def test_evaluate_has_one_satisfaction_indicator_per_respondent_type(small: ev.Evaluation):
    indicators = by_indicator(small.indicators)
    assert (indicators["学生满意度"][ev.VALUE], indicators["学生满意度"][ev.NUMERATOR],
            indicators["学生满意度"][ev.DENOMINATOR]) == (0.7143, 5, 7)
    assert (indicators["家长满意度"][ev.VALUE], indicators["家长满意度"][ev.NUMERATOR],
            indicators["家长满意度"][ev.DENOMINATOR]) == (0.5, 3, 6)
    teachers = indicators["教师满意度"]  # two sheets, nothing answered: no value, and a note says why
    assert (teachers[ev.VALUE], teachers[ev.NUMERATOR], teachers[ev.DENOMINATOR]) == (None, 0, 0)
    assert "教师问卷 2 份，所有题目都没有作答，教师满意度无法计算。" in small.notes
    target = by_indicator(small.targets)["教师满意度"]
    assert (target[ev.VALUE], target[ev.TARGET], target[ev.MET], target[ev.VERDICT], target[ev.GAP]) == \
        (None, 0.8, "", "无数据", None)


def test_no_teacher_sheets_means_no_teacher_satisfaction_row():
    answers = answers_frame()
    answers = answers[answers[sc.RESPONDENT] != "教师"].reset_index(drop=True)
    targets = tuple((n, g) for n, g in TARGETS if n != "教师满意度")
    result = evaluate_small(satisfaction=answers, targets=targets)
    names = list(result.targets[ev.INDICATOR])
    assert names.count("学生满意度") == 1 and names.count("家长满意度") == 1
    assert "教师满意度" not in names
    assert list(result.satisfaction_by_respondent[sc.RESPONDENT]) == ["学生", "家长"]
    assert not [n for n in result.notes if "教师" in n]


def test_no_satisfaction_survey_at_all_is_said():
    result = evaluate_small(satisfaction=None, targets=(("学生满意度", Y("0.9")),))
    assert not [n for n in result.indicators[ev.INDICATOR] if n.endswith("满意度")]
    assert by_indicator(result.targets)["学生满意度"][ev.VERDICT] == "无数据"
    assert "没有满意度调查数据（satisfaction 表）：满意度指标无法计算。" in result.notes


# =================================================================================================
# 4. Targets
# =================================================================================================

def indicators_frame(*rows: tuple) -> pd.DataFrame:
    """(指标, 数值, 分子, 分母) rows as the evaluation lists them."""
    return pd.DataFrame([{ev.INDICATOR: n, ev.VALUE: v, ev.NUMERATOR: a, ev.DENOMINATOR: b,
                          ev.DEFINITION: ev.DEFINITIONS.get(n, "")} for n, v, a, b in rows],
                        columns=list(ev.INDICATOR_COLUMNS), dtype=object)


def test_targets_table_verdicts_gaps_and_order():
    indicators = indicators_frame(("参与率", 0.9615, 1250, 1300), ("出勤率", 0.93, 930, 1000),
                                  ("学生满意度", 0.9166, 2725, 2973), ("家长满意度", 0.8812, 3478, 3947),
                                  ("教师满意度", None, 0, 0), ("安全事故", 0, 0, None), ("活动数量", 26, 26, None))
    targets = (("安全事故", Y("0")), ("活动数量", Y("30")), ("学生满意度", Y("0.90")), ("家长满意度", Y("0.90")),
               ("教师满意度", Y("0.80")), ("志愿满足率", Y("0.9")), ("参与率", Y("0.9615")))
    table = ev.targets_table(indicators, targets)
    assert list(table.columns) == list(ev.TARGET_COLUMNS)
    assert records(table, [ev.INDICATOR, ev.VALUE, ev.TARGET, ev.MET, ev.VERDICT, ev.GAP]) == [
        ("安全事故", 0, 0, "是", "达标", 0),  # at most 0, none happened
        ("活动数量", 26, 30, "否", "未达标", -4),  # 4 short of 30
        ("学生满意度", 0.9166, 0.9, "是", "达标", 0.0166),
        ("家长满意度", 0.8812, 0.9, "否", "未达标", -0.0188),
        ("教师满意度", None, 0.8, "", "无数据", None),
        ("志愿满足率", None, 0.9, "", "无数据", None),  # a target with no indicator is still listed
        ("参与率", 0.9615, 0.9615, "是", "达标", 0.0),  # exactly on the target meets it
        ("出勤率", 0.93, None, "", "未设目标", None),  # no target: after the targeted ones
    ]
    rows = by_indicator(table)
    for name in ("安全事故", "活动数量"):  # counts stay whole numbers
        assert type(rows[name][ev.TARGET]) is int and type(rows[name][ev.GAP]) is int
    assert (rows["参与率"][ev.NUMERATOR], rows["参与率"][ev.DENOMINATOR]) == (1250, 1300)
    assert rows["志愿满足率"][ev.DEFINITION] == ev.DEFINITIONS["志愿满足率"]


def test_incidents_target_is_a_ceiling():
    table = ev.targets_table(indicators_frame(("安全事故", 2, 2, None)), (("安全事故", Y("0")),))
    assert records(table, [ev.VALUE, ev.TARGET, ev.MET, ev.VERDICT, ev.GAP]) == [(2, 0, "否", "未达标", -2)]
    table = ev.targets_table(indicators_frame(("安全事故", 1, 1, None)), (("安全事故", Y("2")),))
    assert records(table, [ev.MET, ev.VERDICT, ev.GAP]) == [("是", "达标", 1)]  # 1 under the ceiling of 2


def test_small_term_targets(small: ev.Evaluation):
    table = small.targets
    assert records(table, [ev.INDICATOR, ev.VALUE, ev.TARGET, ev.MET, ev.VERDICT, ev.GAP, ev.NUMERATOR,
                           ev.DENOMINATOR]) == [
        ("参与率", 0.8, 0.95, "否", "未达标", -0.15, 4, 5),  # S4 never present
        ("学生满意度", 0.7143, 0.7, "是", "达标", 0.0143, 5, 7),
        ("家长满意度", 0.5, 0.85, "否", "未达标", -0.35, 3, 6),
        ("教师满意度", None, 0.8, "", "无数据", None, 0, 0),
        ("安全事故", 2, 0, "否", "未达标", -2, 2, None),
        ("活动数量", 1, 30, "否", "未达标", -29, 1, None),  # A02 did not open
        ("校内完成作业", 0.6, 0.6, "是", "达标", 0.0, 3, 5),
        ("全校参与率", 0.6667, None, "", "未设目标", None, 4, 6),
        ("出勤率", 0.6154, None, "", "未设目标", None, 8, 13),  # 8/13 = 0.61538…
        ("培训覆盖率", 0.6, None, "", "未设目标", None, 3, 5),
        ("校外人员资质审核通过率", 0.6667, None, "", "未设目标", None, 2, 3),
        ("志愿满足率", 0.3333, None, "", "未设目标", None, 1, 3),
    ]


def test_a_rate_just_under_its_target_is_not_met():
    students = pd.DataFrame({sc.STUDENT_ID: [f"S{i:04d}" for i in range(1019)], sc.GRADE: [3] * 1019})
    applications = pd.DataFrame({sc.STUDENT_ID: students[sc.STUDENT_ID], sc.JOIN: [True] * 1019})
    took_part = set(students[sc.STUDENT_ID][:968])
    school = ev.participation(students, applications, took_part).iloc[-1]
    assert (school["申请且参加"], school[ev.APPLIED]) == (968, 1019)  # 968/1019 = 0.949951 < 0.95
    indicators = indicators_frame(("参与率", school[ev.RATE_OF_APPLICANTS], 968, 1019))
    row = ev.targets_table(indicators, (("参与率", Y("0.95")),)).iloc[0]
    assert (row[ev.MET], row[ev.VERDICT]) == ("否", "未达标")


def test_shown_value_and_target_text():
    assert ev.shown_value("参与率", 0.9231) == "92.3%"
    assert ev.shown_value("安全事故", 3) == "3 起"
    assert ev.shown_value("活动数量", 26) == "26 个"
    assert ev.shown_value("教师满意度", None) == "无数据"
    assert ev.target_text({ev.INDICATOR: "安全事故", ev.TARGET: 0}) == "不超过 0"
    assert ev.target_text({ev.INDICATOR: "活动数量", ev.TARGET: 30}) == "不少于 30"
    assert ev.target_text({ev.INDICATOR: "参与率", ev.TARGET: 0.95}) == "不低于 95%"


def test_targets_view_reads_as_people_write_it(small: ev.Evaluation):
    view = ev.targets_view(small.targets)
    rows = {r[0]: r[1:] for r in records(view)}
    assert rows["参与率"] == ("80.0%", "不低于 95%", "未达标", "-15.0 个百分点", "4 / 5")
    assert rows["学生满意度"] == ("71.4%", "不低于 70%", "达标", "+1.4 个百分点", "5 / 7")
    assert rows["安全事故"] == ("2 起", "不超过 0", "未达标", "-2", "")
    assert rows["活动数量"] == ("1 个", "不少于 30", "未达标", "-29", "")
    assert rows["全校参与率"] == ("66.7%", "", "未设目标", "", "4 / 6")
    assert rows["教师满意度"][:4] == ("无数据", "不低于 80%", "无数据", "")


# =================================================================================================
# 5–7. Homework, participation, attendance
# =================================================================================================

def test_homework_counts_grades_3_to_6_present_with_a_record():
    table = ev.homework_by_grade(grouped_rows())
    # 三年级: S2 完成, 完成, 未完成 + S3 未完成 -> 2 of 4; 四年级: S5 完成 on 09-22 -> 1 of 1
    # (S4's 完成 on a day absent, S1 in 一年级 and blank records are not counted)
    assert records(table) == [("3年级", 4, 2, 0.5), ("4年级", 1, 1, 1.0), ("5年级", 0, 0, None),
                              ("6年级", 0, 0, None), ("合计", 5, 3, 0.6)]


def test_homework_leaves_out_clubs_and_unknown_students():
    rows = pd.DataFrame({sc.STUDENT_ID: ["S2", "S2", "S9", "S1"], sc.ITEM: [HW, "A01", HW, HW],
                         sc.STATUS: ["出勤"] * 4, sc.HOMEWORK_DONE: ["完成", "完成", "完成", "完成"],
                         sc.DATE: pd.to_datetime(["2025-09-22"] * 4)})
    table = ev.homework_by_grade(ev.with_class_name(rows, students_frame()))
    assert records(table)[-1] == ("合计", 1, 1, 1.0)  # only S2's 作业辅导 row


def test_participation_per_grade_and_school():
    attendance = ev.counted_attendance(pd.DataFrame({
        sc.DATE: [D(2025, 9, 22)] * 4, sc.STUDENT_ID: ["S1", "S2", "S3", "S6"], sc.ITEM: [HW] * 4,
        sc.STATUS: ["出勤", "出勤", "缺勤", "出勤"]}))
    took_part = ev.participants_attending(attendance, {"S1", "S2", "S3", "S4", "S5"})
    assert took_part == {"S1", "S2", "S6"}  # present at least once; S6 came without applying
    table = ev.participation(students_frame(), applications_frame(), took_part)
    assert list(table.columns) == [sc.GRADE, ev.STUDENTS_COUNT, ev.APPLIED, ev.TOOK_PART, "申请且参加",
                                   ev.RATE_OF_APPLICANTS, ev.RATE_OF_SCHOOL]
    assert records(table) == [
        ("1年级", 1, 1, 1, 1, 1.0, 1.0),
        ("3年级", 2, 2, 1, 1, 0.5, 0.5),
        ("4年级", 3, 2, 1, 0, 0.0, 0.3333),  # S6 took part but did not apply
        ("全校", 6, 5, 3, 2, 0.4, 0.5),  # the unmatched application S9 is not counted
    ]


def test_before_any_attendance_the_admitted_students_count():
    assert ev.participants_attending(ev.counted_attendance(None), {"S1", "S2"}) == {"S1", "S2"}
    result = evaluate_small(attendance=ev.counted_attendance(pd.DataFrame()))
    rows = by_indicator(result.indicators)
    assert (rows["参与率"][ev.VALUE], rows["参与率"][ev.NUMERATOR], rows["参与率"][ev.DENOMINATOR]) == (1.0, 5, 5)
    assert (rows["全校参与率"][ev.NUMERATOR], rows["全校参与率"][ev.DENOMINATOR]) == (5, 6)
    assert rows["出勤率"][ev.VALUE] is None and rows["校内完成作业"][ev.VALUE] is None
    assert "还没有考勤记录：参与率按审核后参加的学生计算，出勤率和校内完成作业无法计算。" in result.notes


def test_counted_attendance_sets_rows_aside_and_adds_month():
    rows = ev.counted_attendance(attendance_frame(), {3, 14})  # 行号 3 is S2 on 09-22, 14 the last row
    assert len(rows) == len(ATTENDANCE) - 2
    assert not ((rows[sc.DATE] == pd.Timestamp("2025-09-22")) & (rows[sc.STUDENT_ID] == "S2")).any()
    assert set(rows[ev.MONTH]) == {"2025-09"}
    assert rows.loc[rows[sc.EXCEL_ROW] == 6, sc.ITEM].item() == HW  # the blank 项目


def test_each_row_goes_to_its_group_on_the_timetable_weekday():
    rows = grouped_rows()
    by = {(r[sc.DATE].date(), r[sc.STUDENT_ID]): (r[ev.WEEKDAY], r[ev.GROUP], r[ev.GROUP_KIND], r[ev.TITLE])
          for r in rows.to_dict("records")}
    assert by[(D(2025, 9, 22), "S5")] == (MON, "四年级1组", "看护组", "四年级1组")
    assert by[(D(2025, 9, 24), "S5")] == (WED, "A01", "社团", "合唱")
    # Sunday 09-28 follows Wednesday's timetable: S4 is in Wednesday's care group, S5 in its club
    assert by[(D(2025, 9, 28), "S4")] == (WED, "四年级1组", "看护组", "四年级1组")
    assert by[(D(2025, 9, 28), "S5")] == (WED, "A01", "社团", "合唱")
    assert by[(D(2025, 9, 28), "S2")] == (WED, "三年级1组", "看护组", "三年级1组")


def test_a_day_off_the_timetable_has_no_care_group():
    attendance = ev.counted_attendance(pd.DataFrame({sc.DATE: [D(2025, 9, 23)], sc.STUDENT_ID: ["S2"],
                                                     sc.ITEM: [HW], sc.STATUS: ["出勤"]}))
    row = ev.group_of_each_row(attendance, timetable_frame(), care_frame(), {}).iloc[0]
    assert (row[ev.WEEKDAY], row[ev.GROUP], row[ev.GROUP_KIND], row[ev.TITLE]) == ("", "（未分组）", "看护组",
                                                                                   "当天不在看护分组中")


def test_attendance_tables(small: ev.Evaluation):
    rows = grouped_rows()
    assert records(ev.attendance_table(rows, [ev.GROUP_KIND, ev.GROUP])) == [
        # 类型, 组别, 出勤, 缺勤, 请假, 记录数, 出勤率
        ("看护组", "一年级1组", 2, 0, 0, 2, 1.0),
        ("看护组", "三年级1组", 4, 0, 1, 5, 0.8),
        ("看护组", "四年级1组", 1, 2, 1, 4, 0.25),
        ("社团", "A01", 1, 1, 0, 2, 0.5),
    ]
    assert records(small.attendance_by_group, [ev.GROUP_KIND, ev.GROUP, ev.TITLE, ev.RECORDS, ev.ATTENDANCE_RATE]) == [
        ("看护组", "一年级1组", "一年级1组", 2, 1.0), ("看护组", "三年级1组", "三年级1组", 5, 0.8),
        ("看护组", "四年级1组", "四年级1组", 4, 0.25), ("社团", "A01", "合唱", 2, 0.5)]
    assert records(small.attendance_by_month) == [("2025-09", 8, 3, 2, 13, 0.6154)]
    assert records(small.attendance_by_class) == [("一年级1班", 2, 0, 0, 2, 1.0), ("三年级1班", 4, 0, 1, 5, 0.8),
                                                  ("四年级2班", 2, 3, 1, 6, 0.3333)]
    assert ev.attendance_table(rows.iloc[0:0], [ev.MONTH]).empty


# =================================================================================================
# 8–9. Incidents, staff, clubs
# =================================================================================================

def test_incidents_by_type_lists_every_type_and_level():
    incidents = pd.DataFrame({sc.INCIDENT_TYPE: ["意外伤害", "意外伤害", "意外伤害", "走失", "其他"],
                              sc.LEVEL: ["一般", "较重", "一般", "严重", None]})  # a blank level is 一般
    table = ev.incidents_by_type(incidents)
    assert list(table.columns) == [sc.INCIDENT_TYPE, *sc.INCIDENT_LEVELS, ev.INCIDENT_COUNT]
    assert records(table) == [("意外伤害", 2, 1, 0, 3), ("未按时接领", 0, 0, 0, 0), ("走失", 0, 0, 1, 1),
                              ("其他", 1, 0, 0, 1), ("合计", 3, 1, 1, 5)]


@pytest.mark.parametrize("incidents", [None, pd.DataFrame(columns=[sc.INCIDENT_TYPE, sc.LEVEL])])
def test_a_clean_term_shows_zeros(incidents):
    assert records(ev.incidents_by_type(incidents)) == [
        ("意外伤害", 0, 0, 0, 0), ("未按时接领", 0, 0, 0, 0), ("走失", 0, 0, 0, 0), ("其他", 0, 0, 0, 0), ("合计", 0, 0, 0, 0)]


def test_incident_list_names_the_class_and_masks_phones(small: ev.Evaluation):
    assert records(small.incident_list) == [
        ("2025-09-24", "三年级1班", "意外伤害", "一般", "校医处理，已电话通知家长 138****1234"),
        ("2025-09-28", "四年级2班", "走失", "较重", "十分钟后在操场找到")]
    assert list(small.incidents[ev.INCIDENT_COUNT]) == [1, 0, 1, 0, 2]


def test_staff_readiness_per_type():
    table = ev.staff_readiness(staff_frame())
    assert list(table.columns) == [sc.STAFF_TYPE, "人数", ev.TRAINED, ev.TRAINING_RATE, ev.VETTED, ev.VETTING_RATE]
    assert records(table) == [
        ("在职教师", 2, 1, 0.5, ev.NOT_VETTED, None),  # in-service teachers are not vetted: 不需审核
        ("退休教师", 1, 1, 1.0, 1, 1.0),  # no 校外专业人员: no row
        ("志愿者", 1, 0, 0.0, 1, 1.0),
        ("家长义工", 1, 1, 1.0, 0, 0.0),
        ("合计", 5, 3, 0.6, 2, 0.6667),
    ]


def test_choices_met_and_activities_offered():
    assert ev.choices_met(taking_part_frame(), placements_frame()) == (1, 3)  # S5 of S2, S4, S5
    assert ev.choices_met(taking_part_frame(), placements_frame().iloc[0:0]) == (0, 3)
    table = ev.activities_offered(clubs_frame())
    assert records(table) == [("艺术", 1, 1, 1), ("体育", 1, 0, 0), ("合计", 2, 1, 1)]


# =================================================================================================
# 10. Appraisal and commendation
# =================================================================================================

def serious_in_a01() -> pd.DataFrame:
    return pd.DataFrame({ev.GROUP: ["A01"], ev.WEEKDAY: [WED]})


def small_appraisal() -> pd.DataFrame:
    return ev.appraisal(duties_frame(), timetable_frame(), grouped_rows(), care_frame(), placements_frame(),
                        students_frame(), ev.class_satisfaction(answers_frame()), serious_in_a01())


def test_appraisal_sessions_attendance_satisfaction_and_incidents():
    table = small_appraisal()
    assert records(table, [sc.STAFF_ID, sc.STAFF_TYPE, ev.LEAD_TIMES, ev.DUTY_TIMES, ev.SESSIONS, ev.GROUPS_LED,
                           ev.GROUP_ATTENDANCE, ev.GROUP_SATISFACTION, ev.INCIDENTS_IN_GROUPS]) == [
        # two Mondays and two Wednesdays (the 调休 Sunday is one): 2 sessions per weekly duty
        # T01: 三年级1组 Mon (2 of 2) and Wed (2 of 3); pupils S2, S3 twice, all 三年级1班 (5 of 7)
        ("T01", "在职教师", 4, 0, 4, "周一三年级1组、周三三年级1组", 0.8, 0.7143, 0),
        ("T02", "在职教师", 0, 4, 4, "", None, None, 0),  # 值班 only
        # T03: club A01 on Wed, S5 of 四年级2班 (3 of 6); S5 went missing there (较重)
        ("T03", "退休教师", 2, 0, 2, "周三A01", 0.5, 0.5, 1),
        ("V01", "志愿者", 2, 0, 2, "周一四年级1组", 0.5, 0.5, 0),  # S4 缺勤, S5 出勤
        ("V02", "家长义工", 4, 0, 4, "周一一年级1组、周三一年级1组", 1.0, None, 0),  # 一年级1班 gave no answers
    ]
    assert records(table, [sc.NAME])[0] == ("林老师",)


def test_satisfaction_of_a_persons_pupils_is_weighted_by_class():
    # S2 (三年级1班: 5 of 7) and S4 (四年级2班: 3 of 6) in one group: (5/7 + 1/2) / 2 = 0.607142… -> 0.6071
    care = pd.DataFrame({"星期": [MON, MON], sc.STUDENT_ID: ["S2", "S4"], "组别": ["混合组", "混合组"]})
    duties = pd.DataFrame({sf.WEEKDAY: [MON], sf.GROUP: ["混合组"], sc.STAFF_ID: ["T09"], sf.ROLE: ["负责"],
                           sc.NAME: ["钱老师"], sc.STAFF_TYPE: ["在职教师"]})
    table = ev.appraisal(duties, timetable_frame(), grouped_rows().iloc[0:0], care, placements_frame(),
                         students_frame(), ev.class_satisfaction(answers_frame()))
    assert records(table, [ev.SESSIONS, ev.GROUP_ATTENDANCE, ev.GROUP_SATISFACTION]) == [(2, None, 0.6071)]


def test_commendation_follows_the_rule_and_explains_everyone():
    shortlist, marked = ev.commendation(small_appraisal(), RULE)
    assert list(shortlist.columns) == [ev.AWARD, ev.RANK, sc.STAFF_ID, sc.NAME, sc.STAFF_TYPE, ev.SESSIONS,
                                       ev.GROUP_ATTENDANCE, ev.GROUP_SATISFACTION, ev.REASON]
    assert records(shortlist, [ev.AWARD, ev.RANK, sc.STAFF_ID, ev.SESSIONS]) == [
        (ev.TEACHER_AWARD, 1, "T01", 4), (ev.VOLUNTEER_AWARD, 1, "V02", 4)]
    assert shortlist.iloc[0][ev.REASON] == "服务 4 次（负责 4 次，值班 0 次），所负责组出勤率 80.0%，学生和家长满意率 71.4%"
    assert shortlist.iloc[1][ev.REASON] == "服务 4 次（负责 4 次，值班 0 次），所负责组出勤率 100.0%"
    outcome = dict(zip(marked[sc.STAFF_ID], zip(marked[ev.SHORTLISTED], marked[ev.WHY_NOT])))
    assert outcome == {
        "T01": (ev.TEACHER_AWARD, ""),
        # 值班 only: judged on sessions alone, eligible, ranked after T01 (same sessions, no satisfaction)
        "T02": ("", "符合条件，按排序列第 2 名；优秀服务教师名额 1 名已满"),
        "T03": ("", "服务 2 次，少于 3 次；所负责组出勤率 50.0%，低于 60%；满意率 50.0%，低于 70%；"
                    "所负责组发生较重及以上安全事故 1 起"),
        "V01": ("", "服务 2 次，少于 3 次；所负责组出勤率 50.0%，低于 60%；满意率 50.0%，低于 70%"),
        "V02": (ev.VOLUNTEER_AWARD, ""),
    }


def test_changing_the_rule_changes_the_shortlist():
    table = small_appraisal()
    two_teachers = ev.CommendationRule(teacher_awards=2, volunteer_awards=1, min_sessions=3, min_attendance=0.6,
                                       min_satisfaction=0.7)
    assert list(ev.commendation(table, two_teachers)[0][sc.STAFF_ID]) == ["T01", "T02", "V02"]
    five_sessions = ev.CommendationRule(teacher_awards=2, volunteer_awards=1, min_sessions=5)
    shortlist, marked = ev.commendation(table, five_sessions)
    assert shortlist.empty
    assert marked.set_index(sc.STAFF_ID).at["T02", ev.WHY_NOT] == "服务 4 次，少于 5 次"
    lenient = ev.CommendationRule(teacher_awards=5, volunteer_awards=5, min_sessions=2, min_attendance=0.5,
                                  min_satisfaction=0.5)
    assert list(ev.commendation(table, lenient)[0][sc.STAFF_ID]) == ["T01", "T02", "V02", "V01"]  # T03: the incident
    no_awards = ev.CommendationRule(teacher_awards=0, volunteer_awards=0, min_sessions=0, min_attendance=0,
                                    min_satisfaction=0)
    shortlist, marked = ev.commendation(table, no_awards)
    assert shortlist.empty
    assert marked.set_index(sc.STAFF_ID).at["T01", ev.WHY_NOT] == "符合条件；优秀服务教师名额为 0，本次不推荐"


def test_ranking_by_sessions_then_satisfaction():
    table = pd.DataFrame([
        ("A1", "甲老师", "在职教师", 10, 0, 10, "周一一年级1组", 0.95, 0.90, 0),
        ("A2", "乙老师", "退休教师", 12, 0, 12, "周二一年级1组", 0.91, 0.86, 0),
        ("A3", "丙老师", "校外专业人员", 10, 0, 10, "周三A01", 0.92, 0.95, 0),
        ("A4", "丁老师", "在职教师", 10, 0, 10, "周四A02", 0.99, None, 0),
    ], columns=[sc.STAFF_ID, sc.NAME, sc.STAFF_TYPE, ev.LEAD_TIMES, ev.DUTY_TIMES, ev.SESSIONS, ev.GROUPS_LED,
                ev.GROUP_ATTENDANCE, ev.GROUP_SATISFACTION, ev.INCIDENTS_IN_GROUPS])
    rule = ev.CommendationRule(teacher_awards=2, volunteer_awards=0, min_sessions=8)
    shortlist, marked = ev.commendation(table, rule)
    assert records(shortlist, [ev.RANK, sc.STAFF_ID]) == [(1, "A2"), (2, "A3")]
    why = marked.set_index(sc.STAFF_ID)[ev.WHY_NOT]
    assert why["A1"] == "符合条件，按排序列第 3 名；优秀服务教师名额 2 名已满"
    assert why["A4"] == "符合条件，按排序列第 4 名；优秀服务教师名额 2 名已满"  # no answers: after those with answers


def test_evaluate_carries_the_appraisal_and_shortlist(small: ev.Evaluation):
    assert small.rule == RULE
    assert list(small.shortlist[sc.STAFF_ID]) == ["T01", "V02"]
    t03 = small.appraisal.set_index(sc.STAFF_ID).loc["T03"]
    assert t03[ev.INCIDENTS_IN_GROUPS] == 1  # the 较重 走失 of S5 in A01 on the 调休 Sunday
    paragraphs = ev.summary_paragraphs(small)
    assert paragraphs[0].startswith("本学期对照 6 项目标进行评价，达标 2 项，未达标 4 项：参与率（80.0%，目标不低于 95%）")
    assert f"按表彰规则推荐 2 人：{ev.TEACHER_AWARD}：林老师；{ev.VOLUNTEER_AWARD}：冯叔叔。" in paragraphs


def edited_settings(folder: Path, *changes: tuple[str, str]) -> Path:
    text = TEMPLATE.read_text(encoding="utf-8")
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new)
    path = folder / "settings.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_rule_from_the_settings_commendation_block(cn_dir: Path):
    path = edited_settings(cn_dir, ("  优秀教师名额: 5 ", "  优秀教师名额: 1 "), ("  最少服务次数: 16 ", "  最少服务次数: 4 "),
                           ("  出勤率不低于: 0.90 ", "  出勤率不低于: 75% "))
    settings, problems = load_settings(path)
    assert settings is not None, problems
    rule = ev.CommendationRule.from_settings(settings)
    assert rule == ev.CommendationRule(teacher_awards=1, volunteer_awards=3, min_sessions=4, min_attendance=0.75,
                                       min_satisfaction=0.85)
    assert "本学期服务不少于 4 次，所负责组出勤率不低于 75%" in rule.text()
    # T01's pupils are 71.4 % satisfied, under the 85 % these settings keep: the one teacher's place
    # goes to T02 (值班 only, 4 sessions); V02 (4 sessions, 100 % attendance) stays the volunteer
    assert list(ev.commendation(small_appraisal(), rule)[0][sc.STAFF_ID]) == ["T02", "V02"]
    assert list(ev.commendation(small_appraisal(), RULE)[0][sc.STAFF_ID]) == ["T01", "V02"]


def test_rule_defaults_without_the_block(cn_dir: Path):
    text = TEMPLATE.read_text(encoding="utf-8")
    start, end = text.index("表彰:"), text.index("领导小组:")
    (cn_dir / "settings.yaml").write_text(text[:start] + text[end:], encoding="utf-8")
    settings, problems = load_settings(cn_dir / "settings.yaml")
    assert settings is not None and settings.commendation == ()
    assert ev.CommendationRule.from_settings(settings) == ev.CommendationRule()
    assert ev.CommendationRule.from_settings(None) == ev.CommendationRule()


@pytest.mark.parametrize("line, column", [("  出勤率不低于: 120% ", "表彰.出勤率不低于"),
                                          ("  满意度不低于: 85 ", "表彰.满意度不低于"),
                                          ("  最少服务次数: 2.5 ", "表彰.最少服务次数")])
def test_a_bad_commendation_value_is_a_chinese_error(cn_dir: Path, line: str, column: str):
    old = {"表彰.出勤率不低于": "  出勤率不低于: 0.90 ", "表彰.满意度不低于": "  满意度不低于: 0.85 ",
           "表彰.最少服务次数": "  最少服务次数: 16 "}[column]
    settings, problems = load_settings(edited_settings(cn_dir, (old, line)))
    assert settings is None
    errors = [p for p in problems if p.is_error]
    assert [p.column for p in errors] == [column]
    assert errors[0].message.startswith(column.split(".")[1])
    assert re.search(r"[\u4e00-\u9fff]", errors[0].message) and re.search(r"[\u4e00-\u9fff]", errors[0].fix)


# =================================================================================================
# 11. Term over term
# =================================================================================================

def test_compare_terms():
    previous = pd.DataFrame({ev.INDICATOR: ["参与率", "学生满意度", "安全事故", "活动数量", "出勤率", "家长满意度", "教师满意度"],
                             ev.VALUE: [0.95, 0.88, 3, 30, 0.93, 0.9, 0.8]})
    current = indicators_frame(("参与率", 0.9612, 0, 0), ("学生满意度", 0.85, 0, 0), ("安全事故", 1, 1, None),
                               ("活动数量", 26, 26, None), ("出勤率", 0.93, 0, 0), ("家长满意度", None, 0, 0),
                               ("经费使用合规率", 0.98, 0, 0))
    table = ev.compare_terms(current, previous)
    assert list(table.columns) == [ev.INDICATOR, ev.PREVIOUS, ev.CURRENT, ev.CHANGE, ev.TREND]
    assert records(table) == [
        ("参与率", 0.95, 0.9612, 0.0112, "改善"),
        ("学生满意度", 0.88, 0.85, -0.03, "下降"),
        ("安全事故", 3, 1, -2, "改善"),  # fewer incidents is better
        ("活动数量", 30, 26, -4, "下降"),
        ("出勤率", 0.93, 0.93, 0.0, "持平"),
        ("家长满意度", 0.9, None, None, "无法比较"),
        ("经费使用合规率", None, 0.98, None, "本学期新增"),
        ("教师满意度", 0.8, None, None, "本学期无数据"),  # only last term: listed last
    ]
    more = ev.compare_terms(indicators_frame(("安全事故", 2, 2, None), ("学生满意度", 0.9, 0, 0)),
                            pd.DataFrame({ev.INDICATOR: ["安全事故", "学生满意度"], ev.VALUE: [1, 0.85]}))
    assert records(more, [ev.CHANGE, ev.TREND]) == [(1, "下降"), (0.05, "改善")]


def test_compare_terms_keeps_counts_whole():
    previous = pd.DataFrame({ev.INDICATOR: ["参与率", "安全事故"], ev.VALUE: [0.95, 3]})
    table = ev.compare_terms(indicators_frame(("参与率", 0.9612, 0, 0), ("安全事故", 1, 1, None)), previous)
    row = table.iloc[1]
    assert type(row[ev.CHANGE]) is int


def test_comparison_view():
    previous = pd.DataFrame({ev.INDICATOR: ["参与率", "安全事故"], ev.VALUE: [0.95, 3]})
    view = ev.comparison_view(ev.compare_terms(indicators_frame(("参与率", 0.9612, 0, 0), ("安全事故", 1, 1, None),
                                                                ("出勤率", 0.9, 0, 0)), previous))
    assert records(view) == [("参与率", "95.0%", "96.1%", "+1.1 个百分点", "改善"), ("安全事故", "3 起", "1 起", "-2", "改善"),
                             ("出勤率", "无数据", "90.0%", "", "本学期新增")]


def test_last_term_is_found_in_the_term_folder(cn_dir: Path):
    assert ef.previous_source(cn_dir) is None
    assert ef.previous_source(cn_dir, cn_dir / "别处") == cn_dir / "别处"
    (cn_dir / "上学期").mkdir()
    assert ef.previous_source(cn_dir) == cn_dir / "上学期"


def test_evaluate_compares_with_last_term():
    previous = pd.DataFrame({ev.INDICATOR: ["参与率", "安全事故"], ev.VALUE: [0.9, 4]})
    result = evaluate_small(previous=previous)
    rows = {r[ev.INDICATOR]: r for r in result.comparison.to_dict("records")}
    assert (rows["参与率"][ev.CHANGE], rows["参与率"][ev.TREND]) == (-0.1, "下降")
    assert (rows["安全事故"][ev.CHANGE], rows["安全事故"][ev.TREND]) == (-2, "改善")
    assert rows["出勤率"][ev.TREND] == "本学期新增"
    assert evaluate_small().comparison is None


# =================================================================================================
# 12–13. The sample school's report and the CLI
# =================================================================================================

PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def _inject_comments(data: Path, students: pd.DataFrame) -> dict[int, tuple[str, str]]:
    """Overwrite a few 意见建议 of the sample's satisfaction.xlsx with comments that name students
    and give parents' phones; returns {Excel row: (name, phone)}."""
    path = data / "satisfaction.xlsx"
    book = openpyxl.load_workbook(path)
    sheet = book.active
    column = [c.value for c in sheet[1]].index(sc.COMMENTS) + 1
    picked = students.dropna(subset=[sc.NAME, sc.PHONE]).iloc[[0, 7, 21]]
    injected = {}
    for row, (name, phone) in zip((2, 5, 9), zip(picked[sc.NAME], picked[sc.PHONE])):
        phone = str(phone).split("/")[0]
        sheet.cell(row=row, column=column, value=f"{name}说作业辅导很好，有事请打{phone}联系")
        injected[row] = (name, phone)
    book.save(path)
    return injected


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    """The sample school once: roster solved and saved as step 03 saves it, the evaluation written
    to 上学期/期末评价.xlsx (and again elsewhere), then ``afterschool evaluate`` with that report as
    last term's."""
    root = tmp_path_factory.mktemp("evaluation") / "课后服务"
    data, last, this = root / "示例学校", root / "上学期", root / "本学期"
    shutil.copytree(sample_dir(), data)
    last.mkdir()
    this.mkdir()
    students = load_input("students", data / "students.xlsx").frame
    injected = _inject_comments(data, students)
    check = check_folder(data)
    assert check.usable, [str(p) for p in check.problems if p.is_error]
    roster = solve_roster(check, load_term_groups(data, check, last))
    for folder in (last, this):
        write_roster(folder / ROSTER_FILE, roster)
    evaluation, _, staffing = load_term_evaluation(data, check, last)
    assert staffing.source.startswith(ROSTER_FILE)
    report = ef.write_evaluation(last / ef.EVALUATION_FILE, evaluation, "示例小学 2025-2026学年第一学期")
    again = ef.write_evaluation(root / "再写一次.xlsx", evaluation, "示例小学 2025-2026学年第一学期")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["evaluate", "--data", str(sample_dir()), "--out", str(this / ef.EVALUATION_FILE),
                         "--previous", str(last)])
    return SimpleNamespace(data=data, check=check, evaluation=evaluation, report=report, again=again,
                           students=students, injected=injected, cli_code=code, cli_out=out.getvalue(),
                           cli_err=err.getvalue(), cli_report=this / ef.EVALUATION_FILE, last=last)


def sheet_rows(path: Path, title: str) -> tuple[list, list[dict]]:
    sheet = openpyxl.load_workbook(path, read_only=True)[title]
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    return header, [dict(zip(header, r)) for r in rows[1:]]


def test_report_starts_with_the_targets_sheet(sample_run):
    book = openpyxl.load_workbook(sample_run.report)
    assert book.sheetnames[0] == "目标达成"
    assert ef.COMPARISON_SHEET not in book.sheetnames  # no last term given
    header, rows = sheet_rows(sample_run.report, "目标达成")
    assert header[:4] == ["指标", "数值", "目标", "达标"]
    targets = dict(sample_run.check.settings.targets)
    assert [r["指标"] for r in rows[:len(targets)]] == list(targets)  # targeted first, in the settings' order
    for row in rows:
        name, value, goal, met = row["指标"], row["数值"], row["目标"], row["达标"]
        assert met in ("是", "否", None, ""), row
        assert {"是": "达标", "否": "未达标"}.get(met, row["结论"]) == row["结论"]
        if name in targets:
            assert goal == pytest.approx(float(targets[name]))
            if value is not None:  # the verdict, worked out again from the cells
                ok = value <= goal if name == "安全事故" else value >= goal
                assert met == ("是" if ok else "否"), row
        else:
            assert goal is None and not met and row["结论"] == "未设目标"
        if name in ("安全事故", "活动数量"):
            assert isinstance(value, int) and isinstance(goal, int)
        elif value is not None:  # rates are fractions (0.923), not percentages
            assert 0 <= value <= 1 and (goal is None or 0 <= goal <= 1), row


def test_report_figures_agree_with_the_input_files(sample_run):
    _, rows = sheet_rows(sample_run.report, "指标一览")
    rows = {r["指标"]: r for r in rows}
    incidents = load_input("incidents", sample_dir() / "incidents.xlsx").frame
    assert rows["安全事故"]["数值"] == len(incidents)
    answers = load_input("satisfaction", sample_dir() / "satisfaction.xlsx").frame
    questions = [c for c in answers.columns if c not in (sc.EXCEL_ROW, sc.RESPONDENT, sc.GRADE, sc.CLASS, sc.COMMENTS)]
    for who in ("学生", "家长", "教师"):
        cells = answers.loc[answers[sc.RESPONDENT] == who, questions].stack()
        answered, satisfied = int(cells.notna().sum()), int(cells.isin(["满意", "非常满意"]).sum())
        row = rows[f"{who}满意度"]
        assert (row["分子"], row["分母"]) == (satisfied, answered)
        assert row["数值"] == round(satisfied / answered, 4)
    staff = load_input("staff", sample_dir() / "staff.xlsx").frame
    assert (rows["培训覆盖率"]["分子"], rows["培训覆盖率"]["分母"]) == (int((staff[sc.SAFETY_TRAINING] == "已完成").sum()),
                                                                len(staff))


def test_every_rate_in_the_report_is_a_fraction(sample_run):
    book = openpyxl.load_workbook(sample_run.report, read_only=True)
    checked = 0
    for title in book.sheetnames:
        rows = list(book[title].iter_rows(values_only=True))
        if not rows or title in ("目标达成", "指标一览", "说明", "图表"):
            continue
        for j, column in enumerate(rows[0]):
            if column is None or "率" not in str(column):
                continue
            for row in rows[1:]:
                value = row[j]
                assert value is None or (isinstance(value, float | int) and 0 <= value <= 1), (title, column, value)
                checked += value is not None
    assert checked > 100


def test_rates_are_shown_as_percentages(sample_run):
    book = openpyxl.load_workbook(sample_run.report)
    for title in ("满意度_按身份", "参与情况", "出勤_按月", "校内完成作业", "人员考评", "意见主题"):
        sheet = book[title]
        header = [c.value for c in sheet[1]]
        for j, column in enumerate(header, start=1):
            if "率" in str(column) or column == "占比":
                formats = {sheet.cell(row=i, column=j).number_format for i in range(2, sheet.max_row + 1)
                           if sheet.cell(row=i, column=j).value is not None}
                assert formats == {"0.0%"}, (title, column, formats)


def test_comments_sheet_is_masked(sample_run):
    header, rows = sheet_rows(sample_run.report, "意见建议")
    text = "\n".join(str(v) for row in rows for v in row.values() if v is not None)
    names = {n for column in (sc.NAME, sc.PARENT_NAME) for n in sample_run.students[column].dropna() if len(n) >= 2}
    phones = {p for cell in sample_run.students[sc.PHONE].dropna() for p in str(cell).split("/")}
    assert not [n for n in names if n in text]
    assert not [p for p in phones if p in text]
    assert not PHONE.search(text)
    by_row = {r[sc.EXCEL_ROW]: r[sc.COMMENTS] for r in rows}
    for row, (name, phone) in sample_run.injected.items():
        masked = name[0] + "*" * (len(name) - 2) + name[-1] if len(name) > 2 else name[0] + "*"
        assert by_row[row] == f"{masked}说作业辅导很好，有事请打{phone[:3]}****{phone[-4:]}联系"


def _images_of(path: Path, title: str) -> list[bytes]:
    """The pictures anchored on one sheet, followed through the workbook's relationship parts."""
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel_id = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"

    def targets(z: zipfile.ZipFile, part: str) -> dict[str, str]:
        folder, name = posixpath.split(part)
        rels = posixpath.join(folder, "_rels", name + ".rels")
        if rels not in z.namelist():
            return {}
        out = {}
        for rel in ET.fromstring(z.read(rels)):
            target = rel.get("Target")
            out[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else \
                posixpath.normpath(posixpath.join(folder, target))
        return out

    with zipfile.ZipFile(path) as z:
        sheets = {s.get("name"): s.get(rel_id) for s in ET.fromstring(z.read("xl/workbook.xml")).iter(main + "sheet")}
        sheet = targets(z, "xl/workbook.xml")[sheets[title]]
        drawings = [t for t in targets(z, sheet).values() if "/drawings/" in t]
        return [z.read(t) for d in drawings for t in targets(z, d).values() if "/media/" in t]


def test_charts_sheet_holds_the_pictures(sample_run):
    pictures = _images_of(sample_run.report, ef.CHARTS_SHEET)
    sheet = openpyxl.load_workbook(sample_run.report)[ef.CHARTS_SHEET]
    titles = [c.value for c in sheet["A"] if c.value]
    assert titles == ["各项指标与目标", "各题满意率", "各月出勤率", "意见建议主题"]
    assert len(pictures) == len(titles)
    assert all(p.startswith(b"\x89PNG\r\n\x1a\n") and len(p) > 5000 for p in pictures)
    assert _images_of(sample_run.report, "目标达成") == []


def test_same_evaluation_same_bytes(sample_run):
    assert sample_run.report.read_bytes() == sample_run.again.read_bytes()


def test_read_indicators_reads_the_report_back(sample_run):
    expected = sample_run.evaluation.indicators[[ev.INDICATOR, ev.VALUE]]
    for source in (sample_run.last, sample_run.report):
        frame, problems = ef.read_indicators(source)
        assert problems == []
        assert list(frame.columns) == [ev.INDICATOR, ev.VALUE]
        assert list(frame[ev.INDICATOR]) == list(expected[ev.INDICATOR])
        for got, want in zip(frame[ev.VALUE], expected[ev.VALUE]):
            assert (_blank(got) and _blank(want)) or got == pytest.approx(want, abs=1e-9)


def test_read_indicators_without_a_report(tmp_path: Path):
    frame, problems = ef.read_indicators(tmp_path)
    assert frame is None and len(problems) == 1
    assert problems[0].severity is Severity.WARNING and "期末评价.xlsx" in problems[0].message
    other = write_xlsx(tmp_path / "收费台账.xlsx", [["学号", "月份", "应收金额"], ["2025030101", "2025-09", 70]])
    frame, problems = ef.read_indicators(other)
    assert frame is None and len(problems) == 1
    assert problems[0].severity is Severity.WARNING and "“指标”“数值”" in problems[0].message
    (tmp_path / "坏文件.xlsx").write_bytes(b"not a workbook")
    frame, problems = ef.read_indicators(tmp_path / "坏文件.xlsx")
    assert frame is None and problems[0].severity is Severity.WARNING and "无法读取" in problems[0].message


def test_cli_evaluate_writes_the_report_and_compares_terms(sample_run):
    assert sample_run.cli_code == 0, sample_run.cli_err
    assert f"已写出 {sample_run.cli_report}" in sample_run.cli_out
    assert "排班：师资排班.xlsx（师资安排步骤保存的排班）" in sample_run.cli_out
    incidents = len(load_input("incidents", sample_dir() / "incidents.xlsx").frame)
    assert f"  安全事故：{incidents} 起，目标 不超过 0  未达标" in sample_run.cli_out.splitlines()
    book = openpyxl.load_workbook(sample_run.cli_report)
    assert book.sheetnames[:3] == ["目标达成", "指标一览", ef.COMPARISON_SHEET]
    header, rows = sheet_rows(sample_run.cli_report, ef.COMPARISON_SHEET)
    assert header == ["指标", "上学期", "本学期", "变化", "趋势"]
    _, last = sheet_rows(sample_run.report, "指标一览")
    _, now = sheet_rows(sample_run.cli_report, "指标一览")
    assert [r["指标"] for r in rows] == [r["指标"] for r in now]
    assert [r["上学期"] for r in rows] == pytest.approx([r["数值"] for r in last])
    assert [r["本学期"] for r in rows] == pytest.approx([r["数值"] for r in now])
    # the same term, the same saved roster, the same default allocation: nothing changed
    assert {r["趋势"] for r in rows} == {"持平"} and {r["变化"] for r in rows} == {0}


# =================================================================================================
# Found by the fresh-clone walkthrough
# =================================================================================================

def test_no_incidents_file_is_no_data_not_a_clean_term():
    result = evaluate_small(incidents=None, targets=(("安全事故", Y("0")),))
    assert by_indicator(result.targets)["安全事故"][ev.VERDICT] == "无数据"
    assert any("没有安全记录表" in note for note in result.notes)
    clean = evaluate_small(incidents=incidents_frame().iloc[0:0], targets=(("安全事故", Y("0")),))
    assert by_indicator(clean.targets)["安全事故"][ev.VERDICT] == "达标"


@pytest.mark.parametrize("value, shown", [(0.9305, "93.1%"), (0.9304, "93.0%"), (0.0625, "6.3%"), (1.0, "100.0%")])
def test_percentages_in_text_agree_with_the_workbook_cells(value, shown):
    from afterschool_lib.display import percent_text

    assert percent_text(value) == shown  # Excel's 0.0% of the same stored value rounds half up too
    assert ev.shown_value("出勤率", value) == shown


def test_last_terms_report_that_is_this_terms_own_is_pointed_out(tmp_path, small):
    from afterschool_lib.term_state import previous_indicators

    ef.write_evaluation(tmp_path / ef.EVALUATION_FILE, small, "示例小学 2025-2026学年第一学期")
    frame, problems = previous_indicators(tmp_path, "2025-2026学年第一学期")
    assert frame is not None and frame.attrs[ef.REPORT_TITLE].startswith("示例小学 2025-2026学年第一学期")
    assert len(problems) == 1 and "本学期自己的" in problems[0].message
    assert previous_indicators(tmp_path, "2026-2027学年第一学期")[1] == []
