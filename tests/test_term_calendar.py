"""The term calendar: statutory holidays and 调休 from the package, the school calendar over it, and
terms whose year the package does not know yet."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import chinese_calendar
import pandas as pd
import pytest

from afterschool_lib import schema
from afterschool_lib.loaders import load_input
from afterschool_lib.problems import Severity
from afterschool_lib.settings import Season, Settings, load_settings
from afterschool_lib.term_calendar import DAY_COLUMNS, TermCalendar, build_term_calendar

from .conftest import write_xlsx

TEMPLATE = Path(__file__).resolve().parent.parent / "data_templates" / "settings.yaml"
D = dt.date

# The 2025 National Day and Mid-autumn break (10-01..10-08) and the 2026 New Year (01-01..01-03)
# as the State Council announced them: the weekdays among them, and the make-up weekend days.
HOLIDAY_WEEKDAYS = {D(2025, 10, 1), D(2025, 10, 2), D(2025, 10, 3), D(2025, 10, 6), D(2025, 10, 7),
                    D(2025, 10, 8), D(2026, 1, 1), D(2026, 1, 2)}
MAKEUP_WEEKENDS = {D(2025, 9, 28), D(2025, 10, 11), D(2026, 1, 4)}


@pytest.fixture(scope="module")
def settings() -> Settings:
    loaded, problems = load_settings(TEMPLATE)
    assert loaded is not None, problems
    return loaded


def school_calendar(*rows: tuple[str, str, str, str]) -> pd.DataFrame:
    """A calendar frame shaped as the loader returns it; Excel rows start at 2 under the header."""
    return pd.DataFrame({
        schema.EXCEL_ROW: pd.array(range(2, len(rows) + 2), dtype="Int64"),
        schema.DATE: pd.to_datetime([r[0] for r in rows]).astype("datetime64[ns]"),
        schema.DAY_TYPE: [r[1] for r in rows],
        schema.FOLLOWS_WEEKDAY: [r[2] or None for r in rows],
        schema.NOTE: [r[3] or None for r in rows],
    })


def day(calendar: TermCalendar, date: dt.date) -> pd.Series:
    rows = calendar.days[calendar.days[schema.DATE] == pd.Timestamp(date)]
    assert len(rows) == 1
    return rows.iloc[0]


def dates_of(frame: pd.DataFrame) -> set[dt.date]:
    return set(frame[schema.DATE].dt.date)


def expected_service_days(start: dt.date, end: dt.date, off: set[dt.date], extra: set[dt.date] = frozenset()) -> set[dt.date]:
    """Weekdays of the term minus ``off``, plus ``extra``: a plain loop to check against."""
    found = set()
    current = start
    while current <= end:
        if (current.weekday() < 5 and current not in off) or current in extra:
            found.add(current)
        current += dt.timedelta(days=1)
    return found


# --- autumn 2025 from the package alone ---------------------------------------------------------------
def test_one_row_per_date_with_the_declared_columns(settings: Settings):
    calendar = build_term_calendar(settings, None)
    days = calendar.days
    assert tuple(days.columns) == DAY_COLUMNS
    assert len(days) == (D(2026, 1, 23) - D(2025, 9, 1)).days + 1 == 145
    assert days[schema.DATE].dtype == "datetime64[ns]" and days[schema.DAY_IS_SERVICE].dtype == bool
    assert days[schema.DATE].is_monotonic_increasing and days[schema.DATE].is_unique
    assert set(days[schema.DAY_KIND]) <= {"服务日", "周末", "法定节假日", "调休上课", "停课", "放假", "非服务日"}
    # kind 服务日 exactly on the service days; times and timetable only there
    assert ((days[schema.DAY_KIND] == "服务日") == days[schema.DAY_IS_SERVICE]).all()
    off = days[~days[schema.DAY_IS_SERVICE]]
    assert (off[[schema.DAY_START, schema.DAY_END, schema.DAY_SEASON, schema.FOLLOWS_WEEKDAY]] == "").all().all()
    on = calendar.service_days
    assert (on[schema.FOLLOWS_WEEKDAY] == on[schema.DAY_WEEKDAY]).all()
    assert calendar.uncovered_years == ()


def test_national_day_and_new_year_are_not_service_days(settings: Settings):
    calendar = build_term_calendar(settings, None)
    for date in [D(2025, 10, 1) + dt.timedelta(days=i) for i in range(8)]:
        row = day(calendar, date)
        assert not row[schema.DAY_IS_SERVICE] and row[schema.DAY_KIND] == "法定节假日", date
    assert day(calendar, D(2025, 10, 6))[schema.NOTE] == "中秋节"
    assert day(calendar, D(2025, 10, 1))[schema.NOTE] == "国庆节"
    new_year = day(calendar, D(2026, 1, 1))
    assert not new_year[schema.DAY_IS_SERVICE] and new_year[schema.NOTE] == "元旦"
    assert day(calendar, D(2025, 10, 9))[schema.DAY_IS_SERVICE]


def test_makeup_weekends_without_timetable_are_not_service_days_and_warn(settings: Settings):
    calendar = build_term_calendar(settings, None)
    for date in MAKEUP_WEEKENDS:
        row = day(calendar, date)
        assert row[schema.DAY_KIND] == "调休上课" and not row[schema.DAY_IS_SERVICE], date
        assert row[schema.FOLLOWS_WEEKDAY] == ""
    warned = {p.value: p for p in calendar.problems}
    assert set(warned) == {d.isoformat() for d in MAKEUP_WEEKENDS}
    for date, problem in warned.items():
        assert problem.severity is Severity.WARNING and date in problem.message
        assert "按周几课表" in problem.fix and "calendar" in problem.fix and problem.row is None


def test_service_day_count_matches_a_plain_loop(settings: Settings):
    calendar = build_term_calendar(settings, None)
    expected = expected_service_days(settings.term_start, settings.term_end, HOLIDAY_WEEKDAYS)
    assert dates_of(calendar.service_days) == expected
    assert calendar.service_day_count == len(expected)
    # by hand: 105 weekdays (Sep 22, Oct 23, Nov 20, Dec 23, Jan 1-23 17) minus 8 holiday weekdays
    assert calendar.service_day_count == 97


def test_count_by_month(settings: Settings):
    counts = build_term_calendar(settings, None).count_by_month()
    # September 2025: 22 weekdays, no holiday. October: 23 weekdays minus 10-01/02/03/06/07/08.
    # January 2026: 17 weekdays to the 23rd minus New Year's 01-01 and 01-02.
    assert counts.to_dict() == {"2025-09": 22, "2025-10": 17, "2025-11": 20, "2025-12": 23, "2026-01": 15}
    assert counts.index.name == "月份"


def test_seasons_switch_on_their_start_date(settings: Settings):
    calendar = build_term_calendar(settings, None)
    autumn = day(calendar, D(2025, 10, 31))
    winter = day(calendar, D(2025, 11, 3))
    assert (autumn[schema.DAY_SEASON], autumn[schema.DAY_START], autumn[schema.DAY_END]) == ("夏秋季", "16:30", "18:00")
    assert (winter[schema.DAY_SEASON], winter[schema.DAY_START], winter[schema.DAY_END]) == ("冬春季", "16:20", "17:50")


# --- the school calendar over the package --------------------------------------------------------------
def test_makeup_sunday_with_a_timetable_becomes_a_service_day(settings: Settings):
    calendar = build_term_calendar(settings, school_calendar(("2025-09-28", "调休上课", "周三", "国庆调休，上周三课表")))
    row = day(calendar, D(2025, 9, 28))
    assert row[schema.DAY_IS_SERVICE] and row[schema.DAY_KIND] == "服务日"
    assert row[schema.DAY_WEEKDAY] == "周日" and row[schema.FOLLOWS_WEEKDAY] == "周三"
    assert (row[schema.DAY_SEASON], row[schema.DAY_START], row[schema.DAY_END]) == ("夏秋季", "16:30", "18:00")
    assert row[schema.NOTE] == "国庆调休，上周三课表"
    assert {p.value for p in calendar.problems} == {"2025-10-11", "2026-01-04"}
    assert calendar.service_day_count == 98


def test_makeup_day_in_winter_takes_winter_times(settings: Settings):
    calendar = build_term_calendar(settings, school_calendar(("2026-01-04", "调休上课", "周五", "")))
    row = day(calendar, D(2026, 1, 4))
    assert row[schema.DAY_IS_SERVICE] and row[schema.FOLLOWS_WEEKDAY] == "周五"
    assert (row[schema.DAY_START], row[schema.DAY_END]) == ("16:20", "17:50")
    assert "元旦" in row[schema.NOTE]


def test_school_calendar_overrides(settings: Settings):
    frame = school_calendar(
        ("2025-10-11", "调休上课", "", "课表待定"),       # row 2: still no timetable
        ("2025-10-24", "停课", "", "秋季运动会"),          # row 3
        ("2026-01-23", "放假", "", ""),                    # row 4
        ("2025-10-08", "上课", "", "学校补课日"),          # row 5: a statutory holiday the school teaches
        ("2026-02-02", "停课", "", ""),                    # row 6: after the term
        ("2025-09-27", "调休上课", "周六", ""),            # row 7: a timetable that has no service
    )
    calendar = build_term_calendar(settings, frame)
    assert day(calendar, D(2025, 10, 24))[schema.DAY_KIND] == "停课"
    assert day(calendar, D(2025, 10, 24))[schema.NOTE] == "秋季运动会"
    assert day(calendar, D(2026, 1, 23))[schema.DAY_KIND] == "放假"
    taught = day(calendar, D(2025, 10, 8))
    assert taught[schema.DAY_IS_SERVICE] and taught[schema.FOLLOWS_WEEKDAY] == "周三"
    assert not day(calendar, D(2025, 9, 27))[schema.DAY_IS_SERVICE]
    by_row = {p.row: p for p in calendar.problems if p.row is not None}
    assert by_row[2].value == "2025-10-11" and by_row[2].column == schema.DATE and "按周几课表" in by_row[2].fix
    assert by_row[6].column == schema.DATE and "不在本学期" in by_row[6].message
    assert by_row[7].value == "周六"
    assert all(p.severity is Severity.WARNING for p in calendar.problems)
    expected = expected_service_days(settings.term_start, settings.term_end,
                                     HOLIDAY_WEEKDAYS - {D(2025, 10, 8)} | {D(2025, 10, 24), D(2026, 1, 23)})
    assert dates_of(calendar.service_days) == expected


def test_calendar_file_as_the_loader_reads_it(settings: Settings, cn_dir: Path):
    path = write_xlsx(cn_dir / "calendar.xlsx", [
        ["日期", "类型", "按周几课表", "说明"],
        ["2025/9/28", "补班", "星期三", "国庆调休"],
        ["2025-10-11", "调休", "周四", ""],
    ])
    loaded = load_input(schema.CALENDAR, path)
    assert not loaded.problems
    calendar = build_term_calendar(settings, loaded.frame)
    assert day(calendar, D(2025, 9, 28))[schema.FOLLOWS_WEEKDAY] == "周三"
    assert day(calendar, D(2025, 10, 11))[schema.FOLLOWS_WEEKDAY] == "周四"
    assert calendar.service_day_count == 99
    assert calendar.is_service_day(pd.Timestamp("2025-10-11")) and not calendar.is_service_day(D(2025, 10, 12))


def test_service_day_before_the_first_season_gets_it_with_a_warning(settings: Settings):
    late = dataclasses.replace(settings, seasons=(Season("夏秋季", D(2025, 9, 8), "16:30", "18:00"),))
    calendar = build_term_calendar(late, None)
    first = day(calendar, D(2025, 9, 1))
    assert first[schema.DAY_IS_SERVICE] and first[schema.DAY_SEASON] == "夏秋季" and first[schema.DAY_START] == "16:30"
    (problem,) = [p for p in calendar.problems if p.file == "settings.yaml"]
    assert problem.severity is Severity.WARNING and "5 个服务日" in problem.message


def test_service_weekdays_limit_the_days(settings: Settings):
    three_days = dataclasses.replace(settings, service_weekdays=(0, 2, 4))
    calendar = build_term_calendar(three_days, None)
    assert set(calendar.service_days[schema.DAY_WEEKDAY]) == {"周一", "周三", "周五"}
    assert day(calendar, D(2025, 9, 2))[schema.DAY_KIND] == "非服务日"
    assert day(calendar, D(2025, 9, 6))[schema.DAY_KIND] == "周末"


# --- years the package does not cover ---------------------------------------------------------------
def _covers(year: int) -> bool:
    try:
        chinese_calendar.is_holiday(D(year, 3, 1))
    except NotImplementedError:
        return False
    return True


@pytest.mark.skipif(_covers(2027), reason="the installed chinesecalendar already covers 2027")
def test_spring_2027_is_planned_from_the_school_calendar(settings: Settings):
    spring = dataclasses.replace(settings, term_name="2026-2027学年第二学期", term_start=D(2027, 2, 22),
                                 term_end=D(2027, 7, 2), seasons=(Season("春夏季", D(2027, 2, 22), "16:30", "18:00"),))
    holidays = {D(2027, 4, 5), D(2027, 5, 3), D(2027, 5, 4), D(2027, 5, 5), D(2027, 6, 9)}
    frame = school_calendar(
        ("2027-04-05", "放假", "", "清明节"),
        ("2027-05-03", "放假", "", "劳动节"),
        ("2027-05-04", "放假", "", "劳动节"),
        ("2027-05-05", "放假", "", "劳动节"),
        ("2027-06-09", "放假", "", "端午节"),
        ("2027-04-25", "调休上课", "周一", "劳动节调休"),
    )
    calendar = build_term_calendar(spring, frame)
    assert calendar.uncovered_years == (2027,)
    (warning,) = [p for p in calendar.problems if "尚未收录" in p.message]
    assert warning.severity is Severity.WARNING and "2027年" in warning.message and "2027年" in warning.fix
    assert len(calendar.problems) == 1
    for date in holidays:
        assert day(calendar, date)[schema.DAY_KIND] == "放假"
    assert day(calendar, D(2027, 4, 25))[schema.FOLLOWS_WEEKDAY] == "周一"
    expected = expected_service_days(spring.term_start, spring.term_end, holidays, {D(2027, 4, 25)})
    assert dates_of(calendar.service_days) == expected
    assert calendar.service_day_count == 95 - 5 + 1  # 19 weeks of weekdays, 5 breaks, 1 make-up Sunday


def test_an_uncovered_year_inside_a_term_uses_the_school_calendar_for_that_year(settings: Settings, monkeypatch):
    """Autumn 2025 as if the package stopped at 2025: January 2026 comes from the school calendar."""
    real = chinese_calendar.is_holiday

    def is_holiday(date):
        if date.year >= 2026:
            raise NotImplementedError(f"no available data for year {date.year}")
        return real(date)

    monkeypatch.setattr(chinese_calendar, "is_holiday", is_holiday)
    calendar = build_term_calendar(settings, school_calendar(("2026-01-01", "放假", "", "元旦")))
    assert calendar.uncovered_years == (2026,)
    assert [p for p in calendar.problems if "2026年" in p.message]
    assert day(calendar, D(2026, 1, 1))[schema.DAY_KIND] == "放假"
    assert day(calendar, D(2026, 1, 2))[schema.DAY_IS_SERVICE]  # the school did not list it
    assert day(calendar, D(2026, 1, 4))[schema.DAY_KIND] == "周末"  # no make-up day known
    assert day(calendar, D(2025, 10, 1))[schema.DAY_KIND] == "法定节假日"  # 2025 still from the package


def test_empty_term_does_not_crash(settings: Settings):
    backwards = dataclasses.replace(settings, term_start=D(2025, 9, 2), term_end=D(2025, 9, 1))
    calendar = build_term_calendar(backwards, school_calendar(("2025-09-01", "停课", "", "")))
    assert len(calendar.days) == 0 and calendar.service_day_count == 0
    assert tuple(calendar.days.columns) == DAY_COLUMNS
