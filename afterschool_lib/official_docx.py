"""Word documents in the layout of Chinese official documents (GB/T 9704-2012), built in code.

The 实施方案, 致家长的一封信, 协议书, 通知, 公示 and 服务记录表 go to parents and to the education
bureau, where a document is judged by its form before it is read: A4, margins 37/35/28/26 mm,
a 2号 小标宋 title, 3号 仿宋_GB2312 body on 22 lines of 28 characters, 一、（一）1．（1） headings
in 黑体, 楷体 and 仿宋, page numbers “— 1 —” in 4号 宋体 alternating right and left.

:class:`OfficialDocument` writes all of that through named paragraph styles (公文正文, 一级标题,
…), so a teacher who adds a paragraph in Word or WPS gets the same look, and the navigation pane
shows the headings. Chinese needs the East Asian font named explicitly (``w:eastAsia``): python-docx
``font.name`` sets only the Latin one. Fonts a school PC may lack (仿宋_GB2312, 楷体_GB2312,
方正小标宋简体) carry an ``altName`` in the font table pointing at the font every Windows has.

The same content always gives the same bytes (fixed document dates, fixed zip entry times), so a
re-run that changes nothing changes no file, and tests can compare files.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Mm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree

from .files import fixed_zip, write_bytes_atomic
from .workbooks import FIXED_TIME

__all__ = [
    "BODY_PT", "LINE_PITCH_PT", "OfficialDocument", "chinese_date", "chinese_number",
]

# Font names as Word and WPS know them; the second of each pair is written to the font table as
# altName, the face Word/WPS use where the first is not installed (it is on few Windows PCs).
TITLE_FONT = ("方正小标宋简体", "宋体")
BODY_FONT = ("仿宋_GB2312", "仿宋")
KAI_FONT = ("楷体_GB2312", "楷体")
HEI_FONT = ("黑体", None)
SONG_FONT = ("宋体", None)
LATIN_FONT = "Times New Roman"  # digits and Latin letters in the body, as the bureaus' templates do

TITLE_PT = 22  # 2号
BODY_PT = 16  # 3号
PAGE_NUMBER_PT = 14  # 4号
# 225 mm of text height / 22 lines = 28.95 pt; Word stores line spacing in twentieths of a point,
# and 579 twips × 22 lines = 12738 twips fits the 12756 twips of the text block.
LINE_PITCH_PT = 28.95
# 156 mm of text width holds 27.6 characters of 16 pt; closing each up by 0.25 pt makes 28 fit.
BODY_CHAR_SPACING_PT = -0.25

PORTRAIT_MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
# A landscape page (wide record tables) is the portrait page turned: the text block stays 156 × 225 mm.
LANDSCAPE_MARGINS_MM = {"top": 26, "bottom": 28, "left": 37, "right": 35}

_ALIGN = {
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY, "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT,
}
_DIGITS = "零一二三四五六七八九"

# What counts as "already numbered" at the start of a heading: 一、 （一） 1． 1. 1、 （1） (1)
_NUMBERED = re.compile(
    r"^\s*(?:(?P<cn>[一二三四五六七八九十]+)、|[（(](?P<cnp>[一二三四五六七八九十]+)[)）]"
    r"|(?P<ar>\d+)[．.、](?!\d)|[（(](?P<arp>\d+)[)）])"
)


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九 (the numbers of 一、 and （一） headings)."""
    if not 1 <= n <= 99:
        raise ValueError(f"只支持 1 到 99 的序号，收到 {n}")
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def _parse_chinese_number(text: str) -> int:
    if "十" not in text:
        return _DIGITS.index(text) if len(text) == 1 else 0
    tens, _, ones = text.partition("十")
    return (_DIGITS.index(tens) if tens else 1) * 10 + (_DIGITS.index(ones) if ones else 0)


def chinese_date(date: dt.date) -> str:
    """2025年9月1日: GB/T 9704-2012 7.3.5.1, Arabic numerals, no leading zeros."""
    return f"{date.year}年{date.month}月{date.day}日"


def _text_width_chars(text: str) -> float:
    """Width in body characters: a Chinese character is one, a digit or Latin letter half."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WFA" else 0.5 for ch in text)


def _set_fonts(rpr_owner, east_asia: str, latin: str | None = None) -> None:
    """Name the East Asian and the Latin font of a run or style, removing theme fonts.

    A theme attribute (``w:eastAsiaTheme``) beats an explicit name on the same element in Word,
    so the template's theme references must go, or Chinese would come out in the theme's font.
    """
    rpr = rpr_owner.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    latin = latin or east_asia
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)


def _set_char_spacing(rpr_owner, points: float) -> None:
    rpr = rpr_owner.get_or_add_rPr()
    for old in rpr.findall(qn("w:spacing")):
        rpr.remove(old)
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(round(points * 20)))
    rpr.append(spacing)
    _sort_rpr(rpr)


# Word rejects a file whose rPr children are out of the schema's order; python-docx's own setters
# keep the order, but the elements added here by hand have to be put in place.
_RPR_ORDER = [qn(f"w:{tag}") for tag in (
    "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline",
    "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing",
    "w", "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText",
    "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath")]


def _sort_rpr(rpr) -> None:
    children = list(rpr)
    ranked = sorted(children, key=lambda el: _RPR_ORDER.index(el.tag) if el.tag in _RPR_ORDER else len(_RPR_ORDER))
    for child in children:
        rpr.remove(child)
    for child in ranked:
        rpr.append(child)


def _first_line_chars(paragraph_format, chars: int, size_pt: float) -> None:
    """First-line indent of ``chars`` characters: ``firstLineChars`` for Word/WPS (it follows the
    font size), ``firstLine`` in points for LibreOffice, which reads only that."""
    paragraph_format.first_line_indent = Pt(chars * size_pt)
    ind = paragraph_format._element.get_or_add_pPr().get_or_add_ind()
    ind.set(qn("w:firstLineChars"), str(chars * 100))


class OfficialDocument:
    """A Chinese official document in the GB/T 9704-2012 layout, written paragraph by paragraph.

    ::

        doc = OfficialDocument("某某小学课后服务实施方案")
        doc.heading("总体要求")            # 一、总体要求
        doc.heading("服务时间", level=2)   # （一）服务时间
        doc.paragraph("每周一至周五……")
        doc.table(frame, title="表1 课程安排")
        doc.signature("某某小学", dt.date(2025, 9, 1))
        doc.save("实施方案.docx")

    Headings are numbered automatically (一、 → （一） → 1． → （1）, each level restarting under a
    new parent) unless the text already starts with a number, which is then kept and continued
    from. The python-docx objects are returned, and :attr:`document` is the python-docx
    ``Document``, for anything this class does not cover.
    """

    def __init__(self, title: str, *, subtitle: str = "", landscape: bool = False):
        self.title = title
        self.landscape = landscape
        self.document = Document()
        self._counters = [0, 0, 0, 0]
        self._last_level = 0
        self._style: dict[str, object] = {}  # by styleId; python-docx looks styles up by name
        self._styles()
        self._page_setup()
        self._font_table()
        self._core_properties()
        self._page_numbers()
        self._title(title, subtitle)

    # ----------------------------------------------------------------------------- building

    def heading(self, text: str, level: int = 1) -> Paragraph:
        """A numbered heading: level 1 “一、” 黑体, 2 “（一）” 楷体, 3 “1．” 仿宋 bold, 4 “（1）” 仿宋.

        Text that already starts with a number of any level is kept as written, and the
        numbering continues from that number at that level.
        """
        if level not in (1, 2, 3, 4):
            raise ValueError(f"标题级别只能是 1 到 4，收到 {level}")
        text = text.strip()
        match = _NUMBERED.match(text)
        if match:
            found = match.group("cn") or match.group("cnp") or match.group("ar") or match.group("arp")
            number = int(found) if found.isdigit() else _parse_chinese_number(found)
            self._counters[level - 1] = number or self._counters[level - 1] + 1
        else:
            self._counters[level - 1] += 1
            number = self._counters[level - 1]
            text = self._number_label(level, number) + text
        for deeper in range(level, len(self._counters)):
            self._counters[deeper] = 0
        self._last_level = level
        return self.document.add_paragraph(text, style=self._style[self._heading_style(level)])

    def paragraph(self, text: str, *, indent: bool = True, align: str = "justify") -> Paragraph:
        """Body text, 3号 仿宋, first line indented two characters (``indent=False`` for a
        salutation such as “各位家长：”). A line break in ``text`` starts a new paragraph, as
        each paragraph of an official document has its own indent; the last one is returned.
        """
        if align not in _ALIGN:
            raise ValueError(f"align 只能是 {'、'.join(_ALIGN)}，收到 {align!r}")
        paragraph = None
        for line in str(text).split("\n"):
            paragraph = self.document.add_paragraph(line.strip() if indent else line.rstrip(),
                                                    style=self._style["OfficialBody"])
            if not indent:
                paragraph.paragraph_format.first_line_indent = Pt(0)
                ind = paragraph._p.get_or_add_pPr().get_or_add_ind()
                ind.set(qn("w:firstLineChars"), "0")
            if align != "justify":
                paragraph.alignment = _ALIGN[align]
        return paragraph

    def bullets(self, items: Iterable[str], *, numbering: str = "auto") -> list[Paragraph]:
        """Numbered body paragraphs: 1．2．…, or （1）（2）… under a “1．” heading so that the
        two levels do not read alike (``numbering`` “1．”, “（1）” or "" for none chooses).
        An item that already starts with a number keeps it."""
        if numbering == "auto":
            numbering = "（1）" if self._last_level >= 3 else "1．"
        if numbering not in ("1．", "（1）", ""):
            raise ValueError(f"numbering 只能是 “1．”“（1）”或空，收到 {numbering!r}")
        paragraphs = []
        for number, item in enumerate(items, start=1):
            item = str(item).strip()
            if numbering and not _NUMBERED.match(item):
                item = (f"{number}．" if numbering == "1．" else f"（{number}）") + item
            paragraphs.append(self.paragraph(item))
        return paragraphs

    def table(self, frame: pd.DataFrame, *, widths_cm: Iterable[float] | None = None,
              font_size_pt: float = 10.5, title: str = "", repeat_header: bool = True) -> Table:
        """``frame`` as a ruled table: header row bold and repeated on every page, 宋体 5号 by
        default, numbers right-aligned, the index left out, missing values blank.

        Without ``widths_cm`` the columns share the text width in proportion to their content.
        A row never splits across a page.
        """
        if title:
            self.document.add_paragraph(title, style=self._style["OfficialTableTitle"])
        columns = [_column_label(c) for c in frame.columns]
        ncols = len(columns)
        if ncols == 0:
            raise ValueError("表格没有任何列")
        cells = [[_cell_text(v) for v in row] for row in frame.itertuples(index=False, name=None)]
        numeric = [_is_number_column(frame.iloc[:, j]) for j in range(ncols)]
        for j in range(ncols):
            if numeric[j]:
                texts = _number_texts(frame.iloc[:, j])
                for i, text in enumerate(texts):
                    cells[i][j] = text
        widths = self._column_widths(columns, cells, font_size_pt, widths_cm)

        table = self.document.add_table(rows=1, cols=ncols)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        _rule(table)
        for j, width in enumerate(widths):
            table.columns[j].width = width
        self._fill_row(table.rows[0], columns, widths, font_size_pt, header=True, numeric=numeric)
        if repeat_header:
            _row_flag(table.rows[0], "w:tblHeader")
        for row in cells:
            self._fill_row(table.add_row(), row, widths, font_size_pt, header=False, numeric=numeric)
        # half a line of air below the table; it also keeps two tables in a row from fusing in Word
        spacer = self.document.add_paragraph(style=self._style["OfficialBody"])
        spacer.paragraph_format.line_spacing = Pt(LINE_PITCH_PT / 2)
        return table

    def signature(self, issuer: str, date: dt.date) -> list[Paragraph]:
        """The 落款 below the text, after one blank line: issuer, and below it the date (2025年9月1日).

        GB/T 9704-2012 7.3.5.2 (no seal): the issuer two characters from the right margin, the
        date's first character two characters right of the issuer's; a date longer than that
        leaves two characters itself and moves the issuer left.
        """
        date_text = chinese_date(date)
        issuer_width, date_width = _text_width_chars(issuer), _text_width_chars(date_text)
        date_right = issuer_width - date_width
        issuer_right = 2.0
        if date_right < 2:
            date_right = 2.0
            issuer_right = date_width + 4 - issuer_width
        self.document.add_paragraph("", style=self._style["OfficialBody"])
        made = []
        for text, right in ((issuer, issuer_right), (date_text, date_right)):
            paragraph = self.document.add_paragraph(text, style=self._style["OfficialBody"])
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            paragraph.paragraph_format.first_line_indent = Pt(0)
            paragraph._p.get_or_add_pPr().get_or_add_ind().set(qn("w:firstLineChars"), "0")
            paragraph.paragraph_format.right_indent = Pt(right * BODY_PT)
            paragraph.paragraph_format.keep_with_next = text == issuer
            made.append(paragraph)
        return made

    def page_break(self) -> None:
        paragraph = self.document.add_paragraph(style=self._style["OfficialBody"])
        paragraph.add_run().add_break(WD_BREAK.PAGE)

    def picture(self, png: bytes | Path | str, width_cm: float, *, caption: str = "") -> Paragraph:
        """A chart or picture centred on its own line, at most the text width; optional caption."""
        width = min(Cm(width_cm), self._text_width())
        paragraph = self.document.add_paragraph(style=self._style["OfficialPicture"])
        source = io.BytesIO(png) if isinstance(png, (bytes, bytearray)) else str(png)
        paragraph.add_run().add_picture(source, width=width)
        if caption:
            paragraph.paragraph_format.keep_with_next = True
            below = self.document.add_paragraph(caption, style=self._style["OfficialTableTitle"])
            below.paragraph_format.keep_with_next = False
            below.paragraph_format.space_after = Pt(LINE_PITCH_PT / 2)
        return paragraph

    # ----------------------------------------------------------------------------- output

    def to_bytes(self) -> bytes:
        """The .docx file's bytes; equal content gives equal bytes (fixed dates and zip times)."""
        raw = io.BytesIO()
        self.document.save(raw)
        return fixed_zip(raw.getvalue())

    def save(self, path: Path | str) -> Path:
        """Write the .docx atomically (a crash or an open copy in Word never leaves half a file)."""
        return write_bytes_atomic(path, self.to_bytes())

    # ----------------------------------------------------------------------------- internals

    @staticmethod
    def _number_label(level: int, number: int) -> str:
        if level == 1:
            return f"{chinese_number(number)}、"
        if level == 2:
            return f"（{chinese_number(number)}）"
        if level == 3:
            return f"{number}．"
        return f"（{number}）"

    @staticmethod
    def _heading_style(level: int) -> str:
        return f"OfficialHeading{level}"

    def _text_width(self) -> Emu:
        section = self.document.sections[0]
        return Emu(section.page_width - section.left_margin - section.right_margin)

    def _column_widths(self, columns, cells, font_size_pt, widths_cm) -> list[Emu]:
        if widths_cm is not None:
            widths = [Cm(w) for w in widths_cm]
            if len(widths) != len(columns):
                raise ValueError(f"widths_cm 有 {len(widths)} 个宽度，表格有 {len(columns)} 列")
            return widths
        # natural width: the longest line of each column in characters, plus the cell padding
        padding = Cm(0.4)
        natural = []
        for j, header in enumerate(columns):
            longest = max([_text_width_chars(header)] + [_text_width_chars(row[j]) for row in cells[:500]])
            natural.append(Pt(max(longest, 2) * font_size_pt) + padding)
        total_width = self._text_width()
        total = sum(natural)
        # full text width, as official tables are; an over-wide table is shrunk and its text wraps,
        # with no column narrower than four characters
        minimum = Pt(4 * font_size_pt) + padding
        scaled = [max(minimum, int(w * total_width / total)) for w in natural]
        excess = sum(scaled) - total_width
        if excess > 0:
            wide = [i for i, w in enumerate(scaled) if w > minimum]
            room = sum(scaled[i] - minimum for i in wide) or 1
            for i in wide:
                scaled[i] -= int(excess * (scaled[i] - minimum) / room)
        return [Emu(w) for w in scaled]

    def _fill_row(self, row, texts, widths, font_size_pt, *, header: bool, numeric: list[bool]) -> None:
        if not header:
            _row_flag(row, "w:cantSplit")
        for j, (cell, text) in enumerate(zip(row.cells, texts, strict=True)):
            cell.width = widths[j]
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            paragraph = cell.paragraphs[0]
            paragraph.style = self._style["OfficialTableText"]
            run = paragraph.add_run(text)
            if font_size_pt != 10.5:
                run.font.size = Pt(font_size_pt)
            if header:
                run.bold = True
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif numeric[j]:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        if header:
            _row_flag(row, "w:cantSplit")

    def _styles(self) -> None:
        styles = self.document.styles
        # document defaults: every run is Chinese unless told otherwise, with Chinese line breaking
        defaults = self.document.styles.element.find(qn("w:docDefaults"))
        rpr_default = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        fonts = rpr_default.find(qn("w:rFonts"))
        for attr in list(fonts.attrib):
            del fonts.attrib[attr]
        fonts.set(qn("w:ascii"), LATIN_FONT)
        fonts.set(qn("w:hAnsi"), LATIN_FONT)
        fonts.set(qn("w:cs"), LATIN_FONT)
        fonts.set(qn("w:eastAsia"), BODY_FONT[0])
        lang = rpr_default.find(qn("w:lang"))
        lang.set(qn("w:val"), "en-US")
        lang.set(qn("w:eastAsia"), "zh-CN")
        ppr_default = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
        spacing = ppr_default.find(qn("w:spacing"))
        spacing.set(qn("w:after"), "0")
        spacing.set(qn("w:line"), "240")

        normal = styles["Normal"]
        self._style_font(normal, BODY_FONT[0], BODY_PT, latin=LATIN_FONT)
        normal.paragraph_format.space_before = Pt(0)
        normal.paragraph_format.space_after = Pt(0)
        normal.paragraph_format.widow_control = False  # keeps 22 lines on every page

        body = self._add_style("公文正文", "OfficialBody", "Normal")
        self._style_font(body, BODY_FONT[0], BODY_PT, latin=LATIN_FONT)  # also if Normal is changed
        body.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        body.paragraph_format.line_spacing = Pt(LINE_PITCH_PT)
        body.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        _first_line_chars(body.paragraph_format, 2, BODY_PT)
        _set_char_spacing(body.element, BODY_CHAR_SPACING_PT)

        title = self._add_style("公文标题", "OfficialTitle", "OfficialBody")
        self._style_font(title, TITLE_FONT[0], TITLE_PT)
        _set_char_spacing(title.element, 0)
        title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        title.paragraph_format.line_spacing = Pt(35)  # a 22 pt title on 28.95 pt lines is cramped
        _first_line_chars(title.paragraph_format, 0, TITLE_PT)
        title.paragraph_format.keep_with_next = True

        subtitle = self._add_style("公文副标题", "OfficialSubtitle", "OfficialBody")
        self._style_font(subtitle, KAI_FONT[0], BODY_PT)
        subtitle.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _first_line_chars(subtitle.paragraph_format, 0, BODY_PT)
        subtitle.paragraph_format.keep_with_next = True

        for level, font, bold in ((1, HEI_FONT[0], False), (2, KAI_FONT[0], False),
                                  (3, BODY_FONT[0], True), (4, BODY_FONT[0], False)):
            name = ("一级标题", "二级标题", "三级标题", "四级标题")[level - 1]
            style = self._add_style(name, self._heading_style(level), "OfficialBody")
            self._style_font(style, font, BODY_PT, latin=LATIN_FONT)
            style.font.bold = bold
            style.paragraph_format.keep_with_next = True
            outline = OxmlElement("w:outlineLvl")  # the navigation pane and a table of contents see it
            outline.set(qn("w:val"), str(level - 1))
            style.element.get_or_add_pPr().insert_element_before(outline, "w:divId", "w:cnfStyle", "w:rPr")

        table_text = self._add_style("表格文字", "OfficialTableText", "Normal")
        self._style_font(table_text, SONG_FONT[0], 10.5, latin=LATIN_FONT)
        table_text.paragraph_format.line_spacing = 1.0
        table_text.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
        _first_line_chars(table_text.paragraph_format, 0, 10.5)

        table_title = self._add_style("表题", "OfficialTableTitle", "Normal")
        self._style_font(table_title, HEI_FONT[0], 14, latin=LATIN_FONT)
        table_title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        table_title.paragraph_format.line_spacing = Pt(LINE_PITCH_PT)
        table_title.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        table_title.paragraph_format.keep_with_next = True

        picture = self._add_style("图片", "OfficialPicture", "Normal")
        picture.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        picture.paragraph_format.line_spacing = 1.0  # an exact line height would crop the picture
        picture.paragraph_format.space_before = Pt(LINE_PITCH_PT / 2)
        picture.paragraph_format.keep_with_next = False

        footer = styles["Footer"]
        self._style_font(footer, SONG_FONT[0], PAGE_NUMBER_PT, latin=SONG_FONT[0])
        footer.paragraph_format.line_spacing = 1.0
        footer.paragraph_format.first_line_indent = Pt(0)

    def _add_style(self, name: str, style_id: str, base: str):
        styles = self.document.styles
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.style_id = style_id
        style.base_style = self._style.get(base) or styles[base]
        style.quick_style = True  # shown in Word's style gallery, so a teacher can apply it
        # after a title or a heading, Enter continues with body text
        follows_body = style_id.startswith("OfficialHeading") or style_id in ("OfficialTitle", "OfficialSubtitle")
        style.next_paragraph_style = self._style["OfficialBody"] if follows_body else style
        self._style[style_id] = style
        return style

    @staticmethod
    def _style_font(style, east_asia: str, size_pt: float, *, latin: str | None = None) -> None:
        style.font.size = Pt(size_pt)
        _set_fonts(style.element, east_asia, latin)
        _sort_rpr(style.element.get_or_add_rPr())

    def _page_setup(self) -> None:
        section = self.document.sections[0]
        margins = LANDSCAPE_MARGINS_MM if self.landscape else PORTRAIT_MARGINS_MM
        if self.landscape:
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = Mm(297), Mm(210)
        else:
            section.orientation = WD_ORIENT.PORTRAIT
            section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin = Mm(margins["top"])
        section.bottom_margin = Mm(margins["bottom"])
        section.left_margin = Mm(margins["left"])
        section.right_margin = Mm(margins["right"])
        section.header_distance = Mm(15)
        # GB/T 9704 7.5: the dash line of the page number 7 mm below the text block; the footer's
        # distance is measured from the paper's edge to the bottom of the 4号 line (about 6 mm)
        section.footer_distance = Mm(margins["bottom"] - 7 - 4)
        section.gutter = 0
        grid = section._sectPr.find(qn("w:docGrid"))
        if grid is not None:  # no snapping to a grid: it would stretch the small table text
            for attr in list(grid.attrib):
                del grid.attrib[attr]
            grid.set(qn("w:linePitch"), str(round(LINE_PITCH_PT * 20)))

    def _font_table(self) -> None:
        part = next(p for p in self.document.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml")
        root = parse_xml(part.blob)
        for name, alternative, family, pitch in (
            (TITLE_FONT[0], TITLE_FONT[1], "roman", "variable"), (BODY_FONT[0], BODY_FONT[1], "modern", "fixed"),
            (KAI_FONT[0], KAI_FONT[1], "modern", "fixed"), (HEI_FONT[0], None, "modern", "fixed"),
            (SONG_FONT[0], None, "auto", "variable"), (BODY_FONT[1], None, "modern", "fixed"),
            (KAI_FONT[1], None, "modern", "fixed"),
        ):
            font = OxmlElement("w:font")
            font.set(qn("w:name"), name)
            if alternative:
                alt = OxmlElement("w:altName")
                alt.set(qn("w:val"), alternative)
                font.append(alt)
            for tag, value in (("charset", "86"), ("family", family), ("pitch", pitch)):  # 86: GB2312
                element = OxmlElement(f"w:{tag}")
                element.set(qn("w:val"), value)
                font.append(element)
            root.append(font)
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        # the template's settings name Japanese as the East Asian language of its theme
        settings = self.document.settings.element
        theme_lang = settings.find(qn("w:themeFontLang"))
        if theme_lang is not None:
            theme_lang.set(qn("w:eastAsia"), "zh-CN")

    def _core_properties(self) -> None:
        props = self.document.core_properties
        props.title = self.title.replace("\n", "")
        props.subject = ""
        props.author = ""
        props.last_modified_by = ""
        props.comments = ""
        props.keywords = ""
        props.category = ""
        props.language = "zh-CN"
        props.revision = 1
        props.created = FIXED_TIME
        props.modified = FIXED_TIME
        # python-docx's template carries a thumbnail of an empty Mac page: drop it, so Explorer
        # shows nothing rather than a blank preview
        rels = self.document.part.package.rels
        for rel_id in [rel_id for rel_id, rel in rels.items() if rel.reltype == RT.THUMBNAIL]:
            del rels[rel_id]  # a dict; python-docx has no method to drop a package relationship
            rels._target_parts_by_rId.pop(rel_id, None)

    def _page_numbers(self) -> None:
        """“— 1 —” in 4号 宋体: odd pages at the right, even pages at the left, one character in
        (GB/T 9704-2012 7.5), which needs Word's “odd and even pages differ” setting."""
        self.document.settings.odd_and_even_pages_header_footer = True
        section = self.document.sections[0]
        for footer, align, side in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right"),
                                    (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left")):
            footer.is_linked_to_previous = False
            paragraph = footer.paragraphs[0]
            paragraph.style = self.document.styles["Footer"]
            paragraph.alignment = align
            setattr(paragraph.paragraph_format, f"{side}_indent", Pt(PAGE_NUMBER_PT))
            _page_field(paragraph)

    def _title(self, title: str, subtitle: str) -> None:
        paragraph = self.document.add_paragraph(style=self._style["OfficialTitle"])
        for i, line in enumerate(title.split("\n")):
            if i:
                paragraph.add_run().add_break()
            paragraph.add_run(line)
        if subtitle:
            paragraph = self.document.add_paragraph(subtitle, style=self._style["OfficialSubtitle"])
        paragraph.paragraph_format.space_after = Pt(LINE_PITCH_PT)  # a blank line before the text


def _page_field(paragraph: Paragraph) -> None:
    """“— PAGE —” with a real PAGE field, so every page shows its own number."""
    def run(text: str | None = None):
        r = paragraph.add_run(text)
        fonts = r._r.get_or_add_rPr().get_or_add_rFonts()
        fonts.set(qn("w:hint"), "eastAsia")  # the dash as the full-width 一字线 of the CJK font
        return r

    run("— ")
    begin = run()
    fld = OxmlElement("w:fldChar")
    fld.set(qn("w:fldCharType"), "begin")
    begin._r.append(fld)
    instr_run = run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    instr_run._r.append(instr)
    separate = run()
    fld = OxmlElement("w:fldChar")
    fld.set(qn("w:fldCharType"), "separate")
    separate._r.append(fld)
    run("1")
    end = run()
    fld = OxmlElement("w:fldChar")
    fld.set(qn("w:fldCharType"), "end")
    end._r.append(fld)
    run(" —")


def _rule(table: Table) -> None:
    """Single 0.5 pt lines around and between all cells, set on the table itself (the template's
    “Table Grid” style is not what WPS shows for a table without one)."""
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "single")
        element.set(qn("w:sz"), "4")
        element.set(qn("w:space"), "0")
        element.set(qn("w:color"), "000000")
        borders.append(element)
    # schema order inside tblPr: … tblW, jc, …, tblBorders, shd, tblLayout, tblCellMar, tblLook
    tbl_pr.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption")


def _row_flag(row, tag: str) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    if tr_pr.find(qn(tag)) is None:
        element = OxmlElement(tag)
        # schema order in trPr: cantSplit before tblHeader
        if tag == "w:cantSplit" and tr_pr.find(qn("w:tblHeader")) is not None:
            tr_pr.find(qn("w:tblHeader")).addprevious(element)
        else:
            tr_pr.append(element)


def _column_label(column: object) -> str:
    if isinstance(column, tuple):
        return " / ".join(str(part) for part in column if str(part) != "")
    return str(column)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple, set, dict)):
        return "、".join(str(v) for v in value)
    if _is_blank(value):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "是" if value else "否"
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return chinese_date(value) + (f" {value:%H:%M}" if value.time() != dt.time(0) else "")
    if isinstance(value, dt.date):
        return chinese_date(value)
    return str(value)


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float, Decimal, np.number)) and not isinstance(value, (bool, np.bool_))


def _is_number_column(column: pd.Series) -> bool:
    """Numbers, right-aligned: a numeric dtype, or objects that are all numbers (the fee tables
    hold exact Decimal amounts)."""
    if pd.api.types.is_bool_dtype(column):
        return False
    if pd.api.types.is_numeric_dtype(column):
        return True
    values = [v for v in column.tolist() if not _is_blank(v)]
    return bool(values) and all(_is_number(v) for v in values)


def _is_blank(value: object) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _number_texts(column: pd.Series) -> list[str]:
    """A number column as a teacher writes it: whole numbers without “.0”; if any value has a
    fraction, every value with two decimals, so the right-aligned column lines up."""
    values = [v.item() if isinstance(v, np.generic) else v for v in column.tolist()]
    fractional = any(isinstance(v, float) and math.isfinite(v) and not v.is_integer() for v in values)
    texts = []
    for value in values:
        if isinstance(value, Decimal) and value.is_finite():
            texts.append(format(value, "f"))  # exact, as the fee tables computed it
        elif _is_blank(value) or isinstance(value, bool) or not isinstance(value, (int, float)) or \
                (isinstance(value, float) and not math.isfinite(value)):
            texts.append(_cell_text(value))
        elif fractional:
            texts.append(f"{value:.2f}")
        else:
            texts.append(str(int(value)))
    return texts
