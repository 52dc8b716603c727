"""The settings form: what a teacher sees, and that saving changes only what was changed."""

from __future__ import annotations

import shutil
from pathlib import Path

from afterschool_lib.forms import settings_form
from afterschool_lib.paths import sample_dir
from afterschool_lib.settings import load_settings


def _field(form, description):
    return next(w for w in form.children if getattr(w, "description", None) == description)


def test_form_saves_only_the_changed_line(cn_dir: Path):
    path = cn_dir / "settings.yaml"
    shutil.copy(sample_dir() / "settings.yaml", path)
    before = path.read_text(encoding="utf-8").splitlines()
    form = settings_form(path)
    assert _field(form, "学校名称").value == "示例小学"
    assert _field(form, "服务日").value == "周一,周二,周三,周四,周五"
    _field(form, "收费标准（元）").value = "3.0"
    save = next(w for w in form.children if getattr(w, "description", None) == "保存设置")
    save.click()
    after = path.read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(before, after) if a != b]
    assert len(before) == len(after) and len(changed) == 1
    assert changed[0][1].startswith("  标准: 3.0") and "#" in changed[0][1]
    settings, _ = load_settings(path)
    assert str(settings.fee.standard) == "3.0"
    assert "已保存" in form.children[-1].value


def test_form_reports_a_change_the_settings_reject(cn_dir: Path):
    path = cn_dir / "settings.yaml"
    shutil.copy(sample_dir() / "settings.yaml", path)
    form = settings_form(path)
    _field(form, "每日课时数").value = "-1"
    next(w for w in form.children if getattr(w, "description", None) == "保存设置").click()
    assert "还有错误" in form.children[-1].value and "每日课时数" in form.children[-1].value
