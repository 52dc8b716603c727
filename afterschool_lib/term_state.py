"""What the earlier steps decided, read back for the later ones (staffing, fees, evaluation).

Step 02 saves the club allocation the team chose (社团分配结果.xlsx, perhaps with hand moves) in
the term's output folder. Later steps must plan with *that* allocation, not a fresh one that could
differ, so they read it back here. When step 02 has not been run yet, the default allocation
(``da`` with the announced seed) stands in, and the caller is told which one was used.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import allocation as al
from . import care_groups as cg
from . import group_files as gf
from .problems import Problem, Severity
from .schema import ACTIVITY_ID, STUDENT_ID
from .survey import Participants, read_participants
from .validate import FolderCheck

NOT_MEETING = "无人分配，不开班"


@dataclass(frozen=True)
class TermGroups:
    """Who takes part, who holds which club, which clubs meet, and the care groups of each day.

    ``clubs``: the activity list's rows (活动编号, 活动名称, 活动日 ...) with 已分配 counted from
    ``placements`` and 状态 (开班 or not). ``source``: where the placements came from, in Chinese,
    to print beside any result built on them.
    """

    people: Participants
    placements: pd.DataFrame
    clubs: pd.DataFrame
    care: cg.CareGroups
    source: str
    problems: tuple[Problem, ...]

    @property
    def open_clubs(self) -> frozenset[str]:
        return frozenset(self.clubs.loc[self.clubs[al.STATUS] == al.OPEN, ACTIVITY_ID])


def load_term_groups(data_dir: Path | str, check: FolderCheck, out_dir: Path | str | None = None) -> TermGroups:
    """The term's groups as step 02 left them in ``out_dir`` (or the default allocation)."""
    settings, activities = check.settings, check.frame("activities")
    survey = check.inputs["survey"]
    people = read_participants(data_dir, check.frame("students"), survey.frame, activities,
                               settings.service_weekdays, survey.file_name)
    problems = list(people.problems)
    saved = Path(out_dir) / gf.ALLOCATION_FILE if out_dir is not None else None
    placements = None
    if saved is not None and saved.is_file():
        placements, _, found = gf.read_allocation(saved)
        problems += found
    if placements is not None:
        placements, statuses, notes = _still_taking_part(placements, people, activities, saved)
        problems += notes
        source = f"{saved.name}（分组编班步骤保存的分配结果）"
    else:
        seed = al.default_seed(settings.term_start)
        allocation = al.allocate(people.taking_part, activities, "da", seed)
        placements = allocation.placements[[STUDENT_ID, ACTIVITY_ID]]
        statuses = dict(zip(allocation.clubs[ACTIVITY_ID], allocation.clubs[al.STATUS]))
        source = f"按默认方法 da（随机种子 {seed}）计算的分配：还没有保存分组编班步骤的结果"
    clubs = _club_table(activities, placements, statuses)
    open_clubs = set(clubs.loc[clubs[al.STATUS] == al.OPEN, ACTIVITY_ID])
    care = cg.form_care_groups(people.taking_part, check.frame("rooms"), settings.service_weekdays, settings.group_size,
                               activities, placements, open_clubs)
    return TermGroups(people, placements.reset_index(drop=True), clubs, care, source, tuple(problems + list(care.problems)))


def _still_taking_part(placements: pd.DataFrame, people: Participants, activities: pd.DataFrame,
                       saved: Path) -> tuple[pd.DataFrame, dict[str, str], list[Problem]]:
    """Saved placements of students who still take part and clubs still on the list; the rest named."""
    taking_part = set(people.taking_part[STUDENT_ID].astype(str))
    listed = set(activities[ACTIVITY_ID].astype(str))
    keep = placements[STUDENT_ID].isin(taking_part) & placements[ACTIVITY_ID].isin(listed)
    notes = []
    gone = placements.loc[~keep]
    if len(gone):
        notes.append(Problem(saved.name, f"{len(gone)} 个社团名额的学生已不在参加名单中或社团已不在活动清单中，未计入",
                             "如有学生退出或社团调整，回到分组编班步骤重新分配并保存", Severity.WARNING, None, STUDENT_ID,
                             _some(sorted(set(gone[STUDENT_ID].astype(str))))))
    kept = placements.loc[keep, [STUDENT_ID, ACTIVITY_ID]]
    held = set(kept[ACTIVITY_ID])
    statuses = {code: (al.OPEN if code in held else NOT_MEETING) for code in listed}
    return kept, statuses, notes


def _some(ids: list[str], shown: int = 5) -> str:
    """A few 学号 and how many more: a line a person can read, not five hundred numbers."""
    return "、".join(ids[:shown]) + (f" 等 {len(ids)} 人" if len(ids) > shown else "")


def _club_table(activities: pd.DataFrame, placements: pd.DataFrame, statuses: dict[str, str]) -> pd.DataFrame:
    counts = placements[ACTIVITY_ID].value_counts()
    clubs = activities.copy()
    clubs[al.PLACED_COUNT] = [int(counts.get(code, 0)) for code in clubs[ACTIVITY_ID]]
    clubs[al.STATUS] = [statuses.get(code, NOT_MEETING) for code in clubs[ACTIVITY_ID]]
    return clubs.reset_index(drop=True)


@dataclass(frozen=True)
class TermStaffing:
    """The weekly duties step 03 saved (or a roster solved now), and where they came from.

    ``duties``: one row per person, weekday and place (星期, 组别, 工号, 角色, 姓名, 人员类型 ...),
    the only part of a roster the fees step needs: subsidies follow from it and the calendar.
    """

    duties: pd.DataFrame
    source: str
    problems: tuple[Problem, ...] = ()


def load_term_staffing(data_dir: Path | str, check: FolderCheck, out_dir: Path | str | None,
                       groups: TermGroups) -> TermStaffing:
    """The duties of 师资排班.xlsx in ``out_dir`` as step 03 saved them (pins included), or, when
    step 03 has not been saved, the roster solved now from the staff list and ``groups``."""
    from . import roster_files as rf

    saved = Path(out_dir) / rf.ROSTER_FILE if out_dir is not None else None
    if saved is not None and saved.is_file():
        duties, problems = rf.read_duties(saved)
        if duties is not None:
            return TermStaffing(duties, f"{saved.name}（师资安排步骤保存的排班）", tuple(problems))
    roster = solve_roster(check, groups)
    return TermStaffing(roster.duties, "按教职工表现在求解的排班：还没有保存师资安排步骤的结果", tuple(roster.problems))


def term_places(check: FolderCheck, groups: TermGroups) -> pd.DataFrame:
    """Every place step 03 must fill this term: the care groups and open clubs of each weekday."""
    from . import staffing as sf

    settings = check.settings
    return sf.needs(groups.care.groups, check.frame("activities"), groups.clubs,
                    service_weekdays=settings.service_weekdays, children_per_adult=settings.adult_ratio)


def solve_roster(check: FolderCheck, groups: TermGroups, pins=()):
    """The term's roster with the settings' duty and ratio rules (see :func:`staffing.make_roster`)."""
    from . import staffing as sf

    settings = check.settings
    return sf.make_roster(check.frame("staff"), term_places(check, groups), settings.service_weekdays,
                          settings.duty_per_day, pins, activities_file=check.inputs["activities"].file_name)


def term_subsidies(check: FolderCheck, staffing: TermStaffing) -> pd.DataFrame:
    """Each person's subsidy per month from the duties, the calendar and the settings' rule."""
    from . import staffing as sf

    settings = check.settings
    return sf.subsidies(staffing.duties, check.calendar, settings.periods_per_day, sf.SubsidyRule.from_settings(settings))


def term_fee_plan(check: FolderCheck, groups: TermGroups, staffing: TermStaffing, subsidy: pd.DataFrame | None = None):
    """The fee plan of step 04 (ledger, attendance check, budget) from the groups and duties;
    ``subsidy`` when the caller has already worked it out (:func:`term_subsidies`)."""
    from . import fees

    settings = check.settings
    subsidy = term_subsidies(check, staffing) if subsidy is None else subsidy
    return fees.plan_fees(settings, check.calendar, groups.people.taking_part, check.frame("attendance"),
                          students=check.frame("students"), subsidies=subsidy, expenses=check.frame("expenses"),
                          activities=check.frame("activities"))


def load_term_evaluation(data_dir: Path | str, check: FolderCheck, out_dir: Path | str | None = None,
                         previous: pd.DataFrame | None = None, rule=None, plan=None, groups=None, staffing=None):
    """The term's evaluation (step 05) from the inputs and what steps 02–04 saved in ``out_dir``.

    Returns (evaluation, groups, staffing): the last two say where the allocation and roster came from.
    A caller that already holds the groups, duties or fee plan passes them, so nothing is worked
    out twice.
    """
    from . import evaluation as ev
    from . import fees
    from . import staffing as sf
    from .masking import PERSONAL_COLUMNS

    groups = groups or load_term_groups(data_dir, check, out_dir)
    staffing = staffing or load_term_staffing(data_dir, check, out_dir, groups)
    plan = plan or term_fee_plan(check, groups, staffing)
    set_aside = set()
    if plan.attendance is not None:
        accounting = plan.attendance.accounting
        set_aside = set(accounting.loc[accounting[fees.OUTCOME] == fees.SET_ASIDE, fees.EXCEL_ROW].dropna().astype(int))
    students, staff = check.frame("students"), check.frame("staff")
    names = tuple(sorted({str(v) for frame in (students, staff) for column in PERSONAL_COLUMNS if column in frame
                          for v in frame[column].dropna() if str(v).strip()}))
    evaluation = ev.evaluate(
        students=students, applications=groups.people.applications, taking_part=groups.people.taking_part,
        attendance=ev.counted_attendance(check.frame("attendance"), set_aside),
        timetable=sf.timetable_weekdays(check.calendar), care_members=groups.care.members, clubs=groups.clubs,
        placements=groups.placements, staff=staff, duties=staffing.duties, satisfaction=check.frame("satisfaction"),
        incidents=check.frame("incidents"), fee_plan=plan, targets=check.settings.targets,
        rule=rule or ev.CommendationRule.from_settings(check.settings), names=names, previous=previous)
    return evaluation, groups, staffing


def previous_indicators(source: Path | str, current_term: str = "") -> tuple[pd.DataFrame | None, list[Problem]]:
    """Last term's indicators (指标, 数值) for the comparison: from its 期末评价.xlsx (the file or the
    output folder holding it), or, given last term's data folder, evaluated from that folder now."""
    from . import evaluation as ev
    from . import evaluation_files as ef
    from .settings import SETTINGS_FILE
    from .validate import check_folder

    path = Path(source)
    if path.is_dir() and not (path / ef.EVALUATION_FILE).is_file() and (path / SETTINGS_FILE).is_file():
        check = check_folder(path)
        if check.settings is None or not check.usable:
            return None, [Problem(str(path), "上学期的数据有错误，无法计算上学期的指标，学期对比从略",
                                  f"运行 afterschool validate {path} 查看并改正，或改为给出上学期的 {ef.EVALUATION_FILE}",
                                  Severity.WARNING)]
        evaluation, _, _ = load_term_evaluation(path, check)
        frame = evaluation.indicators[[ev.INDICATOR, ev.VALUE]].copy()
        frame.attrs[ef.REPORT_TITLE] = f"{check.settings.school_name} {check.settings.term_name}"
        return _not_this_term(frame, current_term, path)
    frame, problems = ef.read_indicators(path)
    return (_not_this_term(frame, current_term, path) if frame is not None else (frame, problems))


def _not_this_term(frame: pd.DataFrame, current_term: str, path: Path) -> tuple[pd.DataFrame, list[Problem]]:
    """Last term's figures, with a warning when they are in fact this term's own."""
    from . import evaluation_files as ef

    title = frame.attrs.get(ef.REPORT_TITLE, "")
    if current_term and current_term in title:
        return frame, [Problem(str(path), f"给出的“上学期”评价是本学期自己的（{title}），对比没有意义",
                               "改为给出上学期输出文件夹中的期末评价.xlsx", Severity.WARNING)]
    return frame, []


@dataclass(frozen=True, eq=False)
class TermRecord:
    """Everything the term's documents draw on (step 06): the checked inputs, the groups, the
    duties, the fee plan and, when the term has attendance or answers to evaluate, the evaluation.
    ``sources`` says where the groups and the duties came from, in Chinese."""

    check: FolderCheck
    groups: TermGroups
    staffing: TermStaffing
    fees: object  # fees.FeePlan
    evaluation: object | None  # evaluation.Evaluation
    sources: tuple[str, ...]
    subsidies: pd.DataFrame  # per person and month, as staffing.subsidies gives them

    @property
    def settings(self):
        return self.check.settings

    @property
    def calendar(self):
        return self.check.calendar

    def frame(self, stem: str) -> pd.DataFrame | None:
        return self.check.frame(stem)


def load_term_record(data_dir: Path | str, check: FolderCheck, out_dir: Path | str | None = None) -> TermRecord:
    """The term as steps 02–05 left it in ``out_dir`` (or as computed now where a step was not saved)."""
    from . import evaluation_files as ef

    attendance, answers = check.frame("attendance"), check.frame("satisfaction")
    has_results = (attendance is not None and len(attendance)) or (answers is not None and len(answers))
    groups = load_term_groups(data_dir, check, out_dir)
    staffing = load_term_staffing(data_dir, check, out_dir, groups)
    subsidy = term_subsidies(check, staffing)
    plan = term_fee_plan(check, groups, staffing, subsidy)
    evaluation = None
    if has_results:
        last_term = ef.previous_source(data_dir)
        previous = previous_indicators(last_term, check.settings.term_name)[0] if last_term is not None else None
        evaluation, _, _ = load_term_evaluation(data_dir, check, out_dir, previous, plan=plan, groups=groups,
                                                staffing=staffing)
    return TermRecord(check, groups, staffing, plan, evaluation,
                      (f"社团分配：{groups.source}", f"排班：{staffing.source}"), subsidy)
