"""How the notebooks show tables and charts: whole tables, no truncated cells, inline charts.

Called once at the top of every step notebook, so a teacher sees every problem row and the full
text of every setting, and pandas' English "470 rows × 7 columns" footer never appears.
"""

from __future__ import annotations

import pandas as pd

MAX_ROWS_SHOWN = 500


def setup_notebook() -> None:
    """Pandas display options for Chinese tables and the inline chart backend."""
    pd.set_option("display.max_rows", MAX_ROWS_SHOWN)
    pd.set_option("display.min_rows", MAX_ROWS_SHOWN)
    pd.set_option("display.max_columns", 50)
    pd.set_option("display.max_colwidth", None)
    pd.set_option("display.width", 200)
    pd.set_option("display.show_dimensions", False)
    try:
        from IPython import get_ipython
    except ImportError:  # outside IPython there is nothing to configure
        return
    shell = get_ipython()
    if shell is not None:
        shell.run_line_magic("matplotlib", "inline")


def problems_view(problems):
    """The problem table, or a plain Chinese line when there is nothing to fix.

    pandas shows an empty table as "Empty DataFrame / Columns: [...]" in English; a teacher
    should read 没有发现问题 instead.
    """
    from IPython.display import Markdown

    from .problems import problems_table

    problems = list(problems)
    if not problems:
        return Markdown("没有发现问题。")
    return problems_table(problems)


def percent_text(value, places: int = 1) -> str:
    """0.9305 -> 93.1%: rounded half up from the decimal value, as Excel shows the same cell
    with 0.0% (Python's own % format would print 93.0% from the float 0.93049999...)."""
    from decimal import ROUND_HALF_UP, Decimal

    if value is None or pd.isna(value):
        return ""
    shown = (Decimal(str(value)) * 100).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{shown}%"


def is_rate_column(name: object) -> bool:
    """Columns that hold a fraction to show as a percentage: 出勤率, 满意率 ... and 占比."""
    return str(name).endswith("率") or name == "占比"


def as_percent(frame):
    """A copy for showing: every column whose name ends in 率 (or is 占比) written as 77.2%.

    The library keeps rates as fractions (0.772), as DESIGN asks; people read percentages.
    """
    shown = frame.copy()
    for column in shown.columns:
        if is_rate_column(column):
            shown[column] = [percent_text(v) for v in shown[column]]
    return shown


def yes_no(frame):
    """A copy for showing: true/false columns written 是/否, as the workbooks write them."""
    shown = frame.copy()
    for column in shown.columns:
        if shown[column].dtype == bool:
            shown[column] = shown[column].map({True: "是", False: "否"})
    return shown
