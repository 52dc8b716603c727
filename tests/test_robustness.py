"""Property tests: no input a school can hand us makes the kit raise or lose a row.

The contract (DESIGN section 3, :mod:`afterschool_lib.loaders`): normalisers return
``(value, None)`` or ``(None, Invalid)`` and never raise; loaders never raise on bad input, and
every data row of a file is either in ``LoadResult.frame`` (``行号`` = its Excel row) or named by
a problem with ``dropped=True``; every problem names its file and says, in Chinese, what is wrong
and what to do. Hypothesis writes real .xlsx and .csv files full of valid values, typical
mistakes and garbage (.xlsx, .xls, and CSV as WPS, Excel for Windows and Mac and "Unicode 文本"
save it), and checks all of that on each.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import os
import re
import shutil
import tempfile
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from afterschool_lib import files
from afterschool_lib import normalize as nz
from afterschool_lib.loaders import (
    _header_lookup,
    header_key,
    load_input,
    parse_satisfaction,
)
from afterschool_lib.paths import data_templates_dir
from afterschool_lib.problems import Problem, problems_table
from afterschool_lib.schema import (
    EXCEL_ROW,
    INPUTS,
    SATISFACTION_LEVELS,
    SETTINGS_FILE,
    TABLE_SUFFIXES,
    WEEKDAY_NAMES,
    Column,
    InputSpec,
    Kind,
)
from afterschool_lib.validate import check_file, check_folder


def _settings(examples: int) -> settings:
    """Few examples, no deadline (file I/O is slow and uneven), no example database on disk.

    ``AFTERSCHOOL_FUZZ_SCALE=50`` multiplies every budget, for a long bug hunt before a release.
    """
    scale = int(os.environ.get("AFTERSCHOOL_FUZZ_SCALE", "1"))
    return settings(max_examples=examples * scale, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])


# ============================================================================================
# Raw cells: what can be in a cell of a file, or handed to a normaliser by a notebook
# ============================================================================================

_TRICKY_CHARS = (
    "0123456789０１２３４５６７８９一二三四五六七八九十两零〇年级班()（）【】-~至到—,、;/，；|┋"
    "周星期礼拜日天 :：点时分.。eE+pmam下午上午晚上全部每天低中高段是否√×✓☑□○人名个次课时节"
    "\t\n\r\x00\x1f\u3000\u200b\ufeff\xa0❶²①٣"
)
texts = st.one_of(
    st.text(max_size=25),
    st.text(alphabet=st.sampled_from(_TRICKY_CHARS), max_size=16),
    st.from_regex(r"\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?[ 0-9:：周一二三()]{0,9}", fullmatch=True),
    st.from_regex(r"(\+?86)?[ -]?1[3-9]\d[ -]?\d{4}[ -]?\d{4}([/、(（]?.{0,3})", fullmatch=True),
    st.from_regex(r"0\d{2,3}-?\d{7,8}", fullmatch=True),
    st.from_regex(r"\d{1,6}(\.\d{1,4})?([eE][+-]?\d{1,3})?", fullmatch=True),
    st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=1, max_size=12),
    st.text(min_size=500, max_size=3000),
)
timestamps = st.builds(pd.Timestamp, st.datetimes(min_value=dt.datetime(1678, 1, 1), max_value=dt.datetime(2261, 12, 31)))
raw_cells = st.one_of(
    texts,
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=0, max_value=1),  # Excel day fractions
    st.floats(min_value=19000, max_value=81000),  # around the Excel serial-date window
    st.integers(min_value=-(10**30), max_value=10**30),
    st.none(),
    st.booleans(),
    st.datetimes(),
    st.datetimes(timezones=st.timezones()),
    st.dates(),
    st.times(),
    timestamps,
    st.sampled_from([pd.NaT, pd.NA, float("nan"), math.inf, -math.inf, 1e308, -0.0, 10000, "10000", 0.9999999]),
    st.decimals(allow_nan=True, allow_infinity=True),
)

_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?")
_WEEKDAY_LIST = re.compile(r"周[一二三四五六日](,周[一二三四五六日])*")


def _check_invalid(result: tuple) -> tuple:
    assert isinstance(result, tuple) and len(result) == 2, result
    value, invalid = result
    if invalid is not None:
        assert value is None, result
        assert isinstance(invalid, nz.Invalid)
        assert re.search(r"[\u4e00-\u9fff]", invalid.message) and invalid.fix, invalid
    return result


def _is_grade(value: object) -> bool:
    return type(value) is int and 1 <= value <= 6


def _shape_grade(value):
    assert _is_grade(value)


def _shape_class(value):
    assert isinstance(value, tuple) and len(value) == 2
    grade, number = value
    assert grade is None or _is_grade(grade)
    assert type(number) is int and 1 <= number <= 30


def _shape_yesno(value):
    assert type(value) is bool


def _shape_weekday_list(value):
    assert isinstance(value, str) and _WEEKDAY_LIST.fullmatch(value), value
    days = [WEEKDAY_NAMES.index(d) for d in value.split(",")]
    assert days == sorted(set(days))


def _shape_single_weekday(value):
    assert value in WEEKDAY_NAMES


def _shape_date(value):
    assert isinstance(value, pd.Timestamp) and value is not pd.NaT and value.tzinfo is None
    assert value == value.normalize()
    pd.Series([value], dtype=object).astype("datetime64[ns]")  # what the loader does with it


def _shape_datetime(value):
    assert isinstance(value, pd.Timestamp) and value is not pd.NaT and value.tzinfo is None
    pd.Series([value], dtype=object).astype("datetime64[ns]")


def _shape_time(value):
    assert isinstance(value, str) and _TIME.fullmatch(value), value


def _shape_code(value):
    assert isinstance(value, str) and value and value == value.strip() and " " not in value, value


def _shape_int(value):
    assert type(value) is int


def _shape_grade_range(value):
    assert isinstance(value, str) and value, value
    grades = [int(g) for g in value.split(",")]
    assert grades == sorted(set(grades)) and all(1 <= g <= 6 for g in grades), value


def _shape_phone(value):
    assert isinstance(value, str) and re.fullmatch(r"\d{7,12}(/\d{7,12})*", value), value


def _shape_satisfaction(value):
    assert value in SATISFACTION_LEVELS


NORMALISERS = {
    "parse_grade": (nz.parse_grade, _shape_grade),
    "parse_class": (nz.parse_class, _shape_class),
    "parse_yesno": (nz.parse_yesno, _shape_yesno),
    "parse_weekday_list": (nz.parse_weekday_list, _shape_weekday_list),
    "parse_single_weekday": (nz.parse_single_weekday, _shape_single_weekday),
    "parse_date": (nz.parse_date, _shape_date),
    "parse_datetime": (nz.parse_datetime, _shape_datetime),
    "parse_time": (nz.parse_time, _shape_time),
    "parse_code": (nz.parse_code, _shape_code),
    "parse_int": (nz.parse_int, _shape_int),
    "parse_grade_range": (nz.parse_grade_range, _shape_grade_range),
    "parse_phone": (nz.parse_phone, _shape_phone),
    "parse_satisfaction": (parse_satisfaction, _shape_satisfaction),
}


@pytest.mark.parametrize("name", list(NORMALISERS))
@_settings(250)
@given(value=raw_cells)
def test_normaliser_never_raises_and_returns_its_shape(name: str, value: object):
    parse, shape = NORMALISERS[name]
    parsed, invalid = _check_invalid(parse(value))
    if parsed is not None:
        shape(parsed)
    if nz.is_blank(value):
        assert invalid is None  # a blank cell is never an error; the loader applies the default


@_settings(300)
@given(value=raw_cells)
def test_helpers_never_raise(value: object):
    text = nz.clean_text(value)
    assert isinstance(text, str) and text == text.strip()
    assert nz.clean_text(text) == text  # cleaning twice changes nothing
    assert nz.is_blank(value) == (text == "")
    assert isinstance(nz.clean_text(value, fold=False), str)
    days = nz.parse_weekdays(value)
    assert days is None or (isinstance(days, tuple) and all(0 <= d <= 6 for d in days))
    number = nz.chinese_number(text)
    assert number is None or (type(number) is int and number >= 0)
    assert isinstance(header_key(value), str)
    _check_invalid(nz.parse_time(value, allow_seconds=True))


@_settings(400)
@given(value=raw_cells)
def test_canonical_output_reads_back_as_itself(value: object):
    """What a normaliser writes (in templates, in re-exported data) it must read back unchanged."""
    for parse in (nz.parse_grade_range, nz.parse_weekday_list, nz.parse_phone, nz.parse_time, nz.parse_code,
                  nz.parse_single_weekday):
        out, _ = parse(value)
        if out is not None:
            assert parse(out) == (out, None), (parse.__name__, value, out)
    for parse in (nz.parse_date, nz.parse_datetime):
        out, _ = parse(value)
        if out is not None:
            assert parse(out) == (out, None)
            text = out.strftime("%Y-%m-%d %H:%M:%S").removesuffix(" 00:00:00")  # as the workbooks write it
            assert parse(text) == (out.floor("s"), None), (parse.__name__, value, text)
    grade, _ = nz.parse_grade(value)
    if grade is not None:
        assert nz.parse_grade(grade) == nz.parse_grade(str(grade)) == nz.parse_grade(nz.grade_name(grade)) == (grade, None)
    parsed_class, _ = nz.parse_class(value)
    if parsed_class is not None:
        class_grade, number = parsed_class
        assert nz.parse_class(f"{number}班") == ((None, number), None)
        if class_grade is not None:
            assert nz.parse_class(nz.class_name(class_grade, number)) == (parsed_class, None)
    flag, _ = nz.parse_yesno(value)
    if flag is not None:
        assert nz.parse_yesno("是" if flag else "否") == (flag, None)
    number, _ = nz.parse_int(value)
    if number is not None and number >= 0:
        assert nz.parse_int(str(number)) == (number, None)


@_settings(200)
@given(days=st.lists(st.integers(0, 6), unique=True), separator=st.sampled_from([",", "、", "，", " ", ";", "/"]),
       prefix=st.sampled_from(["周", "星期", "礼拜", ""]))
def test_weekday_lists_however_separated(days: list[int], separator: str, prefix: str):
    chars = "一二三四五六日"
    text = separator.join(prefix + chars[d] for d in days)
    assert nz.parse_weekday_list(text) == (nz.format_weekdays(sorted(days)) or None, None)


@_settings(200)
@given(first=st.integers(1, 6), last=st.integers(1, 6), style=st.sampled_from(["{a}-{b}", "{a}至{b}年级", "{ca}到{cb}", "{a}~{b}"]))
def test_grade_ranges(first: int, last: int, style: str):
    chars = "一二三四五六"
    text = style.format(a=first, b=last, ca=chars[first - 1], cb=chars[last - 1])
    parsed, invalid = nz.parse_grade_range(text)
    if first <= last:
        assert parsed == ",".join(str(g) for g in range(first, last + 1)) and invalid is None
    else:
        assert parsed is None and invalid is not None


# ============================================================================================
# Whole files: random tables written as real .xlsx / .csv, loaded, and the rows accounted
# ============================================================================================

_BLANKS = [None, "", " ", "\u3000", "  \t ", "\u200b"]

_VALID: dict[Kind, list[object]] = {
    Kind.TEXT: ["张小明", "李 小红", "备注：家住幸福路1号", "篮球", "A01", "篮球场", "T001"],
    Kind.CODE: ["S1", "S2", "S3", 2025030201, "2025030201", "a01", "Ａ０１", "A01", "A02", "T001", "作业辅导"],
    Kind.INT: [30, "30人", "３０", "30.0", 2, 1, "三十", 0, 45.0],
    Kind.GRADE: ["三年级", "3年级", "3", "三", 3, 1, "六年级", 2.0],
    Kind.CLASS: ["2班", "(2)班", "（2）班", "三年级2班", "3(2)班", "3-2", 2, "1班"],
    Kind.YESNO: ["是", "否", "√", "×", "Y", "n", 1, 0, True, False],
    Kind.WEEKDAYS: ["周一,周三,周五", "一、三、五", "周一至周五", "每天", "星期二 星期四", "周一，周二", "周三"],
    Kind.WEEKDAY: ["周三", "星期六", "6"],
    Kind.DATE: ["2025-09-01", "2025/9/2", "2025年9月3日", "20250904", 45905, dt.datetime(2025, 9, 8), dt.date(2025, 10, 1),
                "2025-09-01(周一)", "2025-10-11", dt.datetime(2025, 9, 9, 0, 0)],
    Kind.DATETIME: ["2025-08-30 21:05:11", "2016/12/17 14:22:55", "2025-08-30", 45899.875, dt.datetime(2025, 8, 30, 21, 5)],
    Kind.TIME: ["16:30", "16：30", "4:30 pm", 0.75, "下午5点", dt.time(17, 45), "1745"],
    Kind.GRADES: ["1-3", "3,4,5", "全部", "一至三年级", "低段", "345", "3、4年级"],
    Kind.PHONE: ["13800001234", 13800001234, "138 0000 1234", "+86 13800001234", "13800001234(爸爸)", "010-12345678",
                 "13800001234/13900005678"],
}
_MISTAKES: dict[Kind, list[object]] = {
    Kind.TEXT: ["（空）", "-", "=不是公式", "N/A", 0, 12.5, "#N/A", "#REF!", "\u3000张三\u200b"],
    Kind.CODE: ["2.025E+09", 1e20, " S2 ", "学号", 2025030201.5, "S 1", "s1"],
    Kind.INT: [30.5, "-5", "1e3", 501, 10**20, "99999999999999999999999", 2.0**70, -1, "三十多", "约30"],
    Kind.GRADE: ["七年级", "初一", 0, "小学三年级2班", 6.5, "一二年级"],
    Kind.CLASS: ["31班", "七年级2班", "四年级1班", 0, "2,3班"],
    Kind.YESNO: ["也许", "需要", "待定"],
    Kind.WEEKDAYS: ["周五至周一", "周八", 135, "周末", "、"],
    Kind.WEEKDAY: ["周一,周二", "周", 3, 8],
    Kind.DATE: ["9月1日", "2025-02-30", "0001-01-01", "9999-12-31", 10000, "10000", "2025-09-01 16:30",
                dt.datetime(9999, 12, 31), dt.datetime(1900, 3, 1), "2026-10-01", "明天"],
    Kind.DATETIME: ["2025-08-30 25:00", "昨天", "0205-08-30 21:05", dt.datetime(2200, 1, 1)],
    Kind.TIME: [0.9999999, "25:00", "17:45:30", "17点半", 1.5],
    Kind.GRADES: ["6-1", "7", "0-3", "、"],
    Kind.PHONE: ["12345", "1380000123", "无", "138-0000-123"],
}

_TITLES = ["示例小学2025学年第一学期", "（请勿修改下面的表头）", "制表人：教务处 2025-09-01", "总表"]
_EXTRA_HEADERS = ["家庭住址", "序号", "", "", "Unnamed: 3", "提交人IP", "第5题(运动)", "总分", "行号", "第B列", "第C列"]
_DECORATIONS = ["{}", "{}*", "{}（必填）", " {} ", "{}：", "＊{}"]


def _cell_values(column: Column | None, spec: InputSpec) -> st.SearchStrategy:
    """Values for one cell: mostly valid, often a typical mistake, sometimes blank or garbage."""
    if column is None:
        valid = list(SATISFACTION_LEVELS) + ["很满意", "A.非常满意", "5", "满意度：一般"] if spec.open_columns else ["幸福路1号"]
        mistakes = ["不知道", "6", "满意/一般"]
    elif column.kind is Kind.CHOICE:
        valid = list(column.choices) + [a for a, _ in column.choice_aliases]
        mistakes = ["其他值", column.choices[0] + "了", column.choices[0] + "、" + column.choices[-1]]
    else:
        valid, mistakes = _VALID[column.kind], _MISTAKES[column.kind]
    return st.integers(0, 9).flatmap(lambda roll: (
        st.sampled_from(valid) if roll < 6 else st.sampled_from(mistakes) if roll < 8
        else st.sampled_from(_BLANKS) if roll == 8 else raw_cells))


@st.composite
def tables(draw, spec: InputSpec) -> dict:
    """A table as a school might save it, and what is known about its rows."""
    required = [c for c in spec.columns if c.required]
    optional = [c for c in spec.columns if not c.required]
    chosen = list(required) if draw(st.integers(0, 9)) else draw(st.lists(st.sampled_from(required), unique_by=lambda c: c.name))
    chosen += draw(st.lists(st.sampled_from(optional), unique_by=lambda c: c.name)) if optional else []
    known_headers = [h for c in spec.columns for h in (c.name, *c.aliases)]
    extras = draw(st.lists(st.one_of(
        st.sampled_from(_EXTRA_HEADERS + (["满意度1", "2、您对作业辅导是否满意"] if spec.open_columns else [])),
        st.sampled_from(known_headers),  # the same column twice
        st.one_of(st.integers(), st.floats(allow_nan=False), st.datetimes(min_value=dt.datetime(1901, 1, 1)), st.booleans()),
    ), max_size=3))
    columns: list[Column | None] = chosen + [None] * len(extras)
    headers = [draw(st.sampled_from(_DECORATIONS)).format(draw(st.sampled_from((c.name, *c.aliases)))) for c in chosen]
    headers += extras
    order = draw(st.permutations(range(len(columns))))
    columns, headers = [columns[i] for i in order], [headers[i] for i in order]
    lookup = _header_lookup(spec)
    assume(any(lookup.get(header_key(h)) for h in headers))  # a file without any known header is tested apart

    titles = [[draw(st.sampled_from(_TITLES))] + [None] * (len(headers) - 1) for _ in range(draw(st.integers(0, 2)))]
    body: list[list[object]] = []
    for _ in range(draw(st.integers(0, 12))):
        kind = draw(st.integers(0, 9))
        if kind == 0:
            body.append([draw(st.sampled_from(_BLANKS)) for _ in headers])
        elif kind == 1:
            body.append(list(headers))  # a header row pasted again among the data
        else:
            body.append([draw(_cell_values(c, spec)) for c in columns])
    return {"titles": titles, "headers": headers, "body": body}


def _for_xlsx(value: object) -> object:
    """A drawn value as an Excel cell can hold it."""
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, float) and not math.isfinite(value):
        return None  # Excel cannot hold nan or inf
    if isinstance(value, dt.datetime):
        value = value.replace(tzinfo=None)
        return value if dt.datetime(1900, 3, 1) <= value else None
    if isinstance(value, dt.date):
        return value if dt.date(1900, 3, 1) <= value else None
    if not isinstance(value, (int, float, dt.time, type(None))):
        return str(value)  # Decimal and the like: typed as text
    return value


def _for_xls(value: object) -> object:
    value = _for_xlsx(value)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**53:
        return float(value)  # BIFF stores every number as a double
    if isinstance(value, str):
        return value[:32767]
    return value


def _for_csv(value: object) -> str:
    return "" if value is None or value is pd.NA else str(value).replace("\x00", "")


def _write(path: Path, rows: list[list[object]]) -> list[list[object]]:
    """Write rows as ``path``'s format; returns the rows as they will be read back."""
    if path.suffix == ".xlsx":
        rows = [[_for_xlsx(v) for v in row] for row in rows]
        book = openpyxl.Workbook()
        sheet = book.active
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    cell = sheet.cell(r, c, value)
                    if isinstance(value, str):
                        cell.data_type = "s"  # "=..." typed as text stays text
        book.save(path)
        return rows
    if path.suffix == ".xls":
        import xlwt

        rows = [[_for_xls(v) for v in row] for row in rows]
        book = xlwt.Workbook(encoding="utf-8")
        sheet = book.add_sheet("Sheet1")
        styles = {dt.datetime: xlwt.easyxf(num_format_str="YYYY-MM-DD HH:MM"), dt.date: xlwt.easyxf(num_format_str="YYYY-MM-DD"),
                  dt.time: xlwt.easyxf(num_format_str="HH:MM")}
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    style = styles.get(type(value))
                    sheet.write(r, c, value, style) if style else sheet.write(r, c, value)
        book.save(str(path))
        return rows
    rows = [[_for_csv(v) for v in row] for row in rows]
    variant = path.stem.rpartition(".")[2]  # students.utf8.csv
    encoding, delimiter, line_end = {
        "utf8": ("utf-8-sig", ",", "\r\n"),
        "mac": ("gb18030", ",", "\r"),  # Excel for Mac's "CSV (Macintosh)": CR line endings
        "utf16": ("utf-16", "\t", "\r\n"),  # Excel's "Unicode 文本": UTF-16, tab-separated
    }.get(variant, ("gb18030", ",", "\r\n"))  # WPS and Chinese Excel: GBK
    if line_end != "\r\n":  # Python quotes only the terminator's characters; Excel would quote both
        rows = [[re.sub(r"[\r\n]", " ", v) for v in row] for row in rows]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=line_end).writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return rows


def _written_table(folder: Path, file_name: str, table: dict) -> tuple[Path, set[int]]:
    """Write a drawn table; returns its path and the Excel rows of its non-blank data rows."""
    path = folder / file_name
    rows = _write(path, table["titles"] + [table["headers"]] + table["body"])
    first_data = len(table["titles"]) + 2
    body = rows[first_data - 1:]
    data_rows = {first_data + i for i, row in enumerate(body) if not all(nz.is_blank(v) for v in row)}
    return path, data_rows


def assert_contract(result, data_rows: set[int] | None = None) -> None:
    """Row accounting by row, not just by count; every problem told completely."""
    assert result.accounted, (result.rows_read, result.rows_kept, result.rows_dropped, result.problems)
    kept = [int(r) for r in result.frame[EXCEL_ROW]]
    assert len(kept) == len(set(kept)), "a row is in the frame twice"
    dropped = {r for p in result.problems if p.dropped for r in p.rows}
    whole_file = any(p.dropped and p.row is None for p in result.problems)
    if whole_file:
        assert not kept
    else:
        assert not dropped & set(kept), f"rows both kept and dropped: {sorted(dropped & set(kept))}"
        if data_rows is not None:
            assert set(kept) | dropped == data_rows, (sorted(data_rows), kept, sorted(dropped))
    if data_rows is not None and result.header_row is not None:
        assert result.rows_read == len(data_rows)
    for problem in result.problems:
        assert isinstance(problem, Problem)
        assert problem.file == result.file_name
        assert re.search(r"[\u4e00-\u9fff]", problem.message), problem
        assert problem.fix, problem
        if data_rows is not None and problem.row is not None and problem.row in data_rows:
            assert problem.value is not None, problem
            # a row above the header is named as a whole; under it, a problem is in a column
            assert problem.column is not None or problem.row < (result.header_row or 0), problem
        str(problem)
    problems_table(result.problems)
    assert list(result.frame.columns[:1]) == [EXCEL_ROW]
    assert all(c.name in result.frame.columns for c in result.spec.columns)


_SPECS = ["students", "survey", "activities", "attendance", "satisfaction", "staff", "calendar", "rooms", "incidents"]
_FORMATS = ["xlsx", "xlsx", "xls", "gb18030.csv", "utf8.csv", "mac.csv", "utf16.csv"]


@st.composite
def spec_and_table(draw):
    spec = INPUTS[draw(st.sampled_from(_SPECS))]
    return spec, draw(tables(spec)), draw(st.sampled_from(_FORMATS))


@_settings(180)
@given(case=spec_and_table())
def test_load_input_accounts_for_every_row(case):
    spec, table, fmt = case
    with tempfile.TemporaryDirectory() as folder:
        path, data_rows = _written_table(Path(folder), f"{spec.stem}.{fmt}", table)
        result = load_input(spec, path)
    assert result.header_row == len(table["titles"]) + 1
    assert_contract(result, data_rows)


@_settings(60)
@given(case=spec_and_table(), above=st.integers(1, 3))
def test_data_above_the_header_is_named(case, above: int):
    """Data rows pasted above the header (the first list's own header missing) are not lost silently."""
    spec, table, fmt = case
    table = dict(table)
    width = len(table["headers"])
    assume(width >= 2)
    stray = [["S9"] + ["张三"] * (width - 1) for _ in range(above)]
    table["titles"] = stray + table["titles"]
    with tempfile.TemporaryDirectory() as folder:
        path, data_rows = _written_table(Path(folder), f"{spec.stem}.{fmt}", table)
        result = load_input(spec, path)
    assert result.header_row == len(table["titles"]) + 1
    assert_contract(result, data_rows | set(range(1, above + 1)))


_csv_cells = st.one_of(texts.map(lambda t: t.replace("\x00", "")),
                       st.sampled_from(['"', "'", ";", "\t", ",", "a;b", '"好"', " ", "\r", "\n", "周一,周三", "x\ty", ""]))


@_settings(150)
@given(rows=st.integers(3, 8).flatmap(lambda width: st.lists(st.lists(_csv_cells, min_size=width, max_size=width), max_size=10)),
       dialect=st.sampled_from([(",", "\r\n"), (",", "\n"), (",", "\r"), ("\t", "\r\n"), (";", "\r\n")]))
def test_csv_text_reads_back_cell_for_cell(rows: list[list[str]], dialect: tuple[str, str]):
    """Whatever is typed in the cells, the delimiter is found and every cell comes back as written."""
    delimiter, line_end = dialect
    width = len(rows[0]) if rows else 3
    rows = [["学号", "姓名", "状态"] + ["备注"] * (width - 3)] + rows
    if line_end != "\r\n":  # Python quotes only the terminator's characters; Excel would quote both
        rows = [[re.sub(r"[\r\n]", " ", v) for v in row] for row in rows]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=line_end).writerows(rows)
    assert files.guess_delimiter(buffer.getvalue()) == delimiter
    assert files._read_csv_text(buffer.getvalue()).values.tolist() == rows


# ============================================================================================
# Files that are not tables at all
# ============================================================================================

def _xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    book = openpyxl.Workbook()
    book.active.append(["学号", "姓名"])
    book.save(buffer)
    return buffer.getvalue()


_VALID_XLSX = _xlsx_bytes()


def _zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


broken_contents = st.one_of(
    st.just(b""),
    st.just(b"\xef\xbb\xbf"),
    st.just(b"\xff\xfe"),
    st.just(b"\xfe\xff"),
    st.just(b"\xef\xbb\xbf\r\n\r\n,,,\r\n"),
    st.binary(min_size=1, max_size=600),
    st.binary(min_size=1, max_size=600).map(lambda b: b"PK\x03\x04" + b),
    st.binary(min_size=1, max_size=600).map(lambda b: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b),
    st.integers(4, len(_VALID_XLSX) - 1).map(lambda n: _VALID_XLSX[:n]),  # a half-copied workbook
    st.just(_zip_of({"hello.txt": b"not a workbook"})),
    st.just(_zip_of({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<<<"})),
    st.sampled_from([b"<html><body>\xe5\xad\xa6\xe5\x8f\xb7</body></html>", b"\x00\x00\x00\x00", b"\xef\xbb\xbf\x00a,b"]),
)


@_settings(150)
@given(data=broken_contents, suffix=st.sampled_from(TABLE_SUFFIXES), stem=st.sampled_from(_SPECS))
def test_broken_file_gives_exactly_one_error(data: bytes, suffix: str, stem: str):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{stem}{suffix}"
        path.write_bytes(data)
        result = load_input(stem, path)
        _, _, problems = check_file(path)
    errors = [p for p in result.problems if p.is_error]
    assert len(errors) == 1, result.problems
    assert result.frame.empty and result.rows_kept == 0
    assert_contract(result)
    assert problems and any(p.is_error for p in problems)


def test_a_folder_instead_of_a_file(tmp_path: Path):
    (tmp_path / "students.xlsx").mkdir()
    result = load_input("students", tmp_path / "students.xlsx")
    assert len([p for p in result.problems if p.is_error]) == 1
    assert_contract(result)


# ============================================================================================
# A whole term folder of random files
# ============================================================================================

@st.composite
def term_folders(draw) -> list[tuple[str, object]]:
    """Files of a term folder: (file name, drawn table or raw bytes)."""
    files = []
    for stem in draw(st.lists(st.sampled_from(list(INPUTS)), unique=True, min_size=1, max_size=5)):
        for fmt in draw(st.lists(st.sampled_from(["xlsx", "csv", "xls"]), unique=True, min_size=1, max_size=2)):
            content = draw(st.one_of(tables(INPUTS[stem]), broken_contents)) if fmt != "xls" else draw(broken_contents)
            files.append((f"{stem}.{fmt}", content))
    return files


@_settings(20)
@given(folder_files=term_folders(), with_settings=st.booleans())
def test_check_folder_never_raises(folder_files, with_settings: bool):
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        if with_settings:
            shutil.copy(data_templates_dir() / "sample" / SETTINGS_FILE, folder / SETTINGS_FILE)
        expected: dict[str, set[int] | None] = {}
        for file_name, content in folder_files:
            if isinstance(content, bytes):
                (folder / file_name).write_bytes(content)
                expected[file_name] = None
            else:
                _, expected[file_name] = _written_table(folder, file_name, content)
        for file_name, _ in folder_files:
            _, result, problems = check_file(folder / file_name)
            assert all(isinstance(p, Problem) and p.message for p in problems)
            if result is not None:
                assert_contract(result)
        check = check_folder(folder)
        for result in check.inputs.values():
            data_rows = expected[result.file_name]
            assert_contract(result, data_rows if result.header_row is not None else None)
        for problem in check.problems:
            assert problem.file and re.search(r"[\u4e00-\u9fff]", problem.message), problem
            str(problem)
        check.summary()
        check.accounting()

