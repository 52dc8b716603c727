"""Charts with Chinese labels that look the same on every machine.

Schools run the kit on Windows PCs without a CJK font that matplotlib knows, so the charts use the
Noto Sans CJK SC font shipped in the ``mplfonts`` wheel (SIL Open Font License), registered by
:func:`use_chinese_font`. A system copy of the same family (Debian's ``fonts-noto-cjk``) is pushed
behind ours so that a chart renders with the same glyphs everywhere and a test can check which
file was used. SimHei, also in that wheel, is never used: its licence for redistribution is unclear.

Every chart function returns a :class:`matplotlib.figure.Figure` built without pyplot, so no
figure is left registered in pyplot's global state and nothing has to be closed. In a notebook,
end the cell with the figure (``fig``) to show it; its text repr (``<Figure size ... with N
Axes>``) is stable, which nbval relies on.
"""

from __future__ import annotations

import calendar
import importlib.resources
import warnings
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd

with warnings.catch_warnings():
    # matplotlib writes its font cache without naming an encoding. With PYTHONWARNDEFAULTENCODING
    # and warnings as errors (our tests), the first import on a fresh machine would fail and
    # leave an empty cache file behind, so every later import would fail the same way.
    warnings.simplefilter("ignore", EncodingWarning)
    from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import PercentFormatter

from .display import percent_text
from .schema import DATE, DAY_IS_SERVICE, DAY_KIND, FOLLOWS_WEEKDAY, WEEKDAY_NAMES

__all__ = [
    "DPI", "FONT_FAMILY", "bar_chart", "calendar_month_grid", "chinese_font_path", "month_panels",
    "new_figure", "target_chart", "use_chinese_font",
]

FONT_FAMILY = "Noto Sans CJK SC"
_FONT_FILE = "NotoSansCJKsc-Regular.otf"
DPI = 100  # fixed so that a figure's pixel size, and so a PNG, do not depend on the machine
_SVG_SALT = "afterschool-kit"  # fixed ids in SVG output (nbval compares SVG text)



def chinese_font_path() -> Path:
    """The Noto Sans CJK SC file inside the installed ``mplfonts`` package."""
    path = Path(str(importlib.resources.files("mplfonts") / "fonts" / _FONT_FILE))
    if not path.is_file():
        raise FileNotFoundError(
            f"找不到中文字体文件 {path}：请重新安装依赖（pip install mplfonts），图表中的中文才能正常显示"
        )
    return path


def use_chinese_font() -> Path:
    """Make matplotlib draw Chinese with the bundled Noto Sans CJK SC; safe to call many times.

    Returns the font file used. Sets ``font.family`` to Noto Sans CJK SC with DejaVu Sans as the
    per-glyph fallback, keeps the ASCII hyphen for negative numbers (the CJK font's U+2212 is a
    full-width dash that looks odd beside Latin digits), and fixes the SVG hash salt and the figure
    dpi so that the same data gives the same file.
    """
    path = chinese_font_path()
    manager = font_manager.fontManager
    if not manager.ttflist or manager.ttflist[0].fname != str(path):
        if not any(entry.fname == str(path) for entry in manager.ttflist):
            manager.addfont(str(path))
        # Put our file first: findfont keeps the first of equally good matches, and a system copy
        # of Noto Sans CJK SC (another version, inside a .ttc) would otherwise win the tie.
        ours = [entry for entry in manager.ttflist if entry.fname == str(path)]
        others = [entry for entry in manager.ttflist if entry.fname != str(path)]
        manager.ttflist[:] = ours + others
        manager._findfont_cached.cache_clear()  # it would still answer with the old order
    matplotlib.rcParams.update({
        "font.family": [FONT_FAMILY, "DejaVu Sans"],
        "axes.unicode_minus": False,
        "svg.hashsalt": _SVG_SALT,
        "svg.fonttype": "path",  # text as paths: the SVG shows Chinese without the font installed
        "figure.dpi": DPI,
        "savefig.dpi": DPI * 1.5,
    })
    return path


def new_figure(nrows: int = 1, ncols: int = 1, *, figsize: tuple[float, float] = (8.0, 4.5),
               **subplots_kw) -> tuple[Figure, Axes | np.ndarray]:
    """A figure outside pyplot with the Chinese font set, and its axes (as ``Figure.subplots``).

    Using :class:`Figure` directly keeps pyplot's list of open figures empty, so a notebook that
    draws many charts never warns about too many open figures and nothing needs closing.
    """
    use_chinese_font()
    fig = Figure(figsize=figsize, dpi=DPI, layout=subplots_kw.pop("layout", "constrained"))
    axes = fig.subplots(nrows, ncols, **subplots_kw)
    return fig, axes


def bar_chart(data: pd.Series | pd.DataFrame, title: str, xlabel: str = "", ylabel: str = "", *,
              fmt: str | None = "{:g}", horizontal: bool = False,
              figsize: tuple[float, float] | None = None) -> Figure:
    """A bar chart of a Series (one bar per index value) or a DataFrame (bars grouped by index,
    one colour per column, with a legend). Each bar carries its value, formatted with ``fmt``
    (``"{:.0%}"`` for rates; ``None`` for no labels). The index order is kept as given.
    """
    frame = data.to_frame() if isinstance(data, pd.Series) else data
    labels = [str(v) for v in frame.index]
    count, groups = len(labels), max(len(frame.columns), 1)
    if figsize is None:
        size = min(max(4.0, 0.6 * count * groups + 2.0), 14.0)
        figsize = (6.5, max(3.0, 0.4 * count * groups + 1.5)) if horizontal else (max(6.0, size), 4.5)
    fig, ax = new_figure(figsize=figsize)
    positions = np.arange(count)
    width = 0.8 / groups
    for i, column in enumerate(frame.columns):
        values = pd.to_numeric(frame[column], errors="coerce").fillna(0).to_numpy(dtype=float)
        offset = (i - (groups - 1) / 2) * width
        color = _PALETTE[i % len(_PALETTE)]
        label = str(column) if isinstance(data, pd.DataFrame) else None
        if horizontal:
            bars = ax.barh(positions + offset, values, height=width, color=color, label=label)
        else:
            bars = ax.bar(positions + offset, values, width=width, color=color, label=label)
        if fmt:
            ax.bar_label(bars, fmt=fmt, padding=2, fontsize=9)
    if horizontal:
        ax.set_yticks(positions, labels)
        ax.invert_yaxis()  # first row of the table at the top, as it is read
        ax.set_xlabel(ylabel)
        ax.set_ylabel(xlabel)
        ax.margins(x=0.12)
    else:
        ax.set_xticks(positions, labels, rotation=30 if count > 8 else 0,
                      ha="right" if count > 8 else "center")
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.margins(y=0.12)
    if fmt and "%" in fmt:  # rates: the value axis reads 80% like the labels, not 0.8
        (ax.xaxis if horizontal else ax.yaxis).set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_title(title)
    ax.spines[["top", "right"]].set_visible(False)
    if isinstance(data, pd.DataFrame) and len(frame.columns) > 1:
        if horizontal:  # under the axis: inside it would cover the first bars, which run full width
            ax.legend(frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=len(frame.columns))
        else:
            ax.legend(frameon=False)
    return fig


# --- the term calendar ------------------------------------------------------------------------

# Bar colours: colour-blind safe (Okabe–Ito), the first two far apart in lightness for grey print.
_PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")


@dataclass(frozen=True)
class _CellStyle:
    face: str
    text: str  # colour of the day number
    hatch: str | None = None


# Day kinds differ in lightness and, where lightness alone is too close, in hatching, so that the
# calendar printed in black and white on the school's laser printer still tells them apart.
_MAKEUP_NO_SERVICE = "调休上课·无课后服务"
_KIND_STYLES: dict[str, _CellStyle] = {
    "服务日": _CellStyle("#2E7D4F", "white"),
    "调休上课": _CellStyle("#1F5A96", "white", "///"),
    "法定节假日": _CellStyle("#F2B8B5", "#7A1F1A", "xx"),
    "放假": _CellStyle("#FFE2A8", "#6B4A00", ".."),
    "停课": _CellStyle("#9E9E9E", "white", "\\\\"),
    # a 调休上课 day for which the school calendar names no timetable: school, but no service
    _MAKEUP_NO_SERVICE: _CellStyle("#BFD3EA", "#1F3F66", "///"),
    "周末": _CellStyle("#E4E4E4", "#555555"),
    "非服务日": _CellStyle("#FFFFFF", "#555555"),
}
_LEGEND_ORDER = ("服务日", "调休上课", _MAKEUP_NO_SERVICE, "法定节假日", "放假", "停课", "周末", "非服务日")
_OUTSIDE = _CellStyle("#FFFFFF", "#C8C8C8")  # days of the month outside the term
_BORDER = "#BDBDBD"


def _style_for(kind: str) -> _CellStyle:
    return _KIND_STYLES.get(kind, _KIND_STYLES["非服务日"])


def _months(dates: pd.Series) -> list[pd.Period]:
    first, last = dates.min().to_period("M"), dates.max().to_period("M")
    return list(pd.period_range(first, last, freq="M"))


def _draw_month(ax: Axes, month: pd.Period, by_date: dict[pd.Timestamp, dict], week_rows: int) -> int:
    """Draw one month as a 7-column grid (周一 first, as Chinese calendars are); returns the
    number of service days in it. ``week_rows`` is the same for every panel of a figure so that
    all cells have one size."""
    ax.set_xlim(0, 7)
    ax.set_ylim(week_rows + 0.75, 0)
    ax.set_aspect("equal")
    ax.axis("off")
    for col, name in enumerate(WEEKDAY_NAMES):
        ax.text(col + 0.5, 0.38, name[-1], ha="center", va="center", fontsize=10,
                color="#B03A2E" if col >= 5 else "#333333")
    service = 0
    weeks = calendar.Calendar(firstweekday=0).monthdayscalendar(month.year, month.month)
    for row, week in enumerate(weeks):
        for col, day in enumerate(week):
            if day == 0:
                continue
            x, y = col, row + 0.75
            info = by_date.get(pd.Timestamp(month.year, month.month, day))
            style = _OUTSIDE if info is None else _style_for(info["kind"])
            service += bool(info and info["service"])
            white = style.face == "#FFFFFF"
            ax.add_patch(Rectangle((x + 0.04, y + 0.04), 0.92, 0.92, facecolor=style.face,
                                   edgecolor=_BORDER if white else style.face, linewidth=0.6))
            if style.hatch:
                # Hatch the whole cell, then cover the middle so that the number stays legible.
                # The hatch takes the edge colour (matplotlib's default), with no edge drawn.
                ax.add_patch(Rectangle((x + 0.04, y + 0.04), 0.92, 0.92, facecolor="none",
                                       edgecolor=_hatch_color(style), hatch=style.hatch, linewidth=0))
                ax.add_patch(Rectangle((x + 0.2, y + 0.22), 0.6, 0.56 if not info or not info["follows"]
                                       else 0.66, facecolor=style.face, edgecolor="none"))
            follows = info["follows"] if info else ""
            if follows:
                ax.text(x + 0.5, y + 0.4, str(day), ha="center", va="center", fontsize=10,
                        color=style.text)
                ax.text(x + 0.5, y + 0.74, f"按{follows}", ha="center", va="center", fontsize=6.5,
                        color=style.text)
            else:
                ax.text(x + 0.5, y + 0.5, str(day), ha="center", va="center", fontsize=10,
                        color=style.text)
    return service


def _hatch_color(style: _CellStyle) -> str:
    """A hatch a little darker (or lighter) than its cell, visible in colour and in grey."""
    rgb = np.array(matplotlib.colors.to_rgb(style.face))
    light = rgb @ np.array([0.299, 0.587, 0.114]) > 0.5
    return matplotlib.colors.to_hex(rgb * 0.62 if light else rgb + (1 - rgb) * 0.35)


def _grid_height(nrows: int, week_rows: int, legend_below: bool) -> float:
    """Figure height in inches that fits panels of 3.3-inch-wide, square-celled months without
    empty bands: cells are about 0.45 inch, plus the weekday row, the panel title, the figure
    title and, when there is no spare panel for it, the legend."""
    cell = 0.45
    return nrows * (cell * (week_rows + 0.75) + 0.45) + 0.75 + (0.5 if legend_below else 0.0)


def calendar_month_grid(days: pd.DataFrame, title: str, *, ncols: int | None = None) -> Figure:
    """The term calendar as month calendars, one panel per month of the term.

    ``days`` is the term calendar frame (one row per date, columns from
    :mod:`afterschool_lib.schema`: 日期, 日期类型, 是否服务, 按周几课表, ...). Each date is a cell
    coloured by its 日期类型; a 调休上课 day that follows another weekday's timetable carries
    "按周三" under its number. Each panel's title gives the month's service days, and the legend
    (in the spare panel, or below the grid) counts every kind over the whole term.
    """
    if days.empty:
        raise ValueError("校历为空：请先检查学期开始、结束日期")
    dates = pd.to_datetime(days[DATE]).dt.normalize()
    follows = days[FOLLOWS_WEEKDAY] if FOLLOWS_WEEKDAY in days else pd.Series("", index=days.index)
    by_date = {}
    for date, kind, service, follow in zip(dates, days[DAY_KIND], days[DAY_IS_SERVICE], follows):
        kind, service = str(kind), bool(service)
        follow = "" if pd.isna(follow) else str(follow).strip()
        if follow == WEEKDAY_NAMES[date.weekday()]:
            follow = ""  # an ordinary day follows its own timetable: nothing to mark
        if kind == "调休上课" and not service:
            kind, follow = _MAKEUP_NO_SERVICE, ""
        elif service and follow:
            kind = "调休上课"  # a make-up day that runs another weekday's timetable
        by_date[date] = {"kind": kind, "service": service, "follows": follow if service else ""}
    months = _months(dates)
    week_rows = max(len(calendar.Calendar().monthdayscalendar(m.year, m.month)) for m in months)
    if ncols is None:
        ncols = 1 if len(months) == 1 else 2 if len(months) in (2, 4) else 3
    nrows = -(-len(months) // ncols)
    spare = nrows * ncols - len(months)
    legend_below = spare == 0
    fig, axes = new_figure(nrows, ncols, figsize=(3.3 * ncols + 0.4, _grid_height(nrows, week_rows, legend_below)),
                           squeeze=False)
    flat = list(axes.flat)
    for ax, month in zip(flat, months):
        service = _draw_month(ax, month, by_date, week_rows)
        ax.set_title(f"{month.year}年{month.month}月　服务日 {service} 天", fontsize=11.5, loc="center",
                     pad=4)
    kinds = pd.Series([info["kind"] for info in by_date.values()])
    counts = kinds.value_counts()
    known = [k for k in _LEGEND_ORDER if k in counts.index]
    unknown = sorted(k for k in counts.index if k not in _KIND_STYLES)
    handles = [
        Patch(facecolor=_style_for(k).face, hatch=_style_for(k).hatch,
              edgecolor=_BORDER if _style_for(k).face == "#FFFFFF" else _hatch_color(_style_for(k)),
              label=f"{k}　{counts[k]} 天")
        for k in known + unknown
    ]
    handles.append(Patch(facecolor=_OUTSIDE.face, edgecolor=_BORDER, label="学期外"))
    total = sum(info["service"] for info in by_date.values())
    if legend_below:
        fig.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 4),
                   frameon=False, fontsize=9.5, handlelength=1.6, handleheight=1.3)
    else:
        for ax in flat[len(months):]:
            ax.axis("off")
        legend_ax = flat[len(months)]
        legend_ax.legend(handles=handles, loc="center", frameon=False, fontsize=10,
                         handlelength=2.2, handleheight=1.6, labelspacing=0.9,
                         title="图例", title_fontsize=11)
    subtitle = f"全学期课后服务共 {total} 天"
    if any(info["follows"] for info in by_date.values()):
        subtitle += "；格中“按周X”：调休上课日执行周X的课表"
    fig.suptitle(f"{title}\n{subtitle}", fontsize=13)
    return fig


def month_panels(fig: Figure) -> list[Axes]:
    """The month panels of a :func:`calendar_month_grid` figure (those with a title), in order."""
    return [ax for ax in fig.axes if ax.get_title()]




def target_chart(names: list[str], values: list[float | None], targets: list[float | None], met: list[str],
                 title: str) -> Figure:
    """Rates against their targets: one horizontal bar per indicator (blue when met, orange when
    not, grey without a target), the target as a black tick, the value printed at the bar's end."""
    fig, ax = new_figure(figsize=(7.5, max(2.5, 0.45 * len(names) + 1.2)))
    positions = np.arange(len(names))
    shown = [0.0 if v is None or pd.isna(v) else float(v) for v in values]
    colours = [_PALETTE[0] if m == "是" else _PALETTE[1] if m == "否" else "#999999" for m in met]
    ax.barh(positions, shown, height=0.6, color=colours)
    for y, value, goal in zip(positions, values, targets):
        has_goal = goal is not None and not pd.isna(goal)
        if has_goal:
            ax.plot([goal, goal], [y - 0.4, y + 0.4], color="black", linewidth=2)
        # the label goes right of both the bar and the target tick, so neither hides it
        end = max(shown[y], float(goal) if has_goal else 0.0)
        ax.text(end + 0.012, y, "无数据" if value is None or pd.isna(value) else percent_text(value), va="center", fontsize=9)
    ax.set_yticks(positions, names)
    ax.invert_yaxis()
    ax.set_xlim(0, 1.15)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.legend(handles=[Patch(color=_PALETTE[0], label="达标"), Patch(color=_PALETTE[1], label="未达标"),
                       Patch(color="#999999", label="未设目标"), Line2D([], [], color="black", linewidth=2, label="目标")],
              frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.06), ncol=4, fontsize=9)
    ax.set_title(title)
    ax.spines[["top", "right"]].set_visible(False)
    return fig
