"""The 实施方案 (plan.py) and its rendering (documents.py): every section, the term's own numbers,
no unmasked personal data, Word files that open, HTML without code that opens offline."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import docx
import pandas as pd
import pytest

from afterschool_lib import documents as dm
from afterschool_lib import plan
from afterschool_lib.exporting import external_references
from afterschool_lib.paths import sample_dir
from afterschool_lib.schema import NAME, PARENT_NAME, PHONE
from afterschool_lib.term_state import load_term_record
from afterschool_lib.validate import check_folder

PHONE_IN_TEXT = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


@pytest.fixture(scope="module")
def record(tmp_path_factory):
    """The sample school with nothing saved by earlier steps: groups and roster computed afresh."""
    out = tmp_path_factory.mktemp("out")
    return load_term_record(sample_dir(), check_folder(sample_dir()), out)


@pytest.fixture(scope="module")
def plan_doc(record):
    return plan.build_plan(record)


@pytest.fixture(scope="module")
def plan_docx(plan_doc, tmp_path_factory) -> Path:
    return dm.write_docx(plan_doc, tmp_path_factory.mktemp("docs"))


def docx_text(path: Path) -> str:
    """Every paragraph and every table cell of a Word file, as a reader sees them."""
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_every_section_is_in_the_word_file_in_order(plan_docx):
    document = docx.Document(str(plan_docx))
    headings = [p.text for p in document.paragraphs if p.style.name == "一级标题"]
    expected = [f"{n}、{title}" for n, title in zip("一二三四五六七八九", plan.SECTIONS)]
    expected += [f"十{'' if i == 0 else '一二'[i - 1]}、{title}" for i, title in enumerate(plan.SECTIONS[9:])]
    assert headings == expected
    text = docx_text(plan_docx)
    for principle in ("安全第一", "家长自愿", "公益普惠", "规范管理"):
        assert principle in text


def test_the_numbers_come_from_the_term(record, plan_docx):
    text = docx_text(plan_docx)
    settings, days = record.settings, record.calendar.days
    service_days = int(days["是否服务"].sum())
    assert f"共有课后服务日 {service_days} 天" in text
    assert f"{settings.term_start.year}年{settings.term_start.month}月{settings.term_start.day}日" in text
    assert settings.school_name in text
    assert f"每生每课时 {settings.fee.standard:.2f} 元" in text
    open_clubs = record.groups.clubs[record.groups.clubs["状态"] == "开班"]
    assert f"开设社团活动 {len(open_clubs)} 个" in text
    for name in open_clubs["活动名称"]:
        assert name in text
    taking = len(record.groups.people.taking_part)
    assert f"安排参加 {taking} 人" in text
    assert f"全校学生 {len(record.frame('students'))} 人" in text
    leader = str(settings.role("组长")).replace("(", "（").replace(")", "）")
    assert leader in text
    # the holiday the calendar names, and the make-up day's timetable
    assert "国庆节" in text and "按周三课表" in text
    # the targets of the settings, each with its threshold
    for name, _ in settings.targets:
        assert name in text
    totals = record.fees.ledger.totals()
    assert f"实收 {totals['实收金额']:,.2f} 元" in text


def test_no_unmasked_personal_data(record, plan_doc, plan_docx):
    students = record.frame("students")
    names = {str(v) for column in (NAME, PARENT_NAME) for v in students[column].dropna() if len(str(v)) >= 2}
    # staff and the leadership group are named on purpose; a child's name may be part of theirs (周立 in 周立新)
    named = [str(v) for v in record.frame("staff")[NAME].dropna()] + [str(record.settings.role(r) or "") for r in ("组长", "副组长")]
    named += [str(m) for m in (record.settings.role("成员") or ())]
    for text in (docx_text(plan_docx), dm.plain_text(plan_doc)):
        for allowed in sorted(named, key=len, reverse=True):
            text = text.replace(allowed.replace("(", "（").replace(")", "）"), "").replace(allowed, "")
        found = [n for n in names if n in text]
        assert found == []
        assert PHONE_IN_TEXT.findall(text) == []
    phones = {re.sub(r"\D", "", str(v)) for v in students[PHONE].dropna()}
    assert not any(p and p in docx_text(plan_docx) for p in phones)


def test_the_evaluation_section_appears_only_with_an_evaluation(record, plan_doc):
    assert record.evaluation is not None
    assert "本学期评价情况" in dm.plain_text(plan_doc)
    assert any(isinstance(b, dm.Picture) for b in plan_doc.blocks)
    without = plan.build_plan(dataclasses.replace(record, evaluation=None))
    text = dm.plain_text(without)
    assert "本学期评价情况" not in text and "考核评价" in text
    assert not any(isinstance(b, dm.Picture) for b in without.blocks)


def test_the_steps_carry_this_terms_dates(record, plan_doc):
    text = dm.plain_text(plan_doc)
    service = record.calendar.days.loc[record.calendar.days["是否服务"], "日期"]
    first, last = service.min(), service.max()
    assert f"组织实施，过程管理（{first.month}月{first.day}日—{last.month}月{last.day}日）" in text
    survey = pd.to_datetime(record.frame("survey")["提交时间"], errors="coerce")
    opened = survey[survey < pd.Timestamp(record.settings.term_start)].min()
    assert f"需求调查（{opened.month}月{opened.day}日—" in text


def test_headings_are_numbered_the_same_in_word_and_html(plan_doc):
    labels = dm.heading_labels(plan_doc.blocks)
    second = [label for i, label in labels.items() if plan_doc.blocks[i].level == 2]
    assert second[:4] == ["（一）安全第一", "（二）家长自愿", "（三）公益普惠", "（四）规范管理"]
    assert second[4] == "（一）领导小组"  # numbering restarts under the next first-level heading
    notebook = dm.to_notebook(plan_doc)
    markdown = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    assert "### （一）安全第一" in markdown and "## 十二、保障与考核" in markdown


def test_html_has_no_code_and_fetches_nothing(plan_doc, tmp_path):
    html_path = dm.write_html(plan_doc, tmp_path)
    page = html_path.read_text(encoding="utf-8")
    assert "十二、保障与考核" in page and "表4" in page
    # Markdown is rendered inside an input area; code would come as a highlighted input of a code cell
    assert not re.search(r'class="[^"]*(jp-InputPrompt|highlight hl-ipython3|jp-Editor)', page)
    assert "import " not in page and "docs[" not in page
    assert external_references(page) == []
    assert "data:image/png;base64," in page
    assert not list(tmp_path.glob("*.ipynb")) and not list(tmp_path.glob(".*.ipynb"))  # the helper notebook is gone


def test_same_plan_same_bytes(plan_doc, tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = dm.write_docx(plan_doc, tmp_path / "a").read_bytes()
    assert first == dm.write_docx(plan_doc, tmp_path / "b").read_bytes()


def test_a_small_document_renders_every_block(tmp_path):
    doc = dm.Doc("测试文件", (
        dm.Heading("第一部分"), dm.Paragraph("正文一段。"), dm.Items(("第一点", "第二点")),
        dm.Table(pd.DataFrame({"项目": ["甲", "乙"], "数量": [1, 2]}), title="表1　测试"),
        dm.Heading("小节", 2), dm.Paragraph("各位家长：", indent=False), dm.Signature("示例小学", pd.Timestamp("2025-09-01").date()),
    ), file_stem="测试文件")
    text = docx_text(dm.write_docx(doc, tmp_path))
    for expected in ("一、第一部分", "正文一段。", "1．第一点", "2．第二点", "表1　测试", "甲", "（一）小节", "各位家长：",
                     "示例小学", "2025年9月1日"):
        assert expected in text
    assert dm.plain_text(doc).splitlines()[:3] == ["测试文件", "一、第一部分", "正文一段。"]


def test_same_plan_same_html(plan_doc, tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = dm.write_html(plan_doc, tmp_path / "a").read_bytes()
    assert first == dm.write_html(plan_doc, tmp_path / "b").read_bytes()  # no random cell ids
