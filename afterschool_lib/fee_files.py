"""The workbooks of step 04: the fee ledger, the class collection sheets, the public 收费公示, the
budget, and the attendance sheets the class teachers fill in.

- 收费台账.xlsx (internal): first sheet 收费台账, one row per student and month with 学号, 月份,
  课时数, 应收金额, 减免金额, 实收金额 first (DESIGN section 4), then 姓名, 班级名称, 减免原因 and
  the counts behind each amount; then per-student term totals (with 学期末, the 多退少补), class
  and school totals, what became of every attendance row, the problems, and the rules in words.
- 班级收费表.xlsx (internal, for each 班主任): a printable sheet per class.
- 收费公示.xlsx (for posting): standard, basis, waivers, totals per class and month; no 学号, no
  names, no phones.
- 经费收支.xlsx: income against spending per month, every line, refused lines with the reason.
- 考勤表.xlsx: a printable sheet per class with one row per student and service day to fill in;
  its first seven columns are the attendance input's, so filled rows paste straight into it.

Money is written as exact decimal numbers (openpyxl stores a ``Decimal`` as the number it spells),
shown with two places; nothing passes through a float. Same inputs, same bytes.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
from openpyxl.utils import get_column_letter

from . import fees
from .files import write_bytes_atomic
from .problems import Problem, problems_table
from .schema import ATTENDANCE_STATES, HOMEWORK_DONE, HOMEWORK_STATES, STATUS, STUDENT_ID
from .settings import Settings
from .workbooks import add_table_sheet, exact_numbers, list_sheet, list_validation, new_workbook, rule_cells, workbook_bytes

LEDGER_FILE = "收费台账.xlsx"
COLLECTION_FILE = "班级收费表.xlsx"
NOTICE_FILE = "收费公示.xlsx"
BUDGET_FILE = "经费收支.xlsx"
ATTENDANCE_SHEETS_FILE = "考勤表.xlsx"
LEDGER_SHEET, TERM_SHEET, CLASS_SHEET, MONTH_SHEET = "收费台账", "学生学期汇总", "各班按月汇总", "全校按月汇总"
ACCOUNTING_SHEET, PROBLEMS_SHEET, NOTES_SHEET = "考勤处理", "问题", "说明"
_MONEY_FORMAT = "#,##0.00"
_SHARE_FORMAT = "0%"
_SHARES = (fees.WAIVER_SHARE,)


def _exact_numbers(sheet, frame: pd.DataFrame, header_row: int = 1) -> None:
    """Money shown #,##0.00, waiver shares as percentages (see :func:`workbooks.exact_numbers`)."""
    exact_numbers(sheet, frame, header_row, {name: _SHARE_FORMAT for name in _SHARES}, _MONEY_FORMAT, fees.TOTAL_LABEL)


def _table(book, title: str, frame: pd.DataFrame, text_columns: tuple[str, ...] = (STUDENT_ID,)) -> None:
    add_table_sheet(book, title, frame, text_columns=text_columns)
    _exact_numbers(book[title[:31]], frame)


def _printable(book, title: str, heading: str, note: str, frame: pd.DataFrame, breaks: list[int] = ()) -> None:
    list_sheet(book, title, heading, note, frame, breaks)
    _exact_numbers(book[title[:31]], frame, header_row=3)


# --- the ledger -------------------------------------------------------------------------------

def explanation(ledger: fees.Ledger) -> pd.DataFrame:
    """The rules the ledger was settled by, in words, for its 说明 sheet."""
    rule, options = ledger.rule, ledger.options
    lines = [
        ("收费方式", rule.mode),
        ("收费标准", fees.standard_text(rule)),
        ("结算方式", fees.settlement_text(rule, options, ledger.periods_per_day)),
        ("减免", fees.waiver_text(rule) + "；减免金额 = 应收金额 × 减免比例"),
        ("课时数", "按出勤结算时为出勤日的课时（一天有作业辅导和社团两条记录也只算一天）；按报名结算时为报名的每个服务日的课时"
                  + ("；按签退时间计课时：只计签退前已经开始的课时" if options.sign_out_periods and rule.settlement == fees.BY_ATTENDANCE else "")),
        ("中途加入或退出", "按需求调查中的开始日期、退出日期计算，之前、之后的服务日不计费；按月、按学期收费的按服务日比例折算"),
        ("调休上课", "调休上课日按校历写明的按周几课表计算，报名了那一天（星期）的学生计入"),
        ("金额精度", ("每名学生每月的应收金额、减免金额各四舍五入到分一次，实收金额 = 应收金额 − 减免金额；"
                     "各班、各月合计为明细逐行相加，分毫不差")),
    ]
    if rule.mode == fees.BY_TERM:
        lines.append(("按学期分月", ("学期费用按各月服务日（或出勤日）占全学期服务日的比例分到各月；"
                                  "每月金额为累计金额四舍五入后的差，全学期合计正好等于学期费用")))
    if options.cycle == fees.CYCLE_TERM_END:
        lines.append(("学期末结算", ("开学时按报名（从开始日期到学期结束）预收，学期结束时按实际应收多退少补，"
                                  f"不结转到下学期；见“{TERM_SHEET}”工作表")))
    return pd.DataFrame(lines, columns=["项目", "说明"])


def ledger_tables(ledger: fees.Ledger, attendance: fees.AttendanceCheck | None = None,
                  problems: tuple[Problem, ...] | list[Problem] = ()) -> dict[str, pd.DataFrame]:
    """The ledger workbook's sheets, in order; the first is the ledger itself."""
    tables = {LEDGER_SHEET: ledger.rows, TERM_SHEET: ledger.term, CLASS_SHEET: fees.class_month_totals(ledger),
              MONTH_SHEET: fees.month_totals(ledger)}
    if attendance is not None:
        tables[ACCOUNTING_SHEET] = attendance.outcome_counts()
    tables[PROBLEMS_SHEET] = problems_table(problems)
    tables[NOTES_SHEET] = explanation(ledger)
    return tables


def ledger_bytes(ledger: fees.Ledger, attendance: fees.AttendanceCheck | None = None,
                 problems: tuple[Problem, ...] | list[Problem] = ()) -> bytes:
    book = new_workbook()
    for title, frame in ledger_tables(ledger, attendance, problems).items():
        _table(book, title, frame)
    return workbook_bytes(book)


def write_ledger(path: Path | str, ledger: fees.Ledger, attendance: fees.AttendanceCheck | None = None,
                 problems: tuple[Problem, ...] | list[Problem] = ()) -> Path:
    """收费台账.xlsx (or ``path``), atomically; the first sheet has the six contract columns first."""
    return write_bytes_atomic(path, ledger_bytes(ledger, attendance, problems))


# --- class collection sheets ----------------------------------------------------------------------

def collection_bytes(ledger: fees.Ledger, heading: str = "", month: str | None = None) -> bytes:
    """A printable sheet per class (:func:`fees.collection_sheets`), with the class totals below."""
    book = new_workbook()
    prefix = f"{heading} " if heading else ""
    when = f"{month} " if month else "本学期"
    for name, table in fees.collection_sheets(ledger, month).items():
        money = [c for c in table.columns if c.endswith(fees.PAID)]
        total = fees.money_sum(table[money[-1]]) if money else Decimal("0.00")
        note = (f"{fees.standard_text(ledger.rule)}；共 {len(table)} 人，{'实收' if month else '实收合计'} {total} 元；"
                "请核对后在“缴费确认”栏签字")
        _printable(book, name, f"{prefix}{name} {when}课后服务收费表", note, fees.with_total_row(table))
        sheet = book[name[:31]]
        rule_cells(sheet, 3)
        for j, column in enumerate(table.columns, start=1):
            if column in fees.COLLECTION_EXTRA:  # room for a parent's signature
                sheet.column_dimensions[get_column_letter(j)].width = 14
    if not book.sheetnames:
        book.create_sheet("没有收费记录")
    return workbook_bytes(book)


def write_collection(path: Path | str, ledger: fees.Ledger, heading: str = "", month: str | None = None) -> Path:
    return write_bytes_atomic(path, collection_bytes(ledger, heading, month))


# --- the public notice --------------------------------------------------------------------------

def notice_bytes(ledger: fees.Ledger, settings: Settings, budget: fees.Budget | None = None) -> bytes:
    """收费公示: printable sheets with the school and term above each table."""
    book = new_workbook()
    heading = f"{settings.school_name} {settings.term_name} 课后服务收费公示"
    for title, frame in fees.public_notice(ledger, settings, budget).items():
        _printable(book, title, heading, title, frame)
    return workbook_bytes(book)


def write_notice(path: Path | str, ledger: fees.Ledger, settings: Settings, budget: fees.Budget | None = None) -> Path:
    return write_bytes_atomic(path, notice_bytes(ledger, settings, budget))


# --- the budget ----------------------------------------------------------------------------------

def budget_tables(budget: fees.Budget) -> dict[str, pd.DataFrame]:
    return {"收支汇总": budget.by_month, "收支明细": budget.lines, "耗材按活动": budget.consumables,
            "未列支": budget.refused, PROBLEMS_SHEET: problems_table(budget.problems),
            NOTES_SHEET: pd.DataFrame([("经费用途", fees.SPENDING_RULE),
                                       ("分摊", "没有写月份的支出、财政补助学期总额，按各月服务日数分摊到各月，分摊后合计等于原金额")],
                                      columns=["项目", "说明"])}


def budget_bytes(budget: fees.Budget) -> bytes:
    book = new_workbook()
    for title, frame in budget_tables(budget).items():
        _table(book, title, frame, text_columns=())
    return workbook_bytes(book)


def write_budget(path: Path | str, budget: fees.Budget) -> Path:
    return write_bytes_atomic(path, budget_bytes(budget))


# --- attendance sheets -----------------------------------------------------------------------------

def attendance_sheets_bytes(sheets: dict[str, pd.DataFrame], heading: str = "") -> bytes:
    """One printable sheet per class (:func:`fees.attendance_sheets`), a page per service day, with
    a drop-down for 状态. The heading rows sit above the header, where the loader skips them."""
    book = new_workbook()
    prefix = f"{heading} " if heading else ""
    for name, table in sheets.items():
        shown = table.assign(**{fees.DATE: table[fees.DATE].dt.date}) if len(table) else table
        days = table[fees.DATE].value_counts(sort=False).sort_index()
        breaks = list(days.cumsum().iloc[:-1]) if len(days) else []
        list_sheet(book, name, f"{prefix}{name} 课后服务考勤表",
                   f"状态填出勤、缺勤或请假；签退时间写接走的时间（如 17:45）；三至六年级的作业完成填完成或未完成；"
                   f"每个服务日一页，共 {len(days)} 天",
                   shown, breaks)
        sheet = book[name[:31]]
        column = list(table.columns).index(STATUS) + 1
        letter = sheet.cell(row=3, column=column).column_letter
        check = list_validation(STATUS, ATTENDANCE_STATES)
        check.add(f"{letter}4:{letter}{max(len(table) + 3, 4)}")
        sheet.add_data_validation(check)
        if HOMEWORK_DONE in table:
            letter = sheet.cell(row=3, column=list(table.columns).index(HOMEWORK_DONE) + 1).column_letter
            done = list_validation(HOMEWORK_DONE, HOMEWORK_STATES)
            done.add(f"{letter}4:{letter}{max(len(table) + 3, 4)}")
            sheet.add_data_validation(done)
        for row in sheet.iter_rows(min_row=4, max_row=len(table) + 3, max_col=1):
            row[0].number_format = "yyyy-mm-dd"
    if not book.sheetnames:
        book.create_sheet("没有需要考勤的学生")
    return workbook_bytes(book)


def write_attendance_sheets(path: Path | str, sheets: dict[str, pd.DataFrame], heading: str = "") -> Path:
    return write_bytes_atomic(path, attendance_sheets_bytes(sheets, heading))


# --- everything at once -----------------------------------------------------------------------------

def write_fee_files(out_dir: Path | str, plan: fees.FeePlan, settings: Settings, month: str | None = None) -> list[Path]:
    """The step's four workbooks under their usual names: ledger, class collection, notice, budget."""
    out = Path(out_dir)
    heading = f"{settings.school_name} {settings.term_name}"
    return [write_ledger(out / LEDGER_FILE, plan.ledger, plan.attendance, plan.problems),
            write_collection(out / COLLECTION_FILE, plan.ledger, heading, month),
            write_notice(out / NOTICE_FILE, plan.ledger, settings, plan.budget),
            write_budget(out / BUDGET_FILE, plan.budget)]
