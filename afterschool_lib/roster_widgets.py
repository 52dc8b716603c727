"""The control of notebook 03: pin a person to a group on a weekday and solve the roster again.

It only calls :func:`staffing.make_roster`; a pin the roster cannot honour is refused there, with
the same reason a test sees, and shown under the form.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as widgets
import pandas as pd
from IPython.display import display

from . import staffing as sf
from .display import problems_view
from .schema import NAME, STAFF_ID, STAFF_TYPE, WEEKDAY_NAMES, YES


class PinForm:
    """星期, 组别, 人员 and two buttons; each change re-solves and calls ``on_change(roster)``."""

    def __init__(self, roster: sf.Roster, staff: pd.DataFrame, places: pd.DataFrame,
                 on_change: Callable[[sf.Roster], object] | None = None):
        self.roster, self.staff, self.places, self.on_change = roster, staff, places, on_change
        self.pins: list[tuple[str, str, str]] = []
        wide = {"description_width": "initial"}
        days = [WEEKDAY_NAMES[d] for d in roster.service_weekdays]
        self.day = widgets.Dropdown(description="星期", options=days, style=wide)
        self.group = widgets.Dropdown(description="组别", options=self._group_options(days[0] if days else ""), style=wide)
        eligible = roster.eligibility[roster.eligibility[sf.ELIGIBLE] == YES]
        self.person = widgets.Dropdown(description="人员", style=wide, options=[
            (f"{sid} {name}（{kind}）", sid) for sid, name, kind in
            zip(eligible[STAFF_ID], eligible[NAME], eligible[STAFF_TYPE])])
        self.pin_button = widgets.Button(description="固定并重新排班", button_style="primary", icon="thumb-tack")
        self.clear_button = widgets.Button(description="清除全部固定", icon="eraser")
        self.output = widgets.Output()
        self.day.observe(lambda change: self._refresh_groups(), names="value")
        self.pin_button.on_click(lambda _: self.pin())
        self.clear_button.on_click(lambda _: self.clear())
        self.widget = widgets.VBox([widgets.HBox([self.day, self.group, self.person]),
                                    widgets.HBox([self.pin_button, self.clear_button]), self.output])

    def _group_options(self, day: str) -> list[tuple[str, str]]:
        today = self.places[self.places[sf.WEEKDAY] == day]
        options = [(f"{group} {title}" if title != group else group, group)
                   for group, title in zip(today[sf.GROUP], today[sf.TITLE])]
        return [(f"{sf.DUTY_GROUP}（值班教师）", sf.DUTY_GROUP)] + options if self.roster.duty_per_day else options

    def _refresh_groups(self) -> None:
        self.group.options = self._group_options(self.day.value)

    def pin(self) -> list:
        """Pin the person in the form and re-solve; returns the roster's problems about pins."""
        return self._solve([*self.pins, (self.day.value, self.group.value, self.person.value)])

    def clear(self) -> list:
        return self._solve([])

    def _solve(self, pins: list[tuple[str, str, str]]) -> list:
        roster = sf.make_roster(self.staff, self.places, self.roster.service_weekdays, self.roster.duty_per_day, pins)
        refused = [p for p in roster.problems if p.file == sf.PROBLEM_FILE and p.message.startswith("固定安排无法执行")]
        kept = [pin for pin in pins if " ".join(pin) not in {p.value for p in refused}]
        self.pins, self.roster = kept, roster
        self.output.clear_output()
        with self.output:
            print(sf.summary_text(roster))
            print("已固定：" + ("；".join(f"{d} {g} {sid}" for d, g, sid in kept) or "无"))
            if refused:
                display(problems_view(refused))
        if self.on_change is not None:
            self.on_change(roster)
        return refused

    def _ipython_display_(self):
        display(self.widget)
