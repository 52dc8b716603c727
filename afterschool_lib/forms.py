"""Widget forms for the notebooks: edit the term settings without touching YAML.

The form is built from :func:`settings.editable_fields` and saves through
:func:`settings.update_settings_file`, so only changed lines of settings.yaml change and its
Chinese comments survive. After saving, the file is loaded again and its problems are shown in the
form itself: the team sees at once whether the change was understood.
"""

from __future__ import annotations

import datetime as dt
import html
from decimal import Decimal
from pathlib import Path

import ipywidgets as widgets

from .settings import FIELD_CHOICES, editable_fields, load_settings, update_settings_file

_STYLE = {"description_width": "14em"}
_LAYOUT = widgets.Layout(width="36em")


def _widget_for(key: str, label: str, value: object) -> widgets.Widget:
    if key in FIELD_CHOICES:
        choices = FIELD_CHOICES[key]
        return widgets.Dropdown(options=list(choices), value=value if value in choices else None,
                                description=label, style=_STYLE, layout=_LAYOUT)
    if isinstance(value, dt.date):
        return widgets.DatePicker(value=value, description=label, style=_STYLE, layout=_LAYOUT)
    text = "" if value is None else (format(value, "f") if isinstance(value, Decimal) else str(value))
    short, _, hint = label.partition("（")  # a long hint goes inside the box, not into the label
    if len(label) <= 12:
        short, hint = label, ""
    return widgets.Text(value=text, description=short, placeholder=hint.rstrip("）"), style=_STYLE, layout=_LAYOUT)


def _as_setting(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.date) else value


def settings_form(path: Path | str) -> widgets.VBox:
    """A form over the editable settings of ``path`` with a 保存 button and a result line."""
    path = Path(path)
    settings, _ = load_settings(path)
    fields = editable_fields(settings if settings is not None else path)
    inputs = {key: _widget_for(key, label, value) for key, label, value in fields}
    original = {key: widget.value for key, widget in inputs.items()}
    button = widgets.Button(description="保存设置", button_style="primary", icon="save")
    result = widgets.HTML(value="修改后点“保存设置”；只会改动 settings.yaml 中被修改的那几行，注释保持不变。")

    def save(_: object) -> None:
        changes = {key: _as_setting(w.value) for key, w in inputs.items() if w.value != original[key]}
        if not changes:
            result.value = "没有修改，无需保存。"
            return
        try:
            update_settings_file(path, changes)
        except (KeyError, ValueError) as exc:
            result.value = f"<b>未保存</b>：{exc}"
            return
        original.update({key: inputs[key].value for key in changes})
        _, problems = load_settings(path)
        errors = [p for p in problems if p.is_error]
        lines = "".join(f"<li>{html.escape(str(p))}</li>" for p in problems)
        status = "已保存，但设置中还有错误，请改正：" if errors else "已保存。"
        result.value = f"<b>{status}</b>（改动 {len(changes)} 项）" + (f"<ul>{lines}</ul>" if lines else "")

    button.on_click(save)
    return widgets.VBox([*inputs.values(), button, result])
