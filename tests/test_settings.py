"""settings.yaml: the template as shipped, every kind of mistake a teacher makes, and saving edits
without disturbing the comments."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from afterschool_lib.problems import Severity
from afterschool_lib.settings import (
    Season,
    SettingsFileError,
    editable_fields,
    load_settings,
    settings_from_text,
    update_settings_file,
)

TEMPLATE = Path(__file__).resolve().parent.parent / "data_templates" / "settings.yaml"
TEMPLATE_TEXT = TEMPLATE.read_text(encoding="utf-8")


def edited(*pairs: tuple[str, str]) -> str:
    """The template with exact fragments replaced; fails loudly if a fragment is not there, so a
    template change cannot make a test silently check nothing."""
    text = TEMPLATE_TEXT
    for old, new in pairs:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def line_of(text: str, fragment: str) -> int:
    return next(i for i, line in enumerate(text.split("\n"), 1) if fragment in line)


def problems_at(text: str, column: str):
    _, problems = settings_from_text(text)
    return [p for p in problems if p.column == column]


@pytest.fixture
def term_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "课后服务" / "2025秋"
    folder.mkdir(parents=True)
    shutil.copyfile(TEMPLATE, folder / "settings.yaml")
    return folder


# --- the template -----------------------------------------------------------------------------------
def test_template_loads_with_the_design_values():
    settings, problems = load_settings(TEMPLATE)
    assert settings is not None
    assert settings.term_name == "2025-2026学年第一学期"
    assert (settings.term_start, settings.term_end) == (dt.date(2025, 9, 1), dt.date(2026, 1, 23))
    assert settings.service_weekdays == (0, 1, 2, 3, 4)
    assert settings.periods_per_day == 2 and settings.group_size == 45
    assert settings.seasons == (Season("夏秋季", dt.date(2025, 9, 1), "16:30", "18:00"),
                                Season("冬春季", dt.date(2025, 11, 1), "16:20", "17:50"))
    assert settings.fee.mode == "按课时" and settings.fee.settlement == "按出勤"
    assert settings.fee.standard == Decimal("3.5") and isinstance(settings.fee.standard, Decimal)
    assert settings.fee.waivers == (("困难家庭", Decimal("1.0")),)
    assert settings.subsidy_per_period == Decimal(30)
    assert settings.subsidy_duty_periods == Decimal(1) and isinstance(settings.subsidy_duty_periods, Decimal)
    assert settings.subsidy_paid_types == ("在职教师", "退休教师", "校外专业人员")
    assert settings.duty_per_day == 2 and settings.children_per_adult == 45 and settings.adult_ratio == 45
    assert [name for name, _ in settings.targets] == ["参与率", "学生满意度", "家长满意度", "校内完成作业", "安全事故", "培训覆盖率",
                                                     "活动数量", "志愿满足率", "校外人员资质审核通过率", "经费使用合规率"]
    assert settings.target("活动数量") == 30 and settings.target("志愿满足率") == Decimal("0.90")
    assert dict(settings.commendation) == {"优秀教师名额": 5, "优秀志愿者名额": 3, "最少服务次数": 16,
                                           "出勤率不低于": Decimal("0.90"), "满意度不低于": Decimal("0.85")}
    assert settings.target("参与率") == Decimal("0.95") and settings.target("安全事故") == 0
    assert dict(settings.duties)["教务处"] == "内容与师资"
    assert settings.role("成员") == ()
    assert settings.source == "settings.yaml"
    # the blank school name is the only thing to say, and only as a warning
    assert [(p.column, p.severity) for p in problems] == [("学校名称", Severity.WARNING)]


def test_template_comments_every_top_level_key():
    for line in TEMPLATE_TEXT.split("\n"):
        if line and not line.startswith((" ", "#", "时段:")) and ":" in line:
            assert "#" in line, line


def test_convenience_methods():
    settings, _ = load_settings(TEMPLATE)
    assert settings.season_on(dt.date(2025, 8, 31)) is None
    assert settings.season_on(dt.date(2025, 10, 31)).name == "夏秋季"
    assert settings.season_on(dt.date(2025, 11, 1)).name == "冬春季"
    assert settings.season_on(dt.datetime(2026, 1, 5, 12)).end == "17:50"
    assert settings.seasons[0].minutes == 90
    assert settings.waiver("困难家庭") == 1 and settings.waiver("留守儿童") == 0
    assert settings.target("不存在的指标") is None
    assert settings.service_weekday_names == ("周一", "周二", "周三", "周四", "周五")


def test_extra_fee_keys_are_kept_for_the_fees_module():
    text = edited(("    困难家庭: 1.0 ", "    困难家庭: 1.0\n    留守儿童: 50%\n  退费: 整月缺勤退整月\n  某市的新规定: 按月 #"))
    settings, problems = settings_from_text(text)
    assert settings is not None, problems
    assert settings.fee.waiver("留守儿童") == Decimal("0.5")
    assert settings.fee.option("退费") == "整月缺勤退整月"
    assert settings.fee.option("某市的新规定") == "按月"
    assert settings.fee.option("没有") is None


# --- reading mistakes -------------------------------------------------------------------------------
@pytest.mark.parametrize("written, expected", [
    ("2025/9/1", dt.date(2025, 9, 1)),
    ("2025年9月1日", dt.date(2025, 9, 1)),
    ("'2025-09-01'", dt.date(2025, 9, 1)),
    ("２０２５-０９-０１", dt.date(2025, 9, 1)),
])
def test_dates_in_the_usual_spellings(written: str, expected: dt.date):
    settings, problems = settings_from_text(edited(("学期开始: 2025-09-01", f"学期开始: {written}")))
    assert settings is not None, problems
    assert settings.term_start == expected


@pytest.mark.parametrize("written, expected", [
    ("周一至周五", (0, 1, 2, 3, 4)),
    ("一、三、五", (0, 2, 4)),
    ("[周二, 周四]", (1, 3)),
    ("[星期一, 星期三]", (0, 2)),
])
def test_service_days_as_list_or_text(written: str, expected: tuple[int, ...]):
    settings, problems = settings_from_text(edited(("服务日: [周一, 周二, 周三, 周四, 周五]", f"服务日: {written}")))
    assert settings is not None, problems
    assert settings.service_weekdays == expected


def test_full_width_colon_in_times_and_percent_targets_are_understood():
    text = edited(('开始: "16:30"', '开始: "16：30"'), ("参与率: 0.95", "参与率: 95%"))
    settings, problems = settings_from_text(text)
    assert settings is not None, problems
    assert settings.seasons[0].start == "16:30"
    assert settings.target("参与率") == Decimal("0.95")


BAD_CASES = [
    # (what, replacements, problem column, severity)
    ("missing start", [("学期开始: 2025-09-01", "学期开始:")], "学期开始", Severity.ERROR),
    ("no such date", [("学期开始: 2025-09-01", "学期开始: 2025-13-01")], "学期开始", Severity.ERROR),
    ("end before start", [("学期结束: 2026-01-23", "学期结束: 2025-01-23")], "学期结束", Severity.ERROR),
    ("term too long", [("学期结束: 2026-01-23", "学期结束: 2026-07-10")], "学期结束", Severity.WARNING),
    ("weekdays unreadable", [("服务日: [周一, 周二, 周三, 周四, 周五]", "服务日: 周八")], "服务日", Severity.ERROR),
    ("weekdays missing", [("服务日: [周一, 周二, 周三, 周四, 周五]", "服务日: []")], "服务日", Severity.ERROR),
    ("periods zero", [("每日课时数: 2 ", "每日课时数: 0 ")], "每日课时数", Severity.ERROR),
    ("periods fraction", [("每日课时数: 2 ", "每日课时数: 2.5 ")], "每日课时数", Severity.ERROR),
    ("group size text", [("每组人数上限: 45", "每组人数上限: 很多")], "每组人数上限", Severity.ERROR),
    ("bad time", [('开始: "16:30"', '开始: "25:00"')], "时段.第1项.开始", Severity.ERROR),
    ("end not after start", [('开始: "16:20", 结束: "17:50"', '开始: "17:50", 结束: "16:20"')], "时段.第2项.结束",
     Severity.ERROR),
    ("season date", [("起始日期: 2025-11-01", "起始日期: 2025-11-31")], "时段.第2项.起始日期", Severity.ERROR),
    ("window longer than periods", [("每日课时数: 2 ", "每日课时数: 1 ")], "时段.第1项.结束", Severity.WARNING),
    ("fee mode", [("方式: 按课时", "方式: 按次")], "收费.方式", Severity.ERROR),
    ("settlement", [("结算: 按出勤", "结算: 按天")], "收费.结算", Severity.ERROR),
    ("negative fee", [("标准: 3.5", "标准: -3.5")], "收费.标准", Severity.ERROR),
    ("fee not a number", [("标准: 3.5", "标准: 三块五")], "收费.标准", Severity.ERROR),
    ("missing fee", [("标准: 3.5", "标准:")], "收费.标准", Severity.ERROR),
    ("waiver above one", [("困难家庭: 1.0", "困难家庭: 1.5")], "收费.减免.困难家庭", Severity.ERROR),
    ("waiver for unknown group", [("困难家庭: 1.0", "单亲家庭: 0.5")], "收费.减免.单亲家庭", Severity.WARNING),
    ("rate as percent number", [("参与率: 0.95", "参与率: 95")], "目标.参与率", Severity.ERROR),
    ("rate as text", [("家长满意度: 0.85", "家长满意度: 高")], "目标.家长满意度", Severity.ERROR),
    ("negative incidents", [("安全事故: 0", "安全事故: -1")], "目标.安全事故", Severity.ERROR),
    ("subsidy negative", [("每课时: 30", "每课时: -30")], "教师补助.每课时", Severity.ERROR),
    ("duty periods text", [("值班计课时: 1 ", "值班计课时: 一节 ")], "教师补助.值班计课时", Severity.ERROR),
    ("duty periods negative", [("值班计课时: 1 ", "值班计课时: -1 ")], "教师补助.值班计课时", Severity.ERROR),
    ("duty periods blank", [("值班计课时: 1 ", "值班计课时: ")], "教师补助.值班计课时", Severity.WARNING),
    ("paid types unknown", [("发放对象: [在职教师, 退休教师, 校外专业人员]", "发放对象: [在职教师, 保安]")],
     "教师补助.发放对象", Severity.ERROR),
    ("paid types blank", [("发放对象: [在职教师, 退休教师, 校外专业人员]", "发放对象:")], "教师补助.发放对象", Severity.WARNING),
    ("duty per day negative", [("每日值班人数: 2 ", "每日值班人数: -1 ")], "排班.每日值班人数", Severity.ERROR),
    ("duty per day text", [("每日值班人数: 2 ", "每日值班人数: 很多 ")], "排班.每日值班人数", Severity.ERROR),
    ("duty per day blank", [("每日值班人数: 2 ", "每日值班人数: ")], "排班.每日值班人数", Severity.WARNING),
    ("children per adult zero", [("每名成人最多看护学生数: 45 ", "每名成人最多看护学生数: 0 ")], "排班.每名成人最多看护学生数",
     Severity.ERROR),
    ("roster not a block", [("  每日值班人数: 2 ", "  - 2 #"), ("  每名成人最多看护学生数: 45 ", "  - 45 #")], "排班",
     Severity.ERROR),
    ("free yet priced", [("方式: 按课时", "方式: 免费")], "收费.标准", Severity.WARNING),
]


@pytest.mark.parametrize("what, pairs, column, severity", BAD_CASES, ids=[c[0] for c in BAD_CASES])
def test_each_mistake_is_reported_at_its_key(what: str, pairs, column: str, severity: Severity):
    text = edited(*pairs)
    settings, problems = settings_from_text(text)
    found = [p for p in problems if p.column == column]
    assert found, f"{what}: {[str(p) for p in problems]}"
    assert found[0].severity is severity
    assert found[0].file == "settings.yaml" and found[0].message and found[0].fix
    # the row is the line of the file where the key is written
    assert found[0].row is not None
    assert column.split(".")[-1] in text.split("\n")[found[0].row - 1]
    if severity is Severity.ERROR:
        assert settings is None
    else:
        assert settings is not None and not any(p.is_error for p in problems)


def test_row_is_the_line_of_the_value():
    text = edited(("标准: 3.5", "标准: -1"))
    (problem,) = problems_at(text, "收费.标准")
    assert problem.row == line_of(text, "标准: -1")
    assert problem.value == "-1"
    assert "settings.yaml 第" in str(problem) and "收费.标准：-1" in str(problem)


def test_missing_fee_block_and_missing_optional_blocks():
    text = TEMPLATE_TEXT.split("\n收费:")[0] + "\n"  # everything after 时段 is gone
    settings, problems = settings_from_text(text)
    assert settings is None
    by_column = {p.column: p.severity for p in problems}
    assert by_column["收费"] is Severity.ERROR
    assert by_column["目标"] is Severity.WARNING  # the seeds' targets are used
    assert by_column["教师补助.每课时"] is Severity.WARNING


def test_roster_and_subsidy_keys_are_optional():
    """A settings file from before the 排班 keys existed loads with the defaults and says nothing."""
    text = edited(("  值班计课时: 1 ", "#"), ("  发放对象: [在职教师, 退休教师, 校外专业人员]", "#"))
    text = text.split("\n排班:")[0] + "\n目标:" + text.split("\n目标:")[1]
    assert "\n排班:" not in text and "值班计课时:" not in text and "发放对象:" not in text
    settings, problems = settings_from_text(text)
    assert settings is not None, problems
    assert [p.column for p in problems] == ["学校名称"]
    assert settings.duty_per_day == 2 and settings.children_per_adult is None
    assert settings.subsidy_duty_periods == 1 and settings.subsidy_paid_types == ("在职教师", "退休教师", "校外专业人员")


@pytest.mark.parametrize("pairs, duty, ratio, periods, paid", [
    ([("每名成人最多看护学生数: 45 ", "每名成人最多看护学生数: "), ("每组人数上限: 45", "每组人数上限: 40")],
     2, 40, Decimal(1), ("在职教师", "退休教师", "校外专业人员")),
    ([("每日值班人数: 2 ", "每日值班人数: 0 "), ("每名成人最多看护学生数: 45 ", "每名成人最多看护学生数: 20 ")],
     0, 20, Decimal(1), ("在职教师", "退休教师", "校外专业人员")),
    ([("值班计课时: 1 ", "值班计课时: 0.5 "), ("发放对象: [在职教师, 退休教师, 校外专业人员]", "发放对象: []")],
     2, 45, Decimal("0.5"), ()),
    ([("发放对象: [在职教师, 退休教师, 校外专业人员]", "发放对象: 志愿者、在职教师")], 2, 45, Decimal(1), ("在职教师", "志愿者")),
])
def test_roster_and_subsidy_values(pairs, duty, ratio, periods, paid):
    settings, problems = settings_from_text(edited(*pairs))
    assert settings is not None, problems
    assert not any(p.column and p.column.startswith(("排班", "教师补助")) for p in problems), problems
    assert settings.duty_per_day == duty and settings.adult_ratio == ratio
    assert settings.subsidy_duty_periods == periods and settings.subsidy_paid_types == paid


def test_default_targets_when_none_written():
    text = TEMPLATE_TEXT.split("\n目标:")[0] + "\n"
    settings, problems = settings_from_text(text)
    assert settings is not None, problems
    assert settings.target("学生满意度") == Decimal("0.90")
    assert any(p.column == "目标" and p.severity is Severity.WARNING for p in problems)


@pytest.mark.parametrize("text, hint", [
    (TEMPLATE_TEXT.replace("  方式: 按课时", "\t方式: 按课时"), "Tab"),
    (TEMPLATE_TEXT.replace("每日课时数: 2 ", "每日课时数：2 "), "中文冒号"),
    (TEMPLATE_TEXT.replace("服务日: [周一, 周二, 周三, 周四, 周五]", "服务日: [周一, 周二"), "格式"),
    (TEMPLATE_TEXT.replace("每组人数上限: 45", "每日课时数: 3"), "写了两次"),
])
def test_syntax_errors_name_the_line(text: str, hint: str):
    settings, problems = settings_from_text(text)
    assert settings is None
    (problem,) = problems
    assert problem.is_error and hint in problem.message
    assert problem.row is not None and 1 <= problem.row <= len(text.split("\n"))


def test_syntax_error_row_points_near_the_mistake():
    text = TEMPLATE_TEXT.replace("  方式: 按课时", "\t方式: 按课时")
    (problem,) = settings_from_text(text).problems
    assert abs(problem.row - line_of(text, "\t方式")) <= 1


@pytest.mark.parametrize("content", [b"", b"# only a comment\n", "学校名称：示例小学\n".encode(), b"- a\n- b\n"])
def test_empty_or_shapeless_files_are_errors_not_crashes(tmp_path: Path, content: bytes):
    path = tmp_path / "settings.yaml"
    path.write_bytes(content)
    settings, problems = load_settings(path)
    assert settings is None and len(problems) == 1 and problems[0].is_error


def test_missing_file(tmp_path: Path):
    settings, problems = load_settings(tmp_path / "settings.yaml")
    assert settings is None
    assert problems[0].is_error and "找不到" in problems[0].message


def test_gbk_file_from_notepad(tmp_path: Path):
    path = tmp_path / "settings.yaml"
    path.write_bytes(edited(("学校名称:  ", "学校名称: 示例小学")).encode("gb18030"))
    settings, problems = load_settings(path)
    assert settings is not None and settings.school_name == "示例小学"
    assert not problems


def test_result_has_named_fields(tmp_path: Path):
    result = load_settings(TEMPLATE)
    assert result.settings is result[0] and result.problems is result[1]


# --- editing ----------------------------------------------------------------------------------------
def _changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    old, new = before.split("\n"), after.split("\n")
    assert len(old) == len(new)
    return [(a, b) for a, b in zip(old, new, strict=True) if a != b]


def test_update_changes_only_that_line_and_keeps_comments(term_folder: Path):
    path = term_folder / "settings.yaml"
    before = path.read_text(encoding="utf-8")
    update_settings_file(path, {"收费.标准": Decimal("4.0")})
    after = path.read_text(encoding="utf-8")
    ((old, new),) = _changed_lines(before, after)
    assert old.split("#")[1:] == new.split("#")[1:]  # the comment is still there, unchanged
    assert new.startswith("  标准: 4.0") and "元，不能为负" in new
    assert after.count("#") == before.count("#")
    settings, _ = load_settings(path)
    assert settings.fee.standard == Decimal("4.0")


def test_update_lists_and_dates_keep_their_style(term_folder: Path):
    path = term_folder / "settings.yaml"
    before = path.read_text(encoding="utf-8")
    update_settings_file(path, {
        "服务日": ["周一", "周二", "周四"],
        "学期开始": dt.date(2025, 9, 2),
        "时段": [{"名称": "夏秋季", "起始日期": dt.date(2025, 9, 2), "开始": "16:40", "结束": "18:00"},
                 {"名称": "冬春季", "起始日期": dt.date(2025, 11, 3), "开始": "16:20", "结束": "17:50"}],
    })
    after = path.read_text(encoding="utf-8")
    changed = [new for _, new in _changed_lines(before, after)]
    assert changed[0].startswith("学期开始: 2025-09-02 ") and "#" in changed[0]
    assert changed[1].startswith("服务日: [周一, 周二, 周四] ") and "#" in changed[1]
    assert changed[2:] == ['  - {名称: 夏秋季, 起始日期: 2025-09-02, 开始: "16:40", 结束: "18:00"}',
                           '  - {名称: 冬春季, 起始日期: 2025-11-03, 开始: "16:20", 结束: "17:50"}']
    settings, _ = load_settings(path)
    assert settings.service_weekdays == (0, 1, 3)
    assert settings.seasons[0].start == "16:40"


def test_update_adds_a_season_written_like_the_others(term_folder: Path):
    path = term_folder / "settings.yaml"
    update_settings_file(path, {"时段": [
        {"名称": "夏秋季", "起始日期": dt.date(2025, 9, 1), "开始": "16:30", "结束": "18:00"},
        {"名称": "冬春季", "起始日期": dt.date(2025, 11, 1), "开始": "16:20", "结束": "17:50"},
        {"名称": "初春", "起始日期": dt.date(2026, 1, 5), "开始": "16:30", "结束": "18:00"},
    ]})
    text = path.read_text(encoding="utf-8")
    assert '  - {名称: 初春, 起始日期: 2026-01-05, 开始: "16:30", 结束: "18:00"}\n' in text
    assert len(load_settings(path).settings.seasons) == 3


def test_form_text_values_keep_their_types(term_folder: Path):
    """A form's text boxes give strings; numbers stay numbers, dates dates, lists lists."""
    path = term_folder / "settings.yaml"
    update_settings_file(path, {"收费.标准": "3.8", "学期结束": "2026/1/30", "服务日": "周一,周三,周五",
                                "目标.参与率": "0.9", "每日课时数": "3", "学校名称": "示例小学"})
    text = path.read_text(encoding="utf-8")
    assert "  标准: 3.8 " in text and "学期结束: 2026-01-30 " in text
    assert "服务日: [周一, 周三, 周五] " in text and "  参与率: 0.9 " in text
    assert "学校名称: 示例小学 " in text
    settings, problems = load_settings(path)
    assert settings.periods_per_day == 3 and settings.fee.standard == Decimal("3.8")
    assert not problems


def test_update_keeps_crlf_and_bom(tmp_path: Path):
    path = tmp_path / "settings.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + TEMPLATE_TEXT.replace("\n", "\r\n").encode("utf-8"))
    before = path.read_bytes()
    update_settings_file(path, {"每组人数上限": 40})
    after = path.read_bytes()
    assert after.startswith(b"\xef\xbb\xbf") and after.count(b"\r\n") == before.count(b"\r\n")
    assert b"\n" not in after.replace(b"\r\n", b"")
    assert len([1 for a, b in zip(before.split(b"\r\n"), after.split(b"\r\n"), strict=True) if a != b]) == 1
    assert load_settings(path).settings.group_size == 40


def test_update_an_unreadable_file_raises_with_the_problem(tmp_path: Path):
    path = tmp_path / "settings.yaml"
    path.write_text("收费: [\n", encoding="utf-8")
    with pytest.raises(SettingsFileError) as caught:
        update_settings_file(path, {"收费.标准": 3})
    assert caught.value.problem.row is not None
    assert path.read_text(encoding="utf-8") == "收费: [\n"  # untouched


def test_editable_fields_for_the_form():
    settings, _ = load_settings(TEMPLATE)
    fields = editable_fields(settings)
    keys = [key for key, _, _ in fields]
    assert keys == ["学校名称", "学年学期", "学期开始", "学期结束", "服务日", "每日课时数", "收费.方式", "收费.标准",
                    "收费.结算", "教师补助.每课时", "每组人数上限", "目标.参与率", "目标.学生满意度", "目标.家长满意度",
                    "目标.校内完成作业", "目标.安全事故", "目标.培训覆盖率", "目标.活动数量", "目标.志愿满足率",
                    "目标.校外人员资质审核通过率", "目标.经费使用合规率"]
    values = {key: value for key, _, value in fields}
    assert values["服务日"] == "周一,周二,周三,周四,周五"
    assert values["收费.标准"] == Decimal("3.5") and values["学期开始"] == dt.date(2025, 9, 1)
    assert all(label for _, label, _ in fields)


def test_editable_fields_from_a_file_that_does_not_load(term_folder: Path):
    """The form can open a settings file with errors, so the teacher can fix it there."""
    path = term_folder / "settings.yaml"
    path.write_text(edited(("标准: 3.5", "标准: -2")), encoding="utf-8")
    assert load_settings(path).settings is None
    values = {key: value for key, _, value in editable_fields(path)}
    assert values["收费.标准"] == Decimal(-2)
    update_settings_file(path, {"收费.标准": values["收费.标准"] * -1})
    assert load_settings(path).settings.fee.standard == Decimal(2)


@pytest.mark.parametrize("today, name, start, end", [
    (dt.date(2026, 11, 23), "2026-2027学年第二学期", dt.date(2027, 3, 1), dt.date(2027, 7, 2)),
    (dt.date(2026, 1, 10), "2025-2026学年第二学期", dt.date(2026, 3, 1), dt.date(2026, 7, 3)),
    (dt.date(2026, 6, 1), "2026-2027学年第一学期", dt.date(2026, 9, 1), dt.date(2027, 1, 22)),
])
def test_upcoming_term_is_the_one_a_team_plans_now(today, name, start, end):
    from afterschool_lib.settings import upcoming_term

    term = upcoming_term(today)
    assert (term["学年学期"], term["学期开始"], term["学期结束"]) == (name, start, end)
    assert term["学期结束"].weekday() == 4  # a Friday
    assert term["时段"][0]["起始日期"] == start
