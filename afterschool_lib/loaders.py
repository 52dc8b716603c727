"""One input file in, its data and every problem in it out.

:func:`load_input` reads a file whatever its format and encoding (see :mod:`.files`), finds the
header row under any title rows, maps the headers staff wrote to the declared columns
(:mod:`.schema`), normalises every cell (:mod:`.normalize`) and checks keys and ranges. It never
raises on bad input and never drops a row silently: each data row of the file is either in
``LoadResult.frame`` (with its Excel row number in column ``行号``) or named by a problem marked
``dropped``. Columns it does not know are kept as they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from openpyxl.utils import get_column_letter

from . import normalize as nz
from .files import UnreadableFile, read_raw_table
from .problems import Problem, RowAccounting, Severity, group_repeats
from .schema import (
    CLASS,
    EXCEL_ROW,
    GRADE,
    INPUTS,
    SATISFACTION_LEVELS,
    SUBMITTED_AT,
    Column,
    InputSpec,
    Kind,
)

HEADER_SEARCH_ROWS = 15

Parser = Callable[[object], tuple[object, "nz.Invalid | None"]]


def _parse_choice(column: Column) -> Parser:
    aliases = {nz.clean_text(a).lower(): b for a, b in column.choice_aliases}
    aliases.update({c.lower(): c for c in column.choices})
    allowed = "、".join(column.choices)

    def parse(value: object) -> tuple[object, nz.Invalid | None]:
        text = nz.clean_text(value)
        if not text:
            return None, None
        key = text.lower().replace(" ", "")
        if key in aliases:
            return aliases[key], None
        return None, nz.Invalid(f"不是可选的值（可选：{allowed}）", "从下拉列表中选择，或改成可选值之一")

    return parse


def _parse_text(value: object) -> tuple[object, None]:
    text = nz.clean_text(value, fold=False)
    return (text or None), None


def _parse_class_number(value: object) -> tuple[object, nz.Invalid | None]:
    parsed, invalid = nz.parse_class(value)
    return (None if parsed is None else parsed), invalid


_PARSERS: dict[Kind, Parser] = {
    Kind.TEXT: _parse_text,
    Kind.CODE: nz.parse_code,
    Kind.INT: nz.parse_int,
    Kind.GRADE: nz.parse_grade,
    Kind.CLASS: _parse_class_number,
    Kind.YESNO: nz.parse_yesno,
    Kind.WEEKDAYS: nz.parse_weekday_list,
    Kind.WEEKDAY: nz.parse_single_weekday,
    Kind.DATE: nz.parse_date,
    Kind.DATETIME: nz.parse_datetime,
    Kind.TIME: nz.parse_time,
    Kind.GRADES: nz.parse_grade_range,
    Kind.PHONE: nz.parse_phone,
}


def parser_for(column: Column) -> Parser:
    return _parse_choice(column) if column.kind is Kind.CHOICE else _PARSERS[column.kind]


def parse_satisfaction(value: object) -> tuple[object, nz.Invalid | None]:
    """A five-level answer however it is written: 满意度：满意, 很满意, A.非常满意, 5."""
    text = nz.clean_text(value).replace(" ", "")
    if not text:
        return None, None
    text = re.sub(r"^.*[:：]", "", text)
    text = re.sub(r"^[A-Ea-e][.、]", "", text)
    synonyms = {"很满意": "非常满意", "十分满意": "非常满意", "比较满意": "满意", "较满意": "满意",
                "基本满意": "一般", "一般般": "一般", "较不满意": "不满意", "很不满意": "非常不满意",
                "5": "非常满意", "4": "满意", "3": "一般", "2": "不满意", "1": "非常不满意"}
    text = synonyms.get(text, text)
    if text in SATISFACTION_LEVELS:
        return text, None
    return None, nz.Invalid("不是五级满意度答案", "填写" + "、".join(SATISFACTION_LEVELS) + "之一")


def header_key(text: object) -> str:
    """A header as staff wrote it, reduced to what identifies it: 学号* / 学号（必填） / 学 号 -> 学号."""
    key = nz.clean_text(text)
    key = re.sub(r"[（(【\[]\s*(必填|选填|可选|必选|如[^)）】\]]*)\s*[)）】\]]", "", key)
    key = key.replace("*", "").replace("＊", "").rstrip(":：").replace(" ", "")
    return key


def _header_lookup(spec: InputSpec) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for column in spec.columns:
        for alias in column.aliases:
            lookup.setdefault(header_key(alias), column.name)
    for column in spec.columns:  # the canonical name wins over another column's alias
        lookup[header_key(column.name)] = column.name
    return lookup


@dataclass(frozen=True)
class LoadResult(RowAccounting):
    """What one input file gave: the tidy frame, every problem, and the row accounting.

    ``rows_read`` counts the data rows under the header (blank rows excluded, counted apart in
    ``blank_rows``), plus any rows above the header that look like data (:func:`_rows_above_header`).
    Every one of them is either in ``frame`` or in a problem with ``dropped``.
    ``changed`` counts, per column, cells whose spelling was normalised (一年级 written 1).
    """

    spec: InputSpec
    path: Path | None
    frame: pd.DataFrame
    problems: tuple[Problem, ...]
    rows_read: int = 0
    blank_rows: int = 0
    header_row: int | None = None
    columns_found: tuple[tuple[str, str], ...] = ()
    unknown_columns: tuple[str, ...] = ()
    changed: tuple[tuple[str, int], ...] = ()
    encoding: str | None = None
    fmt: str | None = None

    @property
    def file_name(self) -> str:
        return self.path.name if self.path else f"{self.spec.stem}.xlsx"


def _empty_frame(spec: InputSpec) -> pd.DataFrame:
    return pd.DataFrame({EXCEL_ROW: pd.Series(dtype="Int64"), **{c.name: pd.Series(dtype=object) for c in spec.columns}})


def _find_header(cells: pd.DataFrame, lookup: dict[str, str], spec: InputSpec) -> tuple[int | None, int]:
    """The row whose cells match most declared headers (title rows above it are skipped)."""
    best_row, best_score = None, 0
    for i in range(min(HEADER_SEARCH_ROWS, len(cells))):
        names = {lookup.get(header_key(v)) for v in cells.iloc[i].tolist()} - {None}
        score = len(names) + 2 * len(names & set(spec.required))
        if score > best_score:
            best_row, best_score = i, score
    return best_row, best_score


def _rows_above_header(name: str, cells: pd.DataFrame, header_row: int) -> list[Problem]:
    """Rows above the header that look like data, each named as not read.

    A title (one cell) or a merged group header (基本信息 | 家庭情况) is expected there and passes
    quietly; a row filled in at least two cells and half as many as the header is most likely
    data whose own header is missing (two class lists pasted one under the other), and must
    not vanish without a word.
    """
    filled = ~cells.iloc[:header_row + 1].map(nz.is_blank)
    header_width = int(filled.iloc[header_row].sum())
    problems = []
    for i in range(header_row):
        n_filled = int(filled.iloc[i].sum())
        if n_filled >= 2 and 2 * n_filled >= header_width:
            shown = " ".join(nz.clean_text(v, fold=False) for v in cells.iloc[i][filled.iloc[i]].tolist())
            problems.append(Problem(
                name, f"这一行在表头（第 {header_row + 1} 行）上方，像是一行数据，未读入",
                "把表头移到这些数据的上方；若这一行只是标题或说明，可不必理会", Severity.WARNING,
                i + 1, value=shown if len(shown) <= 40 else shown[:40] + "……", dropped=True))
    return problems


def load_input(spec: InputSpec | str, path: Path | str, *, display_name: str | None = None) -> LoadResult:
    """Load one input file of a term folder into its declared shape, collecting every problem."""
    spec = INPUTS[spec] if isinstance(spec, str) else spec
    path = Path(path)
    name = display_name or path.name
    try:
        raw, read_problems = read_raw_table(path)
    except UnreadableFile as exc:
        problem = exc.problem
        if display_name:
            problem = Problem(name, problem.message, problem.fix, problem.severity)
        return LoadResult(spec, path, _empty_frame(spec), (problem,))
    problems: list[Problem] = [Problem(name, p.message, p.fix, p.severity) for p in read_problems]
    cells = raw.cells
    lookup = _header_lookup(spec)
    header_row, score = _find_header(cells, lookup, spec)
    if header_row is None:
        data_rows = int((~cells.map(nz.is_blank).all(axis=1)).sum()) if len(cells) else 0
        expected = "、".join(spec.required)
        problems.append(Problem(
            name, f"找不到表头：前 {HEADER_SEARCH_ROWS} 行里没有“{expected}”等列名，这可能不是{spec.title}文件，"
            f"全部 {data_rows} 行未读入",
            f"第一行写列名（{expected}……），或从空白模板 {spec.stem}.xlsx 复制表头", Severity.ERROR, dropped=data_rows > 0))
        return LoadResult(spec, path, _empty_frame(spec), tuple(problems), rows_read=data_rows, encoding=raw.encoding, fmt=raw.fmt)

    headers = cells.iloc[header_row].tolist()
    above = _rows_above_header(name, cells, header_row)
    problems.extend(above)
    body = cells.iloc[header_row + 1:].reset_index(drop=True).astype(object)
    body = body.where(body.notna(), None)
    excel_rows = pd.Series(range(header_row + 2, header_row + 2 + len(body)), dtype="int64")
    blank = _blank_cells(body)
    blank_row = blank.all(axis=1) if len(body) else pd.Series(dtype=bool)
    body, excel_rows = body[~blank_row].reset_index(drop=True), excel_rows[~blank_row].reset_index(drop=True)
    blank_rows = int(blank_row.sum())
    nonblank_cols = ~blank[~blank_row].all(axis=0) if len(body) else pd.Series(False, index=cells.columns)

    # --- headers -> columns --------------------------------------------------------------------
    mapping: dict[int, str] = {}
    unknown: dict[int, str] = {}
    found: list[tuple[str, str]] = []
    for j, header in enumerate(headers):
        column_name = lookup.get(header_key(header))
        label = nz.clean_text(header)
        if column_name and column_name not in mapping.values():
            mapping[j] = column_name
            found.append((label, column_name))
        elif not label:
            if nonblank_cols.iloc[j]:
                unknown[j] = _unused_label(f"第{_column_letter(j)}列", spec, unknown)
                problems.append(Problem(name, f"第 {_column_letter(j)} 列有数据但没有列名，已原样保留", "给这一列写上列名，或删除这一列",
                                        Severity.WARNING, header_row + 1, f"{_column_letter(j)}列"))
        else:
            if column_name:
                problems.append(Problem(name, f"与前面的“{column_name}”列重复，这一列已按未知列保留，不参与计算",
                                        "删除重复的列，或改成不同的列名", Severity.WARNING, header_row + 1, label, label))
            unknown[j] = _unused_label(label, spec, unknown)
    missing = [c for c in spec.required if c not in mapping.values()]
    rows_read = len(body) + len(above)
    if missing:
        shown = "、".join(missing)
        seen = "、".join(nz.clean_text(h) for h in headers if nz.clean_text(h)) or "（空）"
        problems.append(Problem(
            name, f"缺少必填列“{shown}”，全部 {rows_read} 行未读入（现有列：{seen}）",
            f"在第 {header_row + 1} 行加上“{shown}”列，列名可参照空白模板 {spec.stem}.xlsx", Severity.ERROR,
            column=missing[0], dropped=rows_read > 0))
        return LoadResult(spec, path, _empty_frame(spec), tuple(problems), rows_read, blank_rows, header_row + 1,
                          tuple(found), tuple(unknown.values()), encoding=raw.encoding, fmt=raw.fmt)

    # --- cells -> values ------------------------------------------------------------------------
    dropped: set[int] = set()
    columns: dict[str, pd.Series] = {EXCEL_ROW: excel_rows.astype("Int64")}
    changed: list[tuple[str, int]] = []
    for j, column_name in mapping.items():
        column = spec.column(column_name)
        values, bad, n_changed = _normalise_column(body[j], parser_for(column))
        if n_changed:
            changed.append((column_name, n_changed))
        stops_row = column.required or column.strict
        severity = Severity.ERROR if stops_row else Severity.WARNING
        for raw_value, invalid in bad.items():
            rows = body.index[body[j] == raw_value].tolist()
            for i in rows:
                outcome = ("，该行未读入" if column.required else "，该行未读入（这一列留空表示不限，不能按空白处理）"
                           if column.strict else "，已按空白处理")
                problems.append(Problem(name, invalid.message + outcome,
                                        invalid.fix, severity, int(excel_rows[i]), column_name, as_typed(raw_value),
                                        dropped=stops_row))
            if stops_row:
                dropped.update(rows)
        if column.required:
            empty = values.isna() & ~body.index.isin(list(dropped))
            for i in body.index[empty]:
                problems.append(Problem(name, "必填项为空，该行未读入", f"补填“{column_name}”", Severity.ERROR,
                                        int(excel_rows[i]), column_name, "", dropped=True))
                dropped.add(i)
        elif column.default is not None:
            values = values.where(values.notna(), column.default)
        problems.extend(_range_problems(name, column, values, excel_rows, dropped))
        columns[column_name] = values
    for column in spec.columns:  # absent optional columns get their default so planners need not check
        if column.name not in columns:
            columns[column.name] = pd.Series([column.default] * len(body), dtype=object)
    for j, label in unknown.items():
        if spec.open_columns:
            values, bad, n_changed = _normalise_column(body[j], parse_satisfaction)
            answered = int(values.notna().sum())
            if answered and answered >= sum(len(body.index[body[j] == v]) for v in bad):
                for raw_value, invalid in bad.items():
                    for i in body.index[body[j] == raw_value]:
                        problems.append(Problem(name, invalid.message + "，已按未作答处理", invalid.fix, Severity.WARNING,
                                                int(excel_rows[i]), label, as_typed(raw_value)))
                if n_changed:
                    changed.append((label, n_changed))
                columns[label] = values
                continue
        columns[label] = pd.Series([None if nz.is_blank(v) else v for v in body[j].tolist()], dtype=object)
    frame = pd.DataFrame(columns)

    raw_classes = body[class_index].tolist() if (class_index := _index_of(mapping, CLASS)) is not None else None
    _check_grade_class(name, frame, problems, dropped, spec, raw_classes)
    _check_at_least_one(name, spec, frame, problems, dropped)
    frame = frame.drop(index=list(dropped))
    frame, dup_problems = _resolve_duplicates(name, spec, frame)
    problems.extend(dup_problems)
    frame = _typed(spec, frame.reset_index(drop=True))
    ordered = [EXCEL_ROW] + [c.name for c in spec.columns] + [c for c in frame.columns if c not in spec.names and c != EXCEL_ROW]
    return LoadResult(spec, path, frame[ordered], tuple(group_repeats(problems)), rows_read, blank_rows, header_row + 1,
                      tuple(found), tuple(unknown.values()), tuple(changed), raw.encoding, raw.fmt)


def _unused_label(label: str, spec: InputSpec, unknown: dict[int, str]) -> str:
    """A kept column's label, suffixed with _ until it clashes with no declared column, no other kept
    column and not 行号 (a 行号 column of the teacher's own must not replace the Excel row numbers)."""
    while label in spec.names or label == EXCEL_ROW or label in unknown.values():
        label += "_"
    return label


_DTYPES = {Kind.INT: "Int64", Kind.YESNO: "boolean", Kind.DATE: "datetime64[ns]", Kind.DATETIME: "datetime64[ns]"}


def _typed(spec: InputSpec, frame: pd.DataFrame) -> pd.DataFrame:
    """Give numbers, flags and dates their pandas types so planners can compute on them."""
    for column in spec.columns:
        dtype = _DTYPES.get(column.kind)
        if dtype and column.name in frame:
            frame[column.name] = frame[column.name].astype(dtype)
    return frame


def _blank_cells(body: pd.DataFrame) -> pd.DataFrame:
    """Which cells are blank (None, "", spaces of any width), judged once per distinct value."""
    mask = {}
    for j in body.columns:
        column = body[j]
        blanks = [v for v in pd.unique(column[column.notna()]) if nz.is_blank(v)]
        mask[j] = column.isna() | (column.isin(blanks) if blanks else False)
    return pd.DataFrame(mask, index=body.index, columns=body.columns)


def _column_letter(index: int) -> str:
    """Excel's letter for a 0-based column index (0 -> A, 26 -> AA)."""
    return get_column_letter(index + 1)


def _as_written(value: object) -> str:
    """A normalised value as the templates would spell it, to tell which cells were re-spelt."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d %H:%M:%S").removesuffix(" 00:00:00")
    if isinstance(value, tuple):  # a parsed class: (grade or None, number)
        return f"{value[1]}班" if value[0] is None else nz.class_name(value[0], value[1])
    return str(value)


def _normalise_column(raw: pd.Series, parse: Parser) -> tuple[pd.Series, dict[object, nz.Invalid], int]:
    """Parse each distinct cell once; returns values, the invalid raw values, and how many changed."""
    results: dict[object, object] = {}
    bad: dict[object, nz.Invalid] = {}
    changed_values: set[object] = set()
    for value in pd.unique(raw):
        parsed, invalid = parse(value)
        if invalid is not None:
            bad[value] = invalid
            parsed = None
        elif parsed is not None and isinstance(value, str) and _as_written(parsed) != nz.clean_text(value, fold=False):
            changed_values.add(value)
        results[value] = parsed
    values = pd.Series([results[v] for v in raw.tolist()], dtype=object)
    n_changed = int(raw.isin(list(changed_values)).sum()) if changed_values else 0
    return values, bad, n_changed


def _range_problems(name: str, column: Column, values: pd.Series, excel_rows: pd.Series, dropped: set[int]) -> list[Problem]:
    if column.minimum is None and column.maximum is None:
        return []
    numbers = pd.to_numeric(values, errors="coerce")
    low = column.minimum if column.minimum is not None else float("-inf")
    high = column.maximum if column.maximum is not None else float("inf")
    outside = numbers.notna() & ((numbers < low) | (numbers > high))
    problems = []
    for i in values.index[outside]:
        if i in dropped:
            continue
        problems.append(Problem(
            name, f"超出合理范围（{column.minimum:g} 至 {column.maximum:g}）" + ("，该行未读入" if column.required else "，已按空白处理"),
            "核对后填写正确的数值", Severity.ERROR if column.required else Severity.WARNING,
            int(excel_rows[i]), column.name, str(values[i]), dropped=column.required))
        if column.required:
            dropped.add(i)
        else:
            values[i] = column.default
    return problems


def _check_at_least_one(name: str, spec: InputSpec, frame: pd.DataFrame, problems: list[Problem], dropped: set[int]) -> None:
    """A row that fills none of ``spec.at_least_one`` says nothing usable: it is named and left out."""
    if not spec.at_least_one:
        return
    present = [c for c in spec.at_least_one if c in frame]
    empty = frame[present].isna().all(axis=1) if present else pd.Series(True, index=frame.index)
    shown = "或".join(spec.at_least_one)
    for index in frame.index[empty]:
        if index in dropped:
            continue
        problems.append(Problem(name, f"{shown}都没有填写，无法知道是哪名学生，该行未读入", f"至少填写{shown}中的一项",
                                Severity.ERROR, int(frame.at[index, EXCEL_ROW]), spec.at_least_one[0], "", dropped=True))
        dropped.add(index)


def _index_of(mapping: dict[int, str], column_name: str) -> int | None:
    return next((j for j, name in mapping.items() if name == column_name), None)


def as_typed(value: object) -> str:
    """A cell as the teacher typed it (full-width digits and all), so Excel's search finds it."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (pd.Timestamp,)) or hasattr(value, "strftime"):
        return nz.clean_text(value)
    return "" if value is None else str(value).strip()


def _check_grade_class(name: str, frame: pd.DataFrame, problems: list[Problem], dropped: set[int], spec: InputSpec,
                       raw_classes: list | None) -> None:
    """Split 班级 into its number; a class written with its grade must agree with 年级."""
    if CLASS not in frame or GRADE not in frame:
        return
    grade_required = spec.column(GRADE).required
    grades, classes = frame[GRADE].tolist(), frame[CLASS].tolist()
    for pos, (grade, parsed) in enumerate(zip(grades, classes)):
        if not isinstance(parsed, tuple):
            continue
        class_grade, number = parsed
        classes[pos] = number
        if class_grade is None:
            continue
        if grade is None or pd.isna(grade):
            grades[pos] = class_grade
        elif grade != class_grade:
            index = frame.index[pos]
            problems.append(Problem(
                name, f"班级写的是{class_grade}年级，但年级列是{grade}年级" + ("，该行未读入" if grade_required else ""),
                "核对后改正年级或班级", Severity.ERROR if grade_required else Severity.WARNING,
                int(frame[EXCEL_ROW].iloc[pos]), CLASS, as_typed(raw_classes[pos]) if raw_classes else "",
                dropped=grade_required))
            if grade_required:
                dropped.add(index)
    frame[GRADE] = pd.array(grades, dtype="Int64") if all(g is None or isinstance(g, int) for g in grades) else grades
    frame[CLASS] = pd.array(classes, dtype="Int64") if all(c is None or isinstance(c, int) for c in classes) else classes


def _resolve_duplicates(name: str, spec: InputSpec, frame: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    """Apply the input's duplicate rule; every repeat is named with the row that stands."""
    if not spec.key or frame.empty:
        return frame, []
    key = list(spec.key)
    unkeyed = frame[key].isna().any(axis=1)  # rows without a key cannot repeat one (an application by name only)
    if unkeyed.any():
        keyed, dup_problems = _resolve_duplicates(name, spec, frame[~unkeyed])
        return pd.concat([keyed, frame[unkeyed]]).sort_values(EXCEL_ROW), dup_problems
    if spec.on_duplicate == "keep_latest" and SUBMITTED_AT in frame:
        order = frame.assign(_t=pd.to_datetime(frame[SUBMITTED_AT])).sort_values(["_t", EXCEL_ROW], kind="stable", na_position="first")
        keep = ~order.duplicated(key, keep="last")
        order = order.drop(columns="_t")
    else:
        order = frame
        keep = ~order.duplicated(key, keep="first")
    if keep.all():
        return frame, []
    problems = []
    standing_rows = order[EXCEL_ROW].where(keep).groupby([order[k] for k in key], dropna=False).transform("max")
    repeats = order[~keep]
    for excel_row, standing, *key_value in zip(repeats[EXCEL_ROW], standing_rows[~keep].astype(int), *(repeats[k] for k in key)):
        shown = " ".join(_display(v) for v in key_value)
        if spec.on_duplicate == "keep_latest":
            message, fix, severity = (f"同一{key[0]}有多份提交，以第 {standing} 行（最后提交）为准，这一行未采用",
                                      "确认以最后一次提交为准；如不是，删除多余的提交", Severity.WARNING)
        elif spec.on_duplicate == "keep_first":
            message, fix, severity = (f"与第 {standing} 行重复，只保留第 {standing} 行", "删除重复的记录", Severity.WARNING)
        else:
            message, fix, severity = (f"与第 {standing} 行的{'+'.join(key)}相同，这一行未读入",
                                      f"改正这一行的{'+'.join(key)}，或删除重复的这一行", Severity.ERROR)
        problems.append(Problem(name, message, fix, severity, int(excel_row), "+".join(key), shown, dropped=True))
    return frame.loc[order.index[keep]].sort_values(EXCEL_ROW), problems


def _display(value: object) -> str:
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return str(value)


def guess_spec(path: Path | str) -> InputSpec | None:
    """Which input a file is, from its name (students.xlsx) or else from its headers."""
    path = Path(path)
    if path.stem.lower() in INPUTS:
        return INPUTS[path.stem.lower()]
    for spec in INPUTS.values():
        if spec.title in path.stem:
            return spec
    try:
        raw, _ = read_raw_table(path)
    except UnreadableFile:
        return None
    scored = [(_find_header(raw.cells, _header_lookup(spec), spec)[1], spec) for spec in INPUTS.values()]
    score, best = max(scored, key=lambda pair: pair[0])
    return best if score > 0 else None


@dataclass(frozen=True)
class FolderLoad:
    """Every input of a term folder, loaded. ``results`` has one entry per input found."""

    folder: Path
    results: dict[str, LoadResult] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()  # folder-level: missing files, competing files

    def frame(self, stem: str) -> pd.DataFrame | None:
        result = self.results.get(stem)
        return None if result is None else result.frame
