"""Step 04, 收费测算: who is billed for which days, the monthly ledger, waivers, the budget.

The seeds fix the rule: the approved standard, settled monthly from the service actually given
(按月据实结算), waived in whole or part for priority groups, refunded pro rata on leaving, and spent
only on staff subsidies and direct consumables. Cities differ in the details (DESIGN section 3),
so every variant is a key of the settings' 收费 block, read by :func:`fee_options`, never a code
path a school has to edit.

The work goes in four plain steps, each a pure function over frames:

1. :func:`enrolment`: each student taking part with their service weekdays, 开始日期/退出日期
   (a mid-term join or leave) and waiver share (the largest of their groups').
2. :func:`check_attendance`: every attendance row either counts (one service day per student and
   date, whatever number of 项目 it has) or is set aside with a named problem: a day without
   service, a student not taking part, a date outside the student's enrolment, a repeat.
3. :func:`billing_basis`: one row per student and service day enrolled or attended, with the
   sign-out time, from the term calendar (so 调休 days follow their 按周几课表).
4. :func:`settle`: the ledger, one row per student and month, in exact fen.

Money is exact: amounts are worked out as fractions of integer fen and rounded half-up once per
student and month (应收 once, 减免 once, 实收 = 应收 − 减免), then shown as ``Decimal`` with two
places. A term fee (按学期) is split over the months by *cumulative* rounding (each month is the
rounded running total minus the rounded total before it), so a full term adds up to the term fee
to the fen instead of drifting by a fen or two.

:func:`what_if` re-runs :func:`settle` and :func:`budget` on the same basis with another standard,
waiver share or number of periods, so the notebook's widget and the ledger can never disagree.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd

from . import normalize as nz
from .care_groups import GROUP as CARE_GROUP
from .care_groups import WEEKDAY as CARE_WEEKDAY
from .loaders import LoadResult
from .problems import Problem, Severity, group_repeats
from .schema import (
    ACTIVITY_ID,
    AMOUNT,
    ATTENDANCE,
    CATEGORY,
    CLASS,
    CLASS_NAME,
    DATE,
    DAY_END,
    DAY_START,
    DAY_WEEKDAY,
    END_DATE,
    EXCEL_ROW,
    EXPENSE_CATEGORIES,
    FOLLOWS_WEEKDAY,
    GRADE,
    HOMEWORK_DONE,
    HOMEWORK_ITEM,
    ITEM,
    MONTH,
    NAME,
    NOTE,
    PICKED_UP_BY,
    SIGN_OUT,
    STAFF_ID,
    START_DATE,
    STATUS,
    STUDENT_ID,
    WEEKDAY_NAMES,
    WEEKDAYS_COL,
)
from .settings import FEE, FREE, SETTLEMENTS, WAIVER_GROUPS, FeeRule, Settings
from .staffing import AMOUNT as SUBSIDY_AMOUNT
from .term_calendar import TermCalendar
from .validate import attendance_days

# --- the ledger's columns (DESIGN section 4: the first six, in this order) ---------------------
PERIODS = "课时数"
DUE = "应收金额"
WAIVED = "减免金额"
PAID = "实收金额"
LEDGER_CONTRACT = (STUDENT_ID, MONTH, PERIODS, DUE, WAIVED, PAID)
WAIVER_REASON = "减免原因"
WAIVER_SHARE = "减免比例"
ATTENDED_DAYS = "出勤天数"
ENROLLED_DAYS = "报名服务日数"
BILLED_DAYS = "计费天数"
MONTH_DAYS = "当月服务日数"
LEDGER_NOTE = "计费说明"
LEDGER_COLUMNS = (*LEDGER_CONTRACT, NAME, CLASS_NAME, WAIVER_REASON, WAIVER_SHARE, ATTENDED_DAYS, ENROLLED_DAYS,
                  BILLED_DAYS, MONTH_DAYS, LEDGER_NOTE, GRADE, CLASS)
MONEY_COLUMNS = (DUE, WAIVED, PAID)

# --- enrolment --------------------------------------------------------------------------------
ENROLMENT_COLUMNS = (STUDENT_ID, NAME, GRADE, CLASS, CLASS_NAME, WEEKDAYS_COL, START_DATE, END_DATE,
                     WAIVER_SHARE, WAIVER_REASON, *WAIVER_GROUPS)

# --- attendance accounting: what became of each attendance row -----------------------------------
OUTCOME = "处理"
REASON = "原因"
COUNTED = "计入出勤"
SAME_DAY = "同日已计入（一天只计一次）"
ON_LEAVE = "请假，不计课时"
ABSENT = "缺勤，不计课时"
SET_ASIDE = "未计入"
ACCOUNTING_COLUMNS = (EXCEL_ROW, DATE, STUDENT_ID, ITEM, STATUS, OUTCOME, REASON)
PRESENT, LEAVE, MISSED = "出勤", "请假", "缺勤"

# --- the billing basis (one row per student and service day) -------------------------------------
ENROLLED = "报名"
PREPAID_ENROLLED = "预收报名"  # enrolled ignoring 退出日期: what a term-start prepayment covered
ATTENDED = "出勤"
SIGN_OUT_MINUTES = "签退分钟"  # minutes after the window opened; NaN = no time recorded
WINDOW_MINUTES = "时段分钟"
TIMETABLE = "课表星期"  # 0 = Monday: the weekday whose timetable runs (调休 days included)
BASIS_COLUMNS = (STUDENT_ID, DATE, MONTH, ENROLLED, PREPAID_ENROLLED, ATTENDED, SIGN_OUT_MINUTES, WINDOW_MINUTES)

# --- city variants: further keys of the settings' 收费 block -------------------------------------
REFUND_RULE = "退费规则"
REFUND_BY_DAY = "按天折算"  # 按月/按学期 + 按出勤: fee × attended days / service days
REFUND_HALF_MONTH = "整月半月"  # whole month refunded after a whole month away, half after half
REFUND_RULES = (REFUND_BY_DAY, REFUND_HALF_MONTH)
CYCLE = "结算周期"
CYCLE_MONTHLY = "按月"  # collected month by month from the ledger
CYCLE_TERM_END = "学期末"  # prepaid at term start by enrolment, 多退少补 once at term end
CYCLES = (CYCLE_MONTHLY, CYCLE_TERM_END)
SIGN_OUT_RULE = "按签退时间计课时"
PUBLIC_FUNDS = "财政补助"
PER_STUDENT_MONTH = "每生每月"
TERM_TOTAL = "学期总额"
FEE_BASIS = "收费依据"
KNOWN_OPTIONS = (REFUND_RULE, CYCLE, SIGN_OUT_RULE, PUBLIC_FUNDS, FEE_BASIS)
_OPTION_ALIASES = {
    REFUND_RULE: {"按天": REFUND_BY_DAY, "按日": REFUND_BY_DAY, "按天退费": REFUND_BY_DAY, "按日折算": REFUND_BY_DAY,
                  "据实": REFUND_BY_DAY, "半月": REFUND_HALF_MONTH, "整月或半月": REFUND_HALF_MONTH,
                  "整月/半月": REFUND_HALF_MONTH, "按整月半月": REFUND_HALF_MONTH},
    CYCLE: {"每月": CYCLE_MONTHLY, "月结": CYCLE_MONTHLY, "学期": CYCLE_TERM_END, "期末": CYCLE_TERM_END,
            "学期末多退少补": CYCLE_TERM_END, "多退少补": CYCLE_TERM_END, "学期结束": CYCLE_TERM_END},
}
BY_PERIOD, BY_MONTH, BY_TERM = "按课时", "按月", "按学期"
BY_ATTENDANCE, BY_ENROLMENT = SETTLEMENTS  # 按出勤, 按报名

# --- term settlement (学期末 多退少补) ------------------------------------------------------------
PREPAID = "预收金额"
TERM_PAID = "实收合计"
REFUND = "应退金额"
TOP_UP = "应补金额"

# --- budget -----------------------------------------------------------------------------------
FEE_INCOME = "收费收入"
PUBLIC_INCOME = "财政补助"
INCOME_TOTAL = "收入合计"
STAFF_SUBSIDY, CONSUMABLES, INSURANCE, OTHER = EXPENSE_CATEGORIES  # 教师补助, 耗材, 保险, 其他
SPENDING_TOTAL = "支出合计"
BALANCE = "结余"
RUNNING_BALANCE = "累计结余"
FLOW = "收支"
INCOME, SPENDING = "收入", "支出"
SOURCE = "来源"
BUDGET_COLUMNS = (MONTH, FEE_INCOME, PUBLIC_INCOME, INCOME_TOTAL, *EXPENSE_CATEGORIES, SPENDING_TOTAL, BALANCE,
                  RUNNING_BALANCE)
LINE_COLUMNS = (MONTH, FLOW, CATEGORY, ITEM, AMOUNT, ACTIVITY_ID, SOURCE)
REFUSED_COLUMNS = (EXCEL_ROW, ITEM, CATEGORY, AMOUNT, MONTH, REASON)
SHARED_CONSUMABLES = "全校共用"
_CATEGORY_ALIASES = {
    "补助": STAFF_SUBSIDY, "教师补助": STAFF_SUBSIDY, "人员补助": STAFF_SUBSIDY, "劳务费": STAFF_SUBSIDY,
    "课时费": STAFF_SUBSIDY, "课时补助": STAFF_SUBSIDY, "教师课后服务补助": STAFF_SUBSIDY, "外聘人员费用": STAFF_SUBSIDY,
    "耗材": CONSUMABLES, "耗材费": CONSUMABLES, "材料": CONSUMABLES, "材料费": CONSUMABLES, "消耗品": CONSUMABLES,
    "直接耗材": CONSUMABLES, "活动耗材": CONSUMABLES, "保险": INSURANCE, "保险费": INSURANCE, "意外险": INSURANCE,
    "其他": OTHER, "其它": OTHER,
}
# Words that mark the school's running costs, which fee income must never pay (seed 002 第十九条).
FORBIDDEN_WORDS = ("水电", "电费", "水费", "燃气", "煤气", "暖气", "供暖", "取暖", "场地使用", "场地费", "场地租",
                   "租金", "房租", "租赁费", "物业", "公用经费", "公用支出", "办公经费", "网络费", "宽带")
SPENDING_RULE = ("课后服务收费专款专用，只能用于参与服务的教师和其他人员的补助、服务中直接消耗的材料；"
                 "水电、场地使用、物业等学校日常公用开支不得从中列支")

FEE_PROBLEMS = "收费测算"  # the problem "file" of findings that concern no one input row
_FEN_PER_YUAN = 100


# === settings ====================================================================================

@dataclass(frozen=True)
class FeeOptions:
    """The city variants of the 收费 block (see the module docstring), checked.

    ``public_per_student_month`` and ``public_term_total`` are 财政补助: income of the budget, not
    a discount to any family.
    """

    refund_rule: str = REFUND_BY_DAY
    cycle: str = CYCLE_MONTHLY
    sign_out_periods: bool = True
    public_per_student_month: Decimal = Decimal(0)
    public_term_total: Decimal = Decimal(0)
    fee_basis: str = ""


def fee_options(settings: Settings) -> tuple[FeeOptions, list[Problem]]:
    """The 收费 block's further keys as :class:`FeeOptions`, and a Chinese problem for each bad one.

    Absent keys take the seeds' rule: 按天折算, 按月, 按签退时间计课时 on, no 财政补助. A bad value
    is an error and the default is used meanwhile, so the rest can still be shown.
    """
    rule = settings.fee
    source = settings.source
    problems: list[Problem] = []

    def bad(key: str, message: str, fix: str, value: object, severity: Severity = Severity.ERROR) -> None:
        problems.append(Problem(source, message, fix, severity, column=f"{FEE}.{key}", value=_shown(value)))

    def choice(key: str, allowed: tuple[str, ...], default: str) -> str:
        raw = rule.option(key)
        if nz.is_blank(raw):
            return default
        text = nz.clean_text(raw).replace(" ", "")
        text = _OPTION_ALIASES.get(key, {}).get(text, text)
        if text not in allowed:
            bad(key, f"不是可选的{key}，暂按“{default}”计算", "填写其中之一：" + "、".join(allowed), raw)
            return default
        return text

    refund = choice(REFUND_RULE, REFUND_RULES, REFUND_BY_DAY)
    if refund == REFUND_HALF_MONTH and rule.mode in (BY_PERIOD, FREE):
        bad(REFUND_RULE, f"收费方式为{rule.mode}，整月半月的退费规则不起作用（按课时收费时缺勤本来就不计课时）",
            f"按课时收费时写“{REFUND_BY_DAY}”或删除这一行", rule.option(REFUND_RULE), Severity.WARNING)
    elif refund == REFUND_HALF_MONTH and rule.settlement == BY_ENROLMENT:
        bad(REFUND_RULE, "结算方式为按报名，缺勤不退费，整月半月的退费规则不起作用", "按缺勤退费时把结算改为“按出勤”",
            rule.option(REFUND_RULE), Severity.WARNING)
    cycle = choice(CYCLE, CYCLES, CYCLE_MONTHLY)
    sign_out = True
    raw = rule.option(SIGN_OUT_RULE)
    if isinstance(raw, bool):
        sign_out = raw
    elif not nz.is_blank(raw):
        parsed, invalid = nz.parse_yesno(raw)
        if invalid is not None or parsed is None:
            bad(SIGN_OUT_RULE, "应填“是”或“否”，暂按“是”计算", "填“是”（只计签退前已开始的课时）或“否”（出勤一天计满每日课时数）", raw)
        else:
            sign_out = bool(parsed)
    per_student, total = _public_funds(rule.option(PUBLIC_FUNDS), bad)
    basis = rule.option(FEE_BASIS)
    for key, _ in rule.extra:
        if key not in KNOWN_OPTIONS:
            bad(key, "收费设置中没有这一项，未使用", "可用的项：" + "、".join(KNOWN_OPTIONS) + "；核对拼写", key, Severity.WARNING)
    return FeeOptions(refund, cycle, sign_out, per_student, total, "" if nz.is_blank(basis) else str(basis).strip()), problems


def _public_funds(raw: object, bad: Callable) -> tuple[Decimal, Decimal]:
    """财政补助: a number (the term's total) or {每生每月: 20} / {学期总额: 50000}."""
    if nz.is_blank(raw):
        return Decimal(0), Decimal(0)
    fix = f"写一个数（本学期总额，元），或写成 {{{PER_STUDENT_MONTH}: 20}}、{{{TERM_TOTAL}: 50000}}"
    if isinstance(raw, Mapping):
        values = {}
        for key, value in raw.items():
            key = nz.clean_text(key)
            if key not in (PER_STUDENT_MONTH, TERM_TOTAL):
                bad(PUBLIC_FUNDS, f"财政补助中没有“{key}”这一项，未使用", fix, key)
                continue
            amount = parse_money(value)
            if amount is None or amount < 0:
                bad(PUBLIC_FUNDS, "财政补助应为不小于 0 的金额（元），暂按 0 计", fix, value)
                continue
            values[key] = amount
        return values.get(PER_STUDENT_MONTH, Decimal(0)), values.get(TERM_TOTAL, Decimal(0))
    amount = parse_money(raw)
    if amount is None or amount < 0:
        bad(PUBLIC_FUNDS, "财政补助应为不小于 0 的金额（元），暂按 0 计", fix, raw)
        return Decimal(0), Decimal(0)
    return Decimal(0), amount


def _shown(value: object) -> str:
    return "" if value is None else nz.clean_text(value, fold=False)


def parse_money(value: object) -> Decimal | None:
    """An amount as people write it: 1200, 1,200.50, 1200元, ￥1200, １２００ -> Decimal; None if not one.

    Floats (Excel cells, YAML numbers) go through their shortest repr, so 0.1 is Decimal("0.1").
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value)) if np.isfinite(value) else None
    text = nz.clean_text(value).replace(" ", "").replace(",", "")
    text = re.sub(r"^[¥￥]|(元|圆)$", "", text)
    if not re.fullmatch(r"-?\d+(\.\d+)?", text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


# === exact money ================================================================================

def _half_up(amount: Fraction) -> int:
    """A non-negative fraction of a fen rounded half-up to a whole fen."""
    return (2 * amount.numerator + amount.denominator) // (2 * amount.denominator)


def _yuan(fen: int) -> Decimal:
    """Whole fen as yuan with exactly two places: 350 -> Decimal("3.50")."""
    return Decimal(int(fen)).scaleb(-2)


def money_sum(values: Iterable[Decimal]) -> Decimal:
    """An exact sum of amounts, Decimal("0.00") for none (pandas' sum of nothing is the int 0)."""
    return sum(values, Decimal("0.00"))


def quantize_fen(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("0.01"), ROUND_HALF_UP)


# === 1. enrolment ================================================================================

def enrolment(taking_part: pd.DataFrame, settings: Settings, students: pd.DataFrame | None = None,
              *, file_name: str = "survey.csv") -> tuple[pd.DataFrame, list[Problem]]:
    """Each student taking part, ready to bill (:data:`ENROLMENT_COLUMNS`), and the problems found.

    ``taking_part`` is :attr:`Participants.taking_part` (the survey row with the roster's 留守儿童,
    困难家庭, 随迁子女); ``students`` fills those flags when the frame lacks them. 开始日期 and
    退出日期 are clipped to the term; blank means the term's first and last day. The waiver share
    is the largest share among the student's groups (a 困难家庭 child who is also 留守儿童 gets
    the larger of the two, never their sum); 减免原因 names every group that has one.
    """
    part = taking_part.copy()
    problems: list[Problem] = []
    if students is not None:
        missing = [g for g in (*WAIVER_GROUPS, NAME, GRADE, CLASS) if g not in part and g in students]
        if missing:
            part = part.merge(students[[STUDENT_ID, *missing]], on=STUDENT_ID, how="left")
    repeated = part[STUDENT_ID].duplicated(keep="first")
    for row, sid in zip(part.loc[repeated].get(EXCEL_ROW, pd.Series(index=part.index[repeated])), part.loc[repeated, STUDENT_ID]):
        problems.append(Problem(file_name, "同一名学生有两份参加申请，只按第一份计费", "删除多余的申请", Severity.WARNING,
                                _row(row), STUDENT_ID, str(sid)))
    part = part[~repeated].reset_index(drop=True)
    flags = {g: part[g].eq(True) if g in part else pd.Series(False, index=part.index) for g in WAIVER_GROUPS}
    shares, reasons = _waiver_shares(pd.DataFrame(flags), settings.fee)
    start, end = pd.Timestamp(settings.term_start), pd.Timestamp(settings.term_end)
    begins = _dates(part.get(START_DATE), len(part))
    leaves = _dates(part.get(END_DATE), len(part))
    rows = part.get(EXCEL_ROW, pd.Series([None] * len(part)))
    for i in part.index:
        b, e, row = begins[i], leaves[i], _row(rows.iloc[i])
        if b is not None and e is not None and b > e:
            problems.append(Problem(file_name, f"开始日期晚于退出日期（{e:%Y-%m-%d}），无法确定参加期间，本学期暂不计费",
                                    "改正开始日期或退出日期", Severity.ERROR, row, START_DATE, f"{b:%Y-%m-%d}"))
        elif b is not None and b > end:
            problems.append(Problem(file_name, f"开始日期在学期结束（{end:%Y-%m-%d}）之后，本学期不计费", "核对日期（特别是年份）",
                                    Severity.WARNING, row, START_DATE, f"{b:%Y-%m-%d}"))
        elif e is not None and e < start:
            problems.append(Problem(file_name, f"退出日期在学期开始（{start:%Y-%m-%d}）之前，本学期不计费", "核对日期（特别是年份）",
                                    Severity.WARNING, row, END_DATE, f"{e:%Y-%m-%d}"))
    everyday = nz.format_weekdays(settings.service_weekdays)
    weekdays = [everyday if nz.is_blank(v) else v for v in part.get(WEEKDAYS_COL, pd.Series([None] * len(part)))]
    names = part.get(CLASS_NAME)
    if names is None:
        names = [nz.class_name(int(g), int(c)) if not (pd.isna(g) or pd.isna(c)) else ""
                 for g, c in zip(part[GRADE], part[CLASS])]
    out = pd.DataFrame({
        STUDENT_ID: part[STUDENT_ID].astype(object).to_numpy(),
        NAME: part[NAME].to_numpy() if NAME in part else None,
        GRADE: pd.array(part[GRADE], dtype="Int64"),
        CLASS: pd.array(part[CLASS], dtype="Int64"),
        CLASS_NAME: list(names),
        WEEKDAYS_COL: weekdays,
        START_DATE: [max(b, start) if b is not None else start for b in begins],
        END_DATE: [min(e, end) if e is not None else end for e in leaves],
        WAIVER_SHARE: shares,
        WAIVER_REASON: reasons,
        **{g: flags[g].to_numpy(dtype=bool) for g in WAIVER_GROUPS},
    }, columns=list(ENROLMENT_COLUMNS))
    bad_window = [b is not None and e is not None and b > e for b, e in zip(begins, leaves)]
    out.loc[bad_window, END_DATE] = out.loc[bad_window, START_DATE] - pd.Timedelta(days=1)
    out[START_DATE] = pd.to_datetime(out[START_DATE]).astype("datetime64[ns]")
    out[END_DATE] = pd.to_datetime(out[END_DATE]).astype("datetime64[ns]")
    return out.sort_values(STUDENT_ID, kind="stable").reset_index(drop=True), problems


def _waiver_shares(flags: pd.DataFrame, rule: FeeRule) -> tuple[list[Decimal], list[str]]:
    """Per student (a row of 留守儿童/困难家庭/随迁子女 flags): the largest share among their
    groups, and the groups that have one."""
    shares, reasons = [], []
    for row in flags[list(WAIVER_GROUPS)].itertuples(index=False):
        groups = [g for g, flagged in zip(WAIVER_GROUPS, row) if flagged and rule.waiver(g) > 0]
        shares.append(max((rule.waiver(g) for g in groups), default=Decimal(0)))
        reasons.append("、".join(groups) + ("（按其中最高的减免比例）" if len(groups) > 1 else ""))
    return shares, reasons


def _dates(values: pd.Series | None, n: int) -> list[pd.Timestamp | None]:
    if values is None:
        return [None] * n
    out = []
    for value in values.tolist():
        if nz.is_blank(value):
            out.append(None)
        else:
            stamp, _ = nz.parse_date(value)
            out.append(None if stamp is None else pd.Timestamp(stamp).normalize())
    return out


def _row(value: object) -> int | None:
    try:
        return None if value is None or pd.isna(value) else int(value)
    except (TypeError, ValueError):
        return None


def _timetable_weekdays(text: object) -> tuple[int, ...]:
    return nz.parse_weekdays(text) or ()


# === 2. attendance ===============================================================================

@dataclass(frozen=True)
class AttendanceCheck:
    """Attendance checked against the calendar and the enrolment.

    ``records``: the rows that count (行号, 日期, 学号, 项目, 状态, 签退时间, 处理), one of which per
    student and date is :data:`COUNTED` (or 请假/缺勤). ``accounting``: every row of the frame
    given, with what became of it (:data:`ACCOUNTING_COLUMNS`), so no row is lost silently.
    """

    records: pd.DataFrame
    accounting: pd.DataFrame
    problems: tuple[Problem, ...]

    def outcome_counts(self) -> pd.DataFrame:
        """How many attendance rows ended up how: the line a notebook shows under the ledger."""
        counts = self.accounting[OUTCOME].value_counts()
        order = [COUNTED, SAME_DAY, ON_LEAVE, ABSENT, SET_ASIDE]
        return pd.DataFrame({OUTCOME: order, "行数": [int(counts.get(o, 0)) for o in order]})


def check_attendance(attendance: pd.DataFrame, calendar: TermCalendar, enrolled: pd.DataFrame,
                     students: pd.DataFrame | None = None, *, file_name: str = "attendance.csv") -> AttendanceCheck:
    """Which attendance rows count, which are set aside and why (all vectorised: 300,000 rows fit).

    Set aside, each with a problem naming file, Excel row, column and value: a date without
    service (holiday, 停课, a weekend that is not a 调休 school day, outside the term; the same
    check and words as ``afterschool validate``), a 学号 not on the roster (when ``students`` is
    given) or not taking part, a date before the student's 开始日期 or after the 退出日期, and a
    repeat of the same 日期+学号+项目. A record on a weekday the family did not choose still counts
    (the child was there) and is reported as a warning. Several 项目 on one date are one service
    day: the first 出勤 row counts, the others are marked :data:`SAME_DAY`.
    """
    frame = attendance.reset_index(drop=True)
    if ITEM in frame:
        frame = frame.assign(**{ITEM: frame[ITEM].where(frame[ITEM].notna(), HOMEWORK_ITEM)})
    else:
        frame = frame.assign(**{ITEM: HOMEWORK_ITEM})
    if SIGN_OUT not in frame:
        frame = frame.assign(**{SIGN_OUT: None})
    problems: list[Problem] = []
    reason = pd.Series("", index=frame.index, dtype=object)

    def set_aside(mask: pd.Series, found: list[Problem], why: str) -> None:
        mask = mask & (reason == "")
        reason[mask] = why
        problems.extend(found)

    # a day without service: validate's own check, so both speak alike and never disagree
    found, outside = attendance_days(LoadResult(ATTENDANCE, Path(file_name), frame, ()), calendar, None)
    if outside is not None and outside.any():
        set_aside(outside.reindex(frame.index, fill_value=False), found, "这天不是课后服务日")
    ids = frame[STUDENT_ID]
    if students is not None:
        unknown = (reason == "") & ~ids.isin(set(students[STUDENT_ID]))
        set_aside(unknown, _row_problems(file_name, frame, unknown, STUDENT_ID,
                                         "学生名单里没有这个学号，这条考勤不计入统计和收费",
                                         "核对学号是否写错；如是新转入的学生，先加入学生名单并登记参加申请"), "学生名单里没有这个学号")
    not_enrolled = (reason == "") & ~ids.isin(set(enrolled[STUDENT_ID]))
    set_aside(not_enrolled, _row_problems(file_name, frame, not_enrolled, STUDENT_ID,
                                          "这名学生不在本学期参加课后服务的名单中（没有申请参加，或审核未通过），这条考勤不计入收费",
                                          "核对学号；如学生确已参加，在需求调查中补登记参加申请（学期中加入的填写开始日期）"),
              "不在参加课后服务的名单中")
    info = enrolled.set_index(STUDENT_ID)
    begins, ends = ids.map(info[START_DATE]), ids.map(info[END_DATE])
    early = (reason == "") & (frame[DATE] < begins)
    late = (reason == "") & (frame[DATE] > ends)
    for mask, when, what in ((early, begins, "开始日期"), (late, ends, "退出日期")):
        if not mask.any():
            continue
        side = "之前" if what == "开始日期" else "之后"
        # named per student (column 学号), so a leaver's 40 later rows make one line, not 40
        found = [Problem(file_name, f"日期在该生的{what}（{when[i]:%Y-%m-%d}）{side}，这条考勤不计入收费",
                         f"核对日期；如学生确实在这天参加了，改正需求调查中该生的{what}", Severity.WARNING,
                         int(frame.at[i, EXCEL_ROW]), STUDENT_ID, str(frame.at[i, STUDENT_ID]), dropped=True)
                 for i in frame.index[mask]]
        set_aside(mask, found, f"在该生的{what}{side}")
    key = [DATE, STUDENT_ID, ITEM]
    live = reason == ""
    repeat = live & frame[live].duplicated(key, keep="first").reindex(frame.index, fill_value=False)
    if repeat.any():
        first = frame[live & ~repeat].reset_index().set_index(key)["index"]
        found = []
        for i in frame.index[repeat]:
            standing = frame.at[int(first.loc[tuple(frame.loc[i, key])]), EXCEL_ROW]
            found.append(Problem(file_name, f"与第 {int(standing)} 行的日期+学号+项目相同，这一行不重复计入",
                                 "删除重复的记录", Severity.WARNING, int(frame.at[i, EXCEL_ROW]), "+".join(key),
                                 f"{frame.at[i, DATE]:%Y-%m-%d} {frame.at[i, STUDENT_ID]} {frame.at[i, ITEM]}",
                                 dropped=True))
        set_aside(repeat, found, "重复记录")
    kept = frame[reason == ""]
    problems += _weekday_warnings(file_name, kept, info, calendar)
    problems += _early_sign_out(file_name, kept, calendar)

    # one service day per student and date: the first 出勤 row counts, the rest are the same day
    order = kept.assign(_absent=(kept[STATUS] != PRESENT)).sort_values([STUDENT_ID, DATE, "_absent", EXCEL_ROW])
    first = ~order.duplicated([STUDENT_ID, DATE], keep="first")
    outcome = np.where(~first, SAME_DAY, np.where(order[STATUS] == PRESENT, COUNTED,
                                                   np.where(order[STATUS] == LEAVE, ON_LEAVE, ABSENT)))
    outcomes = pd.Series(outcome, index=order.index, dtype=object).reindex(frame.index)
    outcomes[reason != ""] = SET_ASIDE
    accounting = pd.DataFrame({EXCEL_ROW: frame[EXCEL_ROW], DATE: frame[DATE], STUDENT_ID: frame[STUDENT_ID],
                               ITEM: frame[ITEM], STATUS: frame[STATUS], OUTCOME: outcomes, REASON: reason},
                              columns=list(ACCOUNTING_COLUMNS))
    records = kept[[EXCEL_ROW, DATE, STUDENT_ID, ITEM, STATUS, SIGN_OUT]].assign(**{OUTCOME: outcomes[kept.index]})
    return AttendanceCheck(records.reset_index(drop=True), accounting, tuple(group_repeats(problems)))


def _row_problems(file_name: str, frame: pd.DataFrame, mask: pd.Series, column: str, message: str,
                  fix: str) -> list[Problem]:
    return [Problem(file_name, message, fix, Severity.WARNING, int(row), column, str(value), dropped=True)
            for row, value in zip(frame.loc[mask, EXCEL_ROW], frame.loc[mask, column])]


def _service_table(calendar: TermCalendar) -> pd.DataFrame:
    """Service days: 日期, 月份, the timetable weekday (调休 days follow their 按周几课表), the window."""
    days = calendar.service_days
    table = pd.DataFrame({DATE: days[DATE], MONTH: days[DATE].dt.strftime("%Y-%m")})
    follows = days[FOLLOWS_WEEKDAY].where(days[FOLLOWS_WEEKDAY].astype(str) != "", days[DAY_WEEKDAY])
    table[TIMETABLE] = [WEEKDAY_NAMES.index(v) for v in follows]
    start = _clock_minutes(days[DAY_START])
    end = _clock_minutes(days[DAY_END])
    table["_start"] = start
    table[WINDOW_MINUTES] = (end - start).where((end - start) > 0)
    return table


def _clock_minutes(values: pd.Series) -> pd.Series:
    """"16:30" -> 990.0; blank or unreadable -> NaN. Vectorised: the loaders write HH:MM."""
    text = values.astype(object).where(values.notna(), "").astype(str)
    ok = text.str.fullmatch(r"\d{1,2}:\d{2}")
    parts = text.where(ok, "0:0").str.split(":", n=1, expand=True)
    minutes = parts[0].astype(int) * 60 + parts[1].astype(int)
    return minutes.astype(float).where(ok)


def _weekday_warnings(file_name: str, kept: pd.DataFrame, info: pd.DataFrame, calendar: TermCalendar) -> list[Problem]:
    """Records on a weekday the family did not choose: counted, but the class teacher should know."""
    present = kept[kept[STATUS] == PRESENT]
    if present.empty:
        return []
    service = _service_table(calendar).set_index(DATE)[TIMETABLE]
    chosen = pd.DataFrame([(sid, d) for sid, text in info[WEEKDAYS_COL].items() for d in _timetable_weekdays(text)],
                          columns=[STUDENT_ID, TIMETABLE]).astype({STUDENT_ID: object, TIMETABLE: "int64"})
    chosen["_chosen"] = True
    looked = present[[EXCEL_ROW, STUDENT_ID]].assign(**{TIMETABLE: present[DATE].map(service)}).dropna(subset=[TIMETABLE])
    looked = looked.astype({TIMETABLE: "int64"}).merge(chosen, on=[STUDENT_ID, TIMETABLE], how="left")
    off = looked[looked["_chosen"].isna()]
    return [Problem(file_name, f"这天按{WEEKDAY_NAMES[int(day)]}课表，不是该生报名的服务日（{info.at[sid, WEEKDAYS_COL]}），"
                               "已按实际出勤计入", "核对日期；如该生改了参加的日子，更新需求调查中的服务日", Severity.WARNING,
                    int(row), STUDENT_ID, str(sid)) for row, sid, day in zip(off[EXCEL_ROW], off[STUDENT_ID], off[TIMETABLE])]


def _early_sign_out(file_name: str, kept: pd.DataFrame, calendar: TermCalendar) -> list[Problem]:
    """An 出勤 record signed out before the service began: no period was begun, so none is counted."""
    if kept.empty:
        return []
    service = _service_table(calendar).set_index(DATE)["_start"]
    start = kept[DATE].map(service)
    signed = _clock_minutes(kept[SIGN_OUT])
    early = (kept[STATUS] == PRESENT) & signed.notna() & start.notna() & (signed <= start)
    return [Problem(file_name, f"签退时间不晚于当天课后服务开始时间（{int(start[i]) // 60:02d}:{int(start[i]) % 60:02d}），"
                               "按签退时间计课时时这天计 0 课时", "核对签退时间；学生在服务开始前离校的，把状态改为请假",
                    Severity.WARNING, int(kept.at[i, EXCEL_ROW]), SIGN_OUT, str(kept.at[i, SIGN_OUT]))
            for i in kept.index[early]]


# === 3. the billing basis =========================================================================

@dataclass(frozen=True, eq=False)
class FeeBasis:
    """What can be billed, before any price: one row per student and service day that is enrolled
    or attended (:data:`BASIS_COLUMNS`), the enrolment, and the service days per month and term."""

    days: pd.DataFrame
    enrolled: pd.DataFrame
    service: pd.DataFrame
    month_days: pd.Series  # service days per month, every month of the term, zeros included
    problems: tuple[Problem, ...] = ()

    @property
    def term_days(self) -> int:
        return int(self.month_days.sum())


def billing_basis(calendar: TermCalendar, enrolled: pd.DataFrame, attendance: AttendanceCheck | None) -> FeeBasis:
    """Enrolled and attended service days per student, vectorised.

    A student is enrolled on a service day when its timetable weekday (a 调休 Saturday following
    Wednesday's timetable counts as a Wednesday) is one of their 服务日 and the date lies within
    开始日期..退出日期. Attended days come from the counted attendance records; their sign-out is
    the latest 签退时间 among the day's 出勤 rows (a club may end after homework).
    """
    service = _service_table(calendar)
    month_days = calendar.count_by_month().rename(MONTH_DAYS)
    month_days.index.name = MONTH
    pairs = [(sid, d) for sid, text in zip(enrolled[STUDENT_ID], enrolled[WEEKDAYS_COL]) for d in _timetable_weekdays(text)]
    weekly = pd.DataFrame(pairs, columns=[STUDENT_ID, TIMETABLE]).astype({STUDENT_ID: object, TIMETABLE: "int64"})
    window = enrolled[[STUDENT_ID, START_DATE, END_DATE]]
    days = weekly.merge(service[[DATE, TIMETABLE]], on=TIMETABLE).merge(window, on=STUDENT_ID)
    on_or_after = days[DATE] >= days[START_DATE]
    days = days.assign(**{ENROLLED: on_or_after & (days[DATE] <= days[END_DATE]), PREPAID_ENROLLED: on_or_after})
    days = days[days[PREPAID_ENROLLED]][[STUDENT_ID, DATE, ENROLLED, PREPAID_ENROLLED]]
    if attendance is not None and len(attendance.records):
        present = attendance.records[attendance.records[STATUS] == PRESENT]
        present = present.assign(_m=_clock_minutes(present[SIGN_OUT]))
        came = present.groupby([STUDENT_ID, DATE], sort=False)["_m"].max().rename("_signed").reset_index()
        came[ATTENDED] = True
    else:
        came = pd.DataFrame({STUDENT_ID: pd.Series(dtype=object), DATE: pd.Series(dtype="datetime64[ns]"),
                             "_signed": pd.Series(dtype=float), ATTENDED: pd.Series(dtype=bool)})
    days = days.merge(came, on=[STUDENT_ID, DATE], how="outer")
    days = days.merge(service[[DATE, MONTH, "_start", WINDOW_MINUTES]], on=DATE, how="left")
    days[ENROLLED] = days[ENROLLED].astype("boolean").fillna(False).astype(bool)
    days[PREPAID_ENROLLED] = days[PREPAID_ENROLLED].astype("boolean").fillna(False).astype(bool)
    days[ATTENDED] = days[ATTENDED].astype("boolean").fillna(False).astype(bool)
    days[SIGN_OUT_MINUTES] = days["_signed"] - days["_start"]
    days = days[list(BASIS_COLUMNS)].sort_values([STUDENT_ID, DATE], kind="stable").reset_index(drop=True)
    problems = []
    billed = set(days.loc[days[ENROLLED] | days[ATTENDED], STUDENT_ID])
    for sid, begin, end in zip(enrolled[STUDENT_ID], enrolled[START_DATE], enrolled[END_DATE]):
        if sid not in billed and begin <= end:  # a reversed window is already an error of enrolment()
            problems.append(Problem(FEE_PROBLEMS, "这名学生在参加期间内没有一个服务日（核对服务日、开始日期和退出日期），本学期不计费",
                                    "核对该生申请中的服务日、开始日期和退出日期", Severity.WARNING, None, STUDENT_ID, str(sid)))
    return FeeBasis(days, enrolled.reset_index(drop=True), service, month_days, tuple(problems))


# === 4. the ledger ===============================================================================

@dataclass(frozen=True, eq=False)
class Ledger:
    """One row per student and month (:data:`LEDGER_COLUMNS`, sorted by 学号 and 月份), money in
    ``Decimal`` yuan with two places, and the rule it was settled by.

    ``term``: one row per student with the term's totals and, under 结算周期 学期末, the prepayment
    and the 多退少补 (:data:`PREPAID`, :data:`REFUND`, :data:`TOP_UP`).
    """

    rows: pd.DataFrame
    term: pd.DataFrame
    rule: FeeRule
    options: FeeOptions
    periods_per_day: int
    month_days: pd.Series
    problems: tuple[Problem, ...] = ()

    def totals(self) -> dict[str, Decimal | int]:
        """The whole term's 课时数 and amounts, summed exactly from the rows."""
        return {PERIODS: int(self.rows[PERIODS].sum()), **{c: money_sum(self.rows[c]) for c in MONEY_COLUMNS}}


def settle(basis: FeeBasis, rule: FeeRule, periods_per_day: int, options: FeeOptions = FeeOptions()) -> Ledger:
    """The fee ledger: every student and month with billable or attended days.

    课时数: 按出勤, the periods of the attended days (with 按签退时间计课时, only the periods begun
    before the sign-out: the day's window split evenly into ``periods_per_day``); 按报名, every
    enrolled day's ``periods_per_day``. 应收金额 by 方式:

    - 按课时: standard × 课时数.
    - 按月: standard × days / the month's service days, where days are the enrolled days (按报名)
      or the attended days (按出勤 with 退费规则 按天折算); with 整月半月 the enrolled share is
      charged, refunded whole when the student came on none of them and half when absent on at
      least half of them.
    - 按学期: the same with the term's service days as denominator, split over months by
      cumulative rounding.
    - 免费: 0, the ledger still lists 课时数.

    减免金额 = 应收金额 × the student's waiver share, rounded half-up; 实收金额 = 应收 − 减免.
    """
    rows = _month_rows(basis, rule.settlement, periods_per_day, options, enrolled_flag=ENROLLED)
    rows = _price(rows, basis, rule, options)
    ledger_rows = _ledger_frame(rows, basis.enrolled, basis.month_days)
    term = _term_table(ledger_rows)
    if options.cycle == CYCLE_TERM_END:
        prepaid = _month_rows(basis, BY_ENROLMENT, periods_per_day, options, enrolled_flag=PREPAID_ENROLLED)
        prepaid = _price(prepaid, basis, replace(rule, settlement=BY_ENROLMENT), options)
        term = _with_prepayment(term, prepaid)
    return Ledger(ledger_rows, term, rule, options, periods_per_day, basis.month_days, basis.problems)


def _month_rows(basis: FeeBasis, settlement: str, periods_per_day: int, options: FeeOptions,
                enrolled_flag: str) -> pd.DataFrame:
    """Counts per student and month: enrolled, attended, absent days and the 课时数 to bill."""
    days = basis.days
    enrolled = days[enrolled_flag]
    attended = days[ATTENDED]
    n = int(periods_per_day)
    if settlement == BY_ATTENDANCE:
        counted = attended
        periods = pd.Series(n, index=days.index, dtype="int64")
        if options.sign_out_periods:
            begun = _periods_begun(days[SIGN_OUT_MINUTES], days[WINDOW_MINUTES], n)
            periods = begun.where(begun.notna(), n).astype("int64")
    else:
        counted = enrolled
        periods = pd.Series(n, index=days.index, dtype="int64")
    frame = pd.DataFrame({
        STUDENT_ID: days[STUDENT_ID], MONTH: days[MONTH],
        "E": enrolled.astype("int64"), "A": attended.astype("int64"),
        "X": (enrolled & ~attended).astype("int64"),
        PERIODS: periods.where(counted, 0).astype("int64"),
    })
    grouped = frame.groupby([STUDENT_ID, MONTH], sort=True)[["E", "A", "X", PERIODS]].sum().reset_index()
    return grouped[(grouped["E"] > 0) | (grouped["A"] > 0)].reset_index(drop=True)


def _periods_begun(signed: pd.Series, window: pd.Series, n: int) -> pd.Series:
    """Periods begun before the sign-out: ceil(minutes signed after the start × n / window), 0..n.

    With a 16:30-18:00 window and two periods, the second begins at 17:15: signing out at 17:15
    counts one period, at 17:16 two. NaN where no time was recorded or the day has no window.
    """
    ok = signed.notna() & window.notna()
    s = signed.where(ok, 0).round().astype("int64")
    w = window.where(ok, 1).round().astype("int64")
    begun = (-(-(s * n) // w)).clip(lower=0, upper=n)
    return begun.astype("float64").where(ok)


def _price(rows: pd.DataFrame, basis: FeeBasis, rule: FeeRule, options: FeeOptions) -> pd.DataFrame:
    """应收/减免/实收 in whole fen for each student-month row (exact fractions, one rounding each)."""
    shares = dict(zip(basis.enrolled[STUDENT_ID], basis.enrolled[WAIVER_SHARE]))
    standard = Fraction(rule.standard) * _FEN_PER_YUAN
    month_days = basis.month_days
    term_days = max(basis.term_days, 1)
    due_fen, waived_fen, notes, billed = [], [], [], []
    running: dict[str, tuple[Fraction, int, int]] = {}  # 按学期: student -> (charge so far, its rounding, waiver rounding)
    for sid, month, e, a, x, periods in zip(rows[STUDENT_ID], rows[MONTH], rows["E"], rows["A"], rows["X"], rows[PERIODS]):
        share = Fraction(shares.get(sid, Decimal(0)))
        e, a, x = int(e), int(a), int(x)
        days, note = _billable_days(rule, options, e, a, x)
        if rule.mode == FREE:
            charge = Fraction(0)
        elif rule.mode == BY_PERIOD:
            charge = standard * int(periods)
        elif rule.mode == BY_MONTH:
            charge = standard * days / max(int(month_days.get(month, 0)), 1)
        else:  # 按学期: this month's share of the term fee
            charge = standard * days / term_days
        if rule.mode == BY_TERM:
            so_far, rounded_before, waived_before = running.get(sid, (Fraction(0), 0, 0))
            so_far += charge
            rounded = _half_up(so_far)
            due = rounded - rounded_before
            waived_total = _half_up(rounded * share)
            waived = waived_total - waived_before
            running[sid] = (so_far, rounded, waived_total)
        else:
            due = _half_up(charge)
            waived = _half_up(due * share)
        due_fen.append(due)
        waived_fen.append(waived)
        notes.append(note)
        billed.append(days)
    return rows.assign(_due=due_fen, _waived=waived_fen, _note=notes, _days=billed)


def _billable_days(rule: FeeRule, options: FeeOptions, enrolled: int, attended: int, absent: int) -> tuple[Fraction, str]:
    """Days charged in a month (a fraction under 整月半月) and why, for 按月 and 按学期 fees; for
    按课时 and 免费 the days counted by the settlement, the charge going by 课时数 there."""
    if rule.settlement == BY_ENROLMENT:
        return Fraction(enrolled), ""
    if rule.mode in (BY_MONTH, BY_TERM) and options.refund_rule == REFUND_HALF_MONTH:
        if enrolled and attended == 0 and absent >= enrolled:
            return Fraction(0), "当月报名的服务日全部缺勤，退还整月费用"
        if enrolled and 2 * absent >= enrolled:
            return Fraction(enrolled, 2), f"缺勤 {absent} 天，达到当月报名服务日的一半，退还半月费用"
        return Fraction(enrolled), ""
    return Fraction(attended), ""


def _ledger_frame(rows: pd.DataFrame, enrolled: pd.DataFrame, month_days: pd.Series) -> pd.DataFrame:
    info = enrolled.set_index(STUDENT_ID)
    out = pd.DataFrame({
        STUDENT_ID: rows[STUDENT_ID].astype(object),
        MONTH: rows[MONTH].astype(object),
        PERIODS: rows[PERIODS].astype("int64"),
        DUE: [_yuan(f) for f in rows["_due"]],
        WAIVED: [_yuan(f) for f in rows["_waived"]],
        PAID: [_yuan(d - w) for d, w in zip(rows["_due"], rows["_waived"])],
    })
    out[NAME] = out[STUDENT_ID].map(info[NAME])
    out[CLASS_NAME] = out[STUDENT_ID].map(info[CLASS_NAME])
    shares = out[STUDENT_ID].map(info[WAIVER_SHARE])
    out[WAIVER_REASON] = [r if s else "" for r, s in zip(out[STUDENT_ID].map(info[WAIVER_REASON]), shares)]
    out[WAIVER_SHARE] = list(shares)
    out[ATTENDED_DAYS] = rows["A"].astype("int64").to_numpy()
    out[ENROLLED_DAYS] = rows["E"].astype("int64").to_numpy()
    out[BILLED_DAYS] = [_days_text(d) for d in rows["_days"]]
    out[MONTH_DAYS] = out[MONTH].map(month_days).fillna(0).astype("int64")
    out[LEDGER_NOTE] = [_join_notes(n, *w) for n, w in zip(rows["_note"], _window_notes(out, info))]
    out[GRADE] = pd.array(out[STUDENT_ID].map(info[GRADE]), dtype="Int64")
    out[CLASS] = pd.array(out[STUDENT_ID].map(info[CLASS]), dtype="Int64")
    return out.sort_values([STUDENT_ID, MONTH], kind="stable").reset_index(drop=True)[list(LEDGER_COLUMNS)]


def _days_text(days: Fraction) -> object:
    """Whole days as int; half days (整月半月) as e.g. 9.5, written as a Decimal."""
    return int(days) if days.denominator == 1 else Decimal(days.numerator) / Decimal(days.denominator)


def _window_notes(out: pd.DataFrame, info: pd.DataFrame) -> list[tuple[str, ...]]:
    """"10月15日起参加" / "11月20日后退出" in the months a student joined or left mid-term (a
    window starting on the term's first day or ending on its last is no mid-term change)."""
    first_day, last_day = info[START_DATE].min(), info[END_DATE].max()
    notes = []
    for month, b, e in zip(out[MONTH], out[STUDENT_ID].map(info[START_DATE]), out[STUDENT_ID].map(info[END_DATE])):
        found = []
        if pd.notna(b) and b > first_day and b.strftime("%Y-%m") == month:
            found.append(f"{b.month}月{b.day}日起参加")
        if pd.notna(e) and e < last_day and e.strftime("%Y-%m") == month:
            found.append(f"{e.month}月{e.day}日后退出")
        notes.append(tuple(found))
    return notes


def _join_notes(*notes: str) -> str:
    return "；".join(n for n in notes if n)


def _term_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Per student: the term's 课时数 and amounts, summed exactly from the month rows."""
    grouped = rows.groupby(STUDENT_ID, sort=True)
    term = pd.DataFrame({
        STUDENT_ID: list(grouped.groups),
    })
    term[NAME] = term[STUDENT_ID].map(grouped[NAME].first())
    term[CLASS_NAME] = term[STUDENT_ID].map(grouped[CLASS_NAME].first())
    term[PERIODS] = term[STUDENT_ID].map(grouped[PERIODS].sum()).astype("int64")
    for column in MONEY_COLUMNS:
        sums = {sid: money_sum(g[column]) for sid, g in grouped}
        term[column] = term[STUDENT_ID].map(sums)
    return term


def _with_prepayment(term: pd.DataFrame, prepaid_rows: pd.DataFrame) -> pd.DataFrame:
    """学期末 多退少补: the prepayment (按报名 from 开始日期 to the term's end, waivers applied)
    against what the term really cost; a positive difference is refunded, a negative one topped up."""
    prepaid = (prepaid_rows.assign(_net=prepaid_rows["_due"] - prepaid_rows["_waived"])
               .groupby(STUDENT_ID)["_net"].sum())
    term = term.copy()
    paid_fen = [int(p * 100) for p in term[PAID]]
    pre_fen = [int(prepaid.get(sid, 0)) for sid in term[STUDENT_ID]]
    term[PREPAID] = [_yuan(p) for p in pre_fen]
    term[TERM_PAID] = list(term[PAID])
    term[REFUND] = [_yuan(max(p - a, 0)) for p, a in zip(pre_fen, paid_fen)]
    term[TOP_UP] = [_yuan(max(a - p, 0)) for p, a in zip(pre_fen, paid_fen)]
    return term


# --- summaries -----------------------------------------------------------------------------------

STUDENTS_COUNT = "人数"
WAIVED_COUNT = "减免人数"
TOTAL_LABEL = "合计"


def class_month_totals(ledger: Ledger) -> pd.DataFrame:
    """Per class and month: 人数, 课时数, 应收, 减免, 实收, each an exact sum of the ledger rows;
    classes in grade order, then a 合计 row per month."""
    rows = ledger.rows
    out = []
    for _, group in rows.groupby([GRADE, CLASS, MONTH], sort=True, dropna=False):
        month = group[MONTH].iloc[0]
        out.append(_summary_row(group, {CLASS_NAME: group[CLASS_NAME].iloc[0], MONTH: month}))
    for month, group in rows.groupby(MONTH, sort=True):
        out.append(_summary_row(group, {CLASS_NAME: TOTAL_LABEL, MONTH: month}))
    columns = [CLASS_NAME, MONTH, STUDENTS_COUNT, WAIVED_COUNT, PERIODS, *MONEY_COLUMNS]
    return pd.DataFrame(out, columns=columns)


def month_totals(ledger: Ledger) -> pd.DataFrame:
    """Per month for the whole school, then the term's 合计 row."""
    rows = ledger.rows
    out = [_summary_row(group, {MONTH: month}) for month, group in rows.groupby(MONTH, sort=True)]
    out.append(_summary_row(rows, {MONTH: TOTAL_LABEL}))
    return pd.DataFrame(out, columns=[MONTH, STUDENTS_COUNT, WAIVED_COUNT, PERIODS, *MONEY_COLUMNS])


def _summary_row(group: pd.DataFrame, head: dict) -> dict:
    return {**head, STUDENTS_COUNT: int(group[STUDENT_ID].nunique()),
            WAIVED_COUNT: int(group.loc[[w > 0 for w in group[WAIVED]], STUDENT_ID].nunique()),
            PERIODS: int(group[PERIODS].sum()), **{c: money_sum(group[c]) for c in MONEY_COLUMNS}}


def _class_order(rows: pd.DataFrame) -> list[str]:
    pairs = rows[[GRADE, CLASS, CLASS_NAME]].drop_duplicates().sort_values([GRADE, CLASS])
    return list(dict.fromkeys(pairs[CLASS_NAME]))


COLLECTION_EXTRA = ("缴费确认", "备注")


def collection_sheets(ledger: Ledger, month: str | None = None) -> dict[str, pd.DataFrame]:
    """One table per class for its 班主任 to collect and sign off, in grade order.

    With ``month``: each student's 课时数, 应收, 减免, 实收 of that month. Without: one 实收 column
    per month and the term's totals (with 学期末, the prepayment and 多退少补 beside them). Blank
    缴费确认 and 备注 columns are left for the teacher. An internal list: names in full, handed to
    the class teacher, not posted.
    """
    rows = ledger.rows
    sheets: dict[str, pd.DataFrame] = {}
    for name in _class_order(rows):
        mine = rows[rows[CLASS_NAME] == name]
        if month is not None:
            mine = mine[mine[MONTH] == month]
            if mine.empty:
                continue
            table = mine[[STUDENT_ID, NAME, PERIODS, *MONEY_COLUMNS]].reset_index(drop=True)
        else:
            wide = mine.pivot(index=STUDENT_ID, columns=MONTH, values=PAID)
            table = pd.DataFrame({STUDENT_ID: wide.index})
            names = mine.drop_duplicates(STUDENT_ID).set_index(STUDENT_ID)[NAME]
            table[NAME] = table[STUDENT_ID].map(names)
            for m in wide.columns:
                # blank, not 0.00, in a month the student was not taking part
                table[f"{m} {PAID}"] = [v if isinstance(v, Decimal) else None for v in wide[m].to_numpy()]
            term = ledger.term.set_index(STUDENT_ID)
            for column in (PERIODS, *MONEY_COLUMNS):
                table[f"{TOTAL_LABEL}{column}"] = table[STUDENT_ID].map(term[column]).tolist()
            if PREPAID in term:
                for column in (PREPAID, REFUND, TOP_UP):
                    table[column] = table[STUDENT_ID].map(term[column]).tolist()
        table.insert(0, "序号", range(1, len(table) + 1))
        for column in COLLECTION_EXTRA:
            table[column] = ""
        sheets[name] = table
    return sheets


def with_total_row(table: pd.DataFrame) -> pd.DataFrame:
    """A class's collection table with a 合计 row: 课时 and money columns summed exactly."""
    total: dict = dict.fromkeys(table.columns, None)
    total["序号"] = TOTAL_LABEL
    for column in table.columns:
        values = [v for v in table[column] if isinstance(v, Decimal)]
        if values:
            total[column] = money_sum(values)
        elif column.endswith(PERIODS) and pd.api.types.is_numeric_dtype(table[column]):
            total[column] = int(table[column].sum())
    return pd.concat([table, pd.DataFrame([total])], ignore_index=True)


def public_notice(ledger: Ledger, settings: Settings, budget: Budget | None = None) -> dict[str, pd.DataFrame]:
    """The 收费公示 tables, fit for posting: the standard and its basis, the waiver policy, totals
    per class and month, the school's monthly totals and (given a budget) how the money is spent.

    No 学号, no names and no phones: only class totals. Per class only 人数, 课时数 and 应收金额:
    a class's 减免 or 实收 (应收 − 减免) would show what one waived family is excused, and in a
    class with one 困难家庭 child, who it is. Waivers and 实收 are published for the school.
    """
    rule, options = ledger.rule, ledger.options
    lines = [("学校", settings.school_name), ("学期", settings.term_name),
             ("收费方式", rule.mode), ("收费标准", standard_text(rule)),
             ("结算方式", settlement_text(rule, options, ledger.periods_per_day))]
    if options.fee_basis:
        lines.append((FEE_BASIS, options.fee_basis))
    lines.append(("减免政策", waiver_text(rule)))
    lines.append(("中途加入或退出", "按实际参加的服务日计算，加入前、退出后的日子不收费"))
    lines.append(("经费用途", SPENDING_RULE))
    lines.append(("监督", "对收费有疑问的，可向班主任或学校课后服务工作领导小组反映"))
    notice = {"收费标准": pd.DataFrame(lines, columns=["项目", "内容"]),
              "各班收费汇总": class_month_totals(ledger).drop(columns=[WAIVED_COUNT, WAIVED, PAID]),
              "全校按月汇总": month_totals(ledger)}
    if budget is not None:
        notice["经费收支"] = budget.by_month
    return notice


def standard_text(rule: FeeRule) -> str:
    if rule.mode == FREE:
        return "免费"
    unit = {BY_PERIOD: "每生每课时", BY_MONTH: "每生每月", BY_TERM: "每生每学期"}[rule.mode]
    return f"{unit} {quantize_fen(rule.standard)} 元"


def settlement_text(rule: FeeRule, options: FeeOptions, periods_per_day: int) -> str:
    if rule.mode == FREE:
        return "免费，不收取费用"
    if rule.settlement == BY_ENROLMENT:
        text = "按报名参加的服务日计算（请假、缺勤不退费）"
    elif rule.mode == BY_PERIOD:
        text = f"按实际出勤的课时计算（每天 {periods_per_day} 课时"
        text += "，提前接走的只计接走前已开始的课时）" if options.sign_out_periods else "）"
    elif options.refund_rule == REFUND_HALF_MONTH:
        text = "按报名的服务日计算；当月全部缺勤退还整月，缺勤达到一半退还半月"
    else:
        text = "按实际出勤的天数占当月服务日的比例计算" if rule.mode == BY_MONTH else "按实际出勤的天数占全学期服务日的比例计算"
    if options.cycle == CYCLE_TERM_END:
        text += "；开学时按报名预收，学期结束时按实际多退少补，不结转到下学期"
    else:
        text += "；按月据实结算"
    return text


def waiver_text(rule: FeeRule) -> str:
    given = [(g, s) for g, s in rule.waivers if s > 0]
    if not given:
        return "无"
    parts = [f"{g}{'全免' if s >= 1 else f'减免{_percent(s)}'}" for g, s in given]
    return "；".join(parts) + ("；同时属于几类的，按最高的减免比例" if len(given) > 1 else "") + "（须经学校认定）"


def _percent(share: Decimal) -> str:
    return f"{(share * 100).normalize():f}%"


# === the attendance sheet for class teachers =====================================================

ATTENDANCE_SHEET_COLUMNS = (DATE, STUDENT_ID, ITEM, STATUS, SIGN_OUT, PICKED_UP_BY, HOMEWORK_DONE, NAME, CARE_GROUP,
                            FOLLOWS_WEEKDAY)


def attendance_sheets(members: pd.DataFrame, calendar: TermCalendar, enrolled: pd.DataFrame | None = None,
                      months: Iterable[str] | None = None) -> dict[str, pd.DataFrame]:
    """Blank attendance to fill, one table per class (grade order), from the care groups.

    ``members`` is :attr:`CareGroups.members` (星期, 组别, 学号, 姓名, 年级, 班级名称). One row per
    student and service day on which the student is in a care group (a 调休 day lists the groups of
    the weekday whose timetable it follows), within 开始日期..退出日期 when ``enrolled`` is given,
    for ``months`` ("2025-10") or the whole term. The first seven columns are exactly the attendance
    input's (作业完成 included, for the evaluation), with 项目 作业辅导 filled in, so a filled sheet can be pasted into attendance.xlsx.
    """
    service = _service_table(calendar)
    if months is not None:
        service = service[service[MONTH].isin(set(months))]
    service = service.assign(**{FOLLOWS_WEEKDAY: [WEEKDAY_NAMES[d] for d in service[TIMETABLE]]})
    table = members.merge(service[[DATE, FOLLOWS_WEEKDAY]], left_on=CARE_WEEKDAY, right_on=FOLLOWS_WEEKDAY)
    if enrolled is not None:
        window = enrolled.set_index(STUDENT_ID)
        inside = (table[DATE] >= table[STUDENT_ID].map(window[START_DATE])) & (table[DATE] <= table[STUDENT_ID].map(window[END_DATE]))
        table = table[inside.fillna(False).astype(bool)]
    table = table.assign(**{ITEM: HOMEWORK_ITEM, STATUS: "", SIGN_OUT: "", PICKED_UP_BY: "", HOMEWORK_DONE: ""})
    sheets = {}
    order = table[[GRADE, CLASS_NAME]].drop_duplicates()
    order = order.assign(_n=[int(re.sub(r"\D", "", str(n).split("年级")[-1]) or 0) for n in order[CLASS_NAME]])
    for name in order.sort_values([GRADE, "_n"])[CLASS_NAME]:
        mine = table[table[CLASS_NAME] == name].sort_values([DATE, STUDENT_ID])
        sheets[name] = mine[list(ATTENDANCE_SHEET_COLUMNS)].reset_index(drop=True)
    return sheets


# === the budget ==================================================================================

@dataclass(frozen=True, eq=False)
class Budget:
    """Income against spending, month by month, in exact yuan.

    ``by_month``: :data:`BUDGET_COLUMNS` per month and a 合计 row. ``lines``: every income and
    spending line used (:data:`LINE_COLUMNS`). ``refused``: spending lines fee income may not pay
    (utilities, venue) or that could not be read, each with its reason (:data:`REFUSED_COLUMNS`).
    ``consumables``: consumables per activity (活动编号 or 全校共用).
    """

    by_month: pd.DataFrame
    lines: pd.DataFrame
    refused: pd.DataFrame
    consumables: pd.DataFrame
    problems: tuple[Problem, ...] = ()

    def total(self, flow: str) -> Decimal:
        """All the term's 收入 (INCOME) or 支出 (SPENDING) lines added up, exactly."""
        return money_sum(self.lines.loc[self.lines[FLOW] == flow, AMOUNT])

    @property
    def balance(self) -> Decimal:
        return self.total(INCOME) - self.total(SPENDING)


def budget(ledger: Ledger, subsidies: pd.DataFrame | None = None, expenses: pd.DataFrame | None = None,
           *, activities: pd.DataFrame | None = None, expenses_file: str = "expenses.xlsx") -> Budget:
    """Income (the ledger's 实收 and any 财政补助) against spending (staff subsidies and the
    spending plan), per month.

    ``subsidies``: any frame with 工号, 月份, 补助金额 (the staffing step's). ``expenses``: the
    经费支出计划 input as loaded (项目, 类别, 金额, 月份, 活动编号, 说明, 行号). A line on utilities
    or venue use is refused with the rule; a line without 月份 is spread over the term's months in
    proportion to their service days (cumulative rounding, so the parts add up to the line).
    """
    months = [m for m, n in ledger.month_days.items() if n > 0]
    months = sorted(set(months) | set(ledger.rows[MONTH]))
    problems: list[Problem] = []
    lines: list[tuple] = []
    for month, group in ledger.rows.groupby(MONTH, sort=True):
        lines.append((month, INCOME, FEE_INCOME, "课后服务收费（实收）", money_sum(group[PAID]), "", "收费台账"))
    options = ledger.options
    if options.public_per_student_month > 0:
        for month, group in ledger.rows.groupby(MONTH, sort=True):
            amount = quantize_fen(options.public_per_student_month * group[STUDENT_ID].nunique())
            lines.append((month, INCOME, PUBLIC_INCOME, f"财政补助（每生每月 {options.public_per_student_month} 元）", amount, "", "学期设置"))
    if options.public_term_total > 0:
        for month, amount in _spread(options.public_term_total, ledger.month_days, months):
            lines.append((month, INCOME, PUBLIC_INCOME, "财政补助（学期总额按服务日分摊）", amount, "", "学期设置"))
    if subsidies is not None and len(subsidies):
        missing = [c for c in (STAFF_ID, MONTH, SUBSIDY_AMOUNT) if c not in subsidies]
        if missing:
            problems.append(Problem(FEE_PROBLEMS, f"教师补助表缺少列：{'、'.join(missing)}，教师补助未计入支出",
                                    "使用师资安排步骤算出的教师补助表（工号、月份、补助金额）"))
        else:
            amounts = [parse_money(v) for v in subsidies[SUBSIDY_AMOUNT]]
            frame = subsidies.assign(_a=[quantize_fen(a) if a is not None else None for a in amounts])
            unreadable = frame["_a"].isna()
            if unreadable.any():
                problems.append(Problem(FEE_PROBLEMS, f"教师补助表有 {int(unreadable.sum())} 行补助金额不是数字，未计入支出",
                                        "核对师资安排步骤的教师补助表", Severity.WARNING))
            for month, group in frame[~unreadable].groupby(MONTH, sort=True):
                lines.append((str(month), SPENDING, STAFF_SUBSIDY, f"教师补助（{group[STAFF_ID].nunique()} 人）",
                              money_sum(group["_a"]), "", "师资安排"))
    refused: list[tuple] = []
    if expenses is not None and len(expenses):
        found, spent, bad = _expense_lines(expenses, ledger.month_days, months, activities, expenses_file)
        problems += found
        lines += spent
        refused += bad
    table = pd.DataFrame(lines, columns=list(LINE_COLUMNS))
    by_month = _by_month(table, sorted(set(months) | set(table[MONTH])))
    consumables = _consumables(table)
    refused_frame = pd.DataFrame(refused, columns=list(REFUSED_COLUMNS))
    problems += _surplus_note(table)
    return Budget(by_month, table, refused_frame, consumables, tuple(group_repeats(problems)))


LARGE_SURPLUS = Decimal("0.2")
"""A term balance above this share of income is pointed out: fees are meant to cover the service's
staff subsidies and consumables, not to build a reserve (seed 002: adjust the budget to what is collected)."""


def _surplus_note(lines: pd.DataFrame) -> list[Problem]:
    income = money_sum(lines.loc[lines[FLOW] == INCOME, AMOUNT])
    spent = money_sum(lines.loc[lines[FLOW] == SPENDING, AMOUNT])
    if income <= 0 or income - spent <= income * LARGE_SURPLUS:
        return []
    share = (income - spent) / income
    return [Problem("经费收支", f"本学期经费结余 {income - spent} 元，占收入的 {share:.0%}；课后服务收费用于人员补助和直接耗材，"
                                f"结余超过 {LARGE_SURPLUS:.0%} 说明收费标准可能偏高或支出计划不全",
                    "用测算比较较低的收费标准，或按程序调整支出预算（如教师补助标准、耗材）", Severity.WARNING)]


def check_expenses(expenses: pd.DataFrame, calendar: TermCalendar, activities: pd.DataFrame | None = None,
                   file_name: str = "expenses.xlsx") -> list[Problem]:
    """What ``afterschool validate`` says of the spending plan: the same line checks as :func:`budget`
    (refused utilities and venue costs, unreadable amounts, months outside the term)."""
    month_days = calendar.count_by_month()
    problems, _, _ = _expense_lines(expenses, month_days, list(month_days.index), activities, file_name)
    return problems


def _spread(amount: Decimal, month_days: pd.Series, months: list[str]) -> list[tuple[str, Decimal]]:
    """``amount`` over ``months`` in proportion to their service days, cumulative rounding: the
    parts add up to the amount exactly."""
    weights = [int(month_days.get(m, 0)) for m in months]
    total = sum(weights)
    if total == 0:
        weights, total = [1] * len(months), max(len(months), 1)
    cents = Fraction(amount) * _FEN_PER_YUAN
    out, running, before = [], 0, 0
    for month, weight in zip(months, weights):
        running += weight
        rounded = _half_up(cents * running / total)
        out.append((month, _yuan(rounded - before)))
        before = rounded
    return out


def _expense_lines(expenses: pd.DataFrame, month_days: pd.Series, months: list[str], activities: pd.DataFrame | None,
                   file_name: str) -> tuple[list[Problem], list[tuple], list[tuple]]:
    problems: list[Problem] = []
    spent: list[tuple] = []
    refused: list[tuple] = []
    known = None if activities is None else set(activities[ACTIVITY_ID])
    for record in expenses.to_dict("records"):
        row = _row(record.get(EXCEL_ROW))
        item = nz.clean_text(record.get(ITEM), fold=False)
        category_text = nz.clean_text(record.get(CATEGORY)).replace(" ", "")
        note = nz.clean_text(record.get(NOTE), fold=False)
        raw_amount = record.get(AMOUNT)
        raw_month = record.get(MONTH)
        code = nz.clean_text(record.get(ACTIVITY_ID)).upper()
        found = [(column, text, w) for column, text in ((ITEM, item), (CATEGORY, category_text), (NOTE, note))
                 for w in FORBIDDEN_WORDS if w in text]
        if found:
            column, text, word = found[0]
            why = f"属于学校公用开支（{word}），不能从课后服务收费中列支"
            problems.append(Problem(file_name, f"{why}：{SPENDING_RULE}，这一行未列入支出",
                                    "删除这一行，改由学校公用经费列支；如确是活动直接耗材，把项目写具体（如“美术社团画纸”）",
                                    Severity.WARNING, row, column, text))  # refused, and planning goes on without it
            refused.append((row, item, category_text, _shown(raw_amount), _shown(raw_month), why))
            continue
        amount = parse_money(raw_amount)
        if amount is None or amount < 0:
            message = "金额不是数字" if amount is None else "金额不能为负数"
            problems.append(Problem(file_name, f"{message}，这一行未列入支出", "只写金额数字（元），如 1200.50",
                                    Severity.ERROR, row, AMOUNT, _shown(raw_amount), dropped=True))
            refused.append((row, item, category_text, _shown(raw_amount), _shown(raw_month), message))
            continue
        if amount != quantize_fen(amount):
            problems.append(Problem(file_name, "金额超过两位小数，已四舍五入到分", "金额写到分即可", Severity.WARNING,
                                    row, AMOUNT, _shown(raw_amount)))
            amount = quantize_fen(amount)
        category = _CATEGORY_ALIASES.get(category_text)
        if category is None:
            problems.append(Problem(file_name, f"不是可选的类别，已按“{OTHER}”计入", "填写其中之一：" + "、".join(EXPENSE_CATEGORIES),
                                    Severity.WARNING, row, CATEGORY, category_text))
            category = OTHER
        if category == OTHER and not note:
            problems.append(Problem(file_name, "“其他”类支出没有写明用途；课后服务收费主要用于人员补助和服务中直接消耗的材料",
                                    "在说明中写明这笔钱用在课后服务的什么地方，或改为耗材、保险等具体类别", Severity.WARNING,
                                    row, NOTE, ""))
        if code and known is not None and code not in known:
            problems.append(Problem(file_name, "活动清单里没有这个活动编号，这笔耗材按全校共用计", "填写活动清单中的活动编号",
                                    Severity.WARNING, row, ACTIVITY_ID, code))
            code = ""
        month, invalid = _parse_month(raw_month, months)
        if invalid:
            problems.append(Problem(file_name, f"{invalid}，这一行未列入支出",
                                    f"写成本学期的月份，如 {months[0] if months else '2025-10'}；整个学期的支出可留空",
                                    Severity.ERROR, row, MONTH, _shown(raw_month), dropped=True))
            refused.append((row, item, category_text, _shown(raw_amount), _shown(raw_month), invalid))
            continue
        parts = [(month, amount)] if month else _spread(amount, month_days, months)
        for m, part in parts:
            spent.append((m, SPENDING, category, item + ("" if month else "（学期分摊）"), part, code, f"{file_name} 第{row}行"))
    return problems, spent, refused


def _parse_month(value: object, months: list[str]) -> tuple[str | None, str | None]:
    """(YYYY-MM or None for blank, error text or None). 2025-10, 2025/10, 2025年10月, a date cell,
    10月 (the term's month of that number)."""
    if nz.is_blank(value):
        return None, None
    if isinstance(value, (pd.Timestamp,)) or hasattr(value, "strftime"):
        month = pd.Timestamp(value).strftime("%Y-%m")
    else:
        text = nz.clean_text(value).replace(" ", "")
        match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})(月)?([-/.]\d{1,2}日?)?(\s*00:00:00)?", text)
        if match:
            month = f"{int(match.group(1)):04d}-{int(match.group(2)):02d}"
        elif (short := re.fullmatch(r"(\d{1,2})月?", text)):
            fits = [m for m in months if int(m[5:]) == int(short.group(1))]
            if len(fits) != 1:
                return None, "无法确定是哪一年的这个月"
            month = fits[0]
        else:
            return None, "无法识别的月份"
    if month not in months:
        return None, f"{month} 不在本学期内"
    return month, None


def _by_month(lines: pd.DataFrame, months: list[str]) -> pd.DataFrame:
    records = []
    running = Decimal("0.00")
    for month in [*months, TOTAL_LABEL]:
        mine = lines if month == TOTAL_LABEL else lines[lines[MONTH] == month]
        sums = {key: money_sum(group[AMOUNT]) for key, group in mine.groupby([FLOW, CATEGORY])}
        fee, public = sums.get((INCOME, FEE_INCOME), Decimal("0.00")), sums.get((INCOME, PUBLIC_INCOME), Decimal("0.00"))
        spending = {c: sums.get((SPENDING, c), Decimal("0.00")) for c in EXPENSE_CATEGORIES}
        balance = fee + public - sum(spending.values(), Decimal("0.00"))
        if month != TOTAL_LABEL:
            running += balance
        records.append({MONTH: month, FEE_INCOME: fee, PUBLIC_INCOME: public, INCOME_TOTAL: fee + public, **spending,
                        SPENDING_TOTAL: sum(spending.values(), Decimal("0.00")), BALANCE: balance,
                        RUNNING_BALANCE: running})
    return pd.DataFrame(records, columns=list(BUDGET_COLUMNS))


def _consumables(lines: pd.DataFrame) -> pd.DataFrame:
    mine = lines[lines[CATEGORY] == CONSUMABLES]
    codes = mine[ACTIVITY_ID].where(mine[ACTIVITY_ID] != "", SHARED_CONSUMABLES)
    rows = [(code, money_sum(group[AMOUNT])) for code, group in mine.groupby(codes, sort=True)]
    return pd.DataFrame(rows, columns=[ACTIVITY_ID, AMOUNT])


# === the whole step, and the what-if =============================================================

@dataclass(frozen=True, eq=False)
class FeePlan:
    """Everything step 04 works out, for the notebook and ``afterschool fees``."""

    options: FeeOptions
    enrolled: pd.DataFrame
    attendance: AttendanceCheck | None
    basis: FeeBasis
    ledger: Ledger
    budget: Budget
    problems: tuple[Problem, ...] = field(default=())


def plan_fees(settings: Settings, calendar: TermCalendar, taking_part: pd.DataFrame,
              attendance: pd.DataFrame | None = None, *, students: pd.DataFrame | None = None,
              subsidies: pd.DataFrame | None = None, expenses: pd.DataFrame | None = None,
              activities: pd.DataFrame | None = None, survey_file: str = "survey.csv",
              attendance_file: str = "attendance.csv", expenses_file: str = "expenses.xlsx") -> FeePlan:
    """Enrolment, attendance check, basis, ledger and budget in one call (no file is read or written)."""
    options, problems = fee_options(settings)
    enrolled, found = enrolment(taking_part, settings, students, file_name=survey_file)
    problems += found
    checked = None
    if attendance is not None:
        checked = check_attendance(attendance, calendar, enrolled, students, file_name=attendance_file)
        problems += checked.problems
    basis = billing_basis(calendar, enrolled, checked)
    ledger = settle(basis, settings.fee, settings.periods_per_day, options)
    problems += ledger.problems
    spent = budget(ledger, subsidies, expenses, activities=activities, expenses_file=expenses_file)
    problems += spent.problems
    return FeePlan(options, enrolled, checked, basis, ledger, spent, tuple(problems))


FAMILIES = "在读人数"
AVERAGE_PAID = "人均月缴"
FULL_TIME_PAID = "满勤月缴"
WHAT_IF_COLUMNS = (MONTH, FAMILIES, FEE_INCOME, PUBLIC_INCOME, INCOME_TOTAL, AVERAGE_PAID, FULL_TIME_PAID,
                   SPENDING_TOTAL, BALANCE)


@dataclass(frozen=True, eq=False)
class WhatIf:
    """One scenario: ``by_month`` (:data:`WHAT_IF_COLUMNS` and a 合计 row), and the ledger and
    budget it came from, so any figure can be traced to the rows."""

    by_month: pd.DataFrame
    ledger: Ledger
    budget: Budget


def what_if(basis: FeeBasis, settings: Settings, *, standard: Decimal | str | float | None = None,
            waiver_share: Decimal | str | float | None = None, periods_per_day: int | None = None,
            subsidies: pd.DataFrame | Callable[[int], pd.DataFrame] | None = None,
            expenses: pd.DataFrame | None = None, options: FeeOptions | None = None) -> WhatIf:
    """Income, what a family pays per month, and the balance under another fee standard, waiver
    share or number of periods a day, from the same :func:`settle` and :func:`budget` as the ledger.

    ``waiver_share`` replaces the share of every group the settings waive (困难家庭 when none).
    ``subsidies`` may be a callable of the periods per day (e.g. ``lambda n: staffing.subsidies(
    roster, calendar, n, rule)``) so staff pay follows a longer day; a frame stays as it is.
    人均月缴 is the month's 实收 per student billed; 满勤月缴 what a student enrolled and present on
    every service day of the month pays without waiver (the typical family's burden).
    """
    if options is None:
        options, _ = fee_options(settings)
    rule = settings.fee
    if standard is not None:
        rule = replace(rule, standard=Decimal(str(standard)))
    if waiver_share is not None:
        share = Decimal(str(waiver_share))
        groups = [g for g, _ in rule.waivers] or [WAIVER_GROUPS[0]]
        rule = replace(rule, waivers=tuple((g, share) for g in groups))
        basis = _with_waivers(basis, rule)
    n = settings.periods_per_day if periods_per_day is None else int(periods_per_day)
    ledger = settle(basis, rule, n, options)
    staff = subsidies(n) if callable(subsidies) else subsidies
    spent = budget(ledger, staff, expenses)
    full = settle(_full_time_basis(basis), rule, n, options).rows.set_index(MONTH)[PAID]
    by_month = spent.by_month.set_index(MONTH)
    rows = []
    for month in [*by_month.index]:
        mine = ledger.rows if month == TOTAL_LABEL else ledger.rows[ledger.rows[MONTH] == month]
        families = int(mine[STUDENT_ID].nunique())
        paid = money_sum(mine[PAID])
        billed = len(mine)  # student-months: the 合计 row gives the term's average per student and month
        average = quantize_fen(paid / billed) if billed else Decimal("0.00")
        full_paid = money_sum(full) if month == TOTAL_LABEL else full.get(month, Decimal("0.00"))
        rows.append({MONTH: month, FAMILIES: families, FEE_INCOME: by_month.at[month, FEE_INCOME],
                     PUBLIC_INCOME: by_month.at[month, PUBLIC_INCOME], INCOME_TOTAL: by_month.at[month, INCOME_TOTAL],
                     AVERAGE_PAID: average, FULL_TIME_PAID: full_paid,
                     SPENDING_TOTAL: by_month.at[month, SPENDING_TOTAL], BALANCE: by_month.at[month, BALANCE]})
    return WhatIf(pd.DataFrame(rows, columns=list(WHAT_IF_COLUMNS)), ledger, spent)


def _with_waivers(basis: FeeBasis, rule: FeeRule) -> FeeBasis:
    """The basis with each student's share recomputed from new waiver shares (the groups stay)."""
    enrolled = basis.enrolled.copy()
    enrolled[WAIVER_SHARE], enrolled[WAIVER_REASON] = _waiver_shares(enrolled, rule)
    return replace(basis, enrolled=enrolled)


_FULL_TIME = "满勤学生"


def _full_time_basis(basis: FeeBasis) -> FeeBasis:
    """A single made-up student enrolled and present on every service day, no waiver, no early
    sign-out: the typical full-time family's bill, computed by the very same settle()."""
    service = basis.service
    days = pd.DataFrame({STUDENT_ID: _FULL_TIME, DATE: service[DATE], MONTH: service[MONTH], ENROLLED: True,
                         PREPAID_ENROLLED: True, ATTENDED: True, SIGN_OUT_MINUTES: np.nan,
                         WINDOW_MINUTES: service[WINDOW_MINUTES]}, columns=list(BASIS_COLUMNS))
    enrolled = pd.DataFrame([{STUDENT_ID: _FULL_TIME, NAME: _FULL_TIME, GRADE: 0, CLASS: 0, CLASS_NAME: "",
                              WEEKDAYS_COL: "", START_DATE: service[DATE].min(), END_DATE: service[DATE].max(),
                              WAIVER_SHARE: Decimal(0), WAIVER_REASON: "", **dict.fromkeys(WAIVER_GROUPS, False)}],
                            columns=list(ENROLMENT_COLUMNS))
    return FeeBasis(days, enrolled, service, basis.month_days)


__all__ = [
    "LEDGER_COLUMNS", "LEDGER_CONTRACT", "AttendanceCheck", "Budget", "FeeBasis", "FeeOptions", "FeePlan", "Ledger",
    "WhatIf", "attendance_sheets", "billing_basis", "budget", "check_attendance", "class_month_totals",
    "collection_sheets", "enrolment", "fee_options", "month_totals", "parse_money", "plan_fees", "public_notice",
    "settle", "what_if",
]
