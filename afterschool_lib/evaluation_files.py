"""The evaluation report of step 05 (期末评价.xlsx), its charts, and last term's figures read back.

- 期末评价.xlsx (internal, for the team and the school's leadership): first sheet 目标达成, one row
  per indicator with 指标, 数值, 目标, 达标 first (DESIGN section 4), rates as fractions shown as
  percentages; then every breakdown, the comments (masked), the appraisal and commendation
  shortlist, the comparison with last term, the charts and the definitions.
- Next term, :func:`read_indicators` reads the 指标一览 sheet of this file back, so the term-over-term
  comparison needs nothing but last term's report (or its data folder, evaluated afresh).

Same evaluation, same bytes.
"""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure
from openpyxl.drawing.image import Image
from openpyxl.styles import Alignment, Font

from . import evaluation as ev
from .charts import bar_chart, target_chart
from .display import is_rate_column
from .files import write_bytes_atomic
from .problems import Problem, Severity, problems_table
from .workbooks import add_table_sheet, exact_numbers, new_workbook, workbook_bytes

EVALUATION_FILE = "期末评价.xlsx"
TARGETS_SHEET = "目标达成"
INDICATORS_SHEET = "指标一览"
COMPARISON_SHEET = "学期对比"
REPORT_TITLE = "报告"  # the 说明 sheet's first line: school, term, what the report is
PREVIOUS_FOLDER = "上学期"  # a term folder's subfolder holding last term's 期末评价.xlsx, found without asking
CHARTS_SHEET = "图表"
NOTES_SHEET = "说明"


# --- charts -----------------------------------------------------------------------------------


def figures(evaluation: ev.Evaluation) -> dict[str, Figure]:
    """The report's charts by title: targets met, satisfaction by question, attendance by month,
    comment themes. Only charts with data are drawn."""
    charts: dict[str, Figure] = {}
    rates = evaluation.targets[[not ev.is_count(n) for n in evaluation.targets[ev.INDICATOR]]]
    if len(rates):
        charts["各项指标与目标"] = target_chart(list(rates[ev.INDICATOR]), list(rates[ev.VALUE]), list(rates[ev.TARGET]),
                                           list(rates[ev.MET]), "各项指标与目标（比例）")
    by_question = evaluation.satisfaction_by_question
    if len(by_question) and by_question[ev.ANSWERS].sum():
        table = by_question.pivot(index=ev.QUESTION, columns=ev.RESPONDENT, values=ev.SATISFACTION_RATE)
        table = table.reindex(index=list(dict.fromkeys(by_question[ev.QUESTION])),
                              columns=list(dict.fromkeys(by_question[ev.RESPONDENT]))).astype(float)
        charts["各题满意率"] = bar_chart(table, "各题满意率（满意＋非常满意）", "", "满意率", fmt="{:.0%}", horizontal=True)
    by_month = evaluation.attendance_by_month
    if len(by_month):
        series = by_month.set_index(ev.MONTH)[ev.ATTENDANCE_RATE].astype(float)
        charts["各月出勤率"] = bar_chart(series, "各月出勤率", "月份", "出勤率", fmt="{:.1%}")
    themes = evaluation.comments.themes
    if len(themes):
        charts["意见建议主题"] = bar_chart(themes.set_index("主题")["条数"], "意见建议的主题（条）", "", "条数",
                                      fmt="{:g}", horizontal=True)
    return charts


def png_bytes(figure: Figure) -> bytes:
    """A figure as PNG without the matplotlib version in its metadata, so the bytes are stable."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, metadata={"Software": None})
    return buffer.getvalue()


# --- the workbook ----------------------------------------------------------------------------------


def _with_float_rates(frame: pd.DataFrame) -> pd.DataFrame:
    """Rate columns as floats (blank where nothing was counted), so Excel shows them as 92.3%."""
    out = frame.copy()
    for column in out.columns:
        if is_rate_column(column):
            out[column] = pd.to_numeric(out[column], errors="coerce").astype(float)
    return out


def _table(book, title: str, frame: pd.DataFrame, text_columns: tuple[str, ...] = ()) -> None:
    frame = _with_float_rates(frame)
    add_table_sheet(book, title, frame, text_columns=text_columns)
    exact_numbers(book[title[:31]], frame)


def _indicator_sheet(book, title: str, frame: pd.DataFrame, numbers: tuple[str, ...] = (ev.VALUE, ev.TARGET),
                     changes: tuple[str, ...] = (ev.GAP,)) -> None:
    """A table with one indicator per row: its ``numbers`` shown as percentages (rates) or whole
    numbers (counts), its ``changes`` with a sign."""
    add_table_sheet(book, title, frame)
    sheet = book[title]
    names = list(frame[ev.INDICATOR])
    for j, column in enumerate(frame.columns, start=1):
        if column in (ev.NUMERATOR, ev.DENOMINATOR):  # people and records, or yuan for the spending share
            for i, value in enumerate(frame[column].tolist(), start=2):
                cell = sheet.cell(row=i, column=j)
                cell.value = None if value is None or (isinstance(value, float) and pd.isna(value)) else value
                cell.number_format = "#,##0.00" if isinstance(value, Decimal) else "#,##0"
            continue
        if column not in numbers + changes:
            continue
        sheet.column_dimensions[sheet.cell(row=1, column=j).column_letter].width = 10
        for i, name in enumerate(names, start=2):
            cell = sheet.cell(row=i, column=j)
            if column in changes:
                cell.number_format = "+0;-0;0" if ev.is_count(name) else "+0.0%;-0.0%;0.0%"
            else:
                cell.number_format = "0" if ev.is_count(name) else "0.0%"
    wrap = list(frame.columns).index(ev.DEFINITION) + 1 if ev.DEFINITION in frame else None
    if wrap:
        sheet.column_dimensions[sheet.cell(row=1, column=wrap).column_letter].width = 60
        for i in range(2, len(frame) + 2):
            sheet.cell(row=i, column=wrap).alignment = Alignment(wrap_text=True, vertical="top")


def _charts_sheet(book, charts: dict[str, Figure]) -> None:
    sheet = book.create_sheet(CHARTS_SHEET)
    row = 1
    for title, figure in charts.items():
        sheet.cell(row=row, column=1, value=title).font = Font(bold=True, size=12)
        image = Image(io.BytesIO(png_bytes(figure)))
        sheet.add_image(image, f"A{row + 1}")
        row += int(image.height / 20) + 3  # about 20 pixels per default row


def _notes(evaluation: ev.Evaluation, heading: str, source: str) -> pd.DataFrame:
    lines = [(REPORT_TITLE, f"{heading} 课后服务期末评价"), ("数据来源", source)]
    lines += [("结论", p) for p in ev.summary_paragraphs(evaluation)]
    lines += [("提示", n) for n in evaluation.notes]
    if evaluation.comparison is not None:
        last = evaluation.comparison.attrs.get(REPORT_TITLE, "")
        lines += [("学期对比", "与上学期的期末评价逐项对比" + (f"（{last}）" if last else ""))]
    lines += [("意见主题", "一条意见建议可以同时属于几个主题，所以各主题的条数和占比相加会多于总数。")]
    lines += [("表彰规则", evaluation.rule.text())]
    lines += [(f"口径：{name}", text) for name, text in ev.DEFINITIONS.items()]
    lines += [("满意率", "每一题的作答中答“满意”或“非常满意”的比例；“满意度：满意”“很满意”等写法按对应等级计，空着的题不计。"),
              ("差距", "数值超出目标为正，未达到目标为负；比例的差距以百分点计。"),
              ("个人信息", "意见建议中的手机号、学生和家长姓名已脱敏；安全事故只写班级，不写学号和姓名。")]
    return pd.DataFrame(lines, columns=["项目", "内容"])


def write_evaluation(path: Path | str, evaluation: ev.Evaluation, heading: str, source: str = "",
                     problems: list[Problem] | tuple[Problem, ...] = ()) -> Path:
    """期末评价.xlsx: the targets table first, then every table behind it (see the module docstring)."""
    book = new_workbook()
    _indicator_sheet(book, TARGETS_SHEET, evaluation.targets)
    _indicator_sheet(book, INDICATORS_SHEET, evaluation.indicators)
    if evaluation.comparison is not None:
        _indicator_sheet(book, COMPARISON_SHEET, evaluation.comparison, (ev.PREVIOUS, ev.CURRENT), (ev.CHANGE,))
    tables = {
        "参与情况": evaluation.participation, "出勤_按组": evaluation.attendance_by_group,
        "出勤_按班": evaluation.attendance_by_class, "出勤_按月": evaluation.attendance_by_month,
        "满意度_按身份": evaluation.satisfaction_by_respondent, "满意度_按题": evaluation.satisfaction_by_question,
        "满意度_按年级": evaluation.satisfaction_by_grade, "校内完成作业": evaluation.homework,
        "安全事故": evaluation.incidents, "安全事故记录": evaluation.incident_list, "师资": evaluation.staff,
        "社团活动": evaluation.activities, "收费与经费": evaluation.fees,
        "意见主题": evaluation.comments.themes, "高频词": evaluation.comments.words,
        "意见建议": evaluation.comments.comments, "人员考评": evaluation.appraisal, "表彰建议": evaluation.shortlist,
    }
    for title, frame in tables.items():
        _table(book, title, frame, text_columns=(ev.STAFF_ID,) if ev.STAFF_ID in frame else ())
    _charts_sheet(book, figures(evaluation))
    if problems:
        add_table_sheet(book, "问题", problems_table(list(problems)))
    add_table_sheet(book, NOTES_SHEET, _notes(evaluation, heading, source))
    book[NOTES_SHEET].column_dimensions["B"].width = 100
    for row in book[NOTES_SHEET].iter_rows(min_row=2, min_col=2, max_col=2):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    return write_bytes_atomic(path, workbook_bytes(book))


# --- last term ---------------------------------------------------------------------------------------


def previous_source(data_dir: Path | str, given: Path | str | None = None) -> Path | None:
    """Where last term's figures come from: ``given`` if any, else the term folder's 上学期 subfolder
    when it exists (the team copies last term's 期末评价.xlsx there), else None (no comparison)."""
    if given is not None:
        return Path(given)
    folder = Path(data_dir) / PREVIOUS_FOLDER
    return folder if folder.is_dir() else None


def read_indicators(source: Path | str) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Last term's indicators (指标, 数值) from its 期末评价.xlsx, given the file or the folder
    holding it. A folder without one gives (None, [a problem saying what to pass instead])."""
    path = Path(source)
    if path.is_dir():
        path = path / EVALUATION_FILE
    if not path.is_file():
        return None, [Problem(str(source), f"没有找到上学期的{EVALUATION_FILE}，学期对比从略",
                              f"给出上学期输出文件夹（其中有 {EVALUATION_FILE}）或上学期的学期数据文件夹", Severity.WARNING)]
    try:
        sheets = pd.read_excel(path, sheet_name=None, dtype=object)
    except Exception:  # a damaged or foreign file: say so in Chinese, never a traceback
        return None, [Problem(path.name, "文件已损坏或不是 Excel 文件，无法读取，学期对比从略",
                              f"确认这是工具包写出的 {EVALUATION_FILE}，用 Excel 打开检查后另存", Severity.WARNING)]
    frame = sheets.get(INDICATORS_SHEET, next(iter(sheets.values())) if sheets else None)
    if frame is None or ev.INDICATOR not in frame or ev.VALUE not in frame:
        return None, [Problem(path.name, f"没有“{ev.INDICATOR}”“{ev.VALUE}”两列，学期对比从略",
                              f"给出工具包写出的 {EVALUATION_FILE}（工作表“{INDICATORS_SHEET}”）", Severity.WARNING)]
    frame = frame[[ev.INDICATOR, ev.VALUE]].dropna(subset=[ev.INDICATOR]).reset_index(drop=True)
    notes = sheets.get(NOTES_SHEET)
    if notes is not None and len(notes.columns) >= 2:  # "报告: 示例小学 2024-2025学年第二学期 课后服务期末评价"
        titles = notes[notes.iloc[:, 0] == REPORT_TITLE].iloc[:, 1]
        frame.attrs[REPORT_TITLE] = str(titles.iloc[0]) if len(titles) else ""
    return frame, []
