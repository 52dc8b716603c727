"""Parents' application exports from 问卷星 or 腾讯问卷 (or the template itself) in the survey shape.

Schools collect applications online and download whatever the platform gives: 问卷星 as .xls or
.csv "按选项文本" (answers as text, multiple choice joined with ``┋``, rankings with ``→``) or
"按选项序号" (option positions, one 0/1 column per option of a multiple choice), 腾讯问卷 as a
UTF-8 CSV with one column per option. :func:`read_survey_export` recognises the platform from its
leading columns, matches each question to a column of the ``survey`` template by its wording
(:data:`QUESTION_RULES`, overridable by the user), turns every answer into what a teacher would
type in the template, and accounts for every row. :func:`write_survey` writes the result as a
``survey`` workbook that :func:`afterschool_lib.loaders.load_input` reads; de-duplicating repeated
submissions is the loader's job (the latest one stands), so every submission is kept here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from openpyxl.utils import get_column_letter

from . import normalize as nz
from .files import UnreadableFile, read_raw_table
from .loaders import header_key, parser_for
from .problems import Problem, RowAccounting, Severity, group_repeats, problems_table
from .schema import (
    INPUTS,
    CHOICE_1,
    CHOICE_2,
    CHOICE_3,
    CHOICES,
    CLASS,
    EXCEL_ROW,
    GRADE,
    JOIN,
    LEAVE_TIME,
    MAX_CLUBS,
    SIBLINGS,
    NAME,
    NO,
    NOON_CARE,
    PARENT_NAME,
    PHONE,
    STUDENT_ID,
    SUBMITTED_AT,
    SURVEY,
    WEEKDAYS_COL,
    YES,
    Column,
    Kind,
)
from .validate import activity_lookup, match_activity
from .workbooks import write_tables

WJX_TEXT = "问卷星（按选项文本）"
WJX_CODES = "问卷星（按选项序号）"
TENCENT = "腾讯问卷"
TEMPLATE = "模板"
OTHER = "其他表格"

# A ranking or multiple choice of clubs fills 志愿1, 志愿2, 志愿3 in order: one target, three columns.
CHOICE_LIST = "志愿1-3"
_CHOICE_LIST_NAMES = {"志愿", "志愿1-3", "志愿1~3", "志愿1至3", "志愿1到3", "社团志愿", "志愿1-志愿3", "志愿1~志愿3"}
# Questions the template has no column for, kept under these names (the roster's spelling).
EXTRA_TARGETS = (PARENT_NAME, PHONE)

MAPPING_COLUMNS = ("原问题", "对应列", "说明")
_HEADER_SEARCH_ROWS = 15
_BLANK_ANSWERS = {"(跳过)", "(空)"}  # 问卷星: skipped by logic, left unanswered
_NOT_CHOSEN = {"", "0", "-2", "-3", "(跳过)", "(空)"}  # a per-option cell that does not pick its option
_FREE_TEXT_TARGETS = {STUDENT_ID, NAME, PARENT_NAME, PHONE, SUBMITTED_AT}  # fill-in: text in every style


# =================================================================================================
# Platforms: how each one heads its leading columns and its questions
# =================================================================================================


@dataclass(frozen=True)
class Platform:
    """A survey platform as its exports show it.

    ``meta`` are the leading columns it writes before the questions (matched by name, since their
    order changed between years); ``meta_prefixes`` catch families such as 腾讯's 地理位置省份.
    ``submitted`` is the meta column holding the submission time, which becomes 提交时间.
    """

    name: str
    meta: frozenset[str]
    meta_prefixes: tuple[str, ...] = ()
    submitted: tuple[str, ...] = ()

    def is_meta(self, header: str) -> bool:
        return header in self.meta or any(header.startswith(prefix) for prefix in self.meta_prefixes)

    def score(self, headers: Sequence[str]) -> int:
        return sum(self.is_meta(h) for h in headers)


PLATFORMS = (
    Platform("问卷星", frozenset({"序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP", "总分", "答题序号"}),
             submitted=("提交答卷时间",)),
    Platform(TENCENT, frozenset({"编号", "开始答题时间", "结束答题时间", "答题时长", "自定义字段", "用户类型", "用户标识",
                                 "昵称", "IP", "UA", "Referrer", "扩展字段"}),
             meta_prefixes=("地理位置",), submitted=("结束答题时间",)),
)
_NO_PLATFORM = Platform(OTHER, frozenset())

# Question wording -> template column, tried in order on the question's stem (number and hints
# such as "(多选题 *必答)" removed). Order matters: 家长姓名 before 姓名, 最多几个社团 before 社团,
# 是否需要午间托管 before 是否需要 (参加).
QUESTION_RULES: tuple[tuple[str, str], ...] = (
    (PARENT_NAME, r"家长姓名|家长的姓名|监护人姓名|填表人"),
    (PHONE, r"电话|手机|联系方式"),
    (STUDENT_ID, r"学号|学籍号"),
    (NAME, r"姓名|名字"),
    (CLASS, r"班级|班别|哪个班|几班"),
    (GRADE, r"年级"),
    (NOON_CARE, r"午间|午托|中午"),
    (MAX_CLUBS, r"(最多|至多)[^，,。]*?(几|多少)个|几个社团|社团数"),
    (SIBLINGS, r"兄弟姐妹|同胞"),
    (CHOICE_1, r"第一志愿|志愿一|志愿1"),
    (CHOICE_2, r"第二志愿|志愿二|志愿2"),
    (CHOICE_3, r"第三志愿|志愿三|志愿3"),
    (WEEKDAYS_COL, r"服务日|星期|哪几天|哪天|哪些天|周几|参加时间|参加日期"),
    (LEAVE_TIME, r"离校|接送|接孩子|几点接|接回"),
    (CHOICE_LIST, r"志愿|社团|兴趣|特长班|活动项目"),
    (JOIN, r"是否参加|是否需要|是否报名|参加课后服务|报名课后服务|参加"),
    (SUBMITTED_AT, r"提交答卷时间|结束答题时间|提交时间|填写时间|提交日期"),
)

_QUESTION_NUMBER = re.compile(r"^(?:第)?(\d+)\s*[、.．]\s*")
_OPTION_COLUMN = re.compile(r"^第(?P<n>\d+)题\((?P<option>.*)\)$")  # 问卷星 按选项序号: 第6题(周一)
_TENCENT_OPTION = re.compile(r"^(?P<n>\d+)[.、](?P<rest>.*)$")  # 腾讯: 6.题干:选项
_HINT = re.compile(r"[(\[【][^)\]】]*[)\]】]")  # (多选题 *必答), [单选题], (最多选3项，按顺序)


# =================================================================================================
# The result
# =================================================================================================


@dataclass(frozen=True)
class SurveyImport(RowAccounting):
    """One export, read: the platform found, how its questions map, the rows as template text.

    ``mapping`` pairs each source header with the template column it fills, in source order; every
    option column of a multiple choice maps to the one column its question fills. ``unmapped`` are
    question columns that fill no template column (kept in ``frame`` as they are). ``frame`` has
    行号 (the export's Excel row), every ``survey`` column as text, then the platform's own
    columns and any extra questions. ``rows_read`` counts the export's data rows, blank rows
    excluded (``blank_rows``); each is in ``frame`` or named by a problem with ``dropped``.
    """

    source: Path
    platform: str
    mapping: tuple[tuple[str, str], ...]
    unmapped: tuple[str, ...]
    frame: pd.DataFrame
    problems: tuple[Problem, ...]
    rows_read: int
    blank_rows: int = 0
    header_row: int | None = None
    kept: tuple[str, ...] = ()
    explained: tuple[tuple[str, str, str], ...] = ()  # (原问题, 对应列, 说明) per question


@dataclass(frozen=True)
class _Question:
    """One question of the export: one column, or one column per option of a multiple choice."""

    columns: tuple[int, ...]
    headers: tuple[str, ...]
    label: str  # as shown to the user
    stem: str  # the wording matched against QUESTION_RULES
    options: tuple[str, ...] = ()  # per-option columns: the option each column stands for
    meta: bool = False  # a platform column (序号, 来源, IP ...), not a question

    @property
    def grouped(self) -> bool:
        return bool(self.options)


@dataclass(frozen=True)
class _Assignment:
    question: _Question
    target: str | None  # a survey column, CHOICE_LIST, an EXTRA_TARGETS name, or None (kept as is)
    how: str  # the 说明 shown in the mapping table


# =================================================================================================
# Reading
# =================================================================================================


def read_survey_export(path: Path | str, *, activities: pd.DataFrame | None = None,
                       overrides: Mapping[str, str | None] | None = None) -> SurveyImport:
    """Read a survey export (问卷星, 腾讯问卷, the template, or another table) into the survey shape.

    ``activities`` (the loaded 活动清单) turns club answers given by name into 活动编号.
    ``overrides`` maps a source header (or a question's label as shown by :func:`mapping_table`)
    to a template column, or to None to use it for nothing; it wins over the guess from wording.
    Never raises on bad input: what cannot be read is a problem in the result.
    """
    path = Path(path)
    name = path.name
    try:
        raw, read_problems = read_raw_table(path)
    except UnreadableFile as exc:
        return SurveyImport(path, OTHER, (), (), _empty_frame(), (exc.problem,), 0)
    problems: list[Problem] = list(read_problems)
    cells = raw.cells.astype(object).where(raw.cells.notna(), None)
    lookup = activity_lookup(activities) if activities is not None and len(activities) else None
    header_row = _find_header_row(cells)
    headers = [_header_text(v) for v in cells.iloc[header_row].tolist()] if len(cells) else []
    body = cells.iloc[header_row + 1:].reset_index(drop=True)
    excel_rows = list(range(header_row + 2, header_row + 2 + len(body)))
    blank = body.map(nz.is_blank).all(axis=1) if len(body) else pd.Series(dtype=bool)
    body = body[~blank].reset_index(drop=True)
    excel_rows = [r for r, b in zip(excel_rows, blank.tolist()) if not b]

    platform = _detect_platform(headers)
    questions = _questions(headers, platform, body)
    assignments, mapping_problems = _assign(name, questions, overrides or {}, lookup, body)
    problems.extend(mapping_problems)
    label = _platform_label(platform, assignments, body, headers)
    frame, row_problems = _build_frame(name, assignments, body, excel_rows, label == WJX_CODES, lookup)
    problems.extend(row_problems)

    mapping = tuple((header, a.target) for a in assignments if a.target for header in a.question.headers)
    unmapped = tuple(h for a in assignments if a.target is None and not a.question.meta for h in a.question.headers)
    kept = tuple(h for a in assignments if a.target is None and a.question.meta for h in a.question.headers)
    explained = tuple((a.question.label, a.target or "", a.how) for a in assignments)
    return SurveyImport(path, label, mapping, unmapped, frame, tuple(group_repeats(problems)), len(body),
                        int(blank.sum()), header_row + 1, kept, explained)


def _empty_frame() -> pd.DataFrame:
    return pd.DataFrame({EXCEL_ROW: pd.Series(dtype="int64"), **{c: pd.Series(dtype=object) for c in SURVEY.names}})


def _header_text(value: object) -> str:
    """A header as shown: spaces trimmed (问卷星 leaves a trailing one), full-width kept."""
    return nz.clean_text(value, fold=False)


def _folded(text: str) -> str:
    """A header or answer reduced for comparison: full-width folded, spaces removed."""
    return nz.clean_text(text).replace(" ", "")


_SURVEY_HEADERS = {header_key(a): c.name for c in SURVEY.columns for a in (c.name, *c.aliases)}


def _find_header_row(cells: pd.DataFrame) -> int:
    """The header row: the first that looks like a platform's or the template's (title rows skipped)."""
    best_row, best_score = 0, 0
    for i in range(min(_HEADER_SEARCH_ROWS, len(cells))):
        headers = [_folded(_header_text(v)) for v in cells.iloc[i].tolist()]
        score = 2 * max(p.score(headers) for p in PLATFORMS)
        score += sum(header_key(h) in _SURVEY_HEADERS or _rule_target(h) is not None for h in headers if h)
        if score > best_score:
            best_row, best_score = i, score
    return best_row


def _detect_platform(headers: Sequence[str]) -> Platform:
    """The platform whose leading columns the headers carry (at least two of them), if any."""
    folded = [_folded(h) for h in headers]
    scored = [(p.score(folded), p) for p in PLATFORMS]
    score, best = max(scored, key=lambda pair: pair[0])
    return best if score >= 2 else _NO_PLATFORM


def _platform_label(platform: Platform, assignments: list[_Assignment], body: pd.DataFrame,
                    headers: Sequence[str]) -> str:
    """What the user is told the file is; 问卷星's two download styles are told apart here."""
    if platform.name == "问卷星":
        return WJX_CODES if _positional_style(assignments, body) else WJX_TEXT
    if platform.name == TENCENT:
        return TENCENT
    found = {_SURVEY_HEADERS.get(header_key(h)) for h in headers} - {None}
    return TEMPLATE if set(SURVEY.required) <= found else OTHER


def _positional_style(assignments: list[_Assignment], body: pd.DataFrame) -> bool:
    """问卷星 按选项序号: per-option 第N题(...) columns, or yes/no questions answered with numbers."""
    if any(_OPTION_COLUMN.match(_folded(h)) for a in assignments for h in a.question.headers):
        return True
    yes_no = [a for a in assignments if a.target in (JOIN, NOON_CARE) and not a.question.grouped]
    return bool(yes_no) and all(_all_integers(body[a.question.columns[0]]) for a in yes_no)


def _all_integers(values: pd.Series) -> bool:
    texts = [_folded(nz.clean_text(v)) for v in values.tolist()]
    texts = [t for t in texts if t]
    return bool(texts) and all(re.fullmatch(r"-?\d{1,2}", t) for t in texts)


# --- questions ---------------------------------------------------------------------------------


def _questions(headers: Sequence[str], platform: Platform, body: pd.DataFrame) -> list[_Question]:
    """The export's columns as questions: per-option columns of one multiple choice grouped."""
    questions: list[_Question] = []
    j = 0
    while j < len(headers):
        header = headers[j]
        if not header:
            if not body.empty and not body[j].map(nz.is_blank).all():
                questions.append(_Question((j,), (f"第{_column_letter(j)}列",), f"第{_column_letter(j)}列", ""))
            j += 1  # 腾讯's trailing comma leaves an empty, headerless column: nothing to keep
            continue
        if platform.is_meta(_folded(header)):
            questions.append(_Question((j,), (header,), header, _folded(header), meta=True))
            j += 1
            continue
        group = _option_group(headers, j)
        if group is not None:
            questions.append(group)
            j += len(group.columns)
            continue
        questions.append(_Question((j,), (header,), header, _stem(header)))
        j += 1
    return questions


def _option_group(headers: Sequence[str], start: int) -> _Question | None:
    """A run of per-option columns from ``start``: 问卷星's 第6题(周一) or 腾讯's 6.题干:周一."""
    first = _folded(headers[start])
    wjx = _OPTION_COLUMN.match(first)
    if wjx:
        end = start
        while end < len(headers) and (m := _OPTION_COLUMN.match(_folded(headers[end]))) and m["n"] == wjx["n"]:
            end += 1
        options = tuple(_OPTION_COLUMN.match(_folded(h))["option"] for h in headers[start:end])
        return _Question(tuple(range(start, end)), tuple(headers[start:end]), f"第{wjx['n']}题", "", options)
    tencent = _TENCENT_OPTION.match(first)
    if not tencent:
        return None
    end = start
    while end < len(headers) and (m := _TENCENT_OPTION.match(_folded(headers[end]))) and m["n"] == tencent["n"]:
        end += 1
    if end - start < 2:
        return None
    run = [_header_text(h) for h in headers[start:end]]
    common = _common_prefix(run)
    cut = max(common.rfind(":"), common.rfind("："))
    if cut <= 0:
        return None
    options = tuple(h[cut + 1:].strip() for h in run)
    label = run[0][:cut].strip()
    return _Question(tuple(range(start, end)), tuple(run), label, _stem(label), options)


def _common_prefix(texts: Sequence[str]) -> str:
    prefix = texts[0]
    for text in texts[1:]:
        while not text.startswith(prefix):
            prefix = prefix[:-1]
    return prefix


def _stem(header: str) -> str:
    """A question's wording without its number, its hints and its closing colon."""
    text = _folded(header)
    text = _QUESTION_NUMBER.sub("", text)
    return text.replace("*", "").rstrip(":：")


def _rule_target(stem: str) -> str | None:
    """The template column a question's wording names, by :data:`QUESTION_RULES`."""
    for text in (_HINT.sub("", stem), stem):
        for target, pattern in QUESTION_RULES:
            if text and re.search(pattern, text):
                return target
    return None


def _column_letter(index: int) -> str:
    """Excel's letter for a 0-based column index (0 -> A, 26 -> AA)."""
    return get_column_letter(index + 1)


# --- mapping questions to columns -----------------------------------------------------------------


def _occupies(target: str) -> tuple[str, ...]:
    return CHOICES if target == CHOICE_LIST else (target,)


def _override_target(value: str) -> str | None:
    """A user's override target spelt any reasonable way, or None when it is no column of ours."""
    folded = _folded(value)
    if folded in {_folded(n) for n in _CHOICE_LIST_NAMES}:
        return CHOICE_LIST
    if folded in EXTRA_TARGETS:
        return folded
    return _SURVEY_HEADERS.get(header_key(value))


def _assign(file: str, questions: list[_Question], overrides: Mapping[str, str | None],
            lookup: dict[str, str] | None, body: pd.DataFrame) -> tuple[list[_Assignment], list[Problem]]:
    """Each question's template column: the user's override first, else a guess from its wording.

    Overrides are placed before any guess so that a corrected question takes its column even when
    a guessed one comes earlier in the file; a second question for a column already taken is kept
    as it is and said so.
    """
    problems: list[Problem] = []
    wanted = {_folded(k): v for k, v in overrides.items()}
    used: set[str] = set()
    chosen: dict[int, _Assignment] = {}
    taken: dict[str, str] = {}
    for index, question in enumerate(questions):
        keys = [k for k in (_folded(h) for h in (*question.headers, question.label)) if k in wanted]
        if not keys:
            continue
        used.update(keys)
        value = wanted[keys[0]]
        if value is None:
            chosen[index] = _Assignment(question, None, "按指定不使用，原样保留")
            continue
        target = _override_target(value)
        if target is None:
            problems.append(Problem(file, f"指定的对应列“{value}”不是申请表的列，这一指定未采用",
                                    "改成申请表的列名之一：" + "、".join((*SURVEY.names, CHOICE_LIST, *EXTRA_TARGETS)),
                                    Severity.ERROR, column=question.label, value=value))
            continue
        clash = [c for c in _occupies(target) if c in taken]
        if clash:
            problems.append(Problem(file, f"指定的对应列“{target}”已指定给“{taken[clash[0]]}”，这一指定未采用",
                                    "每一列只指定一个问题", Severity.ERROR, column=question.label, value=value))
            continue
        chosen[index] = _Assignment(question, target, "按指定")
        taken.update(dict.fromkeys(_occupies(target), question.label))
    for key in overrides:
        if _folded(key) not in used:
            problems.append(Problem(file, "指定对应关系的这一列在导出文件中找不到，这一指定未采用",
                                    "照导入结果“原问题”一栏的写法填写列名", Severity.WARNING, column=key))
    for index, question in enumerate(questions):
        if index in chosen:
            continue
        target, how = _guess(question, lookup, body)
        clash = [c for c in _occupies(target) if c in taken] if target else []
        if clash:
            target, how = None, f"“{clash[0]}”已由“{taken[clash[0]]}”填入，这一题原样保留；如要改用这一题，请指定"
        if target is not None:
            taken.update(dict.fromkeys(_occupies(target), question.label))
        chosen[index] = _Assignment(question, target, how)
    return [chosen[i] for i in range(len(questions))], problems


def _guess(question: _Question, lookup: dict[str, str] | None, body: pd.DataFrame) -> tuple[str | None, str]:
    """A question's column from its header, its wording, or (for bare 第N题 options) its options."""
    if question.meta:
        if _folded(question.headers[0]) in ("提交答卷时间", "结束答题时间"):
            return SUBMITTED_AT, "问卷平台的提交时间"
        return None, "问卷平台的信息列，原样保留"
    if not question.grouped and (exact := _SURVEY_HEADERS.get(header_key(question.headers[0]))):
        return exact, "列名与申请表一致"
    # a multiple choice whose options are weekdays or clubs says more than its wording
    target = _target_from_options(question.options, lookup) if question.grouped else None
    target = target or _rule_target(question.stem)
    if target is None:
        return None, "未能识别这一题，已原样保留；如需使用，请指定它对应的列"
    return target, _describe(question, target, body)


def _target_from_options(options: Sequence[str], lookup: dict[str, str] | None) -> str | None:
    """Per-option columns (问卷星 序号 ones carry no wording at all): weekdays mean 服务日, clubs 志愿."""
    days = [nz.parse_weekdays(o) for o in options]
    if all(d is not None and len(d) == 1 for d in days):
        return WEEKDAYS_COL
    if lookup and sum(_match(lookup, o) is not None for o in options) * 2 >= len(options):
        return CHOICE_LIST
    return None


def _describe(question: _Question, target: str, body: pd.DataFrame) -> str:
    if target == CHOICE_LIST:
        if question.grouped:
            return f"多选或排序题（每个选项一列，共 {len(question.options)} 列），按顺序填入志愿1至志愿3"
        ranked = body[question.columns[0]].map(lambda v: "→" in str(v) if v is not None else False).any()
        return "排序题，按排定的顺序填入志愿1至志愿3" if ranked else "多选题，按所选顺序填入志愿1至志愿3"
    if target in EXTRA_TARGETS:
        return f"按题目文字识别为{target}；申请表没有这一列，作为附加列原样保留"
    if question.grouped:
        return f"按题目文字识别；多选题每个选项一列（共 {len(question.options)} 列），选中的合并为一格"
    return "按题目文字识别"


# =================================================================================================
# Answers
# =================================================================================================


def _split_answer(value: object) -> list[str]:
    """A text-style answer as its parts: ``┋`` multiple choice, ``→`` ranking, ``其他〖...〗``.

    ``┋`` may also occur inside 〖〗 (an "other" answer with several parts), so splitting happens
    only outside the brackets; an "other" answer stands for the text inside. 问卷星's (跳过) and
    (空) mean no answer.
    """
    text = nz.clean_text(value, fold=False)
    if not text or _folded(text) in _BLANK_ANSWERS:
        return []
    parts: list[str] = []
    for piece in _split_outside_brackets(text, "┋→"):
        other = re.fullmatch(r"(.*?)〖(.*)〗", piece.strip(), flags=re.DOTALL)
        if other and other.group(2).strip():
            parts.extend(p.strip() for p in other.group(2).split("┋") if p.strip())
            continue
        piece = other.group(1).strip() if other else piece.strip()
        if piece and _folded(piece) not in _BLANK_ANSWERS:
            parts.append(piece)
    return parts


def _split_outside_brackets(text: str, separators: str) -> list[str]:
    pieces, current, depth = [], [], 0
    for ch in text:
        depth += (ch == "〖") - (ch == "〗" and depth > 0)
        if ch in separators and depth == 0:
            pieces.append("".join(current))
            current = []
        else:
            current.append(ch)
    pieces.append("".join(current))
    return pieces


def _chosen(options: Sequence[str], cells: Sequence[object]) -> list[str]:
    """The options picked in per-option columns, in rank order (then option order).

    问卷星 序号 writes 1/0 per option (a ranking writes the rank, -2 for not ranked, -3 skipped);
    腾讯 writes the option's text, or what was typed for an "other" option.
    """
    picked = []
    for position, (option, cell) in enumerate(zip(options, cells)):
        text = nz.clean_text(cell, fold=False)
        folded = _folded(text)
        if folded in _NOT_CHOSEN:
            continue
        rank = int(folded) if folded.isdigit() else 1
        typed = not folded.isdigit() and folded != _folded(option) and _folded(option).startswith("其他")
        picked.append((rank, position, text if typed else option))
    return [value for _, _, value in sorted(picked)]


def _positions(question: _Question, target: str, body: pd.DataFrame, file: str) -> tuple[dict[str, str] | None, Problem | None]:
    """A 按选项序号 single choice: only positions are there, so decode only what the header fixes.

    A 是否 question has 是 then 否 as its options; anything else would be a guess about a
    questionnaire we do not have, so the user is asked to download the answers as text instead.
    """
    values = {_folded(nz.clean_text(v)) for v in body[question.columns[0]].tolist()} - {""}
    yes_no = {"1": YES, "2": NO, "-2": "", "-3": ""}
    if target in (JOIN, NOON_CARE) and "是否" in question.stem and values <= set(yes_no):
        return yes_no, None
    example = sorted(values - {"-2", "-3"}, key=lambda v: (len(v), v))[:1]
    required = SURVEY.column(target).required if target in SURVEY.names else False
    return None, Problem(
        file, f"这份问卷星导出是“按选项序号”下载的，这一题只有选项的序号（如 {example[0] if example else '1'}），"
              f"看不出家长选的是什么，“{target}”已留空",
        "在问卷星“下载答卷”时选择“按选项文本”重新下载，再导入", Severity.ERROR if required else Severity.WARNING,
        column=question.label)


def _match(lookup: dict[str, str], text: str) -> str | None:
    """An activity answer to its 活动编号, also when the option carries its code or its days."""
    candidates = [text, _HINT.sub("", _folded(text)), re.sub(r"^[A-Za-z]*\d+[\s.、:：-]*", "", _folded(text))]
    code = re.match(r"^([A-Za-z]+\d+)\b", _folded(text))
    if code:
        candidates.insert(1, code.group(1))
    return next((found for c in candidates if c and (found := match_activity(lookup, c))), None)


_FORMATS: dict[Kind, Callable[[object], str]] = {
    Kind.GRADE: lambda v: nz.grade_name(v),  # type: ignore[arg-type]
    Kind.CLASS: lambda v: f"{v[1]}班" if v[0] is None else nz.class_name(v[0], v[1]),  # type: ignore[index]
    Kind.YESNO: lambda v: YES if v else NO,
    Kind.DATETIME: lambda v: v.strftime("%Y-%m-%d %H:%M:%S"),  # type: ignore[attr-defined]
}


def _as_template_text(column: Column, text: str) -> tuple[str | None, nz.Invalid | None]:
    """An answer as a teacher would type it in the template, via the loader's own parser."""
    value, invalid = parser_for(column)(text)
    if invalid is not None:
        return nz.clean_text(text, fold=False), invalid
    if value is None:
        return None, None
    return _FORMATS.get(column.kind, str)(value), None


def _convert(target: str, parts: list[str], lookup: dict[str, str] | None) -> tuple[dict[str, str | None], list[tuple[str, nz.Invalid]]]:
    """One question's answer parts as the template cells it fills, and what could not be read."""
    if not parts:
        return dict.fromkeys(_occupies(target)), []
    if target == CHOICE_LIST or target in CHOICES:
        picks = parts if target == CHOICE_LIST else ["，".join(parts)]
        issues = []
        if len(picks) > len(CHOICES):
            issues.append(("┋".join(picks), nz.Invalid(f"选了 {len(picks)} 项，只取前三项作为志愿1至志愿3",
                                                         "确认家长的前三个志愿")))
        cells: dict[str, str | None] = dict.fromkeys(_occupies(target))
        for column, pick in zip(_occupies(target), picks):
            code = _match(lookup, pick) if lookup else None
            cells[column] = code or nz.clean_text(pick, fold=False)
            if lookup and code is None:
                issues.append((pick, nz.Invalid("活动清单里没有这个活动，已按原文填入", "核对活动名称，或在活动清单中加上它")))
        return cells, issues
    if target in EXTRA_TARGETS:
        return {target: nz.clean_text("，".join(parts), fold=False)}, []
    text, invalid = _as_template_text(SURVEY.column(target), ",".join(parts))
    if invalid is None:
        return {target: text}, []
    return {target: text}, [(",".join(parts), nz.Invalid(invalid.message + "，已按原样导入", invalid.fix))]


# =================================================================================================
# Rows
# =================================================================================================


def _build_frame(file: str, assignments: list[_Assignment], body: pd.DataFrame, excel_rows: list[int],
                 positional: bool, lookup: dict[str, str] | None) -> tuple[pd.DataFrame, list[Problem]]:
    """Every data row as template text, the platform's and unknown columns carried as they are."""
    problems: list[Problem] = []
    mapped = [a for a in assignments if a.target]
    extras = [t for t in EXTRA_TARGETS if any(a.target == t for a in mapped)]
    carried = [a for a in assignments if not a.target]
    carried_names = _carried_names(carried)
    decoders = {}
    for a in mapped:
        decoder, problem = _decoder(a, body, positional, file)
        decoders[id(a)] = decoder
        if problem:
            problems.append(problem)
    targets = {a.target for a in mapped}
    if JOIN not in targets:
        problems.append(Problem(file, "没有找到“是否参加课后服务”这一题，每份答卷都按申请参加（是）导入",
                                "如问卷里有这一题，在导入时指定它对应“参加课后服务”列", Severity.WARNING))
    if not targets & {STUDENT_ID, NAME}:
        if len(body):
            problems.append(Problem(file, f"没有找到学号或姓名这一题，无法知道答卷是谁的，全部 {len(body)} 份未导入",
                                    "在导入时指定哪一题是学号（或姓名）", Severity.ERROR, dropped=True))
        return _empty_frame(), problems

    records = []
    for i, excel_row in enumerate(excel_rows):
        row = body.iloc[i].tolist()
        record: dict[str, object] = {EXCEL_ROW: excel_row, **dict.fromkeys(SURVEY.names), **dict.fromkeys(extras)}
        for a in mapped:
            cells, issues = _convert(a.target, decoders[id(a)](row), lookup)
            record.update(cells)
            for value, invalid in issues:
                problems.append(Problem(file, invalid.message, invalid.fix, Severity.WARNING, excel_row,
                                        a.question.label, value))
        if JOIN not in targets:
            record[JOIN] = YES
        if not record[STUDENT_ID] and not record[NAME]:
            problems.append(Problem(file, "这份答卷既没有学号也没有姓名，无法对应到学生，未导入",
                                    "向家长核实；确是有效的申请，就在申请表中补上这一份", Severity.WARNING, excel_row,
                                    dropped=True))
            continue
        _row_warnings(file, record, excel_row, problems)
        for a, names in carried_names:
            for column, name in zip(a.question.columns, names):
                record[name] = _carried_value(row[column], a.question.meta)
        records.append(record)
    platform_columns = [n for a, names in carried_names if a.question.meta for n in names]
    other_columns = [n for a, names in carried_names if not a.question.meta for n in names]
    columns = [EXCEL_ROW, *SURVEY.names, *platform_columns, *extras, *other_columns]
    frame = pd.DataFrame(records, columns=columns)
    frame[EXCEL_ROW] = frame[EXCEL_ROW].astype("int64")
    return frame.astype({c: object for c in columns if c != EXCEL_ROW}).where(frame.notna(), None), problems


def _row_warnings(file: str, record: dict[str, object], excel_row: int, problems: list[Problem]) -> None:
    """What the survey loader would reject later, told now against the export's own row."""
    if not record[STUDENT_ID]:
        problems.append(Problem(file, "这份答卷没有学号，已导入，但要补上学号才能使用",
                                "按姓名、年级、班级在学生名单中查到学号后补上", Severity.WARNING, excel_row,
                                NAME, str(record[NAME])))
    if not record[JOIN]:
        problems.append(Problem(file, "没有回答是否参加课后服务，已导入，但要补上才能使用",
                                "向家长核实后在“参加课后服务”列填“是”或“否”", Severity.WARNING, excel_row, JOIN, ""))


def _decoder(a: _Assignment, body: pd.DataFrame, positional: bool, file: str) -> tuple[Callable[[list], list[str]], Problem | None]:
    """How one question's cells in a row become its answer parts."""
    question = a.question
    if question.grouped:
        return (lambda row: _chosen(question.options, [row[j] for j in question.columns])), None
    column = question.columns[0]
    if positional and a.target not in _FREE_TEXT_TARGETS and _all_integers(body[column]):
        table, problem = _positions(question, a.target, body, file)
        if table is None:
            return (lambda row: []), problem
        return (lambda row: [v] if (v := table.get(_folded(nz.clean_text(row[column]))) or "") else []), None
    if positional:
        return (lambda row: [] if _folded(nz.clean_text(row[column])) in ("-2", "-3") else _split_answer(row[column])), None
    return (lambda row: _split_answer(row[column])), None


def _carried_value(value: object, meta: bool) -> str | None:
    """A cell kept as it is; only an unknown question's (跳过)/(空) is made blank, as it means no answer."""
    text = nz.clean_text(value, fold=False)
    if not meta and _folded(text) in _BLANK_ANSWERS:
        return None
    return text or None


def _carried_names(carried: list[_Assignment]) -> list[tuple[_Assignment, list[str]]]:
    """Names for the columns kept as they are, never one the survey loader would take for its own."""
    taken = {*SURVEY.names, *EXTRA_TARGETS, EXCEL_ROW}
    out = []
    for a in carried:
        names = []
        for header in a.question.headers:
            name = header
            if header_key(name) in _SURVEY_HEADERS or name in taken:
                name += "（原表）"
            while name in taken:
                name += "_"
            taken.add(name)
            names.append(name)
        out.append((a, names))
    return out


# =================================================================================================
# Showing and writing
# =================================================================================================


def mapping_table(result: SurveyImport) -> pd.DataFrame:
    """The questions and the columns they fill, for the user to check (and correct by overrides)."""
    return pd.DataFrame(list(result.explained), columns=list(MAPPING_COLUMNS))


def survey_frame(result: SurveyImport) -> pd.DataFrame:
    """The imported applications as the survey sheet: template columns, then the carried ones."""
    return result.frame.drop(columns=[EXCEL_ROW])


def write_survey(result: SurveyImport, path: Path | str) -> Path:
    """Write the applications as a survey workbook (first sheet), with the mapping and problems.

    学号 is stored as text so Excel keeps it whole; the second sheet shows the mapping used and
    the third every problem, so the file explains itself when handed to a colleague.
    """
    sheets = {SURVEY.title: survey_frame(result), "问题对应": mapping_table(result)}
    if result.problems:
        sheets["导入问题"] = problems_table(result.problems)
    return write_tables(path, sheets, text_columns=(STUDENT_ID,))




_INPUT_STEMS = {stem for stem in INPUTS if stem != "survey"}  # the folder's other inputs are never applications


def export_files(data_dir: Path | str) -> list[Path]:
    """Files in a term folder (and its subfolders) that may hold applications, in a stable order.

    Every table except the other inputs of the folder, the review workbooks and last term's
    evaluation (in 上学期/) qualifies: the team's own survey table and any survey platform download
    saved beside it.
    """
    from .evaluation_files import PREVIOUS_FOLDER

    folder = Path(data_dir)
    found = []
    for path in sorted(folder.rglob("*")):
        if PREVIOUS_FOLDER in path.relative_to(folder).parts[:-1]:
            continue
        if (path.is_file() and path.suffix.lower() in (".xlsx", ".xls", ".csv") and not path.name.startswith("~$")
                and path.stem.lower() not in _INPUT_STEMS and "审核" not in path.stem and "复核" not in path.stem):
            found.append(path)
    return found


def export_picker(data_dir: Path | str, current: str = ""):
    """A drop-down of the application files in the term folder, for notebook 01.

    The choice is read back as ``picker.value`` (a path relative to the term folder, or "" for the
    folder's own survey table) by the cells below it, so picking a file and re-running them
    imports that file.
    """
    import ipywidgets as widgets

    folder = Path(data_dir)
    relative = [p.relative_to(folder).as_posix() for p in export_files(folder) if p.stem.lower() != "survey"]
    options = [("（学期文件夹中的 survey 表，不导入）", ""), *((r, r) for r in relative)]
    chosen = current if current in relative else ""
    return widgets.Dropdown(options=options, value=chosen, description="问卷文件",
                            style={"description_width": "6em"}, layout=widgets.Layout(width="40em"))
