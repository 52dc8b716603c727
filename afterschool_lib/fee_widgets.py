"""The what-if control of notebook 04: another fee standard, waiver share or number of 课时 a
day, and what it does to income, a family's monthly bill and the balance, before the school
commits. It only calls :func:`fees.what_if`, the same settlement as the ledger itself.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import ipywidgets as widgets
import pandas as pd
from IPython.display import display

from . import fees
from .settings import Settings


class WhatIfForm:
    """标准, 减免比例, 每日课时数 and a button; the table below shows the scenario by month."""

    def __init__(self, basis: fees.FeeBasis, settings: Settings,
                 subsidies: pd.DataFrame | Callable[[int], pd.DataFrame] | None = None,
                 expenses: pd.DataFrame | None = None):
        self.basis, self.settings, self.subsidies, self.expenses = basis, settings, subsidies, expenses
        wide = {"description_width": "initial"}
        shares = [share for _, share in settings.fee.waivers] or [Decimal(0)]
        self.standard = widgets.BoundedFloatText(value=float(settings.fee.standard), min=0, max=10000, step=0.5,
                                                 description=f"收费标准（元，{fees.standard_text(settings.fee).split()[0]}）",
                                                 style=wide)
        self.waiver = widgets.FloatSlider(value=float(max(shares)), min=0, max=1, step=0.1, readout_format=".0%",
                                          description="减免比例", style=wide)
        self.periods = widgets.IntSlider(value=settings.periods_per_day, min=1, max=4, description="每日课时数", style=wide)
        self.button = widgets.Button(description="测算", button_style="primary", icon="calculator")
        self.output = widgets.HTML()
        self.button.on_click(lambda _: self.show())
        self.widget = widgets.VBox([widgets.HBox([self.standard, self.waiver, self.periods, self.button]), self.output])
        self.result: fees.WhatIf | None = None
        self.show()

    def show(self) -> fees.WhatIf:
        """Work out the scenario in the form and show it; returns it too."""
        result = fees.what_if(self.basis, self.settings, standard=Decimal(str(self.standard.value)),
                              waiver_share=Decimal(str(self.waiver.value)), periods_per_day=self.periods.value,
                              subsidies=self.subsidies, expenses=self.expenses)
        self.result = result
        table = result.by_month.copy()
        for column in table.columns[2:]:
            table[column] = [f"{v:,.2f}" for v in table[column]]
        total = result.by_month.iloc[-1]
        self.output.value = (f"<p>按这个方案，本学期收费收入 {total[fees.FEE_INCOME]:,.2f} 元，支出 "
                             f"{total[fees.SPENDING_TOTAL]:,.2f} 元，结余 {total[fees.BALANCE]:,.2f} 元；"
                             f"每天都来、不减免的学生一学期共缴 {total[fees.FULL_TIME_PAID]:,.2f} 元。</p>"
                             + table.to_html(index=False))
        return result

    def _ipython_display_(self):
        display(self.widget)
