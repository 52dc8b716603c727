"""Step 03, 师资安排: who may serve, the roster's hard rules on random instances, gaps instead of
failures, pins and 指定教师, an even spread, subsidies to the fen, the workbook, the sample school."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings as hyp_settings, strategies as strat

from afterschool_lib import normalize as nz
from afterschool_lib import schema
from afterschool_lib import staffing as st
from afterschool_lib.roster_files import ROSTER_FILE, roster_bytes, write_roster
from afterschool_lib.settings import load_settings
from afterschool_lib.term_calendar import build_term_calendar

ROOT = Path(__file__).resolve().parent.parent
WEEK = schema.WEEKDAY_NAMES[:5]
FAST = 1.0  # deterministic seconds per stage: the instances here are small


# --- building inputs ------------------------------------------------------------------------------------
def staff_frame(*people: dict) -> pd.DataFrame:
    """A staff frame as the loader returns it; each person a dict of the columns that differ from
    an eligible in-service teacher free every day."""
    rows = []
    for n, person in enumerate(people):
        row = {schema.STAFF_ID: f"T{n + 1:02d}", schema.NAME: f"教师{n + 1}", schema.STAFF_TYPE: "在职教师",
               schema.SKILLS: None, schema.AVAILABLE_DAYS: None, schema.MAX_PER_WEEK: pd.NA,
               schema.VETTING: "通过", schema.SAFETY_TRAINING: "已完成"}
        row.update(person)
        rows.append(row)
    frame = pd.DataFrame(rows, columns=list(schema.STAFF.names))
    frame[schema.MAX_PER_WEEK] = frame[schema.MAX_PER_WEEK].astype("Int64")
    frame.insert(0, schema.EXCEL_ROW, pd.array(range(2, len(frame) + 2), dtype="Int64"))
    return frame


def care_frame(*groups: tuple[str, str, int]) -> pd.DataFrame:
    """Care groups as form_care_groups returns them: (星期, 组别, 人数)."""
    return pd.DataFrame({st.WEEKDAY: [g[0] for g in groups], st.GROUP: [g[1] for g in groups],
                         st.SIZE: [g[2] for g in groups], schema.ROOM: [f"{g[1]}教室" for g in groups]})


def activities_frame(*clubs: dict) -> pd.DataFrame:
    """Activities as loaded; each club a dict with 活动编号, 活动日 and what else it sets."""
    rows = []
    for n, club in enumerate(clubs):
        row = {schema.ACTIVITY_ID: f"K{n + 1:02d}", schema.ACTIVITY_NAME: f"社团{n + 1}", schema.CATEGORY: "其他",
               schema.ELIGIBLE_GRADES: "1,2,3,4,5,6", schema.CAPACITY_MAX: 20, schema.CAPACITY_MIN: 0,
               schema.ACTIVITY_DAYS: "周一", schema.ROOM: None, schema.ASSIGNED_TEACHER: None, schema.SKILL_NEEDED: None}
        row.update(club)
        rows.append(row)
    frame = pd.DataFrame(rows, columns=list(schema.ACTIVITIES.names))
    frame.insert(0, schema.EXCEL_ROW, pd.array(range(2, len(frame) + 2), dtype="Int64"))
    return frame


def places(care=(), clubs=(), days=(0, 1, 2, 3, 4), ratio=45) -> pd.DataFrame:
    return st.needs(care_frame(*care), activities_frame(*clubs), service_weekdays=days, children_per_adult=ratio)


def roster(staff, need, days=(0, 1, 2, 3, 4), duty=0, pins=(), **kwargs) -> st.Roster:
    return st.make_roster(staff, need, days, duty, pins, time_limit=kwargs.pop("time_limit", FAST), **kwargs)


# --- the rules every roster keeps -------------------------------------------------------------------------
def assert_rules(result: st.Roster, staff: pd.DataFrame) -> None:
    """Every hard rule, checked from the output tables against the inputs."""
    duties = result.duties
    eligible = set(result.eligibility.loc[result.eligibility[st.ELIGIBLE] == "是", schema.STAFF_ID])
    info = staff.set_index(schema.STAFF_ID)
    service = {schema.WEEKDAY_NAMES[d] for d in result.service_weekdays}
    assert set(duties[schema.STAFF_ID]) <= eligible, "an ineligible adult is rostered"
    for sid, rows in duties.groupby(schema.STAFF_ID):
        person = info.loc[sid]
        days = {schema.WEEKDAY_NAMES[d] for d in (nz.parse_weekdays(person[schema.AVAILABLE_DAYS]) or range(7))}
        assert set(rows[st.WEEKDAY]) <= days & service, f"{sid} rostered outside 可服务日"
        assert rows[st.WEEKDAY].is_unique, f"{sid} has two roles on one day"
        if not pd.isna(person[schema.MAX_PER_WEEK]):
            assert len(rows) <= person[schema.MAX_PER_WEEK], f"{sid} over 每周最多次数"
    kind_of = info[schema.STAFF_TYPE]
    for row in duties.to_dict("records"):
        kind = kind_of[row[schema.STAFF_ID]]
        assert (row[st.ROLE] == st.ROLE_DUTY) == (row[st.KIND] == st.KIND_DUTY)
        if row[st.KIND] == st.KIND_DUTY:
            assert kind == "在职教师", "值班 by someone not in service"
        elif row[st.KIND] == st.KIND_CARE:
            assert kind != "校外专业人员", "校外专业人员 on a care group"
        elif kind in st.COMES_FOR_ACTIVITY and row[st.SOURCE] == st.FROM_SOLVER:
            assert row[st.SKILL_MATCH] == "是", "outside staff on a club that does not fit their 特长"
    # every place is accounted for: its adults plus its gap make what it needs; a care group with
    # helpers has a teacher; nobody is counted twice
    counts = duties.groupby([st.WEEKDAY, st.GROUP]).size()
    missing = result.gaps.set_index([st.WEEKDAY, st.GROUP])[st.MISSING]
    assert missing.index.is_unique
    for place in result.places.to_dict("records"):
        key = (place[st.WEEKDAY], place[st.GROUP])
        have = int(counts.get(key, 0))
        assert have <= place[st.NEEDED]
        assert have + int(missing.get(key, 0)) == place[st.NEEDED], key
        if place[st.KIND] == st.KIND_CARE and have:
            kinds = set(kind_of[duties[(duties[st.WEEKDAY] == key[0]) & (duties[st.GROUP] == key[1])][schema.STAFF_ID]])
            assert kinds & set(st.LEADS_CARE), f"{key}: helpers without a teacher"
    assert not duties.duplicated([st.WEEKDAY, schema.STAFF_ID]).any()


# --- eligibility ---------------------------------------------------------------------------------------------
def test_eligibility_gives_each_reason_and_what_to_do():
    staff = staff_frame(
        {},  # T01 eligible
        {schema.SAFETY_TRAINING: "未完成"},  # T02
        {schema.SAFETY_TRAINING: None},  # T03
        {schema.VETTING: "未通过"},  # T04: in service but failed
        {schema.VETTING: None},  # T05: in service, vetting not needed
        {schema.STAFF_TYPE: "退休教师", schema.VETTING: None},  # T06
        {schema.STAFF_TYPE: "校外专业人员", schema.VETTING: "待审核", schema.SAFETY_TRAINING: "未完成"},  # T07
        {schema.STAFF_TYPE: "志愿者", schema.VETTING: "未通过"},  # T08
        {schema.STAFF_TYPE: "家长义工"},  # T09 eligible
        {schema.MAX_PER_WEEK: 0},  # T10
    )
    table = st.eligibility(staff)
    assert list(table.columns) == ["工号", "姓名", "人员类型", "可排班", "原因", "应当"]
    by_id = table.set_index("工号")
    assert set(by_id.index[by_id["可排班"] == "是"]) == {"T01", "T05", "T09"}
    expected = {"T02": "安全培训未完成", "T03": "安全培训未填写", "T04": "资质审核未通过", "T06": "资质审核未填写",
                "T07": "资质审核待审核", "T08": "资质审核未通过", "T10": "每周最多次数为0"}
    for sid, reason in expected.items():
        assert reason in by_id.at[sid, "原因"], sid
        assert by_id.at[sid, "应当"], sid
    assert "安全培训未完成" in by_id.at["T07", "原因"]
    assert by_id.at["T01", "原因"] == "" and by_id.at["T01", "应当"] == ""
    assert list(table["可排班"]) == sorted(table["可排班"], key=lambda v: v == "是")  # who to act on, first


def test_needs_sizes_adults_by_ratio_and_keeps_only_open_clubs_on_service_days():
    care = care_frame(("周一", "一年级1组", 45), ("周一", "二年级1组", 46), ("周二", "一年级1组", 10))
    clubs = activities_frame({schema.ACTIVITY_DAYS: "周一,周六"}, {schema.ACTIVITY_DAYS: "周二"})
    state = pd.DataFrame({schema.ACTIVITY_ID: ["K01", "K02"], "已分配": [30, 0], "状态": ["开班", "取消（不足开班最低人数）"]})
    table = st.needs(care, clubs, state, service_weekdays=(0, 1, 2, 3, 4), children_per_adult=20)
    assert list(zip(table[st.WEEKDAY], table[st.GROUP], table[st.NEEDED])) == [
        ("周一", "一年级1组", 3), ("周一", "二年级1组", 3), ("周一", "K01", 2), ("周二", "一年级1组", 1)]
    assert table.loc[table[st.GROUP] == "K01", st.SIZE].item() == 30
    assert st.adults_needed(0, 45) == 1 and st.adults_needed(45, 45) == 1 and st.adults_needed(46, 45) == 2


# --- the hard rules on random instances ------------------------------------------------------------------------
TYPES = ("在职教师", "在职教师", "退休教师", "校外专业人员", "志愿者", "家长义工")
SKILL_WORDS = ("篮球", "书法", "舞蹈", "")


@strat.composite
def instances(draw):
    days = tuple(sorted(draw(strat.sets(strat.integers(0, 4), min_size=1, max_size=3))))
    people = []
    for _ in range(draw(strat.integers(1, 7))):
        available = draw(strat.sets(strat.integers(0, 4), max_size=3))
        people.append({
            schema.STAFF_TYPE: draw(strat.sampled_from(TYPES)),
            schema.SKILLS: draw(strat.sampled_from(SKILL_WORDS)) or None,
            schema.AVAILABLE_DAYS: nz.format_weekdays(sorted(available)) or None,
            schema.MAX_PER_WEEK: draw(strat.one_of(strat.just(pd.NA), strat.integers(0, 3))),
            schema.VETTING: draw(strat.sampled_from(("通过", "通过", "待审核", "未通过", None))),
            schema.SAFETY_TRAINING: draw(strat.sampled_from(("已完成", "已完成", "已完成", "未完成", None))),
        })
    care = [(schema.WEEKDAY_NAMES[d], f"组{g + 1}", draw(strat.integers(5, 70)))
            for d in days for g in range(draw(strat.integers(0, 2)))]
    clubs = [{schema.ACTIVITY_DAYS: nz.format_weekdays(sorted(draw(strat.sets(strat.sampled_from(days), min_size=1)))),
              schema.SKILL_NEEDED: draw(strat.sampled_from(SKILL_WORDS)) or None,
              schema.CAPACITY_MAX: draw(strat.integers(5, 40))}
             for _ in range(draw(strat.integers(0, 2)))]
    return staff_frame(*people), places(care, clubs, days, ratio=30), days, draw(strat.integers(0, 2))


@hyp_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_hard_rules_hold_on_random_instances(instance):
    staff, need, days, duty = instance
    result = roster(staff, need, days, duty, time_limit=0.5)
    assert_rules(result, staff)
    assert len(result.places) == len(need) + (len(days) if duty else 0)


# --- gaps, pins, 指定教师 ---------------------------------------------------------------------------------------
def test_too_few_staff_gives_gaps_with_reasons_not_an_exception():
    staff = staff_frame(
        {schema.AVAILABLE_DAYS: "周一"},
        {schema.STAFF_TYPE: "志愿者", schema.SKILLS: "舞蹈", schema.AVAILABLE_DAYS: "周一,周二"},
        {schema.STAFF_TYPE: "校外专业人员", schema.SKILLS: "篮球", schema.VETTING: "待审核"},
    )
    need = places(care=[("周一", "一年级1组", 30), ("周一", "二年级1组", 30), ("周二", "一年级1组", 30)],
                  clubs=[{schema.ACTIVITY_DAYS: "周二", schema.SKILL_NEEDED: "篮球"}], days=(0, 1))
    result = roster(staff, need, (0, 1), duty=1)
    assert_rules(result, staff)
    gaps = result.gaps.set_index([st.WEEKDAY, st.GROUP])
    assert len(result.duties) == 1 and result.missing == 5
    monday = [g for g in ("一年级1组", "二年级1组", st.DUTY_GROUP) if ("周一", g) in gaps.index]
    assert len(monday) == 2  # one teacher on Monday, three places
    for group in monday:
        assert "当天可服务的人员都已安排" in gaps.at[("周一", group), st.REASON]
        assert gaps.at[("周一", group), st.ACTION]
    assert "当天没有可服务的人员" in gaps.at[("周二", "一年级1组"), st.REASON]
    assert "当天没有可服务的人员" in gaps.at[("周二", st.DUTY_GROUP), st.REASON]
    assert "当天没有可服务的人员" in gaps.at[("周二", "K01"), st.REASON]  # the teacher could run it, not that day
    assert result.status == st.OPTIMAL
    # nobody who may run a basketball club at all: the volunteer dances, the coach is not vetted
    outsiders = staff.iloc[1:]
    alone = roster(outsiders, places(clubs=[{schema.SKILL_NEEDED: "篮球"}], days=(0,)), (0,))
    club = alone.gaps[st.REASON].item()
    assert alone.duties.empty and "没有符合要求的人员" in club and "另有 1 人暂不能排班" in club


def test_volunteers_help_in_large_care_groups_only_beside_a_teacher():
    staff = staff_frame({}, {schema.STAFF_TYPE: "志愿者"}, {schema.STAFF_TYPE: "家长义工"},
                        {schema.STAFF_TYPE: "校外专业人员"})
    need = places(care=[("周一", "一年级1组", 70)], days=(0,), ratio=25)  # 3 adults
    result = roster(staff, need, (0,))
    assert_rules(result, staff)
    assert sorted(result.duties[schema.STAFF_ID]) == ["T01", "T02", "T03"] and result.gaps.empty
    alone = roster(staff_frame({schema.STAFF_TYPE: "志愿者"}, {schema.STAFF_TYPE: "家长义工"}), need, (0,))
    assert alone.duties.empty
    assert "没有可负责看护组的在职教师或退休教师" in alone.gaps[st.REASON].item()


def test_pins_are_honoured_and_impossible_ones_refused_with_a_problem():
    staff = staff_frame({}, {}, {}, {schema.AVAILABLE_DAYS: "周一"}, {schema.STAFF_TYPE: "校外专业人员", schema.SKILLS: "篮球"})
    need = places(care=[("周一", "A组", 20), ("周二", "A组", 20), ("周二", "B组", 20)], days=(0, 1))
    pins = [("周二", "B组", "T04"),  # not available on Tuesday
            ("周二", "A组", "T03"),  # fine
            ("周一", "值班", "T02"),  # fine
            ("周三", "A组", "T01"),  # no such place
            ("周一", "A组", "T99"),  # no such person
            ("周一", "A组", "T05"),  # outside staff never run care groups
            ("周二", "B组", "T03")]  # T03 already pinned on Tuesday
    result = roster(staff, need, (0, 1), duty=1, pins=pins)
    assert_rules(result, staff)
    fixed = result.duties[result.duties[st.SOURCE] == st.FROM_PIN]
    assert set(zip(fixed[st.WEEKDAY], fixed[st.GROUP], fixed[schema.STAFF_ID])) == {
        ("周二", "A组", "T03"), ("周一", "值班", "T02")}
    refused = [p for p in result.problems if "固定安排无法执行" in p.message]
    assert len(refused) == 5
    messages = " ".join(p.message for p in refused)
    for text in ("可服务日不含周二", "没有“A组”", "T99", "校外专业人员不负责看护组", "已安排在A组"):
        assert text in messages
    assert result.gaps.empty


def test_assigned_teacher_by_id_or_name_is_fixed_and_an_ineligible_one_is_named():
    staff = staff_frame(
        {schema.NAME: "王老师", schema.SKILLS: "篮球"},  # T01
        {schema.NAME: "李老师"},  # T02
        {schema.NAME: "张教练", schema.STAFF_TYPE: "校外专业人员", schema.SKILLS: "武术", schema.VETTING: "待审核"},
        {schema.NAME: "赵老师", schema.AVAILABLE_DAYS: "周二"},  # T04
        {schema.NAME: "同名"}, {schema.NAME: "同名"},  # T05, T06
        {schema.NAME: "钱老师", schema.STAFF_TYPE: "校外专业人员", schema.SKILLS: "围棋"},  # T07
    )
    clubs = [{schema.ACTIVITY_DAYS: "周一,周二", schema.ASSIGNED_TEACHER: "李老师", schema.SKILL_NEEDED: "篮球"},
             {schema.ACTIVITY_DAYS: "周一", schema.ASSIGNED_TEACHER: "张教练", schema.SKILL_NEEDED: "武术"},
             {schema.ACTIVITY_DAYS: "周一,周二", schema.ASSIGNED_TEACHER: "t04"},
             {schema.ACTIVITY_DAYS: "周二", schema.ASSIGNED_TEACHER: "同名"},
             {schema.ACTIVITY_DAYS: "周二", schema.ASSIGNED_TEACHER: "钱老师"}]
    result = roster(staff, places(clubs=clubs, days=(0, 1)), (0, 1))
    assert_rules(result, staff)
    by = {(d, g): (sid, src) for d, g, sid, src in result.duties[[st.WEEKDAY, st.GROUP, schema.STAFF_ID, st.SOURCE]].itertuples(index=False)}
    assert by[("周一", "K01")] == ("T02", st.FROM_ASSIGNED) and by[("周二", "K01")] == ("T02", st.FROM_ASSIGNED)
    assert by[("周二", "K03")] == ("T04", st.FROM_ASSIGNED)  # 工号 in lower case
    assert by[("周二", "K05")] == ("T07", st.FROM_ASSIGNED)  # chosen by the school, whatever the 特长
    assert by[("周一", "K02")][0] != "T03"  # ineligible: someone else runs it
    problems = {p.message: p for p in result.problems}
    ineligible = next(p for m, p in problems.items() if "张教练" in m)
    assert "资质审核待审核" in ineligible.message and ineligible.file == "activities.xlsx"
    assert ineligible.row == 3 and ineligible.column == "指定教师" and ineligible.value == "张教练"
    assert any("T04" in m and "可服务日不含周一" in m for m in problems)
    assert any("有 2 人叫“同名”" in m for m in problems)
    assert len(result.problems) == 3


# --- objectives ------------------------------------------------------------------------------------------------
def test_even_spread_when_one_exists():
    staff = staff_frame(*[{} for _ in range(5)], {schema.STAFF_TYPE: "退休教师"})
    care = [(day, f"{g}组", 30) for day in WEEK[:3] for g in "ABC"]
    result = roster(staff, places(care=care, days=(0, 1, 2)), (0, 1, 2), duty=1)
    assert_rules(result, staff)
    assert result.gaps.empty and len(result.duties) == 12
    assert result.spread <= 1 and set(result.loads) <= {2, 3}
    assert all(s.status == st.OPTIMAL for s in result.stages if s.name != st.STAGE_CONTINUITY)


def test_skills_are_matched_and_outsiders_only_where_they_fit():
    staff = staff_frame({schema.SKILLS: "书法"}, {schema.SKILLS: "篮球、田径"},
                        {schema.STAFF_TYPE: "校外专业人员", schema.SKILLS: "舞蹈"},
                        {schema.STAFF_TYPE: "校外专业人员", schema.SKILLS: "围棋"})
    clubs = [{schema.ACTIVITY_NAME: "趣味篮球", schema.SKILL_NEEDED: "篮球"},
             {schema.ACTIVITY_NAME: "少儿舞蹈"},  # no 所需特长: the name decides
             {schema.ACTIVITY_NAME: "硬笔书法", schema.SKILL_NEEDED: "书法"}]
    result = roster(staff, places(clubs=clubs, days=(0,)), (0,))
    assert_rules(result, staff)
    got = dict(zip(result.duties[st.GROUP], result.duties[schema.STAFF_ID]))
    assert got == {"K01": "T02", "K02": "T03", "K03": "T01"}
    assert "T04" not in set(result.duties[schema.STAFF_ID])


def test_same_person_all_week_where_possible_and_same_result_twice():
    care = [(day, g, 30) for day in WEEK[:3] for g in ("A组", "B组")]
    need = places(care=care, days=(0, 1, 2))
    two = staff_frame({}, {})
    first = roster(two, need, (0, 1, 2))
    assert first.duties.groupby(st.GROUP)[schema.STAFF_ID].nunique().to_dict() == {"A组": 1, "B组": 1}
    again = roster(two, need, (0, 1, 2))
    pd.testing.assert_frame_equal(first.duties, again.duties)
    assert roster_bytes(first) == roster_bytes(again)  # nothing run-dependent (such as times) in the file
    # four teachers: the even spread (2, 2, 1, 1) comes first and costs a second face per group;
    # continuity first gives one face per group and leaves two teachers idle
    four = staff_frame(*[{schema.MAX_PER_WEEK: 3} for _ in range(4)])
    even = roster(four, need, (0, 1, 2))
    assert even.spread == 1 and even.duties.groupby(st.GROUP)[schema.STAFF_ID].nunique().max() == 2
    faces_first = roster(four, need, (0, 1, 2), stages=(st.STAGE_GAPS, st.STAGE_CONTINUITY, st.STAGE_SPREAD))
    assert faces_first.duties.groupby(st.GROUP)[schema.STAFF_ID].nunique().to_dict() == {"A组": 1, "B组": 1}
    assert faces_first.spread == 3 and [s.name for s in faces_first.stages] == ["缺口", "连续负责", "工作量均衡"]


# --- subsidies -------------------------------------------------------------------------------------------------
def test_subsidies_by_month_from_the_real_service_days():
    """22 Sep – 17 Oct 2025: National Day 1–8 Oct off, Saturday 11 Oct a make-up day following
    Wednesday's timetable, Sunday 28 Sep a make-up day the school did not schedule. September has
    Mondays and Tuesdays ×2, Wednesday to Friday ×1; October Monday and Tuesday ×1, Wednesday ×2
    (15th and the 11th), Thursday and Friday ×2."""
    loaded, _ = load_settings(ROOT / "data_templates" / "settings.yaml")
    term = dataclasses.replace(loaded, term_start=dt.date(2025, 9, 22), term_end=dt.date(2025, 10, 17))
    school = pd.DataFrame({schema.EXCEL_ROW: pd.array([2], dtype="Int64"),
                           schema.DATE: pd.to_datetime(["2025-10-11"]).astype("datetime64[ns]"),
                           schema.DAY_TYPE: ["调休上课"], schema.FOLLOWS_WEEKDAY: ["周三"], schema.NOTE: ["国庆节调休"]})
    calendar = build_term_calendar(term, school)
    staff = staff_frame({schema.AVAILABLE_DAYS: "周一,周三"}, {schema.AVAILABLE_DAYS: "周二"},
                        {schema.AVAILABLE_DAYS: "周三,周四,周五"},
                        {schema.STAFF_TYPE: "退休教师", schema.AVAILABLE_DAYS: "周四"},
                        {schema.STAFF_TYPE: "志愿者", schema.SKILLS: "舞蹈", schema.AVAILABLE_DAYS: "周五"})
    need = places(care=[("周三", "一年级1组", 30), ("周四", "二年级1组", 30)],
                  clubs=[{schema.ACTIVITY_NAME: "舞蹈", schema.ACTIVITY_DAYS: "周五", schema.SKILL_NEEDED: "舞蹈"}])
    result = roster(staff, need, duty=1, pins=[("周三", "一年级1组", "T01")])
    week = set(zip(result.duties[schema.STAFF_ID], result.duties[st.WEEKDAY], result.duties[st.ROLE]))
    assert week == {("T01", "周一", "值班"), ("T01", "周三", "负责"), ("T02", "周二", "值班"), ("T03", "周三", "值班"),
                    ("T03", "周四", "值班"), ("T03", "周五", "值班"), ("T04", "周四", "负责"), ("T05", "周五", "负责")}
    rule = st.SubsidyRule(Decimal("30.35"), duty_periods=Decimal("0.5"))
    table = st.subsidies(result, calendar, 2, rule)
    assert list(table.columns) == list(st.SUBSIDY_COLUMNS)
    got = {(r[schema.STAFF_ID], r[st.MONTH]): (r[st.TIMES], r[st.PERIODS], r[st.AMOUNT]) for r in table.to_dict("records")}
    D = Decimal
    assert got == {
        ("T01", "2025-09"): (3, D("3.0"), D("91.05")),  # 2 duties ×0.5 + 1 group ×2
        ("T01", "2025-10"): (3, D("4.5"), D("136.58")),  # 1 duty + 2 groups (the 11th counts): 136.575 half-up
        ("T02", "2025-09"): (2, D("1.0"), D("30.35")),
        ("T02", "2025-10"): (1, D("0.5"), D("15.18")),  # 15.175
        ("T03", "2025-09"): (3, D("1.5"), D("45.53")),  # 45.525
        ("T03", "2025-10"): (6, D("3.0"), D("91.05")),
        ("T04", "2025-09"): (1, D("2"), D("60.70")),
        ("T04", "2025-10"): (2, D("4"), D("121.40")),
        ("T05", "2025-09"): (1, D("2"), D("0.00")),  # 志愿者: not paid by default
        ("T05", "2025-10"): (2, D("4"), D("0.00")),
    }
    assert all(isinstance(v, Decimal) for v in table[st.AMOUNT])
    assert table.loc[table[schema.STAFF_ID] == "T05", st.REMARK].str.contains("志愿者不在补助发放对象内").all()
    assert (table.loc[table[schema.STAFF_ID] != "T05", st.REMARK] == "").all()
    everyone = st.subsidies(result, calendar, 2, dataclasses.replace(rule, paid_types=schema.STAFF_TYPES))
    assert everyone.loc[everyone[schema.STAFF_ID] == "T05", st.AMOUNT].tolist() == [D("60.70"), D("121.40")]


# --- the workbook ----------------------------------------------------------------------------------------------
def test_workbook_first_sheet_gaps_sheet_and_same_bytes(tmp_path: Path):
    staff = staff_frame({schema.AVAILABLE_DAYS: "周一"}, {schema.STAFF_TYPE: "志愿者", schema.SKILLS: "舞蹈"})
    need = places(care=[("周一", "一年级1组", 30), ("周二", "一年级1组", 30)],
                  clubs=[{schema.ACTIVITY_NAME: "少儿舞蹈", schema.ACTIVITY_DAYS: "周二"}], days=(0, 1))
    result = roster(staff, need, (0, 1), duty=1)
    subsidy = pd.DataFrame(columns=list(st.SUBSIDY_COLUMNS))
    path = write_roster(tmp_path / "排班结果" / ROSTER_FILE, result, subsidy, heading="示例小学")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["排班", "缺口", "值班表", "个人课表", "工作量", "补助", "资格审核", "提示", "说明"]
    first = book.worksheets[0]
    assert [c.value for c in first[1]][:4] == ["星期", "组别", "工号", "角色"]
    rows = list(first.iter_rows(min_row=2, values_only=True))
    assert {(r[0], r[1], r[2], r[3]) for r in rows} == {("周一", "一年级1组", "T01", "负责"), ("周二", "K01", "T02", "负责")}
    gaps = book["缺口"]
    assert [c.value for c in gaps[1]][:2] == ["星期", "组别"]
    listed = {(r[0], r[1]) for r in gaps.iter_rows(min_row=2, values_only=True)}
    assert listed == {("周一", "值班"), ("周二", "一年级1组"), ("周二", "值班")}
    grid = book["值班表"]
    assert grid.page_setup.orientation == "landscape" and grid["A1"].value.startswith("示例小学")
    assert any(cell == "缺1人" for row in grid.iter_rows(values_only=True) for cell in row)
    assert [c.value for c in book["补助"][2]][0] == "合计"
    assert not any("联系电话" in str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row)
    assert roster_bytes(result, subsidy, heading="示例小学") == path.read_bytes()


# --- the sample school -------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sample():
    from afterschool_lib import allocation as al
    from afterschool_lib import care_groups as cg
    from afterschool_lib import survey as sv
    from afterschool_lib.validate import check_folder

    folder = ROOT / "data_templates" / "sample"
    check = check_folder(folder)
    settings = check.settings
    students, activities = check.frame("students"), check.frame("activities")
    applications, _ = sv.prepare_applications(check.frame("survey"), students, activities, settings.service_weekdays)
    class_review, school_review, _ = sv.read_reviews(folder, applications)
    status = sv.review_status(students, applications, class_review, school_review)
    taking_part, _ = sv.taking_part(applications, status, students)
    allocation = al.allocate(taking_part, activities, "da", al.default_seed(settings.term_start))
    opened = set(allocation.clubs.loc[allocation.clubs[al.STATUS] == al.OPEN, schema.ACTIVITY_ID])
    care = cg.form_care_groups(taking_part, check.frame("rooms"), settings.service_weekdays, settings.group_size,
                               activities, allocation.placements, opened)
    need = st.needs(care.groups, activities, allocation.clubs, service_weekdays=settings.service_weekdays,
                    children_per_adult=settings.adult_ratio)
    # the two stages the checks below rely on, to keep the suite fast; benchmarks/roster.py and the
    # notebook run all four
    result = st.make_roster(check.frame("staff"), need, settings.service_weekdays, settings.duty_per_day,
                            stages=(st.STAGE_GAPS, st.STAGE_SPREAD), time_limit=3.0)
    return check, settings, care, allocation, result


def test_sample_school_every_group_has_its_adults_or_a_gap_row(sample):
    check, settings, care, allocation, result = sample
    assert_rules(result, check.frame("staff"))
    staffed = result.duties.groupby([st.WEEKDAY, st.GROUP]).size()
    short = result.gaps.set_index([st.WEEKDAY, st.GROUP])[st.MISSING]
    for day, group in zip(care.groups[st.WEEKDAY], care.groups[st.GROUP]):
        assert staffed.get((day, group), 0) + short.get((day, group), 0) >= 1, (day, group)
    from afterschool_lib import allocation as al
    opened = allocation.clubs[allocation.clubs[al.STATUS] == al.OPEN]
    for code, days in zip(opened[schema.ACTIVITY_ID], opened[schema.ACTIVITY_DAYS]):
        for d in nz.parse_weekdays(days):
            assert staffed.get((schema.WEEKDAY_NAMES[d], code), 0) + short.get((schema.WEEKDAY_NAMES[d], code), 0) >= 1
    for day in settings.service_weekday_names:
        assert staffed.get((day, st.DUTY_GROUP), 0) + short.get((day, st.DUTY_GROUP), 0) == settings.duty_per_day
    # the sample's planted cases: W03 named by 工号 runs basketball both days, 李文莉 (待审核, untrained) cannot
    basketball = result.duties[result.duties[st.GROUP] == "A01"]
    assert set(basketball[schema.STAFF_ID]) == {"W03"} and set(basketball[st.SOURCE]) == {st.FROM_ASSIGNED}
    assert any("李文莉" in p.message and "资质审核待审核" in p.message for p in result.problems)
    ineligible = set(result.eligibility.loc[result.eligibility[st.ELIGIBLE] == "否", schema.STAFF_ID])
    assert {"T056", "W01", "W06", "W08", "V03", "P02", "P04"} == ineligible
    figures = st.summary(result)
    print(f"\nsample school roster: {figures}", file=sys.stderr)
    assert figures["排班人次"] + figures["缺少人数"] == figures["需要人次"]


def test_sample_school_subsidies_and_workbook(sample, tmp_path: Path):
    check, settings, _, _, result = sample
    table = st.subsidies(result, check.calendar, settings.periods_per_day, st.SubsidyRule.from_settings(settings))
    assert set(table[schema.STAFF_ID]) == set(result.duties[schema.STAFF_ID])
    assert (table[st.AMOUNT] == table[st.PERIODS] * table[st.RATE]).all()  # whole 课时 at 30 元: exact
    assert table.loc[table[schema.STAFF_TYPE].isin(["志愿者", "家长义工"]), st.AMOUNT].eq(0).all()
    path = write_roster(tmp_path / ROSTER_FILE, result, table)
    assert openpyxl.load_workbook(path).sheetnames[0] == "排班"
