"""Blank templates and new term folders, written as real files into Chinese-named folders."""

from __future__ import annotations

import datetime as dt

from pathlib import Path

import openpyxl
import pytest

from afterschool_lib import schema
from afterschool_lib.loaders import load_input
from afterschool_lib.schema import INPUTS, Kind
from afterschool_lib.templates import (
    INSTRUCTIONS_SHEET,
    LAST_ROW,
    SATISFACTION_EXAMPLE_QUESTIONS,
    build_template,
    data_templates_dir,
    init_term_folder,
    template_columns,
    template_files,
    workbook_bytes,
    write_all_templates,
    write_blank_template,
)

ENUMERATED = (Kind.CHOICE, Kind.YESNO)


def _allowed(column: schema.Column) -> list[str]:
    return list(column.choices) if column.kind is Kind.CHOICE else [schema.YES, schema.NO]


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("templates") / "空白模板（2025秋）"
    paths = write_all_templates(folder)
    return {path.stem: path for path in paths}


def _list_validations(sheet) -> dict[str, list[str]]:
    """Column letter -> the values of the list validation covering rows 2..LAST_ROW there."""
    found: dict[str, list[str]] = {}
    for check in sheet.data_validations.dataValidation:
        if check.type != "list":
            continue
        for cells in str(check.sqref).split():
            start, end = cells.split(":")
            letter = start.rstrip("0123456789")
            assert start == f"{letter}2" and end == f"{letter}{LAST_ROW}"
            found[letter] = check.formula1.strip('"').split(",")
            assert check.showErrorMessage and check.errorTitle and "下拉" in check.error
            assert check.showInputMessage and check.prompt
    return found


def test_one_template_per_input(written):
    assert list(written) == list(INPUTS)
    assert all(path.name == f"{stem}.xlsx" and path.parent.name == "空白模板（2025秋）"
               for stem, path in written.items())


@pytest.mark.parametrize("stem", list(INPUTS))
def test_data_sheet_first_with_headers_in_schema_order(written, stem):
    spec = INPUTS[stem]
    book = openpyxl.load_workbook(written[stem])
    assert book.sheetnames == [spec.title, INSTRUCTIONS_SHEET]
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert header == [c.name for c in template_columns(spec)]
    declared = [name for name in header if name in spec.names]
    assert declared == list(spec.names)  # every declared column, in the declared order
    assert sheet.max_row == 1  # blank: no example rows for the loaders to mistake for data
    assert sheet.freeze_panes == "A2"
    for index, column in enumerate(template_columns(spec), start=1):
        cell = sheet.cell(row=1, column=index)
        assert cell.font.bold == column.required
        assert cell.comment is not None
        assert cell.comment.text.startswith("必填" if column.required else "选填")
        letter = cell.column_letter
        assert sheet.column_dimensions[letter].width >= 10
        if column.kind in (Kind.CODE, Kind.PHONE):
            assert sheet.column_dimensions[letter].number_format == "@", column.name
    required_fills = {sheet.cell(row=1, column=i + 1).fill.fgColor.rgb
                      for i, c in enumerate(template_columns(spec)) if c.required}
    optional_fills = {sheet.cell(row=1, column=i + 1).fill.fgColor.rgb
                      for i, c in enumerate(template_columns(spec)) if not c.required}
    assert len(required_fills) == 1 and not required_fills & optional_fills


@pytest.mark.parametrize("stem", list(INPUTS))
def test_every_enumerated_column_has_its_drop_down(written, stem):
    sheet = openpyxl.load_workbook(written[stem]).worksheets[0]
    lists = _list_validations(sheet)
    for index, column in enumerate(template_columns(INPUTS[stem]), start=1):
        letter = openpyxl.utils.get_column_letter(index)
        if column.kind in ENUMERATED:
            assert lists.get(letter) == _allowed(column), column.name
    date_letters = {openpyxl.utils.get_column_letter(i)
                    for i, c in enumerate(template_columns(INPUTS[stem]), start=1) if c.kind is Kind.DATE}
    date_checks = {str(v.sqref)[0] for v in sheet.data_validations.dataValidation if v.type == "date"}
    assert date_letters == date_checks
    for letter in date_letters:
        assert sheet.column_dimensions[letter].number_format == "yyyy-mm-dd"


@pytest.mark.parametrize("stem", list(INPUTS))
def test_instructions_sheet_explains_every_column(written, stem):
    spec = INPUTS[stem]
    book = openpyxl.load_workbook(written[stem])
    sheet = book[INSTRUCTIONS_SHEET]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    texts = [str(v) for row in rows for v in row if v]
    assert spec.help in texts
    start = next(i for i, row in enumerate(rows) if row[:5] == ["列名", "是否必填", "填写要求", "示例", "可选值"])
    table = {row[0]: row for row in rows[start + 1:] if row[0]}
    assert list(table) == [c.name for c in template_columns(spec)]
    for column in template_columns(spec):
        name, required, help_text, example, allowed = table[column.name][:5]
        assert required == ("必填" if column.required else "选填")
        assert (help_text or "") == column.help
        assert (example or "") == column.example
        if column.kind in ENUMERATED:
            assert allowed == "、".join(_allowed(column))


def test_satisfaction_template_has_five_level_questions(written):
    sheet = openpyxl.load_workbook(written["satisfaction"]).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert header[-1] == schema.COMMENTS
    assert set(SATISFACTION_EXAMPLE_QUESTIONS) <= set(header)
    lists = _list_validations(sheet)
    for question in SATISFACTION_EXAMPLE_QUESTIONS:
        letter = openpyxl.utils.get_column_letter(header.index(question) + 1)
        assert lists[letter] == list(schema.SATISFACTION_LEVELS)


@pytest.mark.parametrize("stem", list(INPUTS))
def test_blank_template_loads_without_problems(written, stem):
    result = load_input(stem, written[stem])
    assert result.usable and not result.problems
    assert len(result.frame) == 0


def test_filled_template_keeps_leading_zeros(tmp_path):
    path = write_blank_template(schema.STUDENTS, tmp_path / "学生名单.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    # As Excel stores what a teacher types into a text-formatted column: a string.
    sheet.append(["0012345", "王小红", "女", "一年级", "1班", None, "13800001234", "否", "否", "否"])
    path.write_bytes(workbook_bytes(book))
    frame = load_input(schema.STUDENTS, path).frame
    assert frame[schema.STUDENT_ID].tolist() == ["0012345"]


def test_regenerating_gives_identical_bytes(tmp_path, written):
    again = write_all_templates(tmp_path / "再次生成")
    for path in again:
        assert path.read_bytes() == written[path.stem].read_bytes(), path.name


def test_shipped_templates_are_up_to_date():
    for stem, spec in INPUTS.items():
        shipped = data_templates_dir() / f"{stem}.xlsx"
        assert shipped.is_file(), f"缺少 {shipped}：运行 python -m afterschool_lib.templates"
        assert shipped.read_bytes() == workbook_bytes(build_template(spec)), (
            f"{shipped.name} 与 schema 不一致：运行 python -m afterschool_lib.templates 重新生成"
        )


def test_document_times_are_fixed(written):
    book = openpyxl.load_workbook(written["students"])
    assert book.properties.created == book.properties.modified
    assert book.properties.created.year == 2025


@pytest.fixture
def source(tmp_path) -> Path:
    """A templates folder like data_templates/, with its own settings.yaml."""
    folder = tmp_path / "模板来源"
    write_all_templates(folder)
    (folder / schema.SETTINGS_FILE).write_text("学校名称: 示例小学  # 学校全称\n", encoding="utf-8")
    return folder


def test_init_term_folder_copies_every_template(cn_dir, source):
    target = cn_dir / "2026春季"
    written, skipped = init_term_folder(target, source)
    assert [p.name for p in written] == list(template_files())
    assert skipped == []
    for path in written:
        if path.name != schema.SETTINGS_FILE:
            assert path.read_bytes() == (source / path.name).read_bytes()
    settings = (target / "settings.yaml").read_text(encoding="utf-8")
    assert settings.startswith("学校名称: 示例小学  # 学校全称\n")  # the template's lines and comments kept


def test_init_prefills_the_term_being_planned(cn_dir):
    from afterschool_lib.settings import load_settings

    init_term_folder(cn_dir, today=dt.date(2026, 11, 23))
    settings, _ = load_settings(cn_dir / schema.SETTINGS_FILE)
    assert settings.term_name == "2026-2027学年第二学期"
    assert (settings.term_start, settings.term_end) == (dt.date(2027, 3, 1), dt.date(2027, 7, 2))
    assert [s.name for s in settings.seasons] == ["冬春季", "夏秋季"]
    text = (cn_dir / schema.SETTINGS_FILE).read_text(encoding="utf-8")
    assert "&id" not in text and "# 本学期第一天" in text


def test_init_term_folder_never_overwrites(cn_dir, source):
    (cn_dir / "students.xlsx").write_bytes(b"filled in by the teacher")
    (cn_dir / schema.SETTINGS_FILE).write_text("学校名称: 第一小学\n", encoding="utf-8")
    written, skipped = init_term_folder(cn_dir, source)
    assert {p.name for p in skipped} == {"students.xlsx", schema.SETTINGS_FILE}
    assert {p.name for p in written} == set(template_files()) - {"students.xlsx", schema.SETTINGS_FILE}
    assert (cn_dir / "students.xlsx").read_bytes() == b"filled in by the teacher"
    assert (cn_dir / schema.SETTINGS_FILE).read_text(encoding="utf-8") == "学校名称: 第一小学\n"
    written, skipped = init_term_folder(cn_dir, source)
    assert written == [] and len(skipped) == len(template_files())


def test_init_term_folder_generates_a_template_missing_from_source(cn_dir, source):
    (source / "rooms.xlsx").unlink()
    init_term_folder(cn_dir, source)
    assert openpyxl.load_workbook(cn_dir / "rooms.xlsx").sheetnames[0] == schema.ROOMS.title


def test_init_term_folder_without_settings_template_says_so(cn_dir, source):
    (source / schema.SETTINGS_FILE).unlink()
    with pytest.raises(FileNotFoundError, match="settings.yaml"):
        init_term_folder(cn_dir / "新学期", source)
    assert not (cn_dir / "新学期").exists()


@pytest.mark.skipif(not (data_templates_dir() / schema.SETTINGS_FILE).is_file(),
                    reason="data_templates/settings.yaml 尚未提供")
def test_init_term_folder_from_the_kit(cn_dir):
    written, skipped = init_term_folder(cn_dir / "默认模板")
    assert [p.name for p in written] == list(template_files()) and not skipped
