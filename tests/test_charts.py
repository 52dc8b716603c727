"""Charts: the bundled Chinese font is used, nothing warns, and the term calendar is complete."""

from __future__ import annotations

import dataclasses
import io
import logging
import warnings

import matplotlib  # noqa: E402  (after afterschool_lib.charts, see there)
import pandas as pd
import pytest
from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from afterschool_lib import schema as s
from afterschool_lib.charts import (  # first: it imports matplotlib's font manager safely
    FONT_FAMILY,
    bar_chart,
    calendar_month_grid,
    chinese_font_path,
    month_panels,
    new_figure,
    use_chinese_font,
)

TITLE = "示例小学 2025-2026学年第一学期 课后服务校历"


def fake_term() -> pd.DataFrame:
    """A term calendar frame shaped like term_calendar's: Sept 2025 to Jan 2026."""
    holidays = set(pd.date_range("2025-10-01", "2025-10-08")) | set(pd.date_range("2026-01-01", "2026-01-03"))
    makeup = {pd.Timestamp("2025-09-28"): "周三", pd.Timestamp("2025-10-11"): "周五",
              pd.Timestamp("2026-01-04"): ""}  # 调休上课 without a timetable: no service
    stopped = {pd.Timestamp("2025-11-13"), pd.Timestamp("2025-11-14")}
    rows = []
    for day in pd.date_range("2025-09-01", "2026-01-23"):
        follows = ""
        if day in holidays:
            kind = "法定节假日"
        elif day in makeup:
            kind, follows = "调休上课", makeup[day]
        elif day in stopped:
            kind = "停课"
        elif day >= pd.Timestamp("2026-01-19"):
            kind = "放假"
        elif day.weekday() >= 5:
            kind = "周末"
        else:
            kind = "服务日"
        service = kind == "服务日" or (kind == "调休上课" and bool(follows))
        rows.append({s.DATE: day, s.DAY_WEEKDAY: s.WEEKDAY_NAMES[day.weekday()], s.DAY_KIND: kind,
                     s.DAY_IS_SERVICE: service, s.FOLLOWS_WEEKDAY: follows,
                     s.DAY_SEASON: "夏秋季" if service else "", s.DAY_START: "16:30" if service else "",
                     s.DAY_END: "18:00" if service else "", s.NOTE: ""})
    return pd.DataFrame(rows)


@pytest.fixture
def strict(caplog):
    """Warnings are errors, and matplotlib's font fallback messages (logged) fail the test too."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with caplog.at_level(logging.WARNING, logger="matplotlib"):
            yield
    assert not [r for r in caplog.records if r.name.startswith("matplotlib")], caplog.text


def _render_everywhere(fig: Figure) -> None:
    for fmt in ("png", "pdf", "svg"):
        fig.savefig(io.BytesIO(), format=fmt)


def _all_text(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text) if t.get_text()]


def test_bundled_font_is_the_one_used(strict):
    path = use_chinese_font()
    assert path == chinese_font_path() and path.parent.parent.name == "mplfonts"
    assert path.name == "NotoSansCJKsc-Regular.otf"
    assert matplotlib.rcParams["font.family"][0] == FONT_FAMILY
    assert font_manager.findfont(font_manager.FontProperties(family=FONT_FAMILY)) == str(path)
    fig, ax = new_figure()
    title = ax.set_title("参与率（%）：９５，“达标”")
    assert font_manager.findfont(title.get_fontproperties()) == str(path)


def test_bundled_font_wins_over_a_system_copy(strict):
    use_chinese_font()
    manager = font_manager.fontManager
    impostor = dataclasses.replace(manager.ttflist[-1], name=FONT_FAMILY, weight=400, style="normal",
                                   variant="normal", stretch="normal")
    manager.ttflist.insert(0, impostor)
    manager._findfont_cached.cache_clear()
    try:
        use_chinese_font()
        assert font_manager.findfont(font_manager.FontProperties(family=FONT_FAMILY)) == str(chinese_font_path())
    finally:
        manager.ttflist.remove(impostor)
        manager._findfont_cached.cache_clear()


def test_use_chinese_font_is_idempotent():
    first = use_chinese_font()
    count = len(font_manager.fontManager.ttflist)
    assert use_chinese_font() == first
    assert len(font_manager.fontManager.ttflist) == count


def test_chinese_digits_punctuation_and_minus_render_without_warnings(strict):
    fig, ax = new_figure()
    ax.plot([-3, -1, 0, 2], [-0.5, 1.5, -2, 3])
    ax.set_title("课后服务：参与率（％）、满意度——“达标”？！；１２３ 456 −7 -8")
    ax.set_xlabel("月份（2025年9月—2026年1月）")
    ax.set_ylabel("差值（−）")
    _render_everywhere(fig)


def test_calendar_has_one_panel_per_month(strict):
    days = fake_term()
    fig = calendar_month_grid(days, TITLE)
    assert isinstance(fig, Figure)
    panels = month_panels(fig)
    titles = [ax.get_title() for ax in panels]
    assert [t.split("　")[0] for t in titles] == ["2025年9月", "2025年10月", "2025年11月", "2025年12月", "2026年1月"]
    months = days[s.DATE].dt.to_period("M")
    for title, (_, group) in zip(titles, days.groupby(months)):
        assert title.endswith(f"服务日 {int(group[s.DAY_IS_SERVICE].sum())} 天")
    assert fig.get_suptitle().startswith(TITLE)
    assert f"全学期课后服务共 {int(days[s.DAY_IS_SERVICE].sum())} 天" in fig.get_suptitle()
    texts = _all_text(fig)
    assert "按周三" in texts and "按周五" in texts  # make-up days are marked with their timetable
    assert sum(t.startswith("按") for t in texts) == 2  # 2026-01-04 has no service: no mark
    assert {"一", "二", "三", "四", "五", "六", "日"} <= set(texts)
    legend = [t for t in texts if "天" in t and "　" in t and "年" not in t]
    assert any(t.startswith("法定节假日") for t in legend) and any(t.startswith("服务日") for t in legend)
    _render_everywhere(fig)


def test_calendar_leaves_pyplot_alone():
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    calendar_month_grid(fake_term(), TITLE)
    bar_chart(pd.Series({"一年级": 3}), "测试", "年级", "人数")
    assert plt.get_fignums() == before


def test_calendar_png_is_reproducible():
    images = []
    for _ in range(2):
        buffer = io.BytesIO()
        calendar_month_grid(fake_term(), TITLE).savefig(buffer, format="png")
        images.append(buffer.getvalue())
    assert images[0] == images[1]


def test_calendar_layouts(strict):
    days = fake_term()
    six = pd.concat([days, pd.DataFrame({s.DATE: pd.date_range("2026-02-01", "2026-02-05"),
                                         s.DAY_KIND: "服务日", s.DAY_IS_SERVICE: True,
                                         s.FOLLOWS_WEEKDAY: ""})], ignore_index=True)
    fig = calendar_month_grid(six, "六个月")
    assert len(month_panels(fig)) == 6 and fig.legends  # no spare panel: legend below
    one = days[days[s.DATE].dt.month == 9]
    assert len(month_panels(calendar_month_grid(one, "九月"))) == 1
    with pytest.raises(ValueError, match="校历为空"):
        calendar_month_grid(days.iloc[:0], "空")


def test_bar_chart_series_and_frame(strict):
    rates = pd.Series({"一年级": 0.96, "二年级": 0.93, "三年级": -0.05})
    fig = bar_chart(rates, "各年级参与率", "年级", "参与率", fmt="{:.0%}")
    ax = fig.axes[0]
    assert ax.get_title() == "各年级参与率" and ax.get_xlabel() == "年级" and ax.get_ylabel() == "参与率"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["一年级", "二年级", "三年级"]
    assert "-5%" in _all_text(fig)
    _render_everywhere(fig)
    frame = pd.DataFrame({"报名": [30, 25], "录取": [28, 25]}, index=["趣味篮球", "书法"])
    fig = bar_chart(frame, "社团报名与录取", "社团", "人数", horizontal=True)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["趣味篮球", "书法"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["报名", "录取"]
    _render_everywhere(fig)


def test_real_term_calendar_marks_only_make_up_days(strict):
    """Ordinary days follow their own timetable and carry no mark; the two 调休 days do."""
    from afterschool_lib.paths import sample_dir
    from afterschool_lib.validate import check_folder

    days = check_folder(sample_dir()).calendar.days
    fig = calendar_month_grid(days, "示例小学 课后服务校历")
    marks = sorted(t.get_text() for ax in month_panels(fig) for t in ax.texts if t.get_text().startswith("按"))
    assert marks == ["按周三", "按周五"]
