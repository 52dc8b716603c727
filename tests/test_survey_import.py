"""Survey exports shaped exactly as 问卷星 and 腾讯问卷 hand them out, imported into the survey shape."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest

from afterschool_lib import sample_school
from afterschool_lib.loaders import load_input
from afterschool_lib.paths import sample_dir
from afterschool_lib.problems import Severity
from afterschool_lib.schema import CHOICES, EXCEL_ROW, SURVEY
from afterschool_lib.survey_import import (
    CHOICE_LIST,
    OTHER,
    TEMPLATE,
    TENCENT,
    WJX_CODES,
    WJX_TEXT,
    mapping_table,
    read_survey_export,
    write_survey,
)
from afterschool_lib.validate import activity_lookup, match_activity

from .conftest import write_csv, write_xls, write_xlsx

SAMPLE = sample_dir()
ALL_DAYS = "周一,周二,周三,周四,周五"


@pytest.fixture(scope="module")
def activities() -> pd.DataFrame:
    return load_input("activities", SAMPLE / "activities.xlsx").frame


# --- 问卷星, 按选项文本 --------------------------------------------------------------------------

WJX_HEADER = ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP",
              "1、孩子的学号：", "2、孩子姓名 ", "3、所在年级", "4、所在班级", "5、是否参加本学期课后服务",
              "6、参加哪几天(多选题 *必答)", "7、每天几点接孩子", "8、是否需要午间托管",
              "9、请按意愿选择社团(最多选3项，按顺序)", "10、每周最多参加几个社团", "11、家长手机号"]
WJX_ROWS = [
    WJX_HEADER,
    ["1", "2025/8/25 19:00:06", "136秒", "微信", "N/A", "183.192.16.69(江苏-南京)", "２０２３０７０３２９", "孙雨玥", "三年级",
     "3班", "是", "周一┋周三┋其他〖周二┋周四〗", "18:00", "否", "趣味篮球→校园足球社团→其他〖机器人〗", "2个", "13900001234"],
    ["2", "2025/8/25 19:03:41", "96秒", "微信", "N/A", "112.20.5.8(江苏-南京)", "2021070236", "赵若语", "五年级",
     "(2)班", "否", "(跳过)", "(跳过)", "(跳过)", "(跳过)", "(跳过)", "13900005678"],
    [""] * len(WJX_HEADER),  # a blank line left in the file
    ["3", "2025/8/26 07:12:09", "58秒", "手机提交", "N/A", "39.144.2.17(安徽-合肥)", "", "", "", "", "是", "周一", "17:30",
     "否", "(空)", "(空)", "(空)"],  # a test submission: nobody's
    ["4", "2025/8/27 21:05:11", "74秒", "微信", "N/A", "183.192.16.69(江苏-南京)", "2023070329", "孙雨玥", "三年级",
     "3班", "是", "周二┋周四", "17:00前", "是", "乒乓球", "(空)", "13900001234"],  # the same family, again
    ["5", "2025/8/27 22:30:00", "80秒", "链接", "N/A", "1.2.3.4(江苏-南京)", "2024070112", "王子涵", "二年级", "1班",
     "是", "周一┋周二┋周三┋周四┋周五", "18:00", "否", "其他〖柜台〗", "(空)", "(空)"],
]


@pytest.fixture
def wjx_csv(cn_dir: Path) -> Path:
    return write_csv(cn_dir / "课后服务报名_问卷星.csv", WJX_ROWS, encoding="gbk")


def test_wjx_text_csv_in_gbk(wjx_csv: Path, activities: pd.DataFrame):
    result = read_survey_export(wjx_csv, activities=activities)
    assert result.platform == WJX_TEXT
    assert result.rows_read == 5 and result.blank_rows == 1
    assert result.accounted
    frame = result.frame
    assert frame[EXCEL_ROW].tolist() == [2, 3, 6, 7]  # the test submission (row 5) is named, not kept
    first = frame.iloc[0]
    assert first["学号"] == "2023070329"  # full-width digits folded
    assert (first["姓名"], first["年级"], first["班级"], first["参加课后服务"]) == ("孙雨玥", "三年级", "3班", "是")
    assert first["服务日"] == "周一,周二,周三,周四"  # ┋ inside 〖〗 of an "other" answer
    assert [first[c] for c in CHOICES] == ["A01", "A02", "A18"]  # → ranking, names and 社团 suffix to codes
    assert (first["离校时段"], first["午间托管"], first["最多社团数"]) == ("18:00", "否", "2")
    assert first["提交时间"] == "2025-08-25 19:00:06"
    assert first["联系电话"] == "13900001234"  # a question the template lacks: carried under the roster's name
    skipped = frame.iloc[1]
    assert skipped["参加课后服务"] == "否"
    assert all(skipped[c] is None for c in ("服务日", "离校时段", "午间托管", *CHOICES, "最多社团数"))
    assert frame.iloc[3]["志愿1"] == "柜台"  # no such activity: kept as answered, and said so
    assert frame["学号"].tolist().count("2023070329") == 2  # both submissions stay; the loader keeps the latest
    # the platform's own columns are carried after the template's
    assert list(frame.columns[:len(SURVEY.names) + 1]) == [EXCEL_ROW, *SURVEY.names]
    assert frame["来自IP"].iloc[0] == "183.192.16.69(江苏-南京)" and frame["所用时间"].iloc[0] == "136秒"
    assert "提交答卷时间" not in frame  # it became 提交时间
    dropped = [p for p in result.problems if p.dropped]
    assert [p.row for p in dropped] == [5]
    assert "既没有学号也没有姓名" in str(dropped[0]) and str(dropped[0]).startswith("课后服务报名_问卷星.csv 第5行")
    unknown = [p for p in result.problems if p.value == "柜台"]
    assert unknown and unknown[0].severity is Severity.WARNING and unknown[0].row == 7


def test_wjx_mapping_table_shows_every_question(wjx_csv: Path, activities: pd.DataFrame):
    result = read_survey_export(wjx_csv, activities=activities)
    table = mapping_table(result)
    assert list(table.columns) == ["原问题", "对应列", "说明"]
    chosen = dict(zip(table["原问题"], table["对应列"]))
    assert chosen["1、孩子的学号："] == "学号"
    assert chosen["2、孩子姓名"] == "姓名"  # the trailing space of the header is gone
    assert chosen["9、请按意愿选择社团(最多选3项，按顺序)"] == CHOICE_LIST
    assert chosen["10、每周最多参加几个社团"] == "最多社团数"
    assert chosen["来自IP"] == ""
    assert "排序" in table.set_index("原问题").at["9、请按意愿选择社团(最多选3项，按顺序)", "说明"]
    assert dict(result.mapping)["提交答卷时间"] == "提交时间"
    assert result.unmapped == ()
    assert set(result.kept) == {"序号", "所用时间", "来源", "来源详情", "来自IP"}


def test_without_activities_club_answers_stay_as_written(wjx_csv: Path):
    frame = read_survey_export(wjx_csv).frame
    assert [frame.iloc[0][c] for c in CHOICES] == ["趣味篮球", "校园足球社团", "机器人"]


def test_round_trip_through_the_survey_loader(wjx_csv: Path, activities: pd.DataFrame, tmp_path: Path):
    result = read_survey_export(wjx_csv, activities=activities)
    out = write_survey(result, tmp_path / "survey.xlsx")
    loaded = load_input("survey", out)
    assert not [p for p in loaded.problems if p.is_error], [str(p) for p in loaded.problems]
    assert loaded.rows_read == len(result.frame)
    # the duplicate submission: the loader keeps the later one and says so
    repeats = [p for p in loaded.problems if "多份提交" in p.message]
    assert len(repeats) == 1
    frame = loaded.frame.set_index("学号")
    assert list(frame.index) == ["2021070236", "2023070329", "2024070112"]
    assert frame.at["2023070329", "服务日"] == "周二,周四" and frame.at["2023070329", "志愿1"] == "A06"
    assert not frame.at["2021070236", "参加课后服务"]  # bool(pd.NA) would raise: this is a real False
    assert frame.at["2023070329", "年级"] == 3 and frame.at["2023070329", "班级"] == 3
    assert frame.at["2023070329", "提交时间"] == pd.Timestamp("2025-08-27 21:05:11")
    assert frame.at["2023070329", "来自IP"] == "183.192.16.69(江苏-南京)"  # carried through the loader too
    assert frame.at["2023070329", "联系电话"] == "13900001234"


def test_wjx_xls_download(cn_dir: Path, activities: pd.DataFrame):
    rows = [
        ["来源", "序号", "提交答卷时间", "所用时间", "来源详情", "来自IP", "总分", "1、学生姓名", "2、学生学号", "3、年级班级",
         "4、是否需要参加课后服务", "5、服务星期(多选题)", "6、第一志愿", "7、第二志愿 "],
        ["微信", 1.0, "2016/12/17 14:22:55", "136秒", "N/A", "183.192.16.69(上海-上海)", 0.0, "李小红", 2025030202.0,
         "三年级2班", "是", "周一┋周五", "围棋", "(空)"],
        ["微信", 2.0, dt.datetime(2016, 12, 18, 8, 1, 2), "40秒", "N/A", "183.192.16.70(上海-上海)", 0.0, "张 小明",
         "2025030201", "3(1)班", "不参加", "(跳过)", "(跳过)", "(跳过)"],
    ]
    path = write_xls(cn_dir / "问卷星导出.xls", rows)
    result = read_survey_export(path, activities=activities)
    assert result.platform == WJX_TEXT  # leading columns in another order, 总分 among them
    assert result.accounted and result.rows_read == 2
    frame = result.frame
    assert frame["学号"].tolist() == ["2025030202", "2025030201"]
    assert frame["姓名"].tolist() == ["李小红", "张小明"]
    assert frame["班级"].tolist() == ["三年级2班", "三年级1班"]  # a class written with its grade keeps it
    assert frame["参加课后服务"].tolist() == ["是", "否"]
    assert frame["服务日"].tolist() == ["周一,周五", None]
    assert frame["志愿1"].tolist() == ["A23", None]
    assert frame["志愿2"].tolist() == [None, None]
    assert frame["提交时间"].tolist() == ["2016-12-17 14:22:55", "2016-12-18 08:01:02"]
    assert dict(result.mapping)["7、第二志愿"] == "志愿2"


# --- 问卷星, 按选项序号 --------------------------------------------------------------------------

WJX_CODES_ROWS = [
    ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP", "1、孩子的学号：", "2、孩子姓名", "3、所在年级",
     "4、是否参加本学期课后服务", "第5题(周一)", "第5题(周二)", "第5题(周三)", "第5题(周四)", "第5题(周五)",
     "6、每天几点接孩子", "第7题(趣味篮球)", "第7题(校园足球)", "第7题(围棋)"],
    ["1", "2025/8/25 19:00:06", "136秒", "微信", "N/A", "183.192.16.69(江苏-南京)", "2023070329", "孙雨玥", "3",
     "1", "1", "0", "1", "0", "1", "2", "2", "1", "-2"],
    ["2", "2025/8/25 19:10:00", "50秒", "微信", "N/A", "183.192.16.70(江苏-南京)", "2021070236", "赵若语", "5",
     "2", "-3", "-3", "-3", "-3", "-3", "-3", "-3", "-3", "-3"],
]


def test_wjx_option_numbers(cn_dir: Path, activities: pd.DataFrame):
    path = write_csv(cn_dir / "按序号.csv", WJX_CODES_ROWS, encoding="gbk")
    result = read_survey_export(path, activities=activities)
    assert result.platform == WJX_CODES
    assert result.accounted
    frame = result.frame
    assert frame["参加课后服务"].tolist() == ["是", "否"]  # a 是否 question: 1 is 是, 2 is 否
    assert frame["服务日"].tolist() == ["周一,周三,周五", None]  # 0/1 per option; -3 skipped
    assert [frame.iloc[0][c] for c in CHOICES] == ["A02", "A01", None]  # ranks 2, 1 and -2 (not ranked)
    # positions without the questionnaire cannot be read: left blank and the user told what to do
    assert frame["年级"].tolist() == [None, None] and frame["离校时段"].tolist() == [None, None]
    told = {p.column: p for p in result.problems if "按选项序号" in p.message}
    assert set(told) == {"3、所在年级", "6、每天几点接孩子"}
    assert "按选项文本" in told["3、所在年级"].fix
    assert dict(result.mapping)["第5题(周三)"] == "服务日"
    assert dict(result.mapping)["第7题(围棋)"] == CHOICE_LIST


def test_option_numbers_for_a_yes_no_question_not_worded_as_one(cn_dir: Path):
    rows = [row[:10] for row in WJX_CODES_ROWS]
    rows[0][9] = "4、参加本学期课后服务"  # not a 是否 question: 1 might be 参加 or 不参加
    result = read_survey_export(write_csv(cn_dir / "按序号2.csv", rows, encoding="gbk"))
    assert result.platform == WJX_CODES
    assert result.frame["参加课后服务"].tolist() == [None, None]
    told = {p.column: p for p in result.problems if "按选项序号" in p.message}
    assert told["4、参加本学期课后服务"].is_error  # a required column: an error, not a guess
    assert not told["3、所在年级"].is_error


# --- 腾讯问卷 ---------------------------------------------------------------------------------------


def test_tencent_csv_with_bom_and_trailing_comma(cn_dir: Path, activities: pd.DataFrame):
    header = ["编号", "开始答题时间", "结束答题时间", "答题时长", "地理位置国家和地区", "地理位置省份", "地理位置城市", "自定义字段",
              "用户类型", "IP", "1.学生学号", "2.学生姓名", "3.孩子所在年级", "4.班级", "5.是否参加课后服务",
              "6.每周哪几天参加:周一", "6.每周哪几天参加:周三", "6.每周哪几天参加:周五", "7.几点接孩子",
              "8.社团意向（可多选）:趣味篮球", "8.社团意向（可多选）:机器人", "8.社团意向（可多选）:其他", "9.您对课后服务的建议", ""]
    rows = [
        header,
        ["1", "2025-08-30 21:01:00", "2025-08-30 21:05:11", "251秒", "中国", "江苏", "南京", "", "微信用户", "1.2.3.4",
         "2023070329", "孙雨玥", "三年级", "3班", "是", "周一", "", "周五", "18:00", "", "机器人", "剪纸", "希望多开体育类", ""],
        ["2", "2025-08-30 21:06:00", "2025-08-30 21:07:00", "60秒", "中国", "江苏", "南京", "", "微信用户", "1.2.3.5",
         "2021070236", "赵若语", "五年级", "2班", "否", "", "", "", "", "", "", "", "", ""],
    ]
    path = write_csv(cn_dir / "腾讯问卷.csv", rows, encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf") and path.read_bytes().rstrip().endswith(b",")
    result = read_survey_export(path, activities=activities)
    assert result.platform == TENCENT
    assert result.accounted and result.rows_read == 2
    frame = result.frame
    assert frame["服务日"].tolist() == ["周一,周五", None]
    assert [frame.iloc[0][c] for c in CHOICES] == ["A18", "A16", None]
    assert frame["提交时间"].tolist() == ["2025-08-30 21:05:11", "2025-08-30 21:07:00"]
    mapping = dict(result.mapping)
    assert mapping["6.每周哪几天参加:周三"] == "服务日" and mapping["8.社团意向（可多选）:其他"] == CHOICE_LIST
    assert result.unmapped == ("9.您对课后服务的建议",)  # an unrecognisable question: reported, kept as is
    assert frame["9.您对课后服务的建议"].iloc[0] == "希望多开体育类"
    assert "" not in frame.columns  # the trailing comma's empty column is not carried
    assert {"编号", "开始答题时间", "答题时长", "地理位置城市", "IP", "用户类型"} <= set(frame.columns)


# --- the template itself, another table, overrides -----------------------------------------------------


def test_the_template_itself(cn_dir: Path, activities: pd.DataFrame, tmp_path: Path):
    rows = [["示例小学课后服务申请汇总表"], list(SURVEY.names),
            ["2023070329", "孙雨玥", "3年级", "(3)班", "√", "一、三、五", "18:00", "", "A01", "校园足球", "", "", "", "2025-08-30 21:05"],
            ["2021070236", "赵若语", "五年级", "2班", "否", "", "", "", "", "", "", "", "", ""]]
    path = write_xlsx(cn_dir / "survey.xlsx", rows)
    result = read_survey_export(path, activities=activities)
    assert result.platform == TEMPLATE and result.header_row == 2
    frame = result.frame
    assert frame[EXCEL_ROW].tolist() == [3, 4]
    assert frame.iloc[0][["年级", "班级", "参加课后服务", "服务日", "志愿1", "志愿2"]].tolist() == \
        ["三年级", "3班", "是", "周一,周三,周五", "A01", "A02"]
    assert frame.iloc[0]["提交时间"] == "2025-08-30 21:05:00"
    assert all(how == "列名与申请表一致" for *_, how in result.explained)
    loaded = load_input("survey", write_survey(result, tmp_path / "again.xlsx"))
    assert not [p for p in loaded.problems if p.is_error] and len(loaded.frame) == 2


def test_unrecognisable_question_and_missing_join_question(cn_dir: Path):
    rows = [["孩子学号", "孩子姓名", "孩子有无过敏史", "报名社团"],
            ["2023070329", "孙雨玥", "花生过敏", "篮球┋足球"]]
    result = read_survey_export(write_csv(cn_dir / "报名表.csv", rows))
    assert result.platform == OTHER
    assert result.unmapped == ("孩子有无过敏史",)
    assert result.frame.iloc[0]["孩子有无过敏史"] == "花生过敏"
    # a form that only collects sign-ups: every answer is an application, and the user is told
    assert result.frame["参加课后服务"].tolist() == ["是"]
    assert any("是否参加课后服务" in p.message for p in result.problems)
    assert result.frame.iloc[0][["志愿1", "志愿2"]].tolist() == ["篮球", "足球"]


def test_override_changes_the_mapping(wjx_csv: Path, activities: pd.DataFrame):
    overrides = {"7、每天几点接孩子": None, "11、家长手机号": "备注"}
    result = read_survey_export(wjx_csv, activities=activities, overrides=overrides)
    assert result.frame["离校时段"].isna().all()
    assert "7、每天几点接孩子" in result.unmapped and result.frame["7、每天几点接孩子"].iloc[0] == "18:00"
    bad = [p for p in result.problems if p.value == "备注"]
    assert bad and bad[0].is_error  # not a column of the survey: said so, and the guess stands
    assert dict(result.mapping)["11、家长手机号"] == "联系电话"

    # the ranking question re-pointed at one column only, and the leaving time back on
    moved = read_survey_export(wjx_csv, activities=activities,
                               overrides={"9、请按意愿选择社团(最多选3项，按顺序)": "志愿1", "所用时间": "离校时段"})
    assert dict(moved.mapping)["所用时间"] == "离校时段"
    assert moved.frame["离校时段"].iloc[0] == "136秒"
    assert "7、每天几点接孩子" in moved.unmapped  # its guess lost to the override, kept as is
    assert moved.frame["志愿1"].iloc[0] == "趣味篮球，校园足球社团，机器人"
    assert mapping_table(moved).set_index("原问题").at["所用时间", "说明"] == "按指定"

    missing = read_survey_export(wjx_csv, overrides={"12、不存在的问题": "学号"})
    assert any(p.column == "12、不存在的问题" and not p.is_error for p in missing.problems)


def test_no_student_question_at_all(cn_dir: Path):
    rows = [["1、您对课后服务满意吗", "2、建议"], ["满意", "无"], ["一般", ""]]
    result = read_survey_export(write_csv(cn_dir / "满意度.csv", rows))
    assert result.frame.empty and result.rows_read == 2
    assert result.accounted and not result.usable


def test_unreadable_file(cn_dir: Path):
    path = cn_dir / "坏文件.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    result = read_survey_export(path)
    assert not result.usable and result.frame.empty and result.accounted


# --- the sample school's exports ----------------------------------------------------------------------


def _applications(frame: pd.DataFrame, lookup: dict[str, str]) -> pd.DataFrame:
    """学号, 参加, 服务日 and 志愿 as codes, blank 服务日 meaning every day, sorted by 学号."""
    out = frame[["学号", "参加课后服务", "服务日", *CHOICES]].copy().astype(object)
    joins = out["参加课后服务"].astype(bool)
    out["服务日"] = out["服务日"].where(out["服务日"].notna(), ALL_DAYS).where(joins, None)
    for column in CHOICES:
        out[column] = out[column].map(lambda v: match_activity(lookup, v) if isinstance(v, str) else None)
    return out.sort_values("学号").reset_index(drop=True)


@pytest.mark.parametrize("export, platform", [("问卷星_课后服务报名.csv", WJX_TEXT), ("腾讯问卷_课后服务报名.csv", TENCENT)])
def test_sample_exports_give_the_sample_applications(export: str, platform: str, activities: pd.DataFrame, tmp_path: Path):
    lookup = activity_lookup(activities)
    expected = _applications(load_input("survey", SAMPLE / "survey.csv").frame, lookup)
    result = read_survey_export(SAMPLE / sample_school.EXPORTS_DIR / export, activities=activities)
    assert result.platform == platform
    assert result.accounted and result.unmapped == () and not result.problems
    loaded = load_input("survey", write_survey(result, tmp_path / "survey.xlsx"))
    assert not [p for p in loaded.problems if p.is_error]
    pd.testing.assert_frame_equal(_applications(loaded.frame, lookup), expected)


def test_sample_exports_are_reproducible(tmp_path: Path):
    shutil.copy(SAMPLE / "survey.csv", tmp_path / "survey.csv")
    written = sample_school.write_survey_exports(tmp_path, sample_school.DEFAULT_SEED)
    assert [p.parent.name for p in written] == [sample_school.EXPORTS_DIR] * 2
    for path in written:
        assert path.read_bytes() == (SAMPLE / sample_school.EXPORTS_DIR / path.name).read_bytes(), path.name
    wjx = written[0].read_bytes()
    assert "(跳过)".encode("gb18030") in wjx and "┋".encode("gb18030") in wjx and "→".encode("gb18030") in wjx
    tencent = written[1].read_bytes()
    assert tencent.startswith(b"\xef\xbb\xbf") and all(line.endswith(b",") for line in tencent.splitlines())


def test_export_picker_lists_application_files_relative_to_the_term_folder():
    from afterschool_lib.paths import sample_dir
    from afterschool_lib.survey_import import export_picker

    picker = export_picker(sample_dir(), "导出/问卷星_课后服务报名.csv")
    assert picker.value == "导出/问卷星_课后服务报名.csv"
    assert [v for _, v in picker.options] == ["", "导出/腾讯问卷_课后服务报名.csv", "导出/问卷星_课后服务报名.csv"]
    assert export_picker(sample_dir(), "导出/不存在.csv").value == ""  # another school's folder: use its survey table
