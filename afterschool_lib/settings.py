"""The term's settings (``settings.yaml``): read and checked, and edited without losing comments.

``settings.yaml`` is the one input a teacher edits by hand, in Notepad or through the form of
notebook 00, so it must keep its Chinese comments through every save. It is read with
ruamel.yaml in round-trip mode, configured as the field notes found necessary (quotes kept, the
``  - {...}`` lists of 时段 indented as written, no line wrapping): a changed value is then the
only line that changes on disk.

:func:`load_settings` turns the file into a frozen :class:`Settings` and a list of
:class:`~afterschool_lib.problems.Problem` (column = key path such as ``收费.标准``, row = the line
in the file). It never raises on what a user wrote. :func:`update_settings_file` changes values
by key path and writes the file back atomically. :func:`editable_fields` lists the simple values a
notebook form can offer.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import NamedTuple

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString

from . import normalize as nz
from .files import decode_text, write_text_atomic
from .problems import Problem, Severity
from .schema import HARDSHIP, LEFT_BEHIND, MIGRANT, SETTINGS_FILE, STAFF_TYPES, WEEKDAY_NAMES

# --- the keys of settings.yaml (DESIGN section 3) -------------------------------------------------
SCHOOL_NAME = "学校名称"
TERM_NAME = "学年学期"
TERM_START = "学期开始"
TERM_END = "学期结束"
SERVICE_DAYS = "服务日"
PERIODS_PER_DAY = "每日课时数"
GROUP_SIZE = "每组人数上限"
SEASONS = "时段"
SEASON_NAME, SEASON_FROM, SEASON_START, SEASON_END = "名称", "起始日期", "开始", "结束"
FEE = "收费"
FEE_MODE, FEE_STANDARD, FEE_SETTLEMENT, FEE_WAIVERS = "方式", "标准", "结算", "减免"
SUBSIDY = "教师补助"
SUBSIDY_PER_PERIOD = "每课时"
SUBSIDY_DUTY_PERIODS = "值班计课时"  # 课时 credited for one 值班 session (a group session counts 每日课时数)
SUBSIDY_PAID_TYPES = "发放对象"  # the 人员类型 who are paid; volunteers and parents are not, by default
ROSTER = "排班"
DUTY_PER_DAY = "每日值班人数"
CHILDREN_PER_ADULT = "每名成人最多看护学生数"
TARGETS = "目标"
LEADERSHIP = "领导小组"
LEADER, DEPUTY, MEMBERS = "组长", "副组长", "成员"
DUTIES = "部门分工"
COMMENDATION = "表彰"  # the end-of-term commendation rule (05 期末评价)
TEACHER_AWARDS, VOLUNTEER_AWARDS = "优秀教师名额", "优秀志愿者名额"
MIN_SESSIONS, MIN_ATTENDANCE, MIN_SATISFACTION = "最少服务次数", "出勤率不低于", "满意度不低于"
COMMENDATION_COUNTS = (TEACHER_AWARDS, VOLUNTEER_AWARDS, MIN_SESSIONS)
COMMENDATION_SHARES = (MIN_ATTENDANCE, MIN_SATISFACTION)

FEE_MODES = ("按课时", "按月", "按学期", "免费")
FREE = "免费"
SETTLEMENTS = ("按出勤", "按报名")
DEFAULT_SETTLEMENT = "按出勤"  # the seeds' 按月据实结算
WAIVER_GROUPS = (HARDSHIP, LEFT_BEHIND, MIGRANT)  # columns of the student list a waiver can name
DEFAULT_GROUP_SIZE = 45
DEFAULT_DUTY_PER_DAY = 2  # seed 001: two teachers on duty keep children not yet collected
DEFAULT_DUTY_PERIODS = Decimal(1)
DEFAULT_PAID_TYPES = STAFF_TYPES[:3]  # 在职教师, 退休教师, 校外专业人员; 志愿者 and 家长义工 serve unpaid
DEFAULT_TARGETS = (  # seed 003, used when a settings file has no 目标 block
    ("参与率", Decimal("0.95")), ("学生满意度", Decimal("0.90")), ("家长满意度", Decimal("0.85")),
    ("校内完成作业", Decimal("0.80")), ("安全事故", Decimal(0)), ("培训覆盖率", Decimal("1.0")),
)
# Seed 001 fits "放学后两课时" into 16:30-18:00: a 课时 with its break is taken as 45 minutes.
MINUTES_PER_PERIOD = 45
# An autumn term runs September to late January, a spring term February to early July: about five
# months. Longer than seven is almost surely a typo in a year.
MAX_TERM_DAYS = 214

FIELD_CHOICES: dict[str, tuple[str, ...]] = {f"{FEE}.{FEE_MODE}": FEE_MODES, f"{FEE}.{FEE_SETTLEMENT}": SETTLEMENTS}
"""Key paths whose value is one of a fixed list: a form shows these as drop-downs."""

_QUOTED = (DoubleQuotedScalarString, SingleQuotedScalarString)
_INT_EXAMPLES = {PERIODS_PER_DAY: 2, GROUP_SIZE: DEFAULT_GROUP_SIZE}
_TEMPLATE_HINT = "对照 data_templates/settings.yaml 模板改正写法"


# --- the settings as the planning steps see them --------------------------------------------------
@dataclass(frozen=True)
class Season:
    """A daily service window used from ``start_date`` until the next season starts."""

    name: str
    start_date: dt.date
    start: str  # "HH:MM"
    end: str  # "HH:MM"

    @property
    def minutes(self) -> int:
        """Length of the daily window in minutes."""
        return _minutes(self.end) - _minutes(self.start)

    @property
    def window(self) -> str:
        return f"{self.start}-{self.end}"


@dataclass(frozen=True)
class FeeRule:
    """The 收费 block. ``extra`` keeps every further key (refund rules of a city, say) as plain
    Python values, so a fees module can read them without this module knowing them."""

    mode: str
    standard: Decimal
    settlement: str
    waivers: tuple[tuple[str, Decimal], ...] = ()
    extra: tuple[tuple[str, object], ...] = ()

    @property
    def is_free(self) -> bool:
        return self.mode == FREE

    def waiver(self, group: str) -> Decimal:
        """Share of the fee waived for ``group`` (困难家庭 ...), 0 when the group has none."""
        return dict(self.waivers).get(group, Decimal(0))

    def option(self, name: str, default: object = None) -> object:
        """An extra key of the 收费 block, ``default`` when absent."""
        return dict(self.extra).get(name, default)


@dataclass(frozen=True)
class Settings:
    """Everything ``settings.yaml`` says, checked and typed. ``service_weekdays`` are 0 = Monday."""

    school_name: str
    term_name: str
    term_start: dt.date
    term_end: dt.date
    service_weekdays: tuple[int, ...]
    periods_per_day: int
    seasons: tuple[Season, ...]
    fee: FeeRule
    subsidy_per_period: Decimal
    group_size: int
    targets: tuple[tuple[str, Decimal], ...]
    leadership: tuple[tuple[str, object], ...]
    duties: tuple[tuple[str, str], ...]
    source: str = SETTINGS_FILE
    # 排班 and the rest of 教师补助: optional keys, so they come last with their defaults
    duty_per_day: int = DEFAULT_DUTY_PER_DAY
    children_per_adult: int | None = None  # None: as many as 每组人数上限
    subsidy_duty_periods: Decimal = DEFAULT_DUTY_PERIODS
    subsidy_paid_types: tuple[str, ...] = DEFAULT_PAID_TYPES
    # 表彰: only the keys the file sets; afterschool_lib.evaluation fills in its defaults
    commendation: tuple[tuple[str, Decimal], ...] = ()

    @property
    def service_weekday_names(self) -> tuple[str, ...]:
        return tuple(WEEKDAY_NAMES[d] for d in self.service_weekdays)

    @property
    def term_days(self) -> int:
        """Calendar days of the term, both ends included."""
        return (self.term_end - self.term_start).days + 1

    def season_on(self, day: dt.date) -> Season | None:
        """The season in force on ``day``: the latest one started on or before it; None before
        the first season starts."""
        day = _as_date(day)
        current = None
        for season in self.seasons:
            if season.start_date <= day:
                current = season
        return current

    def target(self, name: str) -> Decimal | None:
        return dict(self.targets).get(name)

    @property
    def adult_ratio(self) -> int:
        """Children one adult may look after: 排班.每名成人最多看护学生数, else 每组人数上限."""
        return self.children_per_adult or self.group_size

    def waiver(self, group: str) -> Decimal:
        return self.fee.waiver(group)

    def role(self, name: str) -> object:
        """A 领导小组 entry (组长 → name, 成员 → tuple of names); None when absent."""
        return dict(self.leadership).get(name)


class SettingsLoad(NamedTuple):
    """What :func:`load_settings` returns; unpacks as ``settings, problems``."""

    settings: Settings | None
    problems: list[Problem]


class SettingsFileError(ValueError):
    """The settings file cannot be read as YAML, so it cannot be edited by key path.

    Raised only by the editing functions, which a notebook calls after a successful load;
    ``problem`` is the message to show.
    """

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


# --- reading ----------------------------------------------------------------------------------------
class _Constructor(RoundTripConstructor):
    """Round-trip constructor that keeps an impossible date (2025-11-31) as its text.

    ruamel raises a bare ValueError for it, which would hide every other check of the file behind
    one unlocated error; as text it reaches the date check, which names the key and line.
    """

    def construct_yaml_timestamp(self, node, values=None):
        try:
            return super().construct_yaml_timestamp(node, values)
        except ValueError:
            return self.construct_scalar(node)


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_timestamp)


def settings_yaml() -> YAML:
    """The round-trip YAML configuration under which an unchanged line stays byte-identical."""
    yaml = YAML()
    yaml.Constructor = _Constructor
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    return yaml


def load_settings(path: Path | str) -> SettingsLoad:
    """Read and check ``settings.yaml``; returns ``(settings, problems)``.

    ``settings`` is None when the file is missing or unreadable, or has any error (an error means a
    value the planning cannot trust); warnings leave it usable.
    """
    path = Path(path)
    try:
        text, _, _ = _read_text(path)
    except _ReadFailure as failure:
        return SettingsLoad(None, [failure.problem])
    return settings_from_text(text, path.name)


def settings_from_text(text: str, source: str = SETTINGS_FILE) -> SettingsLoad:
    """Check settings given as YAML text (``source`` names the file in the problems)."""
    doc, problem = _parse(text, source)
    if problem is not None:
        return SettingsLoad(None, [problem])
    return _Reader(source).read(doc)


def settings_document(path: Path | str) -> CommentedMap:
    """The round-trip document of a settings file, comments attached; raises
    :class:`SettingsFileError` when it is not readable YAML."""
    path = Path(path)
    try:
        text, _, _ = _read_text(path)
    except _ReadFailure as failure:
        raise SettingsFileError(failure.problem) from None
    doc, problem = _parse(text, path.name)
    if problem is not None:
        raise SettingsFileError(problem)
    if not isinstance(doc, CommentedMap):
        raise SettingsFileError(Problem(path.name, "设置文件不是“键: 值”的格式", _TEMPLATE_HINT))
    return doc


class _ReadFailure(Exception):
    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def _read_text(path: Path) -> tuple[str, bool, str]:
    """The file's text, whether it began with a BOM, and its line ending (kept on write-back)."""
    name = path.name
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise _ReadFailure(Problem(name, "找不到学期设置文件",
                                   "从 data_templates/settings.yaml 复制一份到学期文件夹并填写，或运行 afterschool init")) from None
    except OSError as exc:
        raise _ReadFailure(Problem(name, f"无法打开学期设置文件（{exc.strerror or exc}）",
                                   "关闭正在编辑该文件的程序后重试，或检查文件权限")) from None
    try:
        text, _ = decode_text(data)
    except UnicodeDecodeError:
        raise _ReadFailure(Problem(name, "文件编码无法识别，可能不是文本文件或已损坏",
                                   "用记事本打开后“另存为”，编码选 UTF-8")) from None
    newline = "\r\n" if b"\r\n" in data else "\n"
    return text.replace("\r\n", "\n"), data.startswith(b"\xef\xbb\xbf"), newline


def _parse(text: str, source: str) -> tuple[object, Problem | None]:
    try:
        return settings_yaml().load(text), None
    except MarkedYAMLError as exc:
        return None, _syntax_problem(exc, text, source)
    except YAMLError as exc:  # errors without a position (rare): still the user's text
        return None, Problem(source, f"文件格式有误，无法读取（{exc}）", _TEMPLATE_HINT)


def _syntax_problem(exc: MarkedYAMLError, text: str, source: str) -> Problem:
    """A YAML error told in Chinese, at the line ruamel points to, with the usual cause named."""
    mark = exc.problem_mark or exc.context_mark
    row = mark.line + 1 if mark is not None else None
    lines = text.split("\n")
    near = [lines[i] for i in (row - 2, row - 1) if row is not None and 0 <= i < len(lines)]
    detail = str(exc.problem or "")
    if "duplicate key" in detail:
        key = re.search(r'duplicate key "([^"]*)"', detail)
        return Problem(source, f"键“{key.group(1) if key else ''}”写了两次", "删除重复的一行，每个键只写一次",
                       row=row, value=key.group(1) if key else None)
    if "\t" in detail or any("\t" in line for line in near):
        return Problem(source, "缩进里有 Tab 字符，YAML 不允许用 Tab 缩进", "把这一行开头的 Tab 换成空格（与上下行对齐）",
                       row=row)
    if any("：" in line and ":" not in line.split("#")[0] for line in near):
        return Problem(source, "这一行（或上一行）用了中文冒号“：”，程序无法识别", "把中文冒号改为英文冒号“:”，冒号后面留一个空格",
                       row=row)
    return Problem(source, "这一行附近格式有误（YAML 语法），程序无法读取整个设置文件",
                   "检查冒号后是否有空格、缩进是否与上下行对齐、引号和括号是否成对；" + _TEMPLATE_HINT, row=row)


class _Reader:
    """Checks a loaded document key by key, collecting problems instead of stopping."""

    def __init__(self, source: str):
        self.source = source
        self.problems: list[Problem] = []

    # -- reporting
    def _add(self, severity: Severity, column: str | None, message: str, fix: str,
             value: object = None, row: int | None = None) -> None:
        self.problems.append(Problem(self.source, message, fix, severity, row, column,
                                     None if value is None else _show(value)))

    def error(self, column, message, fix, value=None, row=None) -> None:
        self._add(Severity.ERROR, column, message, fix, value, row)

    def warning(self, column, message, fix, value=None, row=None) -> None:
        self._add(Severity.WARNING, column, message, fix, value, row)

    # -- the whole file
    def read(self, doc: object) -> SettingsLoad:
        if doc is None:
            self.error(None, "设置文件是空的", "从 data_templates/settings.yaml 复制模板内容后填写")
            return SettingsLoad(None, self.problems)
        if not isinstance(doc, Mapping):
            full_width = isinstance(doc, str) and "：" in doc
            self.error(None, "设置文件不是“键: 值”的格式" + ("（用了中文冒号“：”）" if full_width else ""),
                       ("把中文冒号改为英文冒号“:”，冒号后面留一个空格；" if full_width else "") + _TEMPLATE_HINT)
            return SettingsLoad(None, self.problems)

        school = self.text(doc, SCHOOL_NAME)
        if not school:
            self.warning(SCHOOL_NAME, "学校名称还没有填写，实施方案和公示里将没有校名", "填写学校全称，如“示例小学”",
                         row=_line(doc, SCHOOL_NAME))
        term_name = self.text(doc, TERM_NAME)
        if not term_name:
            self.warning(TERM_NAME, "学年学期还没有填写", "填写如“2025-2026学年第一学期”", row=_line(doc, TERM_NAME))
        start = self.date(doc, TERM_START, TERM_START)
        end = self.date(doc, TERM_END, TERM_END)
        if start is not None and end is not None:
            if end < start:
                self.error(TERM_END, f"学期结束早于学期开始（{start.isoformat()}）", "检查两个日期，特别是年份",
                           end, _line(doc, TERM_END))
            elif (end - start).days > MAX_TERM_DAYS:
                self.warning(TERM_END, f"学期长达 {(end - start).days + 1} 天，超过七个月，可能写错了年份或月份",
                             "核对学期开始和学期结束", end, _line(doc, TERM_END))
        weekdays = self.weekdays(doc)
        periods = self.positive_int(doc, PERIODS_PER_DAY, required=True)
        group_size = self.positive_int(doc, GROUP_SIZE, required=False)
        if group_size is None and GROUP_SIZE not in doc:
            self.warning(GROUP_SIZE, f"没有设置每组人数上限，按 {DEFAULT_GROUP_SIZE} 人计",
                         f"添加一行“{GROUP_SIZE}: {DEFAULT_GROUP_SIZE}”")
            group_size = DEFAULT_GROUP_SIZE
        seasons = self.seasons(doc, start, end, periods)
        fee = self.fee(doc)
        subsidy = self.subsidy(doc)
        duty_periods, paid_types = self.subsidy_rules(doc)
        duty_per_day, children_per_adult = self.roster(doc)
        targets = self.targets(doc)
        leadership = self.leadership(doc)
        duties = self.duties(doc)
        commendation = self.commendation(doc)

        if any(p.is_error for p in self.problems):
            return SettingsLoad(None, self.problems)
        settings = Settings(
            school_name=school, term_name=term_name, term_start=start, term_end=end,
            service_weekdays=weekdays, periods_per_day=periods, seasons=seasons, fee=fee,
            subsidy_per_period=subsidy, group_size=group_size, targets=targets,
            leadership=leadership, duties=duties, source=self.source,
            duty_per_day=duty_per_day, children_per_adult=children_per_adult,
            subsidy_duty_periods=duty_periods, subsidy_paid_types=paid_types, commendation=commendation,
        )
        return SettingsLoad(settings, self.problems)

    # -- value readers: each returns the value or None after reporting why
    def text(self, node: Mapping, key: str) -> str:
        value = node.get(key)
        if isinstance(value, (Mapping, list)):
            self.error(key, "这里应填一段文字", "只写一行文字", _show(value), _line(node, key))
            return ""
        return nz.clean_text(value)

    def date(self, node: Mapping, key: str, column: str, required: bool = True) -> dt.date | None:
        value = node.get(key)
        if nz.is_blank(value):
            if required:
                self.error(column, f"缺少{key}", "写成 2025-09-01 的形式", row=_line(node, key))
            return None
        day, invalid = _to_date(value)
        if invalid is not None:
            self.error(column, invalid.message, "写成 2025-09-01（也可写 2025/9/1 或 2025年9月1日）",
                       value, _line(node, key))
        return day

    def weekdays(self, doc: Mapping) -> tuple[int, ...] | None:
        value = doc.get(SERVICE_DAYS)
        row = _line(doc, SERVICE_DAYS)
        fix = "写成 [周一, 周二, 周三, 周四, 周五]，或“周一至周五”“一、三、五”"
        if isinstance(value, (list, tuple)):
            text = ",".join(nz.clean_text(v) for v in value)
        elif isinstance(value, Mapping):
            text = None
        else:
            text = nz.clean_text(value)
        if not text:
            self.error(SERVICE_DAYS, "缺少服务日（每周哪几天开展课后服务）", fix, row=row)
            return None
        days = nz.parse_weekdays(text)
        if days is None:
            self.error(SERVICE_DAYS, "无法识别的服务日", fix, value, row)
            return None
        if not days:
            self.error(SERVICE_DAYS, "服务日是空的", fix, value, row)
            return None
        return days

    def positive_int(self, doc: Mapping, key: str, required: bool) -> int | None:
        value = doc.get(key)
        row = _line(doc, key)
        example = f"填写正整数，如 {_INT_EXAMPLES.get(key, 2)}"
        if nz.is_blank(value):
            if required:
                self.error(key, f"缺少{key}", example, row=row)
            elif key in doc:
                self.error(key, f"{key}是空的", example, row=row)
            return None
        number = None if isinstance(value, (Mapping, list)) else nz.parse_int(value)[0]
        if number is None or number < 1:
            self.error(key, f"{key}应为正整数", example, value, row)
            return None
        return number

    def seasons(self, doc: Mapping, term_start: dt.date | None, term_end: dt.date | None,
                periods: int | None) -> tuple[Season, ...]:
        value = doc.get(SEASONS)
        row = _line(doc, SEASONS)
        fix = '每个时段写成 {名称: 夏秋季, 起始日期: 2025-09-01, 开始: "16:30", 结束: "18:00"}'
        if _empty(value):
            self.error(SEASONS, "缺少时段（每天课后服务的起止时间）", fix, row=row)
            return ()
        if isinstance(value, Mapping):
            value = [value]  # one season written without the leading "- "
        if not isinstance(value, list):
            self.error(SEASONS, "时段的格式不对", fix, value, row)
            return ()
        found: list[Season] = []
        for i, item in enumerate(value):
            where = f"{SEASONS}.第{i + 1}项"
            item_row = _line(value, i) or row
            if not isinstance(item, Mapping):
                self.error(where, "时段的格式不对", fix, item, item_row)
                continue
            name = nz.clean_text(item.get(SEASON_NAME)) or f"时段{i + 1}"
            since = self.date(item, SEASON_FROM, f"{where}.{SEASON_FROM}")
            times = []
            for key in (SEASON_START, SEASON_END):
                raw = item.get(key)
                clock = None if isinstance(raw, (Mapping, list)) else nz.parse_time(raw)[0]
                if clock is None:
                    why = "缺少" if nz.is_blank(raw) else "无法识别的"
                    self.error(f"{where}.{key}", f"{why}{key}时间", '写成 24 小时制并加英文引号，如 "16:30"',
                               None if nz.is_blank(raw) else raw, _line(item, key) or item_row)
                times.append(clock)
            start, end = times
            if start and end and _minutes(end) <= _minutes(start):
                self.error(f"{where}.{SEASON_END}", f"{name}的结束时间不晚于开始时间（{start}）",
                           "检查开始和结束，用 24 小时制，如 16:30 到 18:00", end, _line(item, SEASON_END) or item_row)
                continue
            if since is None or start is None or end is None:
                continue
            season = Season(name, since, start, end)
            if any(s.start_date == since for s in found):
                self.error(f"{where}.{SEASON_FROM}", "两个时段的起始日期相同，无法确定这天用哪个时段",
                           "每个时段写不同的起始日期", since, _line(item, SEASON_FROM) or item_row)
                continue
            if term_end is not None and since > term_end:
                self.warning(f"{where}.{SEASON_FROM}", f"{name}在学期结束（{term_end.isoformat()}）之后才开始，本学期用不到",
                             "核对起始日期的年份，或删除这个时段", since, _line(item, SEASON_FROM) or item_row)
            if periods is not None and season.minutes > periods * MINUTES_PER_PERIOD:
                self.warning(f"{where}.{SEASON_END}",
                             f"{name}每天 {season.minutes} 分钟，超过 {periods} 个课时的时长"
                             f"（每课时连同课间按 {MINUTES_PER_PERIOD} 分钟计，共 {periods * MINUTES_PER_PERIOD} 分钟）",
                             "缩短时段，或把每日课时数改为与时段相符", end, _line(item, SEASON_END) or item_row)
            found.append(season)
        return tuple(sorted(found, key=lambda s: s.start_date))

    def fee(self, doc: Mapping) -> FeeRule | None:
        block = doc.get(FEE)
        row = _line(doc, FEE)
        if not isinstance(block, Mapping) or not block:
            if _empty(block):
                self.error(FEE, "缺少收费设置", f"添加 收费 一段（方式、标准、结算、减免）；不收费的学校写“{FEE_MODE}: {FREE}”",
                           row=row)
            else:
                self.error(FEE, "收费设置的格式不对", f"收费下面分行写 方式、标准、结算、减免；{_TEMPLATE_HINT}", block, row)
            return None
        mode = nz.clean_text(block.get(FEE_MODE)).replace(" ", "")
        if mode not in FEE_MODES:
            self.error(f"{FEE}.{FEE_MODE}", "缺少收费方式" if not mode else "不是可选的收费方式",
                       "填写其中之一：" + "、".join(FEE_MODES), block.get(FEE_MODE), _line(block, FEE_MODE) or row)
        raw = block.get(FEE_STANDARD)
        standard = Decimal(0)
        if nz.is_blank(raw):
            if mode != FREE:
                self.error(f"{FEE}.{FEE_STANDARD}", "缺少收费标准", "填写核定的收费标准（元），如 3.5；不收费时方式填“免费”",
                           row=_line(block, FEE_STANDARD) or row)
        else:
            amount = _decimal(raw)
            if amount is None:
                self.error(f"{FEE}.{FEE_STANDARD}", "收费标准应为数字（元）", "只写数字，如 3.5", raw, _line(block, FEE_STANDARD))
            elif amount < 0:
                self.error(f"{FEE}.{FEE_STANDARD}", "收费标准不能为负数", "填写核定的收费标准，如 3.5", raw,
                           _line(block, FEE_STANDARD))
            else:
                standard = amount
                if mode == FREE and amount > 0:
                    self.warning(f"{FEE}.{FEE_STANDARD}", "收费方式为免费，收费标准不会使用",
                                 "把标准改为 0；如果要收费，把方式改为按课时、按月或按学期", raw, _line(block, FEE_STANDARD))
        settlement = nz.clean_text(block.get(FEE_SETTLEMENT)).replace(" ", "")
        if not settlement:
            settlement = DEFAULT_SETTLEMENT
            if mode != FREE:
                self.warning(f"{FEE}.{FEE_SETTLEMENT}", f"没有写结算方式，按“{DEFAULT_SETTLEMENT}”结算",
                             "填写结算方式：" + "、".join(SETTLEMENTS), row=_line(block, FEE_SETTLEMENT) or row)
        elif settlement not in SETTLEMENTS:
            self.error(f"{FEE}.{FEE_SETTLEMENT}", "不是可选的结算方式", "填写其中之一：" + "、".join(SETTLEMENTS),
                       block.get(FEE_SETTLEMENT), _line(block, FEE_SETTLEMENT))
        waivers = self.waivers(block)
        extra = tuple((str(k), _plain(v)) for k, v in block.items()
                      if k not in (FEE_MODE, FEE_STANDARD, FEE_SETTLEMENT, FEE_WAIVERS))
        return FeeRule(mode, standard, settlement, waivers, extra)

    def waivers(self, block: Mapping) -> tuple[tuple[str, Decimal], ...]:
        value = block.get(FEE_WAIVERS)
        column = f"{FEE}.{FEE_WAIVERS}"
        if _empty(value):
            return ()
        if not isinstance(value, Mapping):
            self.error(column, "减免的格式不对", "分行写“学生类别: 减免比例”，如“困难家庭: 1.0”", value, _line(block, FEE_WAIVERS))
            return ()
        found = []
        for group, raw in value.items():
            group = nz.clean_text(group)
            where = f"{column}.{group}"
            share = _share(raw)
            if share is None or not 0 <= share <= 1:
                self.error(where, "减免比例应在 0 到 1 之间", "写成 0 到 1 之间的比例：1.0 为全免，0.5 为减半（也可写 50%），0 为不减免",
                           raw, _line(value, group))
                continue
            if group not in WAIVER_GROUPS:
                self.warning(where, "学生名单里没有这一类学生，这项减免不会用到",
                             "减免对象写学生名单中的类别：" + "、".join(WAIVER_GROUPS), group, _line(value, group))
            found.append((group, share))
        return tuple(found)

    def subsidy(self, doc: Mapping) -> Decimal | None:
        block = doc.get(SUBSIDY)
        column = f"{SUBSIDY}.{SUBSIDY_PER_PERIOD}"
        if isinstance(block, Mapping):
            raw, row = block.get(SUBSIDY_PER_PERIOD), _line(block, SUBSIDY_PER_PERIOD) or _line(doc, SUBSIDY)
        elif nz.is_blank(block):
            raw, row = None, _line(doc, SUBSIDY)
        else:  # 教师补助: 30 written without 每课时
            raw, row = block, _line(doc, SUBSIDY)
        if nz.is_blank(raw):
            self.warning(column, "没有设置教师补助标准，按 0 元计", f"在 {SUBSIDY} 下写“{SUBSIDY_PER_PERIOD}: 30”（元/课时）",
                         row=row)
            return Decimal(0)
        amount = _decimal(raw)
        if amount is None or amount < 0:
            self.error(column, "教师补助应为不小于 0 的数字（元/课时）", "只写数字，如 30", raw, row)
            return None
        return amount

    def subsidy_rules(self, doc: Mapping) -> tuple[Decimal, tuple[str, ...]]:
        """教师补助.值班计课时 and 教师补助.发放对象; both optional, absent means the defaults."""
        block = doc.get(SUBSIDY)
        if not isinstance(block, Mapping):
            return DEFAULT_DUTY_PERIODS, DEFAULT_PAID_TYPES
        duty_periods = self.block_number(
            block, SUBSIDY, SUBSIDY_DUTY_PERIODS, _decimal, 0, DEFAULT_DUTY_PERIODS,
            "值班计课时应为不小于 0 的数（值班一次按几个课时计补助）", "只写数字，如 1 或 0.5；值班不计补助写 0",
            blank=(f"值班计课时是空的，按 {DEFAULT_DUTY_PERIODS} 课时计", f"写一个不小于 0 的数，如“{SUBSIDY_DUTY_PERIODS}: 1”"))
        paid = DEFAULT_PAID_TYPES
        raw, row = block.get(SUBSIDY_PAID_TYPES), _line(block, SUBSIDY_PAID_TYPES)
        column = f"{SUBSIDY}.{SUBSIDY_PAID_TYPES}"
        fix = "写成 [在职教师, 退休教师, 校外专业人员] 的形式，从这几类中选：" + "、".join(STAFF_TYPES)
        if SUBSIDY_PAID_TYPES in block and not isinstance(raw, Mapping):
            # an empty list is a choice (nobody is paid); a blank value is a slip: keep the default
            if raw is None or (isinstance(raw, str) and nz.is_blank(raw)):
                self.warning(column, "发放对象是空的，按默认（" + "、".join(DEFAULT_PAID_TYPES) + "）发放", fix, row=row)
            else:
                names = _names(raw)
                unknown = [n for n in names if n not in STAFF_TYPES]
                if unknown:
                    self.error(column, "不是教职工表中的人员类型：" + "、".join(unknown), fix, raw, row)
                else:
                    paid = tuple(t for t in STAFF_TYPES if t in names)  # in the schema's order
        elif isinstance(raw, Mapping):
            self.error(column, "发放对象的格式不对", fix, raw, row)
        return duty_periods, paid

    def roster(self, doc: Mapping) -> tuple[int, int | None]:
        """The 排班 block: 每日值班人数 (0 allowed: no duty roster) and 每名成人最多看护学生数
        (blank: 每组人数上限). The whole block is optional."""
        block = doc.get(ROSTER)
        if _empty(block):
            return DEFAULT_DUTY_PER_DAY, None
        if not isinstance(block, Mapping):
            self.error(ROSTER, "排班的格式不对", f"在 {ROSTER} 下分行写“{DUTY_PER_DAY}: 2”和“{CHILDREN_PER_ADULT}: 45”",
                       block, _line(doc, ROSTER))
            return DEFAULT_DUTY_PER_DAY, None
        duty_fix = f"填写每天值班的在职教师人数，如 {DEFAULT_DUTY_PER_DAY}；不安排值班填 0"
        duty = self.block_number(block, ROSTER, DUTY_PER_DAY, _int, 0, DEFAULT_DUTY_PER_DAY,
                                 "每日值班人数应为不小于 0 的整数", duty_fix,
                                 blank=(f"每日值班人数是空的，按 {DEFAULT_DUTY_PER_DAY} 人计", duty_fix))
        ratio = self.block_number(block, ROSTER, CHILDREN_PER_ADULT, _int, 1, None, "每名成人最多看护学生数应为正整数",
                                  f"填写一名成人最多看护的学生数，如 {DEFAULT_GROUP_SIZE}；空着则按每组人数上限")
        return duty, ratio

    def block_number(self, block: Mapping, parent: str, key: str, parse, minimum, default, message: str, fix: str,
                     blank: tuple[str, str] | None = None):
        """An optional number ``key`` of the block ``parent``: ``default`` when blank (with the
        ``blank`` warning when the key is there but empty), an error and ``default`` when it is not a
        number of at least ``minimum``."""
        raw, row = block.get(key), _line(block, key)
        column = f"{parent}.{key}"
        if nz.is_blank(raw):
            if blank is not None and key in block:
                self.warning(column, blank[0], blank[1], row=row)
            return default
        number = None if isinstance(raw, (Mapping, list)) else parse(raw)
        if number is None or number < minimum:
            self.error(column, message, fix, raw, row)
            return default
        return number

    def targets(self, doc: Mapping) -> tuple[tuple[str, Decimal], ...]:
        block = doc.get(TARGETS)
        if not isinstance(block, Mapping) or not block:
            if _empty(block):
                self.warning(TARGETS, "没有设置期末评价目标，按默认目标评价",
                             "添加 目标 一段，如“参与率: 0.95”", row=_line(doc, TARGETS))
                return DEFAULT_TARGETS
            self.error(TARGETS, "目标的格式不对", "分行写“指标: 目标值”，如“参与率: 0.95”", block, _line(doc, TARGETS))
            return ()
        found = []
        for name, raw in block.items():
            name = nz.clean_text(name)
            where, row = f"{TARGETS}.{name}", _line(block, name)
            if is_count_target(name):
                number = _decimal(raw)
                if number is None or number < 0 or number != number.to_integral_value():
                    self.error(where, f"{name}是次数，应为不小于 0 的整数", "一般填 0", raw, row)
                    continue
                found.append((name, number))
                continue
            share = _share(raw)
            if share is None or not 0 <= share <= 1:
                self.error(where, f"{name}是比例，应在 0 到 1 之间", "写成小数（如 0.95）或百分数（如 95%）", raw, row)
                continue
            found.append((name, share))
        return tuple(found)

    def commendation(self, doc: Mapping) -> tuple[tuple[str, Decimal], ...]:
        """The optional 表彰 block: award numbers and the thresholds a nominee must meet."""
        block = doc.get(COMMENDATION)
        if _empty(block):
            return ()
        fix = (f"在 {COMMENDATION} 下分行写，如“{TEACHER_AWARDS}: 5”“{MIN_SESSIONS}: 16”“{MIN_ATTENDANCE}: 0.9”；"
               "可写的项：" + "、".join(COMMENDATION_COUNTS + COMMENDATION_SHARES))
        if not isinstance(block, Mapping):
            self.error(COMMENDATION, "表彰的格式不对", fix, block, _line(doc, COMMENDATION))
            return ()
        found = []
        for key, raw in block.items():
            name, row = nz.clean_text(key), _line(block, key)
            where = f"{COMMENDATION}.{name}"
            if name in COMMENDATION_COUNTS:
                number = self.block_number(block, COMMENDATION, key, _int, 0, None, f"{name}应为不小于 0 的整数",
                                           "只写整数，如 5")
            elif name in COMMENDATION_SHARES:
                number = _share(raw)
                if number is None or not 0 <= number <= 1:
                    self.error(where, f"{name}是比例，应在 0 到 1 之间", "写成小数（如 0.9）或百分数（如 90%）", raw, row)
                    continue
            else:
                self.warning(where, f"表彰中没有“{name}”这一项，已忽略", fix, raw, row)
                continue
            if number is not None:
                found.append((name, Decimal(number)))
        return tuple(found)

    def leadership(self, doc: Mapping) -> tuple[tuple[str, object], ...]:
        block = doc.get(LEADERSHIP)
        if block is not None and not isinstance(block, Mapping):
            self.error(LEADERSHIP, "领导小组的格式不对", "分行写 组长、副组长、成员", block, _line(doc, LEADERSHIP))
            return ()
        block = block or {}
        entries: list[tuple[str, object]] = [(LEADER, nz.clean_text(block.get(LEADER))),
                                             (DEPUTY, nz.clean_text(block.get(DEPUTY))),
                                             (MEMBERS, _names(block.get(MEMBERS)))]
        for key, value in block.items():
            if key not in (LEADER, DEPUTY, MEMBERS):
                entries.append((str(key), _names(value) if isinstance(value, list) else nz.clean_text(value)))
        return tuple(entries)

    def duties(self, doc: Mapping) -> tuple[tuple[str, str], ...]:
        block = doc.get(DUTIES)
        if _empty(block):
            return ()
        if not isinstance(block, Mapping):
            self.error(DUTIES, "部门分工的格式不对", "分行写“部门: 职责”，如“教务处: 内容与师资”", block, _line(doc, DUTIES))
            return ()
        return tuple((nz.clean_text(k), "、".join(_names(v)) if isinstance(v, list) else nz.clean_text(v))
                     for k, v in block.items())


# --- editing ------------------------------------------------------------------------------------------
def update_settings_file(path: Path | str, changes: Mapping[str, object]) -> None:
    """Set values by key path (``"收费.标准"``, ``"时段"``, ``"时段.第2项.结束"``) and save atomically.

    Only the changed lines change: comments, quoting, flow-style lists and the file's line endings
    and BOM are kept. Values may be Decimal, float, int, str, date, lists and dicts; a str given for
    a number, date or list is converted when it reads as one (a form's text box gives "3.5").
    Nothing is checked here: load the file again to check it. Raises :class:`SettingsFileError`
    when the file is not readable YAML, KeyError for a key path that does not fit the document.
    """
    path = Path(path)
    try:
        text, bom, newline = _read_text(path)
    except _ReadFailure as failure:
        raise SettingsFileError(failure.problem) from None
    yaml = settings_yaml()
    doc, problem = _parse(text, path.name)
    if problem is not None:
        raise SettingsFileError(problem)
    if doc is None:
        doc = CommentedMap()
    if not isinstance(doc, CommentedMap):
        raise SettingsFileError(Problem(path.name, "设置文件不是“键: 值”的格式", _TEMPLATE_HINT))
    for key_path, value in changes.items():
        set_value(doc, key_path, value)
    out = io.StringIO()
    yaml.dump(doc, out)
    new_text = out.getvalue()
    if new_text == text:
        return
    if newline != "\n":
        new_text = new_text.replace("\n", newline)
    write_text_atomic(path, ("\ufeff" if bom else "") + new_text, encoding="utf-8")


def set_value(doc: CommentedMap, key_path: str, value: object) -> None:
    """Set one value of a round-trip document in place, keeping the style of what it replaces."""
    parts = key_path.split(".")
    node: object = doc
    for part in parts[:-1]:
        node = _child(node, part, create=True, key_path=key_path)
    last = parts[-1]
    if isinstance(node, CommentedSeq):
        index = _index(node, last, key_path)
        node[index] = _merge(node[index], value, last)
    elif isinstance(node, Mapping):
        node[last] = _merge(node.get(last), value, last)
    else:
        raise KeyError(f"{key_path}: {last!r} is inside a scalar value")


def editable_fields(source: Settings | Path | str) -> list[tuple[str, str, object]]:
    """The simple values a form can edit, as ``(key path, Chinese label, current value)``.

    From :class:`Settings`, values are typed (str, date, int, Decimal; 服务日 as "周一,周二,...").
    From a file path, they are the raw values of the file (dates as dates when YAML read them so),
    which lets a form open a settings file that does not load yet and fix it.
    """
    if isinstance(source, Settings):
        values: dict[str, object] = {
            SCHOOL_NAME: source.school_name, TERM_NAME: source.term_name,
            TERM_START: source.term_start, TERM_END: source.term_end,
            SERVICE_DAYS: nz.format_weekdays(source.service_weekdays),
            PERIODS_PER_DAY: source.periods_per_day,
            f"{FEE}.{FEE_MODE}": source.fee.mode, f"{FEE}.{FEE_STANDARD}": source.fee.standard,
            f"{FEE}.{FEE_SETTLEMENT}": source.fee.settlement,
            f"{SUBSIDY}.{SUBSIDY_PER_PERIOD}": source.subsidy_per_period, GROUP_SIZE: source.group_size,
        }
        targets = list(source.targets)
    else:
        doc = settings_document(source)

        def raw(path: str) -> object:
            node: object = doc
            for part in path.split("."):
                node = node.get(part) if isinstance(node, Mapping) else None
            if isinstance(node, list):
                return ",".join(nz.clean_text(v) for v in node)
            return _plain(node) if node is not None else ""

        values = {key: raw(key) for key, _ in _FORM_FIELDS}
        block = doc.get(TARGETS)
        targets = [(str(k), _plain(v)) for k, v in block.items()] if isinstance(block, Mapping) else []
    fields = [(key, label, values[key]) for key, label in _FORM_FIELDS]
    fields += [(f"{TARGETS}.{name}", f"目标：{name}", value) for name, value in targets]
    return fields


_FORM_FIELDS = (
    (SCHOOL_NAME, "学校名称"),
    (TERM_NAME, "学年学期"),
    (TERM_START, "学期开始日期"),
    (TERM_END, "学期结束日期"),
    (SERVICE_DAYS, "服务日（如 周一,周二,周三,周四,周五）"),
    (PERIODS_PER_DAY, "每日课时数"),
    (f"{FEE}.{FEE_MODE}", "收费方式"),
    (f"{FEE}.{FEE_STANDARD}", "收费标准（元）"),
    (f"{FEE}.{FEE_SETTLEMENT}", "结算方式"),
    (f"{SUBSIDY}.{SUBSIDY_PER_PERIOD}", "教师补助（元/课时）"),
    (GROUP_SIZE, "每组人数上限"),
)


def _child(node: object, part: str, create: bool, key_path: str) -> object:
    if isinstance(node, CommentedSeq):
        return node[_index(node, part, key_path)]
    if not isinstance(node, Mapping):
        raise KeyError(f"{key_path}: {part!r} is inside a scalar value")
    if part not in node or node[part] is None:
        if not create:
            raise KeyError(key_path)
        node[part] = CommentedMap()
    return node[part]


def _index(seq: CommentedSeq, part: str, key_path: str) -> int:
    """List items are addressed 1-based, as ``第2项`` or ``2`` (the way problems name them)."""
    match = re.fullmatch(r"第?(\d+)项?", part)
    if not match or not 1 <= int(match.group(1)) <= len(seq):
        raise KeyError(f"{key_path}: no item {part!r}")
    return int(match.group(1)) - 1


def _merge(old: object, new: object, key: str) -> object:
    """The node to store for ``new`` where ``old`` was, reusing old containers so that their
    flow style and comments survive."""
    if isinstance(new, Mapping):
        if isinstance(old, CommentedMap):
            for k in [k for k in old if k not in new]:
                del old[k]
            for k, v in new.items():
                old[k] = _merge(old.get(k), v, str(k))
            return old
        fresh = CommentedMap()
        for k, v in new.items():
            fresh[k] = _merge(None, v, str(k))
        return fresh
    if isinstance(new, str) and isinstance(old, CommentedSeq):
        new = _split_list(new, key)
    if isinstance(new, (list, tuple)):
        if isinstance(old, CommentedSeq):
            # ruamel records no style for an empty "[]": keep a list of plain names on one line
            flow = old.fa.flow_style() or (not old and _all_scalars(new))
            items = list(old)
            for i, value in enumerate(new):
                if i < len(items):
                    old[i] = _merge(items[i], value, key)
                else:
                    old.append(_like(items[-1] if items else None, value, key))
            del old[len(new):]
            if flow:
                old.fa.set_flow_style()
            return old
        fresh = CommentedSeq(_merge(None, v, key) for v in new)
        if _all_scalars(new):
            fresh.fa.set_flow_style()  # short lists of names read best on one line, as in the template
        return fresh
    return _scalar(old, new)


def _all_scalars(values: object) -> bool:
    return all(not isinstance(v, (Mapping, list, tuple)) for v in values)


def _like(sibling: object, new: object, key: str) -> object:
    """A new list item written the way its sibling is: a flow-style ``{...}`` with the same
    quoting per key, so an added 时段 looks like the ones above it."""
    item = _merge(None, new, key)
    if isinstance(item, CommentedMap) and isinstance(sibling, CommentedMap):
        if sibling.fa.flow_style():
            item.fa.set_flow_style()
        for k, v in item.items():
            style = type(sibling.get(k))
            if isinstance(v, str) and style in _QUOTED and v:
                item[k] = style(v)
    return item


def _scalar(old: object, new: object) -> object:
    if isinstance(new, Decimal):
        return int(new) if new == new.to_integral_value() and not isinstance(old, float) else float(new)
    if isinstance(new, (dt.datetime,)):
        return new.date()
    if hasattr(new, "to_pydatetime"):  # pandas Timestamp
        return new.to_pydatetime().date()
    if isinstance(new, str):
        text = new.strip()
        if isinstance(old, dt.date) and text:
            day, invalid = _to_date(text)
            if invalid is None and day is not None:
                return day
        if isinstance(old, (int, float)) and not isinstance(old, bool) and text:
            number = _decimal(text)
            if number is not None:
                return _scalar(old, number)
        return new
    return new


def _split_list(text: str, key: str) -> list[str]:
    if key == SERVICE_DAYS:
        days = nz.parse_weekdays(text)
        if days is not None:
            return [WEEKDAY_NAMES[d] for d in days]
    return [part for part in re.split(r"[,，、;；\s]+", text.strip()) if part]


# --- small helpers --------------------------------------------------------------------------------------
def _empty(value: object) -> bool:
    """Nothing written: a missing key, a blank value, or an empty list or mapping."""
    if isinstance(value, (Mapping, list, tuple)):
        return not value
    return nz.is_blank(value)


def _line(node: object, key: object) -> int | None:
    """1-based line of ``key`` in the file (ruamel records it on every loaded mapping)."""
    lc = getattr(node, "lc", None)
    if lc is None or not isinstance(getattr(lc, "data", None), dict):
        return None
    where = lc.data.get(key)
    return where[0] + 1 if where else None


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")[:2]
    return int(hours) * 60 + int(minutes)


def _as_date(day: object) -> dt.date:
    if isinstance(day, dt.datetime):
        return day.date()
    if isinstance(day, dt.date):
        return day
    if hasattr(day, "to_pydatetime"):
        return day.to_pydatetime().date()
    raise TypeError(f"not a date: {day!r}")


def _to_date(value: object) -> tuple[dt.date | None, nz.Invalid | None]:
    if isinstance(value, dt.datetime):
        return value.date(), None
    if isinstance(value, dt.date):
        return value, None
    if isinstance(value, (Mapping, list, bool)):
        return None, nz.Invalid("无法识别的日期", "写成 2025-09-01 的形式")
    stamp, invalid = nz.parse_date(value)
    if invalid is not None:
        return None, invalid
    return (stamp.date() if stamp is not None else None), None


def _int(value: object) -> int | None:
    return nz.parse_int(value)[0]


def _decimal(value: object) -> Decimal | None:
    """A number as written: 3.5, "3.5", "3.5元", "３.５" -> Decimal; None when it is not one.

    Floats go through their shortest repr, so 3.5 read by YAML is exactly Decimal("3.5").
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int):
        return Decimal(int(value))
    if isinstance(value, float):
        return Decimal(repr(float(value))) if math.isfinite(value) else None
    if not isinstance(value, str):
        return None
    text = nz.clean_text(value).replace(" ", "")
    text = re.sub(r"元(/?(每)?(课时|次|月|学期|人))?$", "", text)
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


_SHARE_WORDS = {"全免": Decimal(1), "免费": Decimal(1), "减半": Decimal("0.5"), "半价": Decimal("0.5"), "不减免": Decimal(0)}


def _share(value: object) -> Decimal | None:
    """A rate or share: 0.95, "0.95", "95%", "95％", "全免", "减半" -> Decimal."""
    if isinstance(value, str):
        text = nz.clean_text(value).replace(" ", "")
        if text in _SHARE_WORDS:
            return _SHARE_WORDS[text]
        if text.endswith("%"):
            number = _decimal(text[:-1])
            return None if number is None else number / 100
    return _decimal(value)


def is_ceiling_target(name: str) -> bool:
    """Targets that must not be exceeded (安全事故: 0); every other target is a floor."""
    return "事故" in name or "投诉" in name


def is_count_target(name: str) -> bool:
    """Targets that count events (安全事故: 0) rather than give a rate."""
    return "事故" in name or name.endswith(("次数", "起数", "人数", "数量", "个数"))


def _names(value: object) -> tuple[str, ...]:
    if isinstance(value, (list, tuple)):
        return tuple(t for t in (nz.clean_text(v) for v in value) if t)
    text = nz.clean_text(value)
    return tuple(p for p in re.split(r"[,，、;；]+", text) if p) if text else ()


def _plain(value: object) -> object:
    """ruamel's round-trip types as plain Python (dict, list, str, int, Decimal, date, bool)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return _decimal(value) if math.isfinite(value) else float(value)
    if isinstance(value, str):
        return str(value)
    return value


def _show(value: object) -> str:
    """A value as the problem table shows it."""
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {_show(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, float):
        return repr(float(value))
    return str(value)



def _last_friday_by(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=(day.weekday() - 4) % 7)


def upcoming_term(today: dt.date) -> dict[str, object]:
    """The term a team starting now most likely plans, with the usual dates, as settings changes.

    January and February plan the spring term of this year; March to August the autumn term;
    September to December the next spring term. Dates follow the common pattern (autumn from
    1 September to about 20 January, spring from about 1 March to early July) and are only a
    starting point: the local education bureau's calendar decides, and ``init`` says so.
    """
    year = today.year
    if today.month <= 2 or today.month >= 9:
        spring_year = year if today.month <= 2 else year + 1
        start, end = dt.date(spring_year, 3, 1), _last_friday_by(dt.date(spring_year, 7, 3))
        name = f"{spring_year - 1}-{spring_year}学年第二学期"
        seasons = [("冬春季", dt.date(spring_year, 3, 1), "16:20", "17:50"),
                   ("夏秋季", dt.date(spring_year, 5, 1), "16:30", "18:00")]
    else:
        start, end = dt.date(year, 9, 1), _last_friday_by(dt.date(year + 1, 1, 22))
        name = f"{year}-{year + 1}学年第一学期"
        seasons = [("夏秋季", dt.date(year, 9, 1), "16:30", "18:00"), ("冬春季", dt.date(year, 11, 1), "16:20", "17:50")]
    return {
        TERM_NAME: name,
        TERM_START: start,
        TERM_END: end,
        SEASONS: [{SEASON_NAME: n, SEASON_FROM: d, SEASON_START: a, SEASON_END: b} for n, d, a, b in seasons],
    }

__all__ = [
    "DEFAULT_TARGETS", "FEE_MODES", "upcoming_term", "FIELD_CHOICES", "SETTLEMENTS", "FeeRule", "Season", "Settings",
    "SettingsFileError", "SettingsLoad", "editable_fields", "load_settings", "set_value",
    "settings_document", "settings_from_text", "settings_yaml", "update_settings_file",
]
