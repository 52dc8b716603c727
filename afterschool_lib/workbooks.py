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
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from .files import write_bytes_atomic

FIXED_TIME = dt.datetime(2025, 1, 1, 0, 0, 0)  # stamped into every workbook: reproducible files
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


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
    fixed = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, source.read(info.filename))
    return fixed.getvalue()


def _cell_value(value: object) -> object:
    if value is None or (not isinstance(value, (list, tuple, dict)) and pd.isna(value)):
        return None
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
    for j, column in enumerate(columns, start=1):
        values = frame.iloc[:200, j - 1].tolist() if len(frame) else []
        width = max([display_width(column)] + [display_width(_cell_value(v)) for v in values])
        sheet.column_dimensions[get_column_letter(j)].width = min(max(width + 2, 6), 60)
        series = frame.iloc[:, j - 1]
        if column in text_columns:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=j, max_col=j):
                cell.number_format = "@"
        elif pd.api.types.is_datetime64_any_dtype(series):
            for (cell,) in sheet.iter_rows(min_row=2, min_col=j, max_col=j):
                cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape" if len(columns) > 7 else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def write_tables(path: Path | str, sheets: dict[str, pd.DataFrame], text_columns: tuple[str, ...] = ()) -> Path:
    """Write several tables as sheets of one workbook, atomically."""
    book = new_workbook()
    for title, frame in sheets.items():
        add_table_sheet(book, title, frame, text_columns)
    return write_bytes_atomic(path, workbook_bytes(book))
