"""A whole term folder checked at once: every file, the links between files, and the calendar.

:func:`check_folder` is what ``afterschool validate`` and notebook 00 show. It loads the settings
and every input, then checks what no single file can know: an application for a student who is
not on the roster, an attendance record on a day without service, a club in a room that does not
exist. Rows that must not be used further (an attendance record that would be billed wrongly) are
taken out of the frames here and named in a problem, so the row accounting still holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from . import normalize as nz
from .files import find_input
from .loaders import LoadResult, guess_spec, load_input
from .problems import Problem, Severity, group_repeats, has_errors, sort_problems
from .schema import (
    ACTIVITY_DAYS,
    ACTIVITY_ID,
    ACTIVITY_NAME,
    ASSIGNED_TEACHER,
    CHOICES,
    DATE,
    DAY_IS_SERVICE,
    DAY_KIND,
    EXCEL_ROW,
    HOMEWORK_ITEM,
    INPUTS,
    ITEM,
    MAX_CLUBS,
    NAME,
    ROOM,
    SETTINGS_FILE,
    STAFF_ID,
    InputSpec,
)
from .settings import Settings, load_settings
from .term_calendar import TermCalendar, build_term_calendar

# inputs whose rows naming an unknown student are set aside rather than used
_SET_ASIDE_UNKNOWN_STUDENTS = {"attendance"}


@dataclass(frozen=True)
class FolderCheck:
    """The loaded term folder and everything wrong with it.

    ``inputs`` holds one :class:`LoadResult` per input file found, with the cross-file checks
    already applied to its frame and problems. ``calendar`` is None when the settings are unusable.
    """

    folder: Path
    settings: Settings | None
    calendar: TermCalendar | None
    inputs: dict[str, LoadResult] = field(default_factory=dict)
    folder_problems: tuple[Problem, ...] = ()

    @property
    def problems(self) -> list[Problem]:
        found = list(self.folder_problems)
        for result in self.inputs.values():
            found.extend(result.problems)
        return sort_problems(found)

    @property
    def usable(self) -> bool:
        return not has_errors(self.problems)

    def frame(self, stem: str) -> pd.DataFrame | None:
        result = self.inputs.get(stem)
        return None if result is None else result.frame

    def accounting(self) -> pd.DataFrame:
        """Per file: rows read, kept, set aside, blank; the table behind the summary line."""
        rows = []
        for stem, result in self.inputs.items():
            rows.append({
                "文件": result.file_name, "内容": INPUTS[stem].title, "数据行": result.rows_read,
                "已读入": result.rows_kept, "未读入": result.rows_dropped, "空行": result.blank_rows,
                "错误": sum(p.is_error for p in result.problems),
                "警告": sum(not p.is_error for p in result.problems),
            })
        return pd.DataFrame(rows, columns=["文件", "内容", "数据行", "已读入", "未读入", "空行", "错误", "警告"])

    def summary(self) -> str:
        table = self.accounting()
        problems = self.problems
        errors = sum(p.is_error for p in problems)
        dropped = int(table["未读入"].sum())
        text = (f"共检查 {len(table)} 个数据文件，数据 {int(table['数据行'].sum()):,} 行："
                f"已读入 {int(table['已读入'].sum()):,} 行，未读入 {dropped:,} 行" + ("（均已逐行说明）" if dropped else "")
                + f"，另有空行 {int(table['空行'].sum())} 行；错误 {errors} 个，警告 {len(problems) - errors} 个。")
        return text + ("可以进入下一步。" if errors == 0 else "请先改正错误再继续。")


def check_folder(folder: Path | str) -> FolderCheck:
    """Load and check every input of a term folder (no file is written)."""
    folder = Path(folder)
    problems: list[Problem] = []
    if not folder.is_dir():
        problem = Problem(folder.name or str(folder), "找不到这个文件夹", "检查路径，或先用 afterschool init 新建学期文件夹")
        return FolderCheck(folder, None, None, {}, (problem,))
    settings = None
    settings_path = folder / SETTINGS_FILE
    if settings_path.is_file():
        settings, settings_problems = load_settings(settings_path)
        problems.extend(settings_problems)
    else:
        problems.append(Problem(SETTINGS_FILE, "找不到学期设置文件", "从 data_templates/settings.yaml 复制一份并填写，或运行 afterschool init"))
    inputs: dict[str, LoadResult] = {}
    for stem, spec in INPUTS.items():
        path, others = find_input(folder, stem)
        if path is None:
            severity = Severity.WARNING if spec.optional else Severity.ERROR
            why = "这是可选文件，缺少时相关统计从略" if spec.optional else "这是必需的文件"
            hint = "；问卷星、腾讯问卷的导出可用 afterschool import-survey 整理成这个文件" if stem == "survey" else ""
            problems.append(Problem(f"{stem}.xlsx", f"找不到{spec.title}文件（{why}）",
                                    f"把{spec.title}保存为 {stem}.xlsx 放进学期文件夹，可从空白模板复制{hint}", severity))
            continue
        for other in others:
            problems.append(Problem(other.name, f"与 {path.name} 重复，只读取了 {path.name}",
                                    "删除或改名多余的文件", Severity.WARNING))
        inputs[stem] = _own_rules(_require_rows(load_input(spec, path)))
    calendar = None
    if settings is not None:
        school_calendar = inputs["calendar"].frame if "calendar" in inputs else None
        calendar = build_term_calendar(settings, school_calendar)
        problems.extend(_named(calendar.problems, "calendar" in inputs and inputs["calendar"].file_name))
    inputs = cross_check(inputs, calendar)
    if settings is not None and "activities" in inputs:
        found = _activity_days_served(inputs["activities"], settings.service_weekdays)
        inputs["activities"] = _with(inputs["activities"], found)
    if settings is not None:
        from .fees import check_expenses, fee_options  # fees builds on this module

        problems.extend(fee_options(settings)[1])
        if "expenses" in inputs and calendar is not None and inputs["expenses"].usable:
            activities = inputs["activities"].frame if "activities" in inputs else None
            found = check_expenses(inputs["expenses"].frame, calendar, activities, inputs["expenses"].file_name)
            inputs["expenses"] = _with(inputs["expenses"], found)
    return FolderCheck(folder, settings, calendar, inputs, tuple(problems))


def _activity_days_served(activities: LoadResult, service_weekdays: tuple[int, ...]) -> list[Problem]:
    """An activity meeting on a day without service: no child can attend it, so every family
    choosing it would be told of a clash that is the list's mistake, not theirs."""
    served = set(service_weekdays)
    found = []
    for row, days in zip(activities.frame[EXCEL_ROW], activities.frame[ACTIVITY_DAYS]):
        outside = [d for d in (nz.parse_weekdays(days) or ()) if d not in served]
        if outside:
            found.append(Problem(activities.file_name, f"{nz.format_weekdays(outside)}不是本学期的服务日，这天没有学生能参加",
                                 "改成服务日中的一天，或在学期设置中加上这天", Severity.WARNING, int(row), ACTIVITY_DAYS, days))
    return found


def check_file(path: Path | str) -> tuple[InputSpec | None, LoadResult | None, list[Problem]]:
    """Check one file alone (``afterschool validate FILE``); links to other files are not checked."""
    path = Path(path)
    if path.name == SETTINGS_FILE or path.suffix.lower() in (".yaml", ".yml"):
        _, problems = load_settings(path)
        return None, None, problems
    if not path.is_file():
        return None, None, [Problem(path.name, "找不到这个文件", "检查文件名和路径")]
    spec = guess_spec(path)
    if spec is None:
        names = "、".join(f"{s.stem}（{s.title}）" for s in INPUTS.values())
        return None, None, [Problem(path.name, "认不出这是哪一种数据文件", f"把文件命名为 {names} 之一，或使用空白模板的表头")]
    result = _own_rules(_require_rows(load_input(spec, path)))
    return spec, result, list(result.problems)


def _require_rows(result: LoadResult) -> LoadResult:
    """A required input with a header and no data cannot be planned from."""
    if result.spec.optional or result.rows_read or not result.usable:
        return result
    empty = Problem(result.file_name, f"{result.spec.title}只有表头，还没有数据", f"按“填写说明”工作表填写{result.spec.title}")
    return replace(result, problems=result.problems + (empty,))


def _own_rules(result: LoadResult) -> LoadResult:
    """Checks between the columns of one file: a family listing clubs while asking for none."""
    frame = result.frame
    if result.spec.stem != "survey" or MAX_CLUBS not in frame or not len(frame):
        return result
    listed = frame[list(CHOICES)].notna().any(axis=1)
    refused = listed & (pd.to_numeric(frame[MAX_CLUBS], errors="coerce") == 0)
    found = [Problem(result.file_name, "填了社团志愿，但最多社团数是 0，不会分配社团", "想参加社团就把最多社团数改为 1（或 2），"
                     "不参加社团就删去志愿", Severity.WARNING, int(row), MAX_CLUBS, "0")
             for row in frame.loc[refused, EXCEL_ROW]]
    return _with(result, found) if found else result


def _named(problems: tuple[Problem, ...], calendar_file: str | bool) -> list[Problem]:
    """Calendar problems name the calendar file when they concern one of its rows."""
    if not calendar_file:
        return list(problems)
    return [replace(p, file=calendar_file) if p.row is not None and p.file != calendar_file else p for p in problems]


def cross_check(inputs: dict[str, LoadResult], calendar: TermCalendar | None) -> dict[str, LoadResult]:
    """Check what one file says about another; returns the results with problems (and set-asides) added.

    A file with errors is not used as a reference: its rejected rows would make every mention of
    them elsewhere look wrong, burying the one real error under thousands of knock-on warnings.
    The referring file gets one line saying what was not checked, and why.
    """
    checked = dict(inputs)

    def reference(stem: str, referrer: str, what: str) -> LoadResult | None:
        other = inputs.get(stem)
        if other is None or referrer not in checked:
            return None
        if not other.usable:
            if checked[referrer].frame.empty:  # nothing here to check: the note would only be noise
                return None
            note = Problem(checked[referrer].file_name, f"{other.spec.title}（{other.file_name}）有错误，暂不核对本文件中的{what}",
                           f"先改正{other.file_name}的错误，再重新检查", Severity.WARNING)
            checked[referrer] = _with(checked[referrer], [note])
            return None
        return other

    for stem, result in inputs.items():
        for column, other_stem, other_column in result.spec.references:
            other = reference(other_stem, stem, column)
            if other is None or column not in result.frame:
                continue
            values = result.frame[column]
            unknown = values.notna() & ~values.isin(set(other.frame[other_column]))
            set_aside = stem in _SET_ASIDE_UNKNOWN_STUDENTS
            found = [Problem(result.file_name,
                             f"{other.spec.title}里没有这个{column}" + ("，这条记录不计入统计和收费" if set_aside else ""),
                             f"核对{column}是否写错；如是新转入的学生，先加入{other.spec.title}", Severity.WARNING,
                             int(row), column, str(value), dropped=set_aside)
                     for row, value in zip(result.frame.loc[unknown, EXCEL_ROW], values[unknown])]
            checked[stem] = _with(checked[stem], found, unknown if set_aside else None)
    if "activities" in inputs:
        rooms = reference("rooms", "activities", ROOM)
        staff = reference("staff", "activities", ASSIGNED_TEACHER)
        checked["activities"] = _with(checked["activities"], _activity_links(inputs["activities"], rooms, staff))
    activities = reference("activities", "survey", "志愿")
    if activities is not None:
        checked["survey"] = _with(checked["survey"], _choice_links(checked["survey"], activities))
    if "attendance" in checked:
        found, outside = attendance_days(checked["attendance"], calendar, reference("activities", "attendance", ITEM))
        checked["attendance"] = _with(checked["attendance"], found, outside)
    return checked


def _with(result: LoadResult, problems: list[Problem], set_aside: pd.Series | None = None) -> LoadResult:
    if not problems:
        return result
    frame = result.frame
    if set_aside is not None and set_aside.any():
        frame = frame[~set_aside].reset_index(drop=True)
    return replace(result, frame=frame, problems=tuple(group_repeats(result.problems + tuple(problems))))


def _activity_links(activities: LoadResult, rooms: LoadResult | None, staff: LoadResult | None) -> list[Problem]:
    found: list[Problem] = []
    frame = activities.frame
    if rooms is not None and len(rooms.frame):
        known = set(rooms.frame[ROOM])
        for _, row in frame[frame[ROOM].notna() & ~frame[ROOM].isin(known)].iterrows():
            found.append(Problem(activities.file_name, "场地表里没有这个场地", "改成场地表中的名称，或在 rooms 场地表中加上它",
                                 Severity.WARNING, int(row[EXCEL_ROW]), ROOM, row[ROOM]))
    if staff is not None and len(staff.frame):
        known = set(staff.frame[STAFF_ID]) | set(staff.frame[NAME])
        for _, row in frame[frame[ASSIGNED_TEACHER].notna() & ~frame[ASSIGNED_TEACHER].isin(known)].iterrows():
            found.append(Problem(activities.file_name, "教职工表里没有这个人（按工号或姓名查找）",
                                 "填写教职工表中的工号，或先把此人加入 staff 教职工表",
                                 Severity.WARNING, int(row[EXCEL_ROW]), ASSIGNED_TEACHER, row[ASSIGNED_TEACHER]))
    return found


_NAME_SUFFIXES = ("社团", "兴趣班", "班", "课", "组")


def _activity_key(text: object) -> str:
    """An activity named the way parents write it, reduced to compare: 篮球社团 -> 篮球, a01 -> A01."""
    key = nz.clean_text(text).upper()
    for suffix in _NAME_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix) + 1:
            return key.removesuffix(suffix)
    return key


def activity_lookup(activities: pd.DataFrame) -> dict[str, str]:
    """Every way a parent may name an activity (code, full name, name without 社团/班) -> its 活动编号."""
    lookup: dict[str, str] = {}
    for code, name in zip(activities[ACTIVITY_ID], activities[ACTIVITY_NAME]):
        lookup[_activity_key(code)] = code
        lookup.setdefault(nz.clean_text(name).upper(), code)
        lookup.setdefault(_activity_key(name), code)
    return lookup


def match_activity(lookup: dict[str, str], text: object) -> str | None:
    """The 活动编号 a survey answer means, or None when no activity fits."""
    return lookup.get(nz.clean_text(text).upper()) or lookup.get(_activity_key(text))


def _choice_links(survey: LoadResult, activities: LoadResult) -> list[Problem]:
    lookup = activity_lookup(activities.frame)
    found: list[Problem] = []
    for column in CHOICES:
        values = survey.frame[column]
        unknown = [v for v in pd.unique(values[values.notna()]) if match_activity(lookup, v) is None]
        for row, value in zip(survey.frame[EXCEL_ROW][values.isin(unknown)], values[values.isin(unknown)]):
            found.append(Problem(survey.file_name, "活动清单里没有这个活动（按编号或名称查找）", "填写活动清单中的活动编号或名称",
                                 Severity.WARNING, int(row), column, str(value)))
    return found


def attendance_days(attendance: LoadResult, calendar: TermCalendar | None,
                     activities: LoadResult | None) -> tuple[list[Problem], pd.Series | None]:
    frame = attendance.frame
    found: list[Problem] = []
    outside = pd.Series(False, index=frame.index)
    if calendar is not None and len(frame):
        days = calendar.days.set_index(DATE)
        service = frame[DATE].map(days[DAY_IS_SERVICE]).fillna(False).astype(bool)
        kind = frame[DATE].map(days[DAY_KIND])
        outside = ~service
        for i in frame.index[outside]:
            why = kind[i] if isinstance(kind[i], str) else "不在本学期内"
            found.append(Problem(attendance.file_name, f"这天不是课后服务日（{why}），这条考勤不计入统计和收费",
                                 "核对日期；如这天确实开展了服务，在 calendar 校历中把它登记为上课或调休上课",
                                 Severity.WARNING, int(frame.at[i, EXCEL_ROW]), DATE,
                                 frame.at[i, DATE].strftime("%Y-%m-%d"), dropped=True))
    if activities is not None and len(frame):
        known = set(activities.frame[ACTIVITY_ID]) | {HOMEWORK_ITEM}
        unknown = frame[ITEM].notna() & ~frame[ITEM].isin(known) & ~outside
        for i in frame.index[unknown]:
            found.append(Problem(attendance.file_name, "活动清单里没有这个项目", "填写“作业辅导”或活动清单中的活动编号",
                                 Severity.WARNING, int(frame.at[i, EXCEL_ROW]), ITEM, str(frame.at[i, ITEM])))
    return found, outside
