"""Notebook reports that open offline, and PDFs from the engines the machine has."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tomllib
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

import afterschool_lib
from afterschool_lib import exporting
from afterschool_lib.exporting import (
    TEMPLATE_DIR,
    PdfResult,
    docx_to_pdf,
    external_references,
    find_browser,
    html_to_pdf,
    notebook_to_html,
    pdf_engines,
)
from afterschool_lib.official_docx import OfficialDocument

CODE_ONLY = "SECRET_CODE_TEXT"  # appears in code, never in an output


def _notebook() -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.cells = [
        new_markdown_cell("# 城南小学课后服务报告\n\n本报告汇总了**报名情况**。"),
        new_code_cell(f"import pandas as pd\n{CODE_ONLY} = 1\n"
                      "frame = pd.DataFrame({'社团': ['足球', '合唱'], '人数': [40, 35]})\nframe"),
        new_code_cell("%matplotlib inline\nimport warnings\nfrom afterschool_lib.charts import bar_chart\n"
                      "warnings.warn('只给运行者看的警告')\n"
                      "bar_chart(frame.set_index('社团')['人数'], '各社团人数', figsize=(4, 2.5))"),
        new_code_cell("import ipywidgets as w\n"
                      "w.VBox([w.IntSlider(value=3, description='每班人数'),"
                      " w.Dropdown(options=['全部', '一年级'], value='一年级', description='年级'),"
                      " w.HTML('<b>当前名额：120</b>')])"),
        new_code_cell("print('这一格不应出现')", metadata={"tags": ["remove_cell"]}),
        new_code_cell("print('这一格的输出不应出现')", metadata={"tags": ["hide-output"]}),
        new_code_cell("print('应出现的输出')"),
    ]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


@pytest.fixture(scope="module")
def executed(tmp_path_factory) -> Path:
    """The notebook run by a real kernel, widget state saved as JupyterLab saves it."""
    from nbclient import NotebookClient

    nb = _notebook()
    NotebookClient(nb, timeout=60, kernel_name="python3", store_widget_state=True).execute()
    path = tmp_path_factory.mktemp("笔记本") / "课后服务报告.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def report(executed) -> Path:
    return notebook_to_html(executed, executed.with_suffix(".html"))


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _tags(html: str) -> list[tuple[str, dict]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def test_report_shows_outputs_and_text_but_no_code(report):
    html = report.read_text(encoding="utf-8")
    assert "<title>城南小学课后服务报告</title>" in html  # the first heading, not the file name
    assert '<html lang="zh-CN">' in html
    assert "本报告汇总了" in html and "应出现的输出" in html
    assert CODE_ONLY not in html and "import pandas" not in html and "bar_chart(" not in html
    page = html[html.index("<main>"):]  # the CSS above mentions prompts in its comments
    assert "In&nbsp;[" not in page and "Out[" not in page and "jp-InputPrompt" not in page
    tables = [attrs for tag, attrs in _tags(html) if tag == "table"]
    assert tables and "<td>足球</td>" in html and "<th>人数</th>" in html


def test_tagged_cells_and_stderr_are_left_out(report):
    html = report.read_text(encoding="utf-8")
    assert "这一格不应出现" not in html
    assert "这一格的输出不应出现" not in html
    assert "只给运行者看的警告" not in html


def test_chart_is_embedded_in_the_page(report):
    images = [attrs["src"] for tag, attrs in _tags(report.read_text(encoding="utf-8")) if tag == "img"]
    assert images and all(src.startswith("data:image/png;base64,") for src in images)


def test_page_fetches_nothing_from_the_internet(report):
    html = report.read_text(encoding="utf-8")
    for tag, attrs in _tags(html):
        if tag in ("script", "link"):
            for name in ("src", "href"):
                assert not (attrs.get(name) or "").lower().startswith(("http://", "https://", "//")), (tag, attrs)
    assert external_references(html) == []
    for needle in ("require.js", "require.min.js", "mathjax", "unpkg.com", "cdnjs", "jsdelivr", "mermaid"):
        assert needle not in html.lower()
    assert not [attrs for tag, attrs in _tags(html) if tag == "script" and attrs.get("src")]


def test_widgets_show_what_they_showed_when_saved(report):
    html = report.read_text(encoding="utf-8")
    assert "每班人数：3；年级：一年级" in html
    assert "<b>当前名额：120</b>" in html
    assert "application/vnd.jupyter.widget" not in html  # no view or state for a manager to load
    assert "IntSlider(" not in html


def test_widgets_without_saved_state_show_their_text(executed, tmp_path):
    nb = nbformat.read(executed, as_version=4)
    del nb.metadata["widgets"]
    stateless = tmp_path / "无控件状态.ipynb"
    nbformat.write(nb, stateless)
    html = notebook_to_html(stateless, tmp_path / "无控件状态.html", title="报告").read_text(encoding="utf-8")
    assert "<title>报告</title>" in html
    assert "IntSlider(value=3" in html
    assert "application/vnd.jupyter.widget" not in html and external_references(html) == []


def test_external_references_finds_what_would_be_fetched():
    page = ('<script src="https://cdn.example/x.js"></script><link rel="stylesheet" href="//cdn.example/a.css">'
            '<a href="https://example.org">链接</a><img src="data:image/png;base64,AAAA">'
            '<style>@import url("https://fonts.example/f.css"); .x{background:url(data:image/png;base64,AA)}</style>')
    assert external_references(page) == ["https://cdn.example/x.js", "//cdn.example/a.css", "https://fonts.example/f.css"]


def test_template_ships_with_the_package():
    assert {p.name for p in TEMPLATE_DIR.iterdir()} >= {"conf.json", "index.html.j2", "static"}
    pyproject = tomllib.loads((Path(afterschool_lib.__file__).parent.parent / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["afterschool_lib"]
    package = Path(afterschool_lib.__file__).parent
    shipped = {path for pattern in patterns for path in package.glob(pattern)}
    assert {p for p in TEMPLATE_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts} <= shipped
    for path in shipped:  # read on Chinese Windows too, where nbconvert opens conf.json as GBK
        path.read_bytes().decode("ascii")


def test_missing_notebook_is_reported_in_chinese(tmp_path):
    with pytest.raises(FileNotFoundError, match="找不到笔记本文件"):
        notebook_to_html(tmp_path / "没有.ipynb", tmp_path / "out.html")


# ---------------------------------------------------------------------------------------- PDF


@pytest.mark.skipif(find_browser() is None, reason="no Chromium, Chrome or Edge to print HTML")
def test_report_prints_to_pdf(report, tmp_path):
    result = html_to_pdf(report, tmp_path / "报告.pdf")
    assert result.made, result.message
    assert result.path.read_bytes()[:5] == b"%PDF-"
    assert result.engine in ("Chromium", "Google Chrome", "Microsoft Edge") and result.seconds > 0
    assert "已用" in str(result)
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed: the PDF's text is not checked")
    text = subprocess.run(["pdftotext", str(result.path), "-"], capture_output=True, check=True).stdout.decode("utf-8")
    assert "城南小学课后服务报告" in text and "每班人数：3" in text
    assert "—1—" in text.replace("\xa0", "").replace(" ", "")  # the page number of our print CSS


def test_engines_are_listed():
    engines = pdf_engines()
    assert set(engines) == {"html", "docx"}
    assert all(value is None or Path(value).is_file() for value in engines.values())


@pytest.fixture
def no_engines(monkeypatch, tmp_path):
    """A machine with neither a browser nor LibreOffice: empty PATH, no install folders."""
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.delenv(exporting.BROWSER_ENV, raising=False)
    monkeypatch.delenv(exporting.SOFFICE_ENV, raising=False)
    monkeypatch.setattr(sys, "platform", "linux")


def test_missing_engines_skip_the_pdf_with_a_message(no_engines, tmp_path):
    page = tmp_path / "报告.html"
    page.write_text("<p>报告</p>", encoding="utf-8")
    document = OfficialDocument("通知").save(tmp_path / "通知.docx")
    assert pdf_engines() == {"html": None, "docx": None}
    for result in (html_to_pdf(page, tmp_path / "a.pdf"), docx_to_pdf(document, tmp_path / "b.pdf")):
        assert isinstance(result, PdfResult) and not result.made and result.path is None
        assert result.message.startswith("未找到") and "已跳过 PDF" in result.message
    assert "Chromium/Chrome/Edge" in html_to_pdf(page, tmp_path / "a.pdf").message
    assert "另存为" in docx_to_pdf(document, tmp_path / "b.pdf").message
    assert not (tmp_path / "a.pdf").exists() and not (tmp_path / "b.pdf").exists()


def _fake_engine(tmp_path: Path, body: str) -> Path:
    script = tmp_path / "fake-engine"
    script.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


@pytest.mark.skipif(os.name == "nt", reason="the stand-in engine is a shell script")
def test_an_engine_that_hangs_is_stopped_and_reported(monkeypatch, tmp_path):
    monkeypatch.setenv(exporting.BROWSER_ENV, str(_fake_engine(tmp_path, "sleep 30")))
    page = tmp_path / "报告.html"
    page.write_text("<p>报告</p>", encoding="utf-8")
    result = html_to_pdf(page, tmp_path / "报告.pdf", timeout=1)
    assert not result.made and "1 秒内没有完成" in result.message and result.seconds < 10
    assert not (tmp_path / "报告.pdf").exists()


@pytest.mark.skipif(os.name == "nt", reason="the stand-in engine is a shell script")
def test_an_engine_that_fails_is_reported(monkeypatch, tmp_path):
    monkeypatch.setenv(exporting.SOFFICE_ENV, str(_fake_engine(tmp_path, "echo 'Error: source file could not be loaded'; exit 1")))
    document = OfficialDocument("通知").save(tmp_path / "通知.docx")
    result = docx_to_pdf(document, tmp_path / "通知.pdf")
    assert not result.made and result.engine == "LibreOffice"
    assert "source file could not be loaded" in result.message and "已跳过 PDF" in result.message
