"""Reading whatever a school calls a table, and writing files so that a crash never half-writes one.

Schools hand us .xlsx, old .xls, CSV from WPS or Excel in GBK, UTF-8 with or without BOM, and
sometimes a file whose extension lies (a CSV saved as .xls by a survey platform). The file's first
bytes decide how it is read, not its name; a mismatch is reported, not fatal.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
import zipfile
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .problems import Problem, Severity

ENCODINGS = ("utf-8-sig", "gb18030")  # utf-8-sig reads plain UTF-8 too; gb18030 is a superset of GBK
_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_FORMAT_NAMES = {"xlsx": "Excel工作簿(.xlsx)", "xls": "旧版Excel(.xls)", "csv": "CSV文本", "html": "网页(HTML)"}


@dataclass(frozen=True)
class RawTable:
    """A table as read, before any header is recognised: every cell, nothing renamed.

    ``cells`` has a plain RangeIndex; cell (i, j) is on Excel row ``i + 1``. ``fmt`` is what the
    content turned out to be (xlsx, xls or csv) and ``encoding`` the text encoding found.
    """

    cells: pd.DataFrame
    fmt: str
    encoding: str | None = None
    sheet: str | None = None


class UnreadableFile(Exception):
    """The file cannot be read as a table at all; carries the problem to report."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def sniff_format(head: bytes) -> str:
    """What a file holds, judged from its first bytes."""
    if head.startswith(_XLSX_MAGIC):
        return "xlsx"
    if head.startswith(_XLS_MAGIC):
        return "xls"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if stripped.startswith((b"<html", b"<!doctype", b"<table", b"<?xml", b"<meta")):
        return "html"
    return "csv"


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode text from Chinese Excel, WPS or a survey platform; returns (text, encoding).

    UTF-16 (Excel's "Unicode 文本") is recognised by its BOM; otherwise UTF-8 (with or without
    BOM) is tried before GB18030, because a GBK file is almost never valid UTF-8 while the reverse
    decodes to mojibake without error.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), ("utf-8" if encoding == "utf-8-sig" else encoding)
        except UnicodeDecodeError:
            continue
    raise UnicodeDecodeError("gb18030", data[:1], 0, 1, "neither UTF-8 nor GB18030")


_DELIMITERS = (",", "\t", ";")  # in order of preference when the rows do not tell


def _csv_rows(text: str, delimiter: str) -> list[list[str]]:
    # newline="" lets the reader see every line ending: CR-only files (Excel for Mac's
    # "CSV (Macintosh)") and line breaks inside quoted cells both read correctly
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def guess_delimiter(text: str) -> str:
    """Comma, tab or semicolon: the one under which the largest share of rows has one same width.

    Excel, WPS and the survey platforms pad every row to the table's width, so the true
    delimiter splits the rows evenly, while a tab or a quote typed inside a cell does not.
    (``csv.Sniffer`` guesses from the characters instead, and a cell holding ``"`` and a tab
    was enough to make it read a comma file as one column.)
    """
    sample = text[:20000]
    if len(text) > len(sample) and "\n" in sample:
        sample = sample[:sample.rindex("\n")]
    best, best_score = _DELIMITERS[0], (0.0, 0)
    for delimiter in _DELIMITERS:
        try:
            rows = _csv_rows(sample, delimiter)
        except csv.Error:
            continue
        widths = Counter(len(r) for r in rows if any(cell.strip() for cell in r))
        if not widths:
            continue
        width, count = max(widths.items(), key=lambda item: (item[1], item[0]))
        score = (count / widths.total() if width > 1 else 0.0, width)  # share of rows, not count:
        # a cell of many lines split by a wrong delimiter must not outvote the real rows
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv_text(text: str) -> pd.DataFrame:
    rows = _csv_rows(text, guess_delimiter(text))
    width = max((len(r) for r in rows), default=0)
    rows = [r + [""] * (width - len(r)) for r in rows]
    return pd.DataFrame(rows, dtype=object)


def _read_xlsx(path: Path) -> tuple[pd.DataFrame, str]:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        title = sheet.title
    finally:
        book.close()
    width = max((len(r) for r in rows), default=0)
    rows = [r + [None] * (width - len(r)) for r in rows]
    return pd.DataFrame(rows, dtype=object), title


def _read_xls(path: Path) -> tuple[pd.DataFrame, str]:
    import xlrd

    book = xlrd.open_workbook(str(path))
    sheet = book.sheet_by_index(0)
    rows = []
    for r in range(sheet.nrows):
        row = []
        for c in range(sheet.ncols):
            cell = sheet.cell(r, c)
            if cell.ctype == xlrd.XL_CELL_DATE:
                row.append(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
            elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                row.append(None)
            else:
                row.append(cell.value)
        rows.append(row)
    return pd.DataFrame(rows, dtype=object), sheet.name


def read_raw_table(path: Path | str) -> tuple[RawTable, list[Problem]]:
    """Read every cell of the first sheet (or of a CSV), whatever the extension claims.

    Raises :class:`UnreadableFile` with a user-facing problem when no table can be had.
    Returns the table and any warnings (an extension that does not match the content).
    """
    path = Path(path)
    name = path.name
    problems: list[Problem] = []
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(Problem(name, f"无法打开文件（{describe_os_error(exc)}）",
                                     "关闭正在使用该文件的 Excel/WPS 后重试，或检查文件权限")) from exc
    if not data.strip(b"\xef\xbb\xbf \t\r\n,;"):
        raise UnreadableFile(Problem(name, "文件是空的，没有任何内容", "填入表头和数据，或从 data_templates 复制空白模板"))
    fmt = sniff_format(data[:512])
    claimed = path.suffix.lower().lstrip(".")
    if fmt == "html":
        raise UnreadableFile(Problem(
            name, "文件内容是网页(HTML)，不是表格文件", "用 Excel 或 WPS 打开后“另存为”.xlsx 格式再使用"))
    if claimed in ("xlsx", "xls", "csv") and claimed != fmt:
        problems.append(Problem(
            name, f"扩展名是 .{claimed}，但内容是{_FORMAT_NAMES[fmt]}，已按实际内容读取",
            f"把文件另存为正确的格式，或把扩展名改为 .{fmt}", Severity.WARNING))
    try:
        if fmt == "xlsx":
            cells, sheet = _read_xlsx(path)
            return RawTable(cells, fmt, sheet=sheet), problems
        if fmt == "xls":
            cells, sheet = _read_xls(path)
            return RawTable(cells, fmt, sheet=sheet), problems
        try:
            text, encoding = decode_text(data)
        except UnicodeDecodeError as exc:
            raise UnreadableFile(Problem(
                name, "文件既不是 Excel 工作簿，也不是可识别编码(UTF-8/GBK)的文本，可能已损坏",
                "用 Excel 或 WPS 打开确认内容，再另存为 .xlsx")) from exc
        if "\x00" in text:
            raise UnreadableFile(Problem(
                name, "文件内容不是表格（含有二进制数据），可能已损坏或不是该类文件",
                "用 Excel 或 WPS 打开确认内容，再另存为 .xlsx"))
        return RawTable(_read_csv_text(text), "csv", encoding=encoding), problems
    except UnreadableFile:
        raise
    except Exception as exc:  # a corrupt workbook: openpyxl/xlrd raise many kinds of errors
        raise UnreadableFile(Problem(
            name, f"无法按{_FORMAT_NAMES[fmt]}读取，文件可能已损坏或只保存了一半",
            "用 Excel 或 WPS 打开后重新保存为 .xlsx")) from exc


class FileInUseError(PermissionError):
    """The target cannot be replaced, most often because Excel or WPS has it open."""

    def __init__(self, target: Path):
        super().__init__(f"无法写入 {target.name}：这个文件可能正在 Excel 或 WPS 中打开，或没有写入权限。"
                         f"请关闭它后重新运行（文件位置：{target.parent}）")
        self.target = target


def describe_os_error(exc: OSError) -> str:
    """An operating-system error in words a teacher can act on."""
    import errno

    if isinstance(exc, FileInUseError):
        return str(exc)
    name = Path(exc.filename).name if exc.filename else ""
    reasons = {
        errno.EEXIST: "已有同名的文件，不能作为文件夹使用",
        errno.ENOTDIR: "路径中有一部分是文件而不是文件夹",
        errno.EISDIR: "这是一个文件夹，不是文件",
        errno.ENOENT: "找不到这个文件或文件夹",
        errno.EACCES: "没有权限（文件可能正在 Excel/WPS 中打开，或文件夹是只读的）",
        errno.EPERM: "没有权限（文件可能正在 Excel/WPS 中打开，或文件夹是只读的）",
        errno.ENOSPC: "磁盘空间不足",
    }
    reason = reasons.get(exc.errno, "操作系统拒绝了这个操作")
    return f"{name}：{reason}" if name else reason


@contextmanager
def atomic_path(target: Path | str):
    """Yield a temporary path beside ``target``; on success it replaces ``target`` in one step.

    Readers never see a half-written workbook, and a failure leaves the old file untouched.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o666 & ~_umask())  # mkstemp makes 0600; others on the team must read it
        try:
            os.replace(tmp_path, target)
        except PermissionError as exc:  # on Windows: the file is open in Excel or WPS
            raise FileInUseError(target) from exc
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text_atomic(target: Path | str, text: str, encoding: str = "utf-8") -> Path:
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding=encoding, newline="")
    return Path(target)


def write_bytes_atomic(target: Path | str, data: bytes) -> Path:
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return Path(target)


def write_with(target: Path | str, writer: Callable[[Path], object]) -> Path:
    """Atomically write ``target`` with ``writer(tmp_path)`` (e.g. ``workbook.save``)."""
    with atomic_path(target) as tmp:
        writer(tmp)
    return Path(target)


def find_input(folder: Path | str, stem: str) -> tuple[Path | None, list[Path]]:
    """The file of input ``stem`` in a term folder, and any others that compete with it.

    Preference: .xlsx, then .xls, then .csv. Excel's lock files (~$students.xlsx) are ignored.
    """
    folder = Path(folder)
    found = [folder / f"{stem}{suffix}" for suffix in (".xlsx", ".xls", ".csv")]
    found = [p for p in found if p.is_file()]
    if not found:
        upper = [p for p in folder.glob("*") if p.is_file() and p.stem.lower() == stem and p.suffix.lower() in (".xlsx", ".xls", ".csv")]
        found = sorted(upper, key=lambda p: (".xlsx", ".xls", ".csv").index(p.suffix.lower()))
    return (found[0] if found else None), found[1:]


_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry


def fixed_zip(raw: bytes) -> bytes:
    """An Office file (a zip) rewritten with every entry's time and permissions fixed: office
    libraries stamp the current time into each entry, so equal documents would differ in bytes."""
    fixed = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as source, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, source.read(info.filename))
    return fixed.getvalue()
