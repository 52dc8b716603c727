"""Applications through the four steps, and the demand tables, on small hand-made cases."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from afterschool_lib import survey as sv
from afterschool_lib.loaders import load_input

from .conftest import STUDENT_HEADER, write_csv

WEEK = (0, 1, 2, 3, 4)


@pytest.fixture
def term(cn_dir: Path) -> dict[str, pd.DataFrame]:
    students = load_input("students", write_csv(cn_dir / "students.csv", [
        STUDENT_HEADER,
        ["S1", "张一", "男", "一年级", "1班", "", "", "否", "是", "否"],
        ["S2", "李二", "女", "一年级", "1班", "", "", "是", "", ""],
        ["S3", "王三", "男", "一年级", "2班", "", "", "", "", ""],
        ["S4", "赵四", "女", "三年级", "1班", "", "", "", "", "是"],
        ["S5", "钱五", "男", "三年级", "1班", "", "", "", "", ""],
    ])).frame
    survey = load_input("survey", write_csv(cn_dir / "survey.csv", [
        ["学号", "姓名", "年级", "班级", "参加课后服务", "服务日", "离校时段", "午间托管", "志愿1", "志愿2", "提交时间"],
        ["S1", "张一", "一年级", "1班", "是", "", "18:00", "是", "篮球社团", "A02", "2025-08-30 20:00"],
        ["S2", "李二", "一年级", "1班", "是", "周一、周三", "17:00前", "", "A02", "", "2025-08-30 20:01"],
        ["X9", "王三", "一年级", "2班", "是", "周五", "17:30", "", "A01", "", "2025-08-30 20:02"],  # mistyped 学号
        ["S5", "钱五", "三年级", "1班", "否", "", "", "", "", "", "2025-08-30 20:03"],
        ["S8", "孙八", "二年级", "3班", "是", "", "18:00", "", "A01", "", "2025-08-30 20:04"],  # not on the roster
    ])).frame
    activities = pd.DataFrame({"活动编号": ["A01", "A02", "A03"], "活动名称": ["篮球", "合唱", "围棋"],
                               "类别": ["体育", "艺术", "人文"], "人数上限": [1, 10, 20], "开班最低人数": [0, 1, 5]})
    return {"students": students, "survey": survey, "activities": activities}


@pytest.fixture
def prepared(term):
    return sv.prepare_applications(term["survey"], term["students"], term["activities"], WEEK)


def test_applications_matched_by_id_else_by_name_and_class(prepared):
    applications, problems = prepared
    by_row = applications.set_index("行号")
    assert by_row.loc[4, "学号"] == "S3" and by_row.loc[4, "匹配方式"] == "姓名+年级+班级"
    assert by_row.loc[6, "匹配方式"] == "未匹配" and by_row.loc[6, "学号"] == "S8"
    assert len(applications) == 5  # nothing dropped
    assert {(p.row, p.value) for p in problems} == {(4, "X9"), (6, "S8")}
    assert by_row.loc[2, "服务日"] == "周一,周二,周三,周四,周五"  # blank means every service day
    assert by_row.loc[2, "志愿1"] == "A01"  # 篮球社团 by name
    assert by_row.loc[2, "优先群体"] == "困难家庭"


def test_status_through_the_four_steps(prepared, term, cn_dir: Path):
    applications, _ = prepared
    status = sv.review_status(term["students"], applications)
    assert status.set_index("学号")["当前环节"].to_dict() == {
        "S1": "等待班主任审核", "S2": "等待班主任审核", "S3": "等待班主任审核",
        "S4": "等待家长提交申请", "S5": "家长申请不参加"}

    path = sv.write_class_review(cn_dir / "班级审核.xlsx", applications, term["activities"])
    book = openpyxl.load_workbook(path)
    # 三年级1班's only answer is 不参加: nothing to review; the unmatched application goes to the teachers too
    assert book.sheetnames == ["一年级1班", "一年级2班", "未对应名单的申请"]
    assert [c.value for c in book["未对应名单的申请"]["B"]][1:] == ["S8"]
    sheet = book["一年级1班"]
    header = [c.value for c in sheet[1]]
    assert header[-2:] == ["审核结果", "原因"] and "A01 篮球" in [c.value for c in sheet[2]]
    assert sheet.data_validations.dataValidation[0].formula1 == '"审核通过,不通过"'
    result = header.index("审核结果") + 1
    sheet.cell(2, result).value = "审核通过"
    sheet.cell(3, result).value = "不通过"  # without a reason: a warning
    book["一年级2班"].cell(2, result).value = "√"
    book.save(path)

    class_review, problems = sv.read_review(path, "审核结果")
    assert dict(zip(class_review["学号"], class_review["审核结果"])) == {"S1": "通过", "S2": "不通过", "S3": "通过"}
    assert [(p.row, p.column) for p in problems] == [(3, "原因")]
    status = sv.review_status(term["students"], applications, class_review.rename(columns={"审核结果": "班级审核"}))
    assert status.set_index("学号").loc[["S1", "S2", "S3"], "当前环节"].tolist() == ["等待学校复核", "班级审核未通过", "等待学校复核"]

    school_path = sv.write_school_review(cn_dir / "学校复核.xlsx", status)
    school = openpyxl.load_workbook(school_path)
    sheet = school["学校复核"]
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    assert [r[0] for r in rows] == ["S1", "S3"]  # priority group first
    sheet.cell(2, 6).value = "通过"
    sheet.cell(3, 6).value = "不通过"
    sheet.cell(3, 7).value = "名额已满"
    school.save(school_path)
    school_review, problems = sv.read_review(school_path, "复核结果")
    assert problems == []
    status = sv.review_status(term["students"], applications, class_review.rename(columns={"审核结果": "班级审核"}),
                              school_review.rename(columns={"复核结果": "学校复核"}))
    row = status.set_index("学号")
    assert row.loc["S1", "统筹安排"] == "待安排" and row.loc["S1", "当前环节"] == "等待统筹安排（分组编班）"
    assert row.loc["S3", "当前环节"] == "学校复核未通过" and row.loc["S3", "原因"] == "名额已满"
    counts = sv.stage_counts(status).set_index("当前环节")["人数"]
    assert counts.sum() == 5 and counts["等待统筹安排（分组编班）"] == 1


def test_a_review_sheet_with_a_result_nobody_can_read(prepared, cn_dir: Path):
    applications, _ = prepared
    path = sv.write_class_review(cn_dir / "班级审核.xlsx", applications)
    book = openpyxl.load_workbook(path)
    book["一年级1班"].cell(2, 11).value = "再看看"
    book.save(path)
    review, problems = sv.read_review(path, "审核结果")
    assert review.set_index("学号").loc["S1", "审核结果"] == "待审核"
    assert problems[0].value == "再看看" and "一年级1班" in problems[0].file
    broken = cn_dir / "坏的.xlsx"
    broken.write_bytes(b"PK\x03\x04garbage")
    review, problems = sv.read_review(broken, "审核结果")
    assert review.empty and problems[0].is_error


def test_demand_tables(prepared, term):
    applications, _ = prepared
    status = sv.review_status(term["students"], applications)
    by_class = sv.participation_by_class(term["students"], status).set_index("班级名称")
    assert by_class.loc["一年级1班", "申请参加"] == 2 and by_class.loc["一年级1班", "申请参加率"] == 1.0
    assert by_class.loc["三年级1班", "提交申请"] == 1 and by_class.loc["三年级1班", "申请参加"] == 0
    assert by_class.loc["全校合计", "学生数"] == 5 and by_class.loc["全校合计", "申请参加"] == 3
    weekdays = sv.demand_by_weekday(applications, WEEK).set_index("星期")["人数"].to_dict()
    assert weekdays == {"周一": 2, "周二": 1, "周三": 2, "周四": 1, "周五": 2}  # S8 (unmatched) not counted
    leave = sv.demand_by_leave_time(applications)
    assert leave["离校时段"].tolist() == ["17:00前", "17:30", "18:00"]
    priority = sv.priority_coverage(status, term["students"]).set_index("群体")
    assert priority.loc["随迁子女", "未提交"] == 1 and priority.loc["困难家庭", "申请参加"] == 1
    assert sv.priority_students_without_application(status)["学号"].tolist() == ["S4"]
    interest = sv.interest_by_activity(applications, term["activities"]).set_index("活动编号")
    assert interest.loc["A01", "第一志愿"] == 2 and interest.loc["A01", "判断"] == "超额"
    assert interest.loc["A02", "全部志愿"] == 2 and interest.loc["A02", "判断"] == "正常"
    assert interest.loc["A03", "判断"] == "不足开班"
    noon = sv.noon_care_by_grade(applications).set_index("年级")
    assert noon.loc["一年级", "需要午间托管"] == 1


def test_long_answers_split_multi_valued_questions(prepared):
    applications, _ = prepared
    long = sv.answers_long(applications)
    s2 = long[long["学号"] == "S2"]
    assert s2[s2["问题"] == "服务日"]["回答"].tolist() == ["周一", "周三"]
    s1 = long[(long["学号"] == "S1") & (long["问题"] == "志愿")]
    assert list(zip(s1["序号"], s1["回答"])) == [(1, "A01"), (2, "A02")]
    assert "S8" not in set(long["学号"])
    assert long[long["学号"] == "S5"]["问题"].tolist() == ["参加课后服务"]  # answered 否: no service days counted


def test_pick_up_times_are_written_one_way_in_prepared_applications(term, cn_dir: Path):
    survey = load_input("survey", write_csv(cn_dir / "s.csv", [
        ["学号", "参加课后服务", "离校时段"], ["S1", "是", "17：30"], ["S2", "是", "5点半"], ["S3", "否", ""]]))
    applications, _ = sv.prepare_applications(survey.frame, term["students"], term["activities"], WEEK)
    assert applications["离校时段"].tolist()[:2] == ["17:30", "17:30"]
    assert pd.isna(applications.set_index("学号").loc["S3", "服务日"])  # 不参加: no days filled in


def test_an_application_by_name_only_is_matched_and_the_latest_stands(term, cn_dir: Path):
    survey = load_input("survey", write_csv(cn_dir / "survey2.csv", [
        ["学号", "姓名", "年级", "班级", "参加课后服务", "志愿1", "提交时间"],
        ["S1", "张一", "一年级", "1班", "是", "A01", "2025-08-30 20:00"],
        ["", "张一", "1", "(1)班", "是", "A02", "2025-08-31 09:00"],   # the same child, no 学号, later
        ["", "", "一年级", "1班", "是", "A02", "2025-08-31 10:00"],     # nobody named: not readable
    ]))
    assert [(p.row, p.dropped) for p in survey.problems] == [(4, True)] and survey.accounted
    applications, problems = sv.prepare_applications(survey.frame, term["students"], term["activities"], WEEK)
    assert applications["学号"].tolist() == ["S1"] and applications["志愿1"].tolist() == ["A02"]
    assert [(p.row, p.dropped) for p in problems if "同一名学生" in p.message] == [(2, True)]


def test_grade_view_filters_the_table(prepared, term):
    applications, _ = prepared
    table = sv.participation_by_class(term["students"], sv.review_status(term["students"], applications))
    view = sv.grade_view(table)
    picker, html = view.children
    assert picker.options == ("全部", "一年级", "三年级")
    assert "三年级1班" in html.value and "一年级1班" in html.value
    picker.value = "三年级"
    assert "三年级1班" in html.value and "一年级1班" not in html.value
    assert "0.0%" in html.value  # 申请参加率 as a percentage


def test_review_rows_without_a_current_application_are_named(prepared):
    applications, _ = prepared
    review = pd.DataFrame({"学号": ["S1", "S5", "S9"], "班级审核": ["通过", "通过", "通过"], "原因": ["", "", ""]})
    (problem,) = sv.unused_reviews(review, applications, "班级审核.xlsx")
    assert "2 条审核结果" in problem.message and "S5" in problem.message and "S9" in problem.message


@pytest.mark.parametrize("raw, slot", [("17：30", "17:30"), ("5点半", "17:30"), ("17:00前", "17:00前"), ("", "未填写"),
                                       ("看情况", "看情况"), ("下午5:30", "17:30")])
def test_pick_up_times_written_differently_are_one_slot(raw, slot):
    assert sv.leave_slot(raw) == slot
