"""A term folder checked as a whole: links between files, the calendar, and row accounting."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from afterschool_lib.paths import data_templates_dir
from afterschool_lib.problems import Severity
from afterschool_lib.settings import update_settings_file
from afterschool_lib.term_setup import month_summary, settings_overview, write_term_setup
from afterschool_lib.validate import check_folder

from .conftest import STUDENT_HEADER, write_csv, write_xlsx


@pytest.fixture
def small_term(cn_dir: Path) -> Path:
    """A tiny but complete term folder: three students, two clubs, one week of attendance."""
    shutil.copy(data_templates_dir() / "settings.yaml", cn_dir / "settings.yaml")
    update_settings_file(cn_dir / "settings.yaml", {"学校名称": "测试小学"})
    write_csv(cn_dir / "students.csv", [
        STUDENT_HEADER,
        ["S1", "张一", "男", "一年级", "1班", "张父", "13800000001", "否", "是", "否"],
        ["S2", "李二", "女", "1", "(1)班", "李母", "13800000002", "", "", ""],
        ["S3", "王三", "男", "三", "三年级2班", "王父", "13800000003", "√", "", ""],
    ])
    write_csv(cn_dir / "survey.csv", [
        ["学号", "姓名", "参加课后服务", "服务日", "志愿1", "志愿2", "提交时间"],
        ["S1", "张一", "是", "", "A01", "篮球社团", "2025-08-30 20:00"],
        ["S2", "李二", "是", "周一、周三", "合唱", "围棋", "2025-08-30 20:01"],
        ["S9", "赵九", "是", "", "A01", "", "2025-08-30 20:02"],  # not on the roster
    ])
    write_xlsx(cn_dir / "activities.xlsx", [
        ["活动编号", "活动名称", "类别", "适用年级", "人数上限", "活动日", "场地", "指定教师"],
        ["A01", "篮球", "体育", "全部", 30, "周二,周四", "篮球场", "T01"],
        ["A02", "合唱", "艺术", "1-6", 40, "周三", "音乐室", "无名氏"],  # no such room, no such teacher
    ])
    write_xlsx(cn_dir / "rooms.xlsx", [["场地", "容量"], ["篮球场", 60]])
    write_xlsx(cn_dir / "staff.xlsx", [["工号", "姓名", "人员类型"], ["T01", "刘老师", "在职教师"]])
    write_csv(cn_dir / "attendance.csv", [
        ["日期", "学号", "项目", "状态"],
        ["2025-09-02", "S1", "作业辅导", "出勤"],
        ["2025-10-01", "S1", "作业辅导", "出勤"],  # 国庆: no service
        ["2025-09-02", "S8", "", "出勤"],           # unknown student
        ["2025-09-03", "S2", "A09", "请假"],        # unknown activity
    ], encoding="utf-8-sig")
    return cn_dir


def _by(problems, file: str, column: str):
    return [p for p in problems if p.file == file and p.column == column]


def test_links_between_files(small_term: Path):
    check = check_folder(small_term)
    problems = check.problems
    assert check.usable, [str(p) for p in problems if p.is_error]
    (unknown,) = _by(problems, "survey.csv", "学号")
    assert unknown.row == 4 and unknown.value == "S9" and unknown.severity is Severity.WARNING and not unknown.dropped
    (choice,) = _by(problems, "survey.csv", "志愿2")
    assert choice.value == "围棋" and choice.row == 3  # 篮球社团 is matched to 篮球 by name
    assert [p.value for p in _by(problems, "activities.xlsx", "场地")] == ["音乐室"]
    assert [p.value for p in _by(problems, "activities.xlsx", "指定教师")] == ["无名氏"]
    attendance = check.inputs["attendance"]
    assert sorted(p.row for p in attendance.problems if p.dropped) == [3, 4]
    assert [p.value for p in _by(problems, "attendance.csv", "项目")] == ["A09"]
    assert attendance.frame["学号"].tolist() == ["S1", "S2"]
    assert attendance.accounted
    assert all(result.accounted for result in check.inputs.values())


def test_missing_and_competing_files(small_term: Path):
    (small_term / "rooms.xlsx").unlink()
    write_csv(small_term / "students.xlsx", [STUDENT_HEADER])  # a second students file
    check = check_folder(small_term)
    missing = [p for p in check.problems if p.file == "rooms.xlsx"]
    assert missing and missing[0].is_error and "找不到" in missing[0].message
    optional = [p for p in check.problems if p.file == "incidents.xlsx"]
    assert optional and optional[0].severity is Severity.WARNING
    assert any(p.file == "students.csv" and "重复" in p.message for p in check.problems)
    assert not check.usable


def test_calendar_problems_name_the_calendar_file(small_term: Path):
    write_xlsx(small_term / "calendar.xlsx", [["日期", "类型", "按周几课表"], ["2025-09-28", "调休上课", "周三"],
                                              ["2025-12-31", "停课", ""], ["2026-03-01", "停课", ""]])
    check = check_folder(small_term)
    days = check.calendar.days.set_index("日期")
    assert days.loc[pd.Timestamp("2025-09-28"), "是否服务"]
    assert not days.loc[pd.Timestamp("2025-12-31"), "是否服务"]
    outside = [p for p in check.problems if p.file == "calendar.xlsx" and p.row == 4]
    assert outside and not outside[0].is_error
    summary = month_summary(check.calendar)
    assert summary.iloc[-1]["月份"] == "合计"
    assert summary.iloc[-1]["课后服务日"] == check.calendar.service_day_count
    assert summary.set_index("月份").loc["2025-09", "其中调休上课"] == 1


def test_settings_overview_and_outputs(small_term: Path, tmp_path: Path):
    check = check_folder(small_term)
    overview = settings_overview(check.settings).set_index("项目")["内容"]
    assert overview["学校名称"] == "测试小学"
    assert "3.50 元" in overview["收费"]
    written = write_term_setup(check, tmp_path / "输出")
    assert [p.name for p in written] == ["学期校历.xlsx", "数据检查报告.xlsx"]
    book = openpyxl.load_workbook(written[0])
    assert book.sheetnames == ["课后服务日", "全学期每日", "按月统计"]
    service = book["课后服务日"]
    assert service.max_row - 1 == check.calendar.service_day_count
    flags = {row[3] for row in service.iter_rows(min_row=2, values_only=True)}
    assert flags == {"是"}
    report = openpyxl.load_workbook(written[1])["问题清单"]
    assert report.max_row - 1 == len(check.problems)


def test_same_folder_gives_the_same_workbooks(small_term: Path, tmp_path: Path):
    first = write_term_setup(check_folder(small_term), tmp_path / "a")
    second = write_term_setup(check_folder(small_term), tmp_path / "b")
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


def test_a_broken_file_is_not_used_to_judge_the_others(small_term: Path):
    """One deleted column must give one error, not a warning for every row that mentions the file."""
    write_xlsx(small_term / "activities.xlsx", [["活动编号", "活动名称", "类别", "活动日"], ["A01", "篮球", "体育", "周二"]])
    write_csv(small_term / "students.csv", [STUDENT_HEADER, ["S1", "张一", "男", "七年级", "1班", "", "", "", "", ""]])
    check = check_folder(small_term)
    survey = [p for p in check.problems if p.file == "survey.csv"]
    assert [p.column for p in survey] == [None, None]
    assert {p.message.split("（")[0] for p in survey} == {"学生名单", "活动清单"}
    attendance = [p for p in check.problems if p.file == "attendance.csv"]
    assert not any(p.column == "学号" for p in attendance)  # S1 was rejected, not unknown
    assert not any(p.column == "项目" for p in attendance)


def test_repeated_problems_are_one_line_naming_every_row(small_term: Path):
    rows = [["日期", "学号", "项目", "状态"]] + [[f"2025-09-{2 + i // 2:02d}", "S1", f"X{i % 2}", "出勤"] for i in range(40)]
    write_csv(small_term / "attendance.csv", rows)
    check = check_folder(small_term)
    items = [p for p in check.problems if p.file == "attendance.csv" and p.column == "项目"]
    assert sorted(p.value for p in items) == ["X0", "X1"]
    weekends = [p for p in check.problems if p.file == "attendance.csv" and p.column == "日期"]
    assert sum(len(p.rows) for p in weekends) == 12  # 6, 7, 13, 14, 20 and 21 September, two records each
    assert sum(len(p.rows) for p in items) == 40 - 12
    assert all("等共" in str(p) or len(p.rows) <= 8 for p in items)
    assert check.inputs["attendance"].accounted


def test_activities_are_matched_however_parents_name_them():
    from afterschool_lib.validate import activity_lookup, match_activity

    lookup = activity_lookup(pd.DataFrame({"活动编号": ["A01", "A02"], "活动名称": ["趣味篮球", "合唱团"]}))
    assert [match_activity(lookup, t) for t in ["a01", "Ａ01", "趣味篮球", "趣味篮球社团", "趣味篮球班", "合唱团", "围棋"]] == \
        ["A01", "A01", "A01", "A01", "A01", "A02", None]


def test_an_activity_on_a_day_without_service_is_named(small_term: Path):
    write_xlsx(small_term / "activities.xlsx", [
        ["活动编号", "活动名称", "类别", "适用年级", "人数上限", "活动日", "场地", "指定教师"],
        ["A01", "篮球", "体育", "全部", 30, "周二,周日", "篮球场", "T01"],
        ["A02", "合唱", "艺术", "1-6", 40, "周三", "篮球场", "T01"],
    ])
    check = check_folder(small_term)
    (problem,) = _by(check.problems, "activities.xlsx", "活动日")
    assert problem.row == 2 and "周日不是本学期的服务日" in problem.message and problem.severity is Severity.WARNING


def test_clubs_listed_with_zero_clubs_wanted_are_named(small_term: Path):
    write_csv(small_term / "survey.csv", [
        ["学号", "姓名", "参加课后服务", "志愿1", "最多社团数"],
        ["S1", "张一", "是", "A01", "0"],
        ["S2", "李二", "是", "", "0"],  # no club wanted, none listed: fine
    ])
    check = check_folder(small_term)
    (problem,) = _by(check.problems, "survey.csv", "最多社团数")
    assert problem.row == 2 and "不会分配社团" in problem.message and problem.severity is Severity.WARNING
    assert len(check.frame("survey")) == 2  # warned, not dropped


def test_fee_variants_and_the_spending_plan_are_checked_before_planning(small_term: Path):
    update_settings_file(small_term / "settings.yaml", {"收费.退费规则": "按周退还"})
    write_xlsx(small_term / "expenses.xlsx", [["项目", "类别", "金额", "月份"],
                                              ["美术社团画纸", "耗材", "800", "2025-10"],
                                              ["物业管理费", "其他", "2000", "2025-11"]])
    check = check_folder(small_term)
    (rule,) = [p for p in check.problems if p.column and "退费规则" in p.column]
    assert rule.is_error and rule.value == "按周退还" and not check.usable
    (refused,) = _by(check.problems, "expenses.xlsx", "项目")
    assert refused.row == 3 and "物业" in refused.message and refused.severity is Severity.WARNING
