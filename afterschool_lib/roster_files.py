"""The workbook of step 03: 师资排班.xlsx, the weekly roster as the team hands it out and files it.

Sheets, in order:

- 排班 (first, DESIGN section 4): one row per duty: 星期, 组别 (a care group's name, an 活动编号 or
  值班), 工号, 角色 (负责 or 值班), then 姓名, 类型, 场地 and the rest.
- 缺口: every group and weekday left without its adults, with 原因 and 应当 (headers only when none).
- 值班表: the week as a printable grid, one row per group, one column per weekday, names in cells.
- 个人课表: one printable line per person with their place on each weekday.
- 工作量, 补助 (per person and month, money as exact numbers shown 0.00, a 合计 row), 资格审核,
  提示 (指定教师 and pins that could not be honoured) and 说明 (how the roster was made).

An internal working file: names appear, phone numbers do not. Written atomically, the same roster
gives the same bytes.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from . import staffing as sf
from .files import write_bytes_atomic
from .problems import Problem, Severity, problems_table
from .schema import NAME, ROOM, STAFF_ID, STAFF_TYPE
from .workbooks import add_table_sheet, exact_numbers, list_sheet, new_workbook, rule_cells, workbook_bytes

ROSTER_FILE = "师资排班.xlsx"
DUTIES_SHEET, GAPS_SHEET, GRID_SHEET, PERSONAL_SHEET = "排班", "缺口", "值班表", "个人课表"
WORKLOAD_SHEET, SUBSIDY_SHEET, ELIGIBILITY_SHEET, PROBLEMS_SHEET, NOTES_SHEET = "工作量", "补助", "资格审核", "提示", "说明"
FIRST_COLUMNS = (sf.WEEKDAY, sf.GROUP, STAFF_ID, sf.ROLE, NAME, sf.KIND, ROOM)
TOTAL = "合计"
_DAY_WIDTH = 16  # a weekday column of the printed grids: two names or a group and its room


def duty_table(roster: sf.Roster) -> pd.DataFrame:
    """The 排班 sheet: the DESIGN's four columns first, then what a reader needs beside them."""
    rest = [c for c in roster.duties.columns if c not in FIRST_COLUMNS]
    return roster.duties[[*FIRST_COLUMNS, *rest]]


def subsidy_table(subsidy: pd.DataFrame) -> pd.DataFrame:
    """The 补助 sheet: the rows of :func:`staffing.subsidies` and a 合计 row."""
    total = {column: None for column in subsidy.columns}
    total[STAFF_ID] = TOTAL
    for column in (sf.LEAD_SESSIONS, sf.DUTY_SESSIONS, sf.TIMES):
        total[column] = int(subsidy[column].sum()) if len(subsidy) else 0
    for column in (sf.PERIODS, sf.AMOUNT):
        total[column] = sum(subsidy[column], Decimal(0)) if len(subsidy) else Decimal(0)
    return pd.concat([subsidy, pd.DataFrame([total])], ignore_index=True) if len(subsidy) else pd.DataFrame([total])


def roster_bytes(roster: sf.Roster, subsidy: pd.DataFrame | None = None, heading: str = "") -> bytes:
    """The workbook's bytes. ``subsidy``: :func:`staffing.subsidies`' table (the 补助 sheet is
    left out without it); ``heading``: what the printed sheets say above the table, such as
    “示例小学 2025-2026学年第一学期”."""
    book = new_workbook()
    text = (STAFF_ID, sf.GROUP)
    add_table_sheet(book, DUTIES_SHEET, duty_table(roster), text_columns=text)
    add_table_sheet(book, GAPS_SHEET, roster.gaps, text_columns=text)
    grid = sf.weekly_grid(roster)
    days = [c for c in grid.columns if c not in (sf.GROUP, sf.KIND)]
    prefix = f"{heading} " if heading else ""
    list_sheet(book, GRID_SHEET, f"{prefix}课后服务值班表",
               f"各组每个服务日的负责人和值班教师；“缺N人”为尚未安排，见“{GAPS_SHEET}”表", grid)
    _printable(book[GRID_SHEET], wrap_from=3)
    people = sf.personal_schedules(roster)
    list_sheet(book, PERSONAL_SHEET, f"{prefix}课后服务个人安排",
               f"每人一行：{'、'.join(days)}各天负责的组或社团（括号内为场地），或值班", people)
    _printable(book[PERSONAL_SHEET], wrap_from=4)
    add_table_sheet(book, WORKLOAD_SHEET, roster.workload, text_columns=(STAFF_ID,))
    if subsidy is not None:
        table = subsidy_table(subsidy)
        add_table_sheet(book, SUBSIDY_SHEET, table, text_columns=(STAFF_ID,))
        # money exact and shown 0.00, 课时 as they are, the 合计 row in bold
        exact_numbers(book[SUBSIDY_SHEET], table, formats={sf.PERIODS: "General"}, default_format="0.00", total_label=TOTAL)
    add_table_sheet(book, ELIGIBILITY_SHEET, roster.eligibility, text_columns=(STAFF_ID,))
    add_table_sheet(book, PROBLEMS_SHEET, problems_table(roster.problems))
    add_table_sheet(book, NOTES_SHEET, sf.explanation(roster))
    return workbook_bytes(book)


def write_roster(path: Path | str, roster: sf.Roster, subsidy: pd.DataFrame | None = None, heading: str = "") -> Path:
    """Write 师资排班.xlsx (or ``path``) atomically; returns the path."""
    return write_bytes_atomic(path, roster_bytes(roster, subsidy, heading))


def read_duties(path: Path | str) -> tuple[pd.DataFrame | None, list[Problem]]:
    """The 排班 sheet of a saved 师资排班.xlsx back (星期, 组别, 工号, 角色, 姓名, 人员类型 ...), so
    later steps pay and evaluate the roster the team kept, pins and all."""
    path = Path(path)
    try:
        duties = pd.read_excel(path, sheet_name=DUTIES_SHEET, dtype=str)
    except Exception:  # a missing sheet, a damaged file or another format: told plainly
        return None, [Problem(path.name, f"不是本工具导出的师资排班（需要“{DUTIES_SHEET}”工作表），这次按教职工表重新排班",
                              f"选择师资安排步骤保存的 {ROSTER_FILE}", Severity.WARNING)]
    needed = [sf.WEEKDAY, sf.GROUP, STAFF_ID, sf.ROLE, NAME, STAFF_TYPE]
    missing = [c for c in needed if c not in duties]
    if missing:
        return None, [Problem(path.name, f"“{DUTIES_SHEET}”工作表缺少列：{'、'.join(missing)}，这次按教职工表重新排班",
                              f"使用师资安排步骤保存的 {ROSTER_FILE}，不要删改列名", Severity.WARNING)]
    return duties.dropna(subset=[STAFF_ID]).fillna("").reset_index(drop=True), []


def _printable(sheet, wrap_from: int) -> None:
    """A grid a teacher prints: landscape, one page wide, ruled, the weekday columns of equal
    width with their text wrapped."""
    sheet.page_setup.orientation = "landscape"
    for j in range(wrap_from, sheet.max_column + 1):
        letter = get_column_letter(j)
        sheet.column_dimensions[letter].width = max(sheet.column_dimensions[letter].width or 0, _DAY_WIDTH)
    rule_cells(sheet, 3)
    for row in sheet.iter_rows(min_row=4, max_row=sheet.max_row, min_col=wrap_from, max_col=sheet.max_column):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


