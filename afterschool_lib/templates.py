"""Blank input templates that teachers fill in with Excel or WPS, and new term folders.

Each template is built from its :class:`~afterschool_lib.schema.InputSpec`, so the headers, the
填写说明 sheet and the drop-down lists can never drift from what the loaders accept. The data sheet
comes first because the loaders read the first sheet. Drop-down lists only offer the canonical
values; the loaders still accept the aliases people type in other files.

The files are byte-for-byte reproducible: openpyxl stamps the save time into docProps/core.xml
and the zip entries, both of which are fixed here, so regenerating the templates leaves git clean.

Regenerate the shipped templates with ``python -m afterschool_lib.templates``.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import NamedTuple

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from .files import write_bytes_atomic
from .settings import upcoming_term, update_settings_file
from .paths import data_templates_dir, sample_dir
from .schema import (
    COMMENTS,
    GRADE_NAMES,
    INPUTS,
    NO,
    SATISFACTION,
    SATISFACTION_LEVELS,
    SETTINGS_FILE,
    WEEKDAY_NAMES,
    YES,
    Column,
    InputSpec,
    Kind,
)
from .workbooks import clip, display_width, list_validation, workbook_bytes

__all__ = [
    "INSTRUCTIONS_SHEET", "LAST_ROW", "SATISFACTION_EXAMPLE_QUESTIONS", "InitResult", "build_template",
    "data_templates_dir", "init_term_folder", "sample_dir", "template_columns", "template_files",
    "workbook_bytes", "write_all_templates", "write_blank_template",
]

INSTRUCTIONS_SHEET = "填写说明"
LAST_ROW = 2000  # drop-down lists and checks cover rows 2..LAST_ROW, enough for a whole school
AUTHOR = "课后服务工具包"

SATISFACTION_EXAMPLE_QUESTIONS = (
    "对课后服务总体满意度",
    "对作业辅导的满意度",
    "对社团活动的满意度",
    "对安全管理的满意度",
    "对服务时间安排的满意度",
)
"""Question columns of the blank satisfaction template; schools rename, add or delete them."""

_REQUIRED_FILL = PatternFill("solid", fgColor="F8CBAD")  # orange: still distinct in grey print
_OPTIONAL_FILL = PatternFill("solid", fgColor="DDEBF7")
_TITLE_FONT = Font(bold=True, size=14)
_BOLD = Font(bold=True)
_THIN = Side(style="thin", color="A6A6A6")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)

_TEXT_FORMAT = "@"  # Excel keeps leading zeros and all 11+ digits only in text-formatted cells
_NUMBER_FORMATS = {
    Kind.CODE: _TEXT_FORMAT,
    Kind.PHONE: _TEXT_FORMAT,
    Kind.DATE: "yyyy-mm-dd",
    Kind.DATETIME: "yyyy-mm-dd hh:mm",
    Kind.TIME: "hh:mm",
}
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_GUIDE_WIDTHS = (18, 10, 56, 18, 40)  # 填写说明 columns: 列名, 是否必填, 填写要求, 示例, 可选值


def _question(name: str) -> Column:
    levels = "、".join(SATISFACTION_LEVELS)
    return Column(name, Kind.CHOICE, False, choices=SATISFACTION_LEVELS,
                  help=f"从下拉列表选 {levels} 之一；不答可留空",
                  example=SATISFACTION_LEVELS[1])


def template_columns(spec: InputSpec) -> tuple[Column, ...]:
    """The columns of ``spec``'s blank template, in order.

    The satisfaction survey has open question columns; its template shows example questions
    between the declared columns and the closing 意见建议 column, as the design describes.
    """
    if spec.stem != SATISFACTION.stem:
        return spec.columns
    head = tuple(c for c in spec.columns if c.name != COMMENTS)
    tail = tuple(c for c in spec.columns if c.name == COMMENTS)
    return head + tuple(_question(q) for q in SATISFACTION_EXAMPLE_QUESTIONS) + tail


def _allowed_values(column: Column) -> tuple[str, ...]:
    """The values a drop-down list offers for ``column``; empty when it gets no list."""
    if column.kind is Kind.CHOICE:
        return column.choices
    if column.kind is Kind.YESNO:
        return (YES, NO)
    if column.kind is Kind.WEEKDAY:
        return WEEKDAY_NAMES
    if column.kind is Kind.GRADE:
        return GRADE_NAMES
    return ()


def _header_note(column: Column) -> str:
    lines = ["必填" if column.required else "选填"]
    if column.help:
        lines.append(column.help)
    if column.example:
        lines.append(f"示例：{column.example}")
    return "\n".join(lines)


def _add_validations(sheet: Worksheet, column: Column, letter: str) -> None:
    cells = f"{letter}2:{letter}{LAST_ROW}"
    allowed = _allowed_values(column)
    if allowed:
        check = list_validation(column.name, allowed)
    elif column.kind is Kind.DATE:
        # A warning, not a stop: the loaders also read 2025年9月1日 typed as text.
        low = (dt.datetime(2000, 1, 1) - _EXCEL_EPOCH).days
        high = (dt.datetime(2100, 12, 31) - _EXCEL_EPOCH).days
        check = DataValidation(
            type="date", operator="between", formula1=str(low), formula2=str(high), allow_blank=True,
            showErrorMessage=True, errorStyle="warning",
            errorTitle=clip(f"“{column.name}”不像日期", 32),
            error="请填写日期，如 2025-10-11。点“是”仍保留所填内容。",
            showInputMessage=True, promptTitle=clip(column.name, 32),
            prompt=clip(f"请填写日期，如 {column.example or '2025-10-11'}", 255),
        )
    elif column.kind is Kind.INT and (column.minimum is not None or column.maximum is not None):
        low = int(column.minimum) if column.minimum is not None else 0
        high = int(column.maximum) if column.maximum is not None else 1_000_000
        check = DataValidation(
            type="whole", operator="between", formula1=str(low), formula2=str(high), allow_blank=True,
            showErrorMessage=True, errorStyle="warning",
            errorTitle=clip(f"“{column.name}”超出范围", 32),
            error=f"请填写 {low} 到 {high} 之间的整数。点“是”仍保留所填内容。",
            showInputMessage=True, promptTitle=clip(column.name, 32),
            prompt=clip(column.help or f"{low} 到 {high} 之间的整数", 255),
        )
    else:
        return
    check.add(cells)
    sheet.add_data_validation(check)


def _fill_data_sheet(sheet: Worksheet, spec: InputSpec, columns: tuple[Column, ...]) -> None:
    sheet.title = spec.title
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index, value=column.name)
        cell.font = _BOLD if column.required else Font()
        cell.fill = _REQUIRED_FILL if column.required else _OPTIONAL_FILL
        cell.alignment = _CENTER
        cell.border = _BOX
        comment = Comment(_header_note(column), AUTHOR)
        comment.width, comment.height = 260, 110
        cell.comment = comment
        number_format = _NUMBER_FORMATS.get(column.kind)
        if number_format:
            # A column style, not 2,000 formatted cells: Excel and WPS give it to every cell typed
            # in, and the blank template keeps no empty rows for the loaders to skip.
            sheet.column_dimensions[letter].number_format = number_format
        width = max(display_width(column.name) + 4, display_width(column.example) + 2, 10)
        sheet.column_dimensions[letter].width = min(width, 40)
        _add_validations(sheet, column, letter)
    sheet.row_dimensions[1].height = 24
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    _fit_width_when_printed(sheet)


def _fill_instructions(sheet: Worksheet, spec: InputSpec, columns: tuple[Column, ...]) -> None:
    sheet.title = INSTRUCTIONS_SHEET
    sheet["A1"] = f"《{spec.title}》填写说明"
    sheet["A1"].font = _TITLE_FONT
    notes = [
        spec.help,
        f"第一个工作表“{spec.title}”是数据表：第1行是表头，请不要改动列名；从第2行起每行填一条记录。",
        "橙色底、粗体的列是必填列；浅蓝色底的列可以不填。鼠标移到表头上可以看到每列的填写要求。",
        "有下拉箭头的列请从下拉列表中选择；可以在表的右边增加其他列，工具会原样保留。",
    ]
    text_columns = [c.name for c in columns if _NUMBER_FORMATS.get(c.kind) == _TEXT_FORMAT]
    if text_columns:
        notes.append("、".join(text_columns) + "列已设为文本格式，开头的 0 和长数字不会丢失；"
                     "从别处粘贴时请用“选择性粘贴→数值”。")
    if spec.optional:
        notes.append("本表可以暂时不提供：缺少时工具会提示，但不影响其他步骤。")
    if spec.open_columns:
        notes.append("表中的题目只是示例，可以改写、增加或删除：每题一列，列名就是题目。")
    row = 2
    for note in filter(None, notes):
        # Each note spans the table's width and wraps there; Excel does not grow a merged row by
        # itself, so the height is set from the text's width.
        sheet.cell(row=row, column=1, value=note).alignment = _WRAP
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(_GUIDE_WIDTHS))
        lines = -(-display_width(note) // int(sum(_GUIDE_WIDTHS) * 0.95))
        sheet.row_dimensions[row].height = 16 * max(lines, 1) + 2
        row += 1
    row += 1
    headers = ("列名", "是否必填", "填写要求", "示例", "可选值")
    for col, header in enumerate(headers, start=1):
        cell = sheet.cell(row=row, column=col, value=header)
        cell.font = _BOLD
        cell.fill = _OPTIONAL_FILL
        cell.border = _BOX
        cell.alignment = _CENTER
    header_row = row
    for column in columns:
        row += 1
        values = (column.name, "必填" if column.required else "选填", column.help, column.example,
                  "、".join(_allowed_values(column)))
        for col, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=col, value=value)
            cell.border = _BOX
            cell.alignment = _WRAP
            if col == 5 or col == 4:
                cell.number_format = _TEXT_FORMAT  # an example like 2025030201 stays as typed
        lines = max(-(-display_width(str(v)) // (w - 1)) for v, w in zip(values, _GUIDE_WIDTHS))
        if lines > 1:  # neither Excel nor LibreOffice grows a wrapped row on opening the file
            sheet.row_dimensions[row].height = 15 * lines + 2
        if column.required:
            sheet.cell(row=row, column=1).fill = _REQUIRED_FILL
            sheet.cell(row=row, column=1).font = _BOLD
            sheet.cell(row=row, column=2).font = _BOLD
    for index, width in enumerate(_GUIDE_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    _fit_width_when_printed(sheet)


def _fit_width_when_printed(sheet: Worksheet) -> None:
    """Landscape A4, all columns on one page width: teachers print templates to fill by hand."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def build_template(spec: InputSpec) -> Workbook:
    """The blank workbook of one input, not yet saved."""
    book = Workbook()
    columns = template_columns(spec)
    _fill_data_sheet(book.active, spec, columns)
    _fill_instructions(book.create_sheet(), spec, columns)
    book.active = 0
    book.properties.creator = AUTHOR
    book.properties.lastModifiedBy = AUTHOR
    book.properties.title = f"{spec.title}（空白模板）"
    return book


def write_blank_template(spec: InputSpec, path: Path | str) -> Path:
    """Write the blank .xlsx template of ``spec`` to ``path`` atomically; returns the path.

    Sheet 1 (named after the input, e.g. 学生名单) has the header row: required columns bold on
    orange with a 必填 note, others on light blue; the header is frozen; code and phone columns
    are text-formatted; enumerated columns have drop-down lists with Chinese error messages.
    Sheet 2 (填写说明) explains the file and every column.
    """
    data = workbook_bytes(build_template(spec))
    return write_bytes_atomic(Path(path), data)


def template_files() -> tuple[str, ...]:
    """The file names a new term folder gets: one .xlsx per input, then settings.yaml."""
    return tuple(f"{stem}.xlsx" for stem in INPUTS) + (SETTINGS_FILE,)


def write_all_templates(folder: Path | str) -> list[Path]:
    """Write the blank template of every input into ``folder`` as ``<stem>.xlsx``."""
    folder = Path(folder)
    return [write_blank_template(spec, folder / f"{stem}.xlsx") for stem, spec in INPUTS.items()]


class InitResult(NamedTuple):
    """What :func:`init_term_folder` did: files copied in, and files left alone as they existed."""

    written: list[Path]
    skipped: list[Path]


def init_term_folder(target: Path | str, source: Path | str | None = None,
                     today: dt.date | None = None) -> InitResult:
    """Fill a new term folder with the blank templates and settings.yaml; never overwrite.

    ``source`` defaults to the kit's ``data_templates/`` folder. A file that already exists in
    ``target`` is left untouched and listed in ``skipped`` (a teacher may have filled it in
    already); the caller says so. A template missing from ``source`` is generated from the
    schema; a missing settings.yaml there is an installation fault and raises FileNotFoundError.
    A new settings.yaml gets the term that a team planning on ``today`` most likely means
    (:func:`settings.upcoming_term`), so it does not silently keep the template's example term.
    """
    target = Path(target)
    source = Path(source) if source is not None else data_templates_dir()
    settings = source / SETTINGS_FILE
    if not settings.is_file():
        raise FileNotFoundError(f"找不到学期设置模板 {settings}：工具包安装不完整，请重新下载或安装")
    target.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    skipped: list[Path] = []
    for name in template_files():
        destination = target / name
        if destination.exists():
            skipped.append(destination)
            continue
        original = source / name
        if original.is_file():
            write_bytes_atomic(destination, original.read_bytes())
        else:
            write_blank_template(INPUTS[Path(name).stem], destination)
        if name == SETTINGS_FILE:
            update_settings_file(destination, upcoming_term(today or dt.date.today()))
        written.append(destination)
    return InitResult(written, skipped)


def main(argv: list[str] | None = None) -> int:
    """``python -m afterschool_lib.templates [FOLDER]``: regenerate the shipped templates."""
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else data_templates_dir()
    for path in write_all_templates(folder):
        print(f"已生成 {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
