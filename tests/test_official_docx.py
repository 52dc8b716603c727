"""Word documents in the GB/T 9704-2012 layout: what Word will read back, and what a PDF shows."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import unicodedata
import zipfile
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from afterschool_lib.exporting import docx_to_pdf, find_soffice
from afterschool_lib.official_docx import OfficialDocument, chinese_date, chinese_number

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _chart_png() -> bytes:
    from afterschool_lib.charts import bar_chart

    fig = bar_chart(pd.Series([40, 35], index=["足球", "合唱"]), "各社团人数", figsize=(4, 2.5))
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=60)
    return buffer.getvalue()


CLUBS = pd.DataFrame({
    "社团": ["足球", "合唱", "书法", "科技小制作"],
    "年级": ["三至六年级", "二至五年级", "一至六年级", None],
    "人数": [40, 35, np.nan, 28],
    "每学期费用（元）": [300.0, 250.5, 200.0, 320.0],
    "开班": [True, True, False, True],
}, index=[10, 11, 12, 13])


def build(picture: bytes | None = None) -> OfficialDocument:
    doc = OfficialDocument("城南小学2025年秋季学期\n课后服务实施方案", subtitle="（征求意见稿）")
    doc.paragraph("各位家长：", indent=False)
    doc.heading("总体要求")
    doc.paragraph("为切实减轻家长接送负担，结合我校实际，制定本方案。课后服务坚持学校主导、家长自愿、"
                  "公益普惠的原则，每周一至周五开展，服务时间为下午15:30至17:30。")
    doc.heading("服务内容")
    doc.heading("基础托管", level=2)
    doc.paragraph("由班主任和任课教师轮流值班，指导学生完成书面作业。\n开展阅读活动。")
    doc.heading("兴趣社团", level=2)
    doc.heading("体育类", level=3)
    doc.bullets(["足球、篮球、跳绳", "武术、啦啦操"])
    doc.table(CLUBS, title="表1 社团安排")
    doc.heading("经费与收费")
    doc.heading("收费标准", level=2)  # restarts at （一） under the new 三、
    doc.heading("五、安全保障")  # numbered by hand: kept, and the count continues from 五
    doc.heading("其他")
    if picture is not None:
        doc.picture(picture, 12, caption="图1 各社团人数")
    doc.bullets(["本方案自发布之日起施行。", "3．由学校负责解释。"])
    doc.signature("城南小学", dt.date(2025, 9, 1))
    return doc


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("文档") / "课后服务实施方案.docx"
    build(_chart_png()).save(path)
    return path


def _texts(document) -> list[str]:
    return [p.text for p in document.paragraphs]


def test_page_is_a4_with_gbt_9704_margins(saved):
    section = Document(str(saved)).sections[0]
    for actual, expected in ((section.page_width, 210), (section.page_height, 297), (section.top_margin, 37),
                             (section.bottom_margin, 35), (section.left_margin, 28), (section.right_margin, 26)):
        assert abs(actual - Mm(expected)) < Mm(0.1)


def test_landscape_turns_the_page_and_keeps_the_text_block():
    doc = OfficialDocument("服务记录表", landscape=True)
    section = Document(io.BytesIO(doc.to_bytes())).sections[0]
    assert section.page_width > section.page_height
    assert [round(m / Mm(1)) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                        section.right_margin)] == [26, 28, 37, 35]
    assert abs(section.page_width - section.left_margin - section.right_margin - Mm(225)) < Mm(0.2)
    assert abs(section.page_height - section.top_margin - section.bottom_margin - Mm(156)) < Mm(0.2)


def test_title_is_2hao_with_its_chinese_font_named_for_east_asian_text(saved):
    document = Document(str(saved))
    title = document.paragraphs[0]
    assert title.text == "城南小学2025年秋季学期\n课后服务实施方案"
    assert title.style.name == "公文标题"
    assert title.style.font.size == Pt(22)
    fonts = title.style.element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    assert fonts.get(qn("w:eastAsiaTheme")) is None  # a theme font would override the name in Word
    assert title.style.paragraph_format.alignment == 1  # centred
    assert document.paragraphs[1].text == "（征求意见稿）"
    body = document.styles["公文正文"]
    assert body.font.size == Pt(16)
    assert body.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert body.element.rPr.find(qn("w:rFonts")).get(qn("w:ascii")) == "Times New Roman"
    assert body.paragraph_format.line_spacing == Pt(28.95)
    assert document.core_properties.title == "城南小学2025年秋季学期课后服务实施方案"
    assert document.core_properties.author == ""


def test_fonts_a_school_pc_lacks_name_the_one_it_has(saved):
    with zipfile.ZipFile(saved) as archive:
        fonts = archive.read("word/fontTable.xml").decode("utf-8")
    for name, alternative in (("仿宋_GB2312", "仿宋"), ("楷体_GB2312", "楷体"), ("方正小标宋简体", "宋体")):
        assert f'w:name="{name}"><w:altName w:val="{alternative}"/>' in fonts


def test_headings_are_numbered_and_restart_under_a_new_parent(saved):
    document = Document(str(saved))
    headings = [p.text for p in document.paragraphs if p.style.name.endswith("级标题")]
    assert headings == ["一、总体要求", "二、服务内容", "（一）基础托管", "（二）兴趣社团", "1．体育类",
                        "三、经费与收费", "（一）收费标准", "五、安全保障", "六、其他"]
    styles = {p.text: p.style for p in document.paragraphs}
    assert styles["一、总体要求"].element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "黑体"
    assert styles["（一）基础托管"].element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "楷体_GB2312"
    assert styles["1．体育类"].font.bold is True
    texts = _texts(document)
    # bullets under a “1．” heading use （1）; an item numbered by hand keeps its number
    assert "（1）足球、篮球、跳绳" in texts and "（2）武术、啦啦操" in texts
    assert "1．本方案自发布之日起施行。" in texts and "3．由学校负责解释。" in texts
    # a line break makes a new indented paragraph
    assert "开展阅读活动。" in texts


def test_table_has_the_frame_without_index_blank_for_missing_and_a_repeated_header(saved):
    table = Document(str(saved)).tables[0]
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows == [
        ["社团", "年级", "人数", "每学期费用（元）", "开班"],
        ["足球", "三至六年级", "40", "300.00", "是"],
        ["合唱", "二至五年级", "35", "250.50", "是"],
        ["书法", "一至六年级", "", "200.00", "否"],
        ["科技小制作", "", "28", "320.00", "是"],
    ]
    header = table.rows[0]._tr
    assert header.trPr.find(qn("w:tblHeader")) is not None
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows)
    assert table.rows[1].cells[2].paragraphs[0].alignment == 2  # numbers to the right
    assert header.xpath(".//w:b") and table.rows[0].cells[0].paragraphs[0].runs[0].bold
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert {child.tag.removeprefix(W) for child in borders} == {"top", "left", "bottom", "right", "insideH", "insideV"}
    widths = [table.columns[j].width for j in range(5)]
    assert abs(sum(widths) - Mm(156)) < Mm(1)  # the full text width


def test_table_cells_read_as_a_teacher_writes_them():
    frame = pd.DataFrame({
        "日期": [pd.Timestamp("2025-09-01"), pd.NaT],
        "金额": [Decimal("1200.50"), Decimal(80)],  # the fee tables' exact amounts
        "课时": [2.0, 3.0],
        "备注": [float("nan"), ["足球", "合唱"]],
    })
    doc = OfficialDocument("收费公示")
    table = doc.table(frame, widths_cm=[4, 3, 2, 6.6], font_size_pt=9)
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[1:] == [["2025年9月1日", "1200.50", "2", ""], ["", "80", "3", "足球、合唱"]]
    assert table.rows[1].cells[1].paragraphs[0].alignment == 2  # Decimal objects are numbers too
    assert table.rows[1].cells[3].paragraphs[0].alignment is None
    assert table.rows[1].cells[0].paragraphs[0].runs[0].font.size == Pt(9)
    assert abs(table.columns[0].width - Mm(40)) < Mm(0.1)


def test_page_numbers_are_page_fields_right_on_odd_and_left_on_even_pages(saved):
    document = Document(str(saved))
    section = document.sections[0]
    assert document.settings.odd_and_even_pages_header_footer
    for footer, alignment in ((section.footer, 2), (section.even_page_footer, 0)):
        paragraph = footer.paragraphs[0]
        assert paragraph.alignment == alignment
        assert paragraph.text == "— 1 —"  # the field's cached result between the dashes
        element = paragraph._p
        assert [f.get(qn("w:fldCharType")) for f in element.iter(f"{W}fldChar")] == ["begin", "separate", "end"]
        assert [i.text for i in element.iter(f"{W}instrText")] == [" PAGE "]
    assert document.styles["Footer"].font.size == Pt(14)


def test_signature_is_right_aligned_with_the_date_two_characters_right_of_the_issuer(saved):
    document = Document(str(saved))
    issuer, date = document.paragraphs[-2], document.paragraphs[-1]
    assert (issuer.text, date.text) == ("城南小学", "2025年9月1日")
    assert issuer.alignment == date.alignment == 2
    assert document.paragraphs[-3].text == ""  # one blank line after the text
    # the date (6 characters wide) two characters in; the issuer (4) so that its first
    # character is two characters left of the date's: 2 + 6 = 6 + 4 - 2
    assert date.paragraph_format.right_indent == Pt(2 * 16)
    assert issuer.paragraph_format.right_indent == Pt(6 * 16)


def test_picture_is_inside_the_document(saved):
    with zipfile.ZipFile(saved) as archive:
        assert any(name.startswith("word/media/") for name in archive.namelist())
        assert "docProps/thumbnail.jpeg" not in archive.namelist()
    assert "图1 各社团人数" in _texts(Document(str(saved)))


def test_same_content_gives_the_same_bytes(tmp_path):
    picture = _chart_png()
    first, second = tmp_path / "a.docx", tmp_path / "b.docx"
    build(picture).save(first)
    build(picture).save(second)
    assert first.read_bytes() == second.read_bytes()
    doc = build(picture)
    assert doc.to_bytes() == doc.to_bytes()
    with zipfile.ZipFile(first) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode("utf-8")
    assert "2025-01-01T00:00:00Z" in core and "python-docx" not in core


def test_save_replaces_the_file_in_one_step(tmp_path):
    target = tmp_path / "通知.docx"
    target.write_bytes(b"old")
    OfficialDocument("关于开展课后服务的通知").save(target)
    assert target.read_bytes()[:2] == b"PK"
    assert [p.name for p in tmp_path.iterdir()] == ["通知.docx"]


def test_numbers_and_dates_in_chinese():
    assert [chinese_number(n) for n in (1, 9, 10, 11, 20, 35, 99)] == ["一", "九", "十", "十一", "二十", "三十五", "九十九"]
    assert chinese_date(dt.date(2025, 9, 1)) == "2025年9月1日"
    with pytest.raises(ValueError):
        chinese_number(100)


def test_bad_arguments_are_refused_in_chinese():
    doc = OfficialDocument("测试")
    with pytest.raises(ValueError, match="标题级别"):
        doc.heading("x", level=5)
    with pytest.raises(ValueError, match="align"):
        doc.paragraph("x", align="middle")
    with pytest.raises(ValueError, match="widths_cm"):
        doc.table(CLUBS, widths_cm=[3, 3])


@pytest.mark.skipif(find_soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_it_and_prints_chinese_text_and_page_numbers(saved, tmp_path):
    result = docx_to_pdf(saved, tmp_path / "实施方案.pdf")
    assert result.made, result.message
    assert result.engine == "LibreOffice" and result.path == tmp_path / "实施方案.pdf"
    assert result.path.read_bytes()[:5] == b"%PDF-"
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed: the PDF's text is not checked")
    text = subprocess.run(["pdftotext", "-layout", str(result.path), "-"], capture_output=True, check=True).stdout.decode("utf-8")
    squeezed = text.replace(" ", "")  # pdftotext spaces Latin from Chinese and the dashes from the digit
    for phrase in ("课后服务实施方案", "一、总体要求", "（一）基础托管", "科技小制作", "2025年9月1日", "—1—", "—2—"):
        assert phrase in squeezed
    # 28 characters on a full line of body text, as GB/T 9704 asks
    full_width = [line.strip() for line in text.splitlines()
                  if line.strip() and all(unicodedata.east_asian_width(ch) in "WF" for ch in line.strip())]
    assert max(len(line) for line in full_width) == 28
