"""Shared helpers: real input files written into temporary folders, the way schools save them."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import openpyxl
import pytest

from afterschool_lib.paths import sample_dir


def write_csv(path: Path, rows: list[list[object]], encoding: str = "gb18030", delimiter: str = ",") -> Path:
    """A CSV as Chinese Excel/WPS saves it (GBK by default)."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list[object]], title: str = "Sheet1") -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def write_xls(path: Path, rows: list[list[object]]) -> Path:
    """A real BIFF .xls, as old Excel and 问卷星 downloads are."""
    import datetime as dt

    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, (dt.date, dt.datetime)):
                sheet.write(r, c, value, date_style)
            elif value is not None:
                sheet.write(r, c, value)
    book.save(str(path))
    return path


STUDENT_HEADER = ["学号", "姓名", "性别", "年级", "班级", "家长姓名", "联系电话", "留守儿童", "困难家庭", "随迁子女"]


@pytest.fixture
def cn_dir(tmp_path: Path) -> Path:
    """A folder with a Chinese name, as schools name theirs."""
    folder = tmp_path / "课后服务" / "2025秋季学期"
    folder.mkdir(parents=True)
    return folder


@pytest.fixture
def sample_copy(cn_dir: Path) -> Path:
    """The bundled sample school copied into a Chinese-named folder, free to change."""
    target = cn_dir / "示例学校"
    shutil.copytree(sample_dir(), target)
    return target
