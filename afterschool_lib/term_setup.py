"""Step 00, 学期设置: the settings at a glance, and the step's outputs.

The notebook shows :func:`settings_overview` so the team reads the term's arrangement in plain
Chinese before anything is planned, and :func:`write_term_setup` leaves the term calendar and the
validation report in the output folder for printing and for the later steps.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd

from .problems import problems_table
from .schema import (
    DATE,
    DAY_END,
    DAY_IS_SERVICE,
    DAY_KIND,
    DAY_SEASON,
    DAY_START,
    DAY_WEEKDAY,
    FOLLOWS_WEEKDAY,
)
from .settings import Settings, is_ceiling_target, is_count_target
from .term_calendar import BREAK, STATUTORY_HOLIDAY, SUSPENDED, WEEKEND, TermCalendar
from .validate import FolderCheck
from .workbooks import write_tables

TERM_CALENDAR_FILE = "学期校历.xlsx"
VALIDATION_REPORT_FILE = "数据检查报告.xlsx"


def _target_text(name: str, value: Decimal) -> str:
    if is_count_target(name):
        return f"{'≤' if is_ceiling_target(name) else '≥'} {value.normalize():f}"
    return f"≥ {(value * 100).normalize():f}%"


def _money(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'))} 元"


def settings_overview(settings: Settings | None) -> pd.DataFrame:
    """The term's arrangement as 项目/内容 rows, in the order a plan states them."""
    if settings is None:
        return pd.DataFrame({"项目": ["学期设置"], "内容": ["settings.yaml 有错误，无法读取，请先按下方检查结果改正"]})
    fee = settings.fee
    if fee.is_free:
        fee_text = "免费"
    else:
        unit = {"按课时": "每生每课时", "按月": "每生每月", "按学期": "每生每学期"}.get(fee.mode, "")
        fee_text = f"{fee.mode}，{unit} {_money(fee.standard)}，{fee.settlement}结算"
    waivers = "；".join(f"{group}减免{(share * 100).normalize():f}%" for group, share in fee.waivers) or "无"
    seasons = "；".join(f"{s.name}（{s.start_date:%Y-%m-%d} 起）{s.start}-{s.end}" for s in settings.seasons)
    leaders = dict(settings.leadership)
    rows = [
        ("学校名称", settings.school_name or "（未填写）"),
        ("学年学期", settings.term_name),
        ("学期起止", f"{settings.term_start:%Y-%m-%d} 至 {settings.term_end:%Y-%m-%d}"),
        ("服务日", "、".join(settings.service_weekday_names)),
        ("每日课时数", str(settings.periods_per_day)),
        ("服务时段", seasons),
        ("收费", fee_text),
        ("减免", waivers),
        ("教师补助", f"每课时 {_money(settings.subsidy_per_period)}"),
        ("每组人数上限", str(settings.group_size)),
        ("工作目标", "；".join(f"{name} {_target_text(name, value)}" for name, value in settings.targets)),
        ("领导小组组长", str(leaders.get("组长") or "（未填写）")),
        ("部门分工", "；".join(f"{dept}：{duty}" for dept, duty in settings.duties) or "（未填写）"),
    ]
    return pd.DataFrame(rows, columns=["项目", "内容"])


def month_summary(calendar: TermCalendar | None) -> pd.DataFrame:
    """Per month: service days (of which on a make-up weekend), days off by reason, the window."""
    columns = ["月份", "课后服务日", "其中调休上课", "法定节假日", "停课", "放假", "周末", "服务时段"]
    if calendar is None:
        return pd.DataFrame(columns=columns)
    days = calendar.days
    month = days[DATE].dt.strftime("%Y-%m")
    service = days[DAY_IS_SERVICE]
    makeup = service & (days[FOLLOWS_WEEKDAY] != "") & (days[FOLLOWS_WEEKDAY] != days[DAY_WEEKDAY])
    window = (days[DAY_SEASON] + " " + days[DAY_START] + "-" + days[DAY_END]).where(service)
    rows = []
    for name, group in days.groupby(month, sort=True):
        kinds = group[DAY_KIND]
        windows = window[group.index].dropna()
        rows.append([name, int(service[group.index].sum()), int(makeup[group.index].sum()),
                     int((kinds == STATUTORY_HOLIDAY).sum()), int((kinds == SUSPENDED).sum()),
                     int((kinds == BREAK).sum()), int((kinds == WEEKEND).sum()),
                     "；".join(dict.fromkeys(windows))])
    table = pd.DataFrame(rows, columns=columns)
    total = ["合计", *(int(table[c].sum()) for c in columns[1:-1]), ""]
    return pd.concat([table, pd.DataFrame([total], columns=columns)], ignore_index=True)


def write_term_setup(check: FolderCheck, out_dir: Path | str) -> list[Path]:
    """Write the term calendar and the validation report; returns the files written."""
    out_dir = Path(out_dir)
    written = []
    if check.calendar is not None:
        days = check.calendar.days
        written.append(write_tables(out_dir / TERM_CALENDAR_FILE, {
            "课后服务日": days[days[DAY_IS_SERVICE]].reset_index(drop=True),
            "全学期每日": days,
            "按月统计": month_summary(check.calendar),
        }))
    report = problems_table(check.problems)
    written.append(write_tables(out_dir / VALIDATION_REPORT_FILE, {
        "汇总": check.accounting(),
        "问题清单": report,
    }))
    return written

