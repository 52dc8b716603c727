"""Each loader on real files, each kind of bad input, and the row accounting."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from afterschool_lib.loaders import load_input
from afterschool_lib.problems import Severity
from afterschool_lib.schema import EXCEL_ROW, INPUTS

from .conftest import STUDENT_HEADER, write_csv, write_xls, write_xlsx

GOOD_STUDENTS = [
    STUDENT_HEADER,
    ["2025030201", "张小明", "男", "三年级", "2班", "张建国", "13800001234", "否", "否", "是"],
    ["2025030202", "李 小红", "女", "3年级", "(2)班", "李华", "138 0000 1235", "√", "", ""],
    ["2025030301", "王小刚", "男", "三", "三年级3班", "王强", "13800001236", "", "是", "否"],
]


def _assert_accounted(result):
    assert result.accounted, (result.rows_read, result.rows_kept, result.rows_dropped)


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "utf-8", "utf-8-sig"])
def test_students_csv_in_every_encoding(cn_dir: Path, encoding: str):
    path = write_csv(cn_dir / "students.csv", GOOD_STUDENTS, encoding=encoding)
    result = load_input("students", path)
    assert result.problems == ()
    assert result.frame["姓名"].tolist() == ["张小明", "李小红", "王小刚"]
    assert result.frame["年级"].tolist() == [3, 3, 3]
    assert result.frame["班级"].tolist() == [2, 2, 3]
    assert result.frame["留守儿童"].tolist() == [False, True, False]
    assert result.frame["困难家庭"].tolist() == [False, False, True]
    assert result.frame[EXCEL_ROW].tolist() == [2, 3, 4]
    _assert_accounted(result)


def test_utf16_tab_separated_as_excel_unicode_text(cn_dir: Path):
    path = write_csv(cn_dir / "students.csv", GOOD_STUDENTS, encoding="utf-16", delimiter="\t")
    result = load_input("students", path)
    assert len(result.frame) == 3 and result.problems == ()


def test_students_xlsx_with_title_row_and_aliases(cn_dir: Path):
    rows = [["示例小学三年级学生名单"] + [None] * 9,
            ["学籍号", "学生姓名", "性别", "年 级", "班别", "监护人", "手机号", "是否留守儿童", "困难家庭", "随迁子女", "家庭住址"]]
    rows += [r + ["幸福路1号"] for r in GOOD_STUDENTS[1:]]
    rows[2][0] = 2025030201  # a number cell, as Excel stores an ID typed without text format
    path = write_xlsx(cn_dir / "students.xlsx", rows)
    result = load_input("students", path)
    assert result.header_row == 2
    assert result.frame["学号"].tolist() == ["2025030201", "2025030202", "2025030301"]
    assert result.frame[EXCEL_ROW].tolist() == [3, 4, 5]
    assert result.frame["家庭住址"].tolist() == ["幸福路1号"] * 3  # unknown columns are kept
    assert "家庭住址" in result.unknown_columns
    assert dict(result.columns_found)["学生姓名"] == "姓名"
    _assert_accounted(result)


def test_students_xls(cn_dir: Path):
    path = write_xls(cn_dir / "students.xls", GOOD_STUDENTS)
    result = load_input("students", path)
    assert result.fmt == "xls" and result.problems == ()
    assert result.frame["学号"].tolist() == ["2025030201", "2025030202", "2025030301"]


def test_dates_from_xls_cells_serials_and_text(cn_dir: Path):
    rows = [["日期", "类型", "按周几课表", "说明"],
            [dt.date(2025, 9, 28), "调休上课", "周三", "国庆调休"],
            ["2025年10月11日", "补班", "", ""],
            [45954, "停课", "", "运动会"]]
    result = load_input("calendar", write_xls(cn_dir / "calendar.xls", rows))
    assert result.frame["日期"].tolist() == [pd.Timestamp(2025, 9, 28), pd.Timestamp(2025, 10, 11), pd.Timestamp(2025, 10, 24)]
    assert result.frame["类型"].tolist() == ["调休上课", "调休上课", "停课"]
    assert result.frame["按周几课表"].tolist()[0] == "周三"


def test_bad_cells_each_get_one_message_and_no_row_is_lost(cn_dir: Path):
    rows = GOOD_STUDENTS + [
        ["", "无学号", "男", "三年级", "2班", "", "", "", "", ""],               # required empty -> dropped
        ["2025030401", "七年级生", "男", "七年级", "2班", "", "", "", "", ""],  # grade out of range -> dropped
        ["2025030402", "电话错", "女", "四年级", "2班", "", "123", "也许", "", ""],  # optional bad -> kept, warned
        ["2025030201", "重复", "男", "三年级", "2班", "", "", "", "", ""],       # duplicate key -> dropped
        ["2025030403", "班级矛盾", "男", "四年级", "三年级2班", "", "", "", "", ""],  # class says grade 3
        [""] * 10,                                                               # blank row: counted apart
    ]
    result = load_input("students", write_csv(cn_dir / "students.csv", rows))
    by_row = {(p.row, p.column): p for p in result.problems}
    assert by_row[(5, "学号")].severity is Severity.ERROR and by_row[(5, "学号")].dropped
    assert by_row[(6, "年级")].value == "七年级" and by_row[(6, "年级")].dropped
    assert by_row[(7, "联系电话")].severity is Severity.WARNING and not by_row[(7, "联系电话")].dropped
    assert by_row[(7, "留守儿童")].value == "也许"
    assert "第 2 行" in by_row[(8, "学号")].message and by_row[(8, "学号")].dropped
    assert by_row[(9, "班级")].dropped
    assert result.rows_read == 8 and result.blank_rows == 1
    assert sorted(result.frame[EXCEL_ROW]) == [2, 3, 4, 7]
    _assert_accounted(result)
    text = str(by_row[(6, "年级")])
    assert text.startswith("students.csv 第6行 年级：七年级 —— ") and "应当" in text


def test_missing_required_column_is_one_message(cn_dir: Path):
    rows = [["学号", "姓名", "年级"], ["1", "甲", "一"], ["2", "乙", "二"]]
    result = load_input("students", write_csv(cn_dir / "students.csv", rows))
    assert len(result.problems) == 1
    problem = result.problems[0]
    assert problem.is_error and problem.column == "班级" and "全部 2 行未读入" in problem.message
    _assert_accounted(result)


def test_empty_file_and_lying_extensions(cn_dir: Path):
    empty = cn_dir / "students.xlsx"
    empty.write_bytes(b"")
    result = load_input("students", empty)
    assert len(result.problems) == 1 and "空的" in result.problems[0].message

    csv_as_xlsx = write_csv(cn_dir / "students2.xlsx", GOOD_STUDENTS)
    result = load_input("students", csv_as_xlsx)
    assert len(result.frame) == 3
    assert [p.severity for p in result.problems] == [Severity.WARNING] and "CSV" in result.problems[0].message

    html = cn_dir / "survey.xls"
    html.write_text("<html><body><table><tr><td>学号</td></tr></table></body></html>", encoding="utf-8")
    result = load_input("survey", html)
    assert result.problems[0].is_error and "网页" in result.problems[0].message

    broken = cn_dir / "staff.xlsx"
    broken.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)
    result = load_input("staff", broken)
    assert result.problems[0].is_error and "损坏" in result.problems[0].message


def test_not_the_right_kind_of_file(cn_dir: Path):
    rows = [["活动编号", "活动名称"], ["A01", "篮球"]]
    result = load_input("students", write_csv(cn_dir / "students.csv", rows))
    assert result.problems[0].is_error and "找不到表头" in result.problems[0].message
    _assert_accounted(result)


def test_survey_keeps_the_latest_submission(cn_dir: Path):
    rows = [["学号", "姓名", "参加课后服务", "服务日", "志愿1", "提交时间"],
            ["2025030201", "张小明", "是", "一、三、五", "A01", "2025-08-30 21:05:11"],
            ["2025030202", "李小红", "否", "", "", "2025-08-30 21:06:00"],
            ["2025030201", "张小明", "是", "周一至周五", "A03", "2025-08-31 08:00:00"]]
    result = load_input("survey", write_csv(cn_dir / "survey.csv", rows))
    frame = result.frame.set_index("学号")
    assert frame.loc["2025030201", "志愿1"] == "A03"
    assert frame.loc["2025030201", "服务日"] == "周一,周二,周三,周四,周五"
    assert frame.loc["2025030202", "参加课后服务"] == False  # noqa: E712  (pandas boolean)
    (problem,) = result.problems
    assert problem.row == 2 and problem.severity is Severity.WARNING and "第 4 行" in problem.message
    _assert_accounted(result)


def test_activities_ranges_and_choices(cn_dir: Path):
    rows = [["活动编号", "活动名称", "类别", "适用年级", "人数上限", "开班最低人数", "活动日"],
            ["a01", "趣味篮球", "体育类", "3-6", "30人", "10", "周二、周四"],
            ["A02", "合唱", "音乐", "全部", "40", "", "周三"],
            ["A03", "编程", "科技", "4,5,6", "0", "", "周五"],
            ["A04", "兴趣小组", "社团", "全部", "20", "", "周一"]]
    result = load_input("activities", write_csv(cn_dir / "activities.csv", rows, encoding="utf-8-sig"))
    frame = result.frame.set_index("活动编号")
    assert frame.loc["A01", "类别"] == "体育" and frame.loc["A01", "人数上限"] == 30
    assert frame.loc["A01", "活动日"] == "周二,周四" and frame.loc["A01", "适用年级"] == "3,4,5,6"
    assert frame.loc["A02", "适用年级"] == "1,2,3,4,5,6" and frame.loc["A02", "开班最低人数"] == 0
    assert frame.loc["A02", "类别"] == "艺术"
    problems = {(p.row, p.column): p for p in result.problems}
    assert problems[(5, "类别")].is_error and "可选" in problems[(5, "类别")].message
    assert problems[(4, "人数上限")].is_error and "范围" in problems[(4, "人数上限")].message
    assert "A03" not in frame.index and "A04" not in frame.index
    _assert_accounted(result)


def test_an_unreadable_value_where_blank_means_every_grade_or_day_stops_the_row(cn_dir: Path):
    """7-9 must not become 全部 (every grade), nor 周八 every day, by being read as blank."""
    rows = [["活动编号", "活动名称", "类别", "适用年级", "人数上限", "活动日"],
            ["A01", "趣味篮球", "体育", "7-9", "30", "周二"],
            ["A02", "合唱", "艺术", "", "40", "周三"]]
    result = load_input("activities", write_csv(cn_dir / "activities.csv", rows, encoding="gbk"))
    assert list(result.frame["活动编号"]) == ["A02"] and result.frame.at[0, "适用年级"] == "1,2,3,4,5,6"
    problem = next(p for p in result.problems if p.column == "适用年级")
    assert problem.is_error and problem.row == 2 and problem.value == "7-9" and "未读入" in problem.message
    staff = [["工号", "姓名", "人员类型", "可服务日"], ["T01", "李明", "在职教师", "周八"], ["T02", "王芳", "在职教师", ""]]
    result = load_input("staff", write_xlsx(cn_dir / "教职工.xlsx", staff))
    assert list(result.frame["工号"]) == ["T02"]
    assert any(p.is_error and p.column == "可服务日" and p.row == 2 for p in result.problems)
    _assert_accounted(result)


def test_satisfaction_answers_however_written(cn_dir: Path):
    rows = [["身份", "年级", "总体满意度", "对社团活动的满意度", "意见建议"],
            ["家长", "三年级", "满意度：满意", "很满意", "希望增加体育类社团"],
            ["学生", "4", "非常满意", "", ""],
            ["家长/监护人", "", "还行吧", "一般", ""]]
    result = load_input("satisfaction", write_xlsx(cn_dir / "satisfaction.xlsx", rows))
    frame = result.frame
    assert frame["身份"].tolist() == ["家长", "学生", "家长"]
    assert frame["总体满意度"].tolist() == ["满意", "非常满意", None]
    assert frame["对社团活动的满意度"].tolist() == ["非常满意", None, "一般"]
    (problem,) = result.problems
    assert problem.row == 4 and problem.value == "还行吧" and not problem.is_error


def test_every_template_spec_loads_an_empty_file_with_just_headers(cn_dir: Path):
    for stem, spec in INPUTS.items():
        path = write_xlsx(cn_dir / f"{stem}.xlsx", [list(spec.names)])
        result = load_input(stem, path)
        assert result.problems == () and result.rows_read == 0 and len(result.frame) == 0, stem


@pytest.mark.parametrize("stem", list(INPUTS))
@pytest.mark.parametrize("fmt", ["xlsx", "xls", "gbk.csv", "utf8bom.csv"])
def test_each_input_loads_its_template_example_in_each_format(cn_dir: Path, stem: str, fmt: str):
    """The 填写说明 example of every column, saved the ways schools save files, loads cleanly."""
    spec = INPUTS[stem]
    rows = [list(spec.names), [c.example for c in spec.columns]]
    if fmt == "xlsx":
        path = write_xlsx(cn_dir / f"{stem}.xlsx", rows)
    elif fmt == "xls":
        path = write_xls(cn_dir / f"{stem}.xls", rows)
    else:
        path = write_csv(cn_dir / f"{stem}.csv", rows, encoding="gbk" if fmt.startswith("gbk") else "utf-8-sig")
    result = load_input(stem, path)
    assert result.problems == (), [str(p) for p in result.problems]
    assert len(result.frame) == 1 and result.accounted
    for column in spec.columns:
        if column.example and column.required:
            assert not pd.isna(result.frame.at[0, column.name]), column.name
