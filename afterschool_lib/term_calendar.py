"""The term's days: which are service days, whose timetable runs, and the service window.

Service runs on the settings' service weekdays minus statutory holidays, term breaks and the
school's own 停课 days (DESIGN section 5). Statutory holidays and the 调休 make-up workdays come
from the ``chinesecalendar`` package; the school calendar (input ``calendar``) overrides it. A
make-up Saturday or Sunday is a service day only when the school calendar says which weekday's
timetable it follows, because staff rosters and clubs are planned per weekday. A year the package
does not cover yet is planned from the school calendar alone, and a warning says so.

:func:`build_term_calendar` is pure: settings and an already loaded calendar frame in, a
:class:`TermCalendar` out. Invariant of its ``days`` frame: ``日期类型 == "服务日"`` exactly when
``是否服务`` is true, so either column can be filtered on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

import chinese_calendar
import pandas as pd

from . import normalize as nz
from .problems import Problem, Severity
from .schema import (
    CALENDAR,
    CALENDAR_TYPES,
    DATE,
    DAY_END,
    DAY_IS_SERVICE,
    DAY_KIND,
    DAY_SEASON,
    DAY_START,
    DAY_TYPE,
    DAY_WEEKDAY,
    EXCEL_ROW,
    FOLLOWS_WEEKDAY,
    NOTE,
    WEEKDAY_NAMES,
)
from .settings import Settings

# the kinds of day in column 日期类型
SERVICE = "服务日"
WEEKEND = "周末"
STATUTORY_HOLIDAY = "法定节假日"
MAKEUP_WORKDAY = "调休上课"  # a make-up workday on which no service runs (no timetable given)
SUSPENDED = "停课"
BREAK = "放假"
NON_SERVICE_WEEKDAY = "非服务日"
DAY_KINDS = (SERVICE, WEEKEND, STATUTORY_HOLIDAY, MAKEUP_WORKDAY, SUSPENDED, BREAK, NON_SERVICE_WEEKDAY)

# the school calendar's 类型 values
_SCHOOL_BREAK, _SCHOOL_SUSPENDED, _SCHOOL_MAKEUP, _SCHOOL_TEACHING = CALENDAR_TYPES

DAY_COLUMNS = (DATE, DAY_WEEKDAY, DAY_KIND, DAY_IS_SERVICE, FOLLOWS_WEEKDAY, DAY_SEASON, DAY_START, DAY_END, NOTE)
CALENDAR_FILE = f"{CALENDAR.stem}.xlsx"
MONTH = "月份"
SERVICE_DAY_COUNT = "服务日数"

_HOLIDAY_NAMES = {  # chinesecalendar names its holidays in English
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争胜利70周年纪念日",
}


@dataclass(frozen=True, eq=False)
class TermCalendar:
    """Every date of the term (``days``, one row each, columns :data:`DAY_COLUMNS`), the problems
    found while building it, and the years whose statutory holidays the package does not know."""

    days: pd.DataFrame
    problems: tuple[Problem, ...] = ()
    uncovered_years: tuple[int, ...] = field(default=())

    @property
    def service_days(self) -> pd.DataFrame:
        """The service days only, in date order, index reset."""
        return self.days[self.days[DAY_IS_SERVICE]].reset_index(drop=True)

    @property
    def service_day_count(self) -> int:
        return int(self.days[DAY_IS_SERVICE].sum())

    def count_by_month(self) -> pd.Series:
        """Service days per month ("YYYY-MM"), every month of the term listed, zeros included."""
        months = self.days[DATE].dt.strftime("%Y-%m")
        counts = self.days[DAY_IS_SERVICE].groupby(months, sort=True).sum().astype("int64")
        counts.index.name = MONTH
        counts.name = SERVICE_DAY_COUNT
        return counts

    def is_service_day(self, day: object) -> bool:
        """Whether ``day`` (date, datetime or Timestamp) is a service day of this term."""
        stamp = pd.Timestamp(day).normalize()
        hit = self.days.loc[self.days[DATE] == stamp, DAY_IS_SERVICE]
        return bool(hit.iloc[0]) if len(hit) else False


@dataclass(frozen=True)
class _SchoolDay:
    kind: str  # one of CALENDAR_TYPES
    follows: int | None  # weekday of the timetable, 0 = Monday
    note: str
    row: int | None


def build_term_calendar(settings: Settings, school_calendar: pd.DataFrame | None,
                        *, calendar_file: str = CALENDAR_FILE) -> TermCalendar:
    """The term's calendar from the settings and the school calendar frame (as the loader returns
    it: 日期, 类型, 按周几课表, 说明, 行号); ``calendar_file`` names it in the problems."""
    problems: list[Problem] = []
    start, end = settings.term_start, settings.term_end
    dates = [start + dt.timedelta(days=i) for i in range(max((end - start).days + 1, 0))]
    uncovered = _uncovered_years(dates)
    for year in uncovered:
        problems.append(Problem(
            calendar_file,
            f"{year}年的法定节假日和调休安排尚未收录在节假日数据包中，本学期{year}年的日期只按校历文件和服务日计算",
            f"在 calendar 校历文件中填写{year}年的放假和调休上课日期（或升级数据包：pip install -U chinesecalendar）",
            Severity.WARNING, value=str(year)))
    school = _school_days(school_calendar, start, end, calendar_file, problems)
    service_weekdays = set(settings.service_weekdays)

    rows = []
    early: list[dt.date] = []
    for day in dates:
        kind, follows, note = _classify(day, school.get(day), day.year in uncovered, service_weekdays,
                                        calendar_file, problems)
        season_name = begin = finish = ""
        if kind == SERVICE and settings.seasons:
            season = settings.season_on(day)
            if season is None:
                season = settings.seasons[0]
                early.append(day)
            season_name, begin, finish = season.name, season.start, season.end
        rows.append((pd.Timestamp(day), WEEKDAY_NAMES[day.weekday()], kind, kind == SERVICE,
                     "" if follows is None else WEEKDAY_NAMES[follows], season_name, begin, finish, note))
    if early:
        first = settings.seasons[0]
        problems.append(Problem(
            settings.source,
            f"第一个时段（{first.name}）从{first.start_date.isoformat()}才开始，此前的 {len(early)} 个服务日"
            f"（{early[0].isoformat()} 起）暂按{first.name}的时间（{first.window}）安排",
            f"把第一个时段的起始日期改为学期开始日期（{start.isoformat()}）或更早",
            Severity.WARNING, column="时段.第1项.起始日期", value=first.start_date.isoformat()))
    days = pd.DataFrame(rows, columns=list(DAY_COLUMNS))
    days[DATE] = pd.to_datetime(days[DATE]).astype("datetime64[ns]")
    days[DAY_IS_SERVICE] = days[DAY_IS_SERVICE].astype(bool)
    return TermCalendar(days, tuple(problems), tuple(uncovered))


def _classify(day: dt.date, entry: _SchoolDay | None, uncovered: bool, service_weekdays: set[int],
              calendar_file: str, problems: list[Problem]) -> tuple[str, int | None, str]:
    """(kind, weekday whose timetable runs or None, note) of one date."""
    weekday = day.weekday()
    holiday, makeup = (None, None) if uncovered else _statutory(day)
    if entry is not None:
        return _school_override(day, entry, holiday, makeup, service_weekdays, calendar_file, problems)
    if holiday:
        return STATUTORY_HOLIDAY, None, holiday
    if makeup:
        problems.append(_no_timetable_problem(day, makeup, calendar_file, None))
        return MAKEUP_WORKDAY, None, f"{makeup}调休上课（未安排课后服务）"
    return _ordinary(weekday, service_weekdays)


def _ordinary(weekday: int, service_weekdays: set[int]) -> tuple[str, int | None, str]:
    if weekday in service_weekdays:
        return SERVICE, weekday, ""
    return (WEEKEND if weekday >= 5 else NON_SERVICE_WEEKDAY), None, ""


def _school_override(day: dt.date, entry: _SchoolDay, holiday: str | None, makeup: str | None,
                     service_weekdays: set[int], calendar_file: str,
                     problems: list[Problem]) -> tuple[str, int | None, str]:
    """The school calendar's word on a date, which beats the holiday package."""
    if entry.kind in (_SCHOOL_BREAK, _SCHOOL_SUSPENDED):
        return (BREAK if entry.kind == _SCHOOL_BREAK else SUSPENDED), None, entry.note or entry.kind
    weekday = day.weekday()
    timetable = entry.follows
    if timetable is None and (entry.kind == _SCHOOL_TEACHING or (weekday < 5 and not makeup)):
        timetable = weekday  # a teaching weekday runs its own timetable
    is_makeup = entry.kind == _SCHOOL_MAKEUP or makeup is not None
    if timetable is None:
        problems.append(_no_timetable_problem(day, makeup or "", calendar_file, entry.row))
        return MAKEUP_WORKDAY, None, entry.note or f"{makeup or ''}调休上课（未安排课后服务）"
    if timetable in service_weekdays:
        if entry.note:
            note = entry.note
        elif is_makeup or timetable != weekday:
            note = f"{makeup or holiday or ''}调休上课，按{WEEKDAY_NAMES[timetable]}课表"
        else:
            note = f"校历安排上课（原为{holiday}）" if holiday else ""
        return SERVICE, timetable, note
    if entry.follows is not None or weekday >= 5:  # the school asked for a timetable with no service
        problems.append(Problem(
            calendar_file,
            f"{day.isoformat()}（{WEEKDAY_NAMES[weekday]}）按{WEEKDAY_NAMES[timetable]}课表上课，"
            f"但{WEEKDAY_NAMES[timetable]}不是服务日，这天不安排课后服务",
            "把按周几课表改为一个服务日（如“周三”），或在 settings.yaml 的服务日中加上这一天；这天不开展课后服务则不必处理",
            Severity.WARNING, entry.row, FOLLOWS_WEEKDAY, WEEKDAY_NAMES[timetable]))
    kind = MAKEUP_WORKDAY if is_makeup else (WEEKEND if weekday >= 5 else NON_SERVICE_WEEKDAY)
    return kind, None, entry.note


def _no_timetable_problem(day: dt.date, holiday: str, calendar_file: str, row: int | None) -> Problem:
    what = f"{holiday}调休上课日" if holiday else "调休上课日"
    if row is None:
        fix = "在 calendar 校历中登记这一天，类型填“调休上课”，按周几课表填要执行的星期（如“周三”）"
    else:
        fix = "在这一行的按周几课表中填写要执行的星期（如“周三”）"
    return Problem(
        calendar_file,
        f"{day.isoformat()}（{WEEKDAY_NAMES[day.weekday()]}）是{what}，校历没有写明这天按周几课表上课，这天暂不安排课后服务",
        fix + "；这天不开展课后服务则不必处理",
        Severity.WARNING, row, DATE if row is not None else None, day.isoformat())


def _statutory(day: dt.date) -> tuple[str | None, str | None]:
    """(holiday name, make-up holiday name) from the package: a statutory holiday, a weekend
    make-up workday, or neither. Only call for covered years."""
    on_holiday, name = chinese_calendar.get_holiday_detail(day)
    chinese = _HOLIDAY_NAMES.get(name, name) if name else None
    if on_holiday and chinese:
        return chinese, None
    if day.weekday() >= 5 and chinese_calendar.is_workday(day):
        return None, chinese or "节假日"
    return None, None


def _uncovered_years(dates: Iterable[dt.date]) -> list[int]:
    """Years of ``dates`` the holiday package has no data for (it raises NotImplementedError)."""
    firsts: dict[int, dt.date] = {}
    for day in dates:
        firsts.setdefault(day.year, day)
    uncovered = []
    for year, day in firsts.items():
        try:
            chinese_calendar.is_holiday(day)
        except NotImplementedError:
            uncovered.append(year)
    return uncovered


def _school_days(frame: pd.DataFrame | None, start: dt.date, end: dt.date, calendar_file: str,
                 problems: list[Problem]) -> dict[dt.date, _SchoolDay]:
    """The school calendar rows inside the term, by date; rows outside it are reported."""
    if frame is None or len(frame) == 0 or DATE not in frame.columns:
        return {}
    found: dict[dt.date, _SchoolDay] = {}
    for record in frame.to_dict("records"):
        row = _row_number(record.get(EXCEL_ROW))
        stamp, _ = nz.parse_date(record.get(DATE))
        if stamp is None:  # the loader has already reported a blank or unreadable date
            continue
        day = stamp.date()
        kind = nz.clean_text(record.get(DAY_TYPE))
        if kind not in CALENDAR_TYPES:
            problems.append(Problem(calendar_file, "类型不是可选的值，这一行未使用",
                                    "填写其中之一：" + "、".join(CALENDAR_TYPES), Severity.WARNING, row, DAY_TYPE, kind))
            continue
        if not start <= day <= end:
            problems.append(Problem(
                calendar_file, f"这个日期不在本学期（{start.isoformat()} 至 {end.isoformat()}）内，这一行未使用",
                "核对日期（特别是年份），或检查 settings.yaml 中的学期开始和学期结束", Severity.WARNING, row, DATE,
                day.isoformat()))
            continue
        if day in found:
            problems.append(Problem(calendar_file, "同一日期登记了两次，只按前一行处理", "删除重复的一行",
                                    Severity.WARNING, row, DATE, day.isoformat()))
            continue
        follows_text = nz.clean_text(record.get(FOLLOWS_WEEKDAY))
        follows = None
        if follows_text:
            parsed = nz.parse_weekdays(follows_text)
            if parsed is None or len(parsed) != 1:
                problems.append(Problem(calendar_file, "按周几课表应为一个星期几，这一行按没有填写处理",
                                        "只写一天，如“周三”", Severity.WARNING, row, FOLLOWS_WEEKDAY, follows_text))
            else:
                follows = parsed[0]
        note = record.get(NOTE)
        found[day] = _SchoolDay(kind, follows, "" if nz.is_blank(note) else str(note).strip(), row)
    return found


def _row_number(value: object) -> int | None:
    if value is None or value is pd.NA:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


__all__ = ["DAY_COLUMNS", "DAY_KINDS", "TermCalendar", "build_term_calendar"]
