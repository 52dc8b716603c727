"""The commendation control of notebook 05: the rule's numbers as a form, and the shortlist they
give. The team sees why each person is or is not put forward and can try another rule before
writing it into the settings' 表彰 block. It only calls :func:`evaluation.commendation`.
"""

from __future__ import annotations

import ipywidgets as widgets
import pandas as pd
from IPython.display import display

from . import evaluation as ev


class CommendationForm:
    """名额, 最少服务次数, 出勤率不低于, 满意度不低于 and a button; the shortlist shows below."""

    def __init__(self, appraisal: pd.DataFrame, rule: ev.CommendationRule):
        self.appraisal = appraisal
        wide = {"description_width": "initial"}
        self.teachers = widgets.BoundedIntText(value=rule.teacher_awards, min=0, max=100, description="优秀教师名额", style=wide)
        self.volunteers = widgets.BoundedIntText(value=rule.volunteer_awards, min=0, max=100, description="优秀志愿者名额",
                                                 style=wide)
        self.sessions = widgets.BoundedIntText(value=rule.min_sessions, min=0, max=1000, description="最少服务次数", style=wide)
        self.attendance = widgets.FloatSlider(value=rule.min_attendance, min=0, max=1, step=0.01, readout_format=".0%",
                                              description="出勤率不低于", style=wide)
        self.satisfaction = widgets.FloatSlider(value=rule.min_satisfaction, min=0, max=1, step=0.01, readout_format=".0%",
                                                description="满意度不低于", style=wide)
        self.button = widgets.Button(description="按此规则推荐", button_style="primary", icon="trophy")
        self.output = widgets.HTML()
        self.button.on_click(lambda _: self.show())
        self.widget = widgets.VBox([widgets.HBox([self.teachers, self.volunteers, self.sessions]),
                                    widgets.HBox([self.attendance, self.satisfaction, self.button]), self.output])
        self.shortlist: pd.DataFrame | None = None
        self.show()

    @property
    def rule(self) -> ev.CommendationRule:
        return ev.CommendationRule(self.teachers.value, self.volunteers.value, self.sessions.value,
                                   round(self.attendance.value, 4), round(self.satisfaction.value, 4))

    def show(self) -> pd.DataFrame:
        """Apply the rule in the form; show and return the shortlist."""
        rule = self.rule
        shortlist, _ = ev.commendation(self.appraisal, rule)
        self.shortlist = shortlist
        shown = shortlist.drop(columns=[ev.GROUP_ATTENDANCE, ev.GROUP_SATISFACTION])
        self.output.value = f"<p>{rule.text()}</p>" + (shown.to_html(index=False) if len(shown) else "<p>没有人符合这个规则。</p>")
        return shortlist

    def _ipython_display_(self):
        display(self.widget)
