"""The two controls of notebook 02: choosing the allocation method, and moving a student by hand.

Both only call :mod:`afterschool_lib.allocation`; what they show is what the library says, so a
move refused in the notebook is refused for the same reason a test sees.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as widgets
import pandas as pd
from IPython.display import display

from . import allocation as al
from .display import problems_view
from .masking import mask_frame
from .schema import ACTIVITY_ID, ACTIVITY_NAME, NAME, STUDENT_ID


class MethodChoice:
    """Buttons for the four methods over results already computed; ``allocation`` is the one chosen."""

    def __init__(self, results: dict[str, al.Allocation], method: str):
        self.results = results
        self.buttons = widgets.ToggleButtons(
            options=[(al.SHORT_NAMES[m], m) for m in results], value=method,
            description="分配方法", style={"description_width": "initial", "button_width": "auto"})
        self.output = widgets.HTML()  # an HTML label, not an Output: nothing to clear before display
        self.buttons.observe(lambda change: self._show(), names="value")
        self.widget = widgets.VBox([self.buttons, self.output])
        self._show()

    @property
    def allocation(self) -> al.Allocation:
        return self.results[self.buttons.value]

    def _show(self) -> None:
        self.output.value = (f"{al.METHOD_NAMES[self.allocation.method]}：{al.summary_text(self.allocation)}。"
                             "<br>下面各单元格按这个方法显示和保存；换方法后请从下一个单元格起重新运行。")

    def _ipython_display_(self):
        display(self.widget)


class MoveForm:
    """学号, 调出, 调入 and a button; a valid move replaces the allocation and calls ``on_change``."""

    def __init__(self, allocation: al.Allocation, applicants: pd.DataFrame, activities: pd.DataFrame,
                 on_change: Callable[[al.Allocation], object] | None = None):
        self.allocation, self.applicants, self.activities = allocation, applicants, activities
        self.on_change = on_change
        self.student = widgets.Text(description="学号", placeholder="如 2023070101", style={"description_width": "initial"})
        self.out_of = widgets.Dropdown(description="调出", options=[("（不调出）", "")], style={"description_width": "initial"})
        self.into = widgets.Dropdown(description="调入", options=self._club_options(), style={"description_width": "initial"})
        self.button = widgets.Button(description="调整", button_style="primary", icon="exchange")
        self.output = widgets.Output()
        self.student.observe(lambda change: self._refresh_student(), names="value")
        self.button.on_click(lambda _: self.apply())
        self.widget = widgets.VBox([widgets.HBox([self.student, self.out_of, self.into, self.button]), self.output])

    def _club_options(self):
        clubs = self.allocation.clubs
        opened = clubs[clubs[al.STATUS] == al.OPEN]
        return [("（不调入）", "")] + [(f"{c} {n}（余{r}）", c) for c, n, r in
                                       zip(opened[ACTIVITY_ID], opened[ACTIVITY_NAME], opened["余额"])]

    def _refresh_student(self) -> None:
        sid = self.student.value.strip()
        held = self.allocation.placements[self.allocation.placements[STUDENT_ID] == sid][ACTIVITY_ID]
        self.out_of.options = [("（不调出）", "")] + [(c, c) for c in held]
        self.output.clear_output()
        with self.output:
            who = self.applicants[self.applicants[STUDENT_ID] == sid]
            if who.empty:
                print("本学期参加课后服务的学生中没有这个学号" if sid else "")
            else:
                print(f"{mask_frame(who)[NAME].iloc[0]}：现在的社团 {('、'.join(held) or '无')}")

    def apply(self) -> list:
        """Make the move in the form; returns the problems (also shown under the form)."""
        moved, problems = al.move_student(self.allocation, self.applicants, self.activities, self.student.value,
                                          self.into.value or None, self.out_of.value or None)
        changed = moved is not self.allocation
        if changed:
            self.allocation = moved
            self.into.options = self._club_options()
            self._refresh_student()  # shows the student's clubs as they are now
        else:
            self.output.clear_output()
        with self.output:
            if problems:
                display(problems_view(problems))
            if changed:
                print("已调整。")
                if self.on_change is not None:
                    self.on_change(moved)
        return problems

    def _ipython_display_(self):
        display(self.widget)
