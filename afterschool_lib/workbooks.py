"""Tables written as .xlsx workbooks that a teacher can open, read and print straight away.

Every table the kit hands out goes through :func:`write_tables`: bold frozen header, columns wide
enough for Chinese, dates as dates, identifiers as text (so Excel keeps 学号 whole), a fixed
document date so the same data gives the same file, and an atomic write.
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.pagebreak import Break
from openpyxl.writer.excel import ExcelWriter

from .display import is_rate_column
from .files import fixed_zip, write_bytes_atomic
from .schema import PHONE, STUDENT_ID

FIXED_TIME = dt.datetime(2025, 1, 1, 0, 0, 0)  # stamped into every workbook: reproducible files
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_THIN = Side(style="thin", color="808080")
RULED = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
MAX_COLUMN_WIDTH = 40  # wider text wraps, so a printed page stays readable
_LINE_HEIGHT = 15  # points per wrapped line at the default 11-point font


def display_width(text: object) -> int:
    """Width in Excel character units: a Chinese character takes two."""
    text = "" if text is None else str(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def workbook_bytes(book: Workbook, when: dt.datetime = FIXED_TIME) -> bytes:
    """The .xlsx bytes of ``book`` with every timestamp fixed, so equal books give equal bytes.

    ``openpyxl``'s own ``save`` stamps the current time into docProps/core.xml, and ``zipfile``
    stamps it into every entry; both are replaced by ``when`` and the earliest zip time.
    """
    book.properties.created = when
    book.properties.modified = when
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive, \
            warnings.catch_warnings():
        # openpyxl spools each sheet through a temporary file opened without an encoding; it
        # reads it back itself on the same machine, so that is harmless, but under
        # PYTHONWARNDEFAULTENCODING with warnings as errors (our tests) it would abort the save.
        warnings.simplefilter("ignore", EncodingWarning)
        ExcelWriter(book, archive).write_data()  # what save_workbook does, minus the new time
    return fixed_zip(raw.getvalue())


def _cell_value(value: object) -> object:
    if value is None or (not isinstance(value, (list, tuple, dict)) and pd.isna(value)):
        return None
    if isinstance(value, (bool, np.bool_)):
        return "是" if value else "否"
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime().date() if value == value.normalize() else value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        return value.item()
    if isinstance(value, (bool, int, float, str, dt.date, dt.datetime)):
        return value
    return str(value)


def new_workbook() -> Workbook:
    book = Workbook()
    book.remove(book.active)
    book.properties.creator = "afterschool kit"
    return book


def add_table_sheet(book: Workbook, title: str, frame: pd.DataFrame, text_columns: tuple[str, ...] = ()) -> None:
    """One sheet holding ``frame`` with a readable header; ``text_columns`` are stored as text."""
    sheet = book.create_sheet(title=title[:31])
    columns = [str(c) for c in frame.columns]
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in frame.itertuples(index=False, name=None):
        sheet.append([_cell_value(v) for v in row])
    wrapped: dict[int, int] = {}  # column index -> width, for columns whose text wraps
    for j, column in enumerate(columns, start=1):
        values = [_cell_value(v) for v in frame.iloc[:, j - 1].tolist()]
        width = max([display_width(column)] + [display_width(v) for v in values[:500]])
        sheet.column_dimensions[get_column_letter(j)].width = min(max(width + 2, 6), MAX_COLUMN_WIDTH)
        if width + 2 > MAX_COLUMN_WIDTH:
            wrapped[j] = MAX_COLUMN_WIDTH
        series = frame.iloc[:, j - 1]
        number_format = "@" if column in text_columns else (
            "yyyy-mm-dd" if pd.api.types.is_datetime64_any_dtype(series) else
            "0.0%" if is_rate_column(column) and pd.api.types.is_float_dtype(series) else None)
        for (cell,) in sheet.iter_rows(min_row=2, min_col=j, max_col=j):
            if number_format:
                cell.number_format = number_format
            if j in wrapped:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    if wrapped:  # neither Excel nor LibreOffice grows a row for wrapped text by itself
        for row in sheet.iter_rows(min_row=2):
            lines = max(-(-display_width(row[j - 1].value) // (w - 1)) for j, w in wrapped.items())
            if lines > 1:
                sheet.row_dimensions[row[0].row].height = lines * _LINE_HEIGHT
                for cell in row:  # the row's other cells line up with the top of the wrapped text
                    if not cell.alignment.wrap_text:
                        cell.alignment = Alignment(vertical="top")
    total_width = sum(sheet.column_dimensions[get_column_letter(j)].width for j in range(1, len(columns) + 1))
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape" if total_width > 90 else "portrait"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def exact_numbers(sheet, frame: pd.DataFrame, header_row: int = 1, formats: dict[str, str] | None = None,
                  default_format: str = "#,##0.00", total_label: str = "合计") -> None:
    """Decimal cells as exact numbers (add_table_sheet would write them as text), each column shown
    in ``formats[name]`` or ``default_format``; a row whose first two cells say ``total_label`` in bold."""
    formats = formats or {}
    for j, name in enumerate(frame.columns, start=1):
        values = frame[name].tolist()
        if not any(isinstance(v, Decimal) for v in values):
            continue
        number_format = formats.get(name, default_format)
        for i, value in enumerate(values, start=header_row + 1):
            cell = sheet.cell(row=i, column=j)
            cell.value = value if isinstance(value, Decimal) else (None if value is None or pd.isna(value) else value)
            cell.number_format = number_format
    for i, first in enumerate(frame.iloc[:, :2].itertuples(index=False), start=header_row + 1):
        if total_label in tuple(first):
            for cell in sheet[i]:
                cell.font = Font(bold=True)


def rule_cells(sheet, first_row: int) -> None:
    """Thin lines around every cell from ``first_row`` down: a printed list people write on."""
    for row in sheet.iter_rows(min_row=first_row, max_row=sheet.max_row, max_col=sheet.max_column):
        for cell in row:
            cell.border = RULED


def list_sheet(book: Workbook, title: str, heading: str, note: str, frame: pd.DataFrame, breaks: Iterable[int] = (),
               text_columns: tuple[str, ...] = (STUDENT_ID, PHONE)) -> None:
    """A table under a two-line heading (what it is, then the facts a reader needs), printed with
    its header row on every page; ``breaks``: data rows after which a new page starts."""
    add_table_sheet(book, title, frame, text_columns=text_columns)
    sheet = book[title[:31]]
    heights = {row: dim.height for row, dim in sheet.row_dimensions.items() if dim.height}
    sheet.insert_rows(1, 2)  # openpyxl moves the cells down but not the heights of wrapped rows
    for row in heights:
        sheet.row_dimensions[row].height = None
    for row, height in heights.items():
        sheet.row_dimensions[row + 2].height = height
    sheet["A1"] = heading
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = note
    sheet["A2"].alignment = Alignment(wrap_text=False)
    last = max(len(frame.columns), 1)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last)
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=last)
    sheet.freeze_panes = "A4"
    sheet.print_title_rows = "3:3"
    for row in breaks:  # data row index (0-based) after which a new page starts
        sheet.row_breaks.append(Break(id=row + 3))



def write_tables(path: Path | str, sheets: dict[str, pd.DataFrame], text_columns: tuple[str, ...] = ()) -> Path:
    """Write several tables as sheets of one workbook, atomically."""
    book = new_workbook()
    for title, frame in sheets.items():
        add_table_sheet(book, title, frame, text_columns)
    return write_bytes_atomic(path, workbook_bytes(book))


def clip(text: str, limit: int) -> str:
    """Excel refuses to open a file whose validation title or message is too long."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def list_validation(name: str, allowed: tuple[str, ...] | list[str]) -> DataValidation:
    """A drop-down list of ``allowed`` values for column ``name``, with Chinese messages.

    The caller adds the cell range (``check.add("H2:H500")``) and the validation to a sheet.
    """
    listed = "、".join(allowed)
    return DataValidation(
        type="list", formula1='"' + ",".join(allowed) + '"', allow_blank=True,
        showDropDown=False,  # (sic) False means the in-cell arrow IS shown
        showErrorMessage=True, errorStyle="stop",
        errorTitle=clip(f"“{name}”填写有误", 32),
        error=clip(f"“{name}”只能从下拉列表中选择：{listed}。", 255),
        showInputMessage=True, promptTitle=clip(name, 32),
        prompt=clip(f"请从下拉列表选择：{listed}", 255),
    )
