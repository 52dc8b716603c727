"""Documents as plain data, rendered to Word, to a notebook preview and to offline HTML.

The 实施方案 and its companions (致家长的一封信, 协议书, 通知, 公示 ...) are built once as a
:class:`Doc`: a title and a sequence of blocks (headings, paragraphs, numbered items, tables,
pictures, signature). The planning code that writes them does no I/O and knows nothing of Word;
:func:`write_docx` lays a Doc out as an official document (GB/T 9704, see official_docx),
:func:`to_notebook` turns it into notebook cells for the preview in step 06 and for nbconvert's
HTML, and :func:`plain_text` gives everything a reader would see, for tests and checks.

Headings are numbered in one place (:func:`heading_labels`), so the Word file and the HTML show
the same 一、（一）1． numbers.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pandas as pd
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from .official_docx import OfficialDocument, chinese_number


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


@dataclass(frozen=True)
class Paragraph:
    text: str
    indent: bool = True
    align: str = "justify"


@dataclass(frozen=True)
class Items:
    """Numbered points (1．2．…), each one paragraph."""

    items: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class Table:
    frame: pd.DataFrame
    title: str = ""
    widths_cm: tuple[float, ...] | None = None
    font_size_pt: float = 10.5


@dataclass(frozen=True, eq=False)
class Picture:
    png: bytes
    width_cm: float = 15.0
    caption: str = ""


@dataclass(frozen=True)
class PageBreak:
    pass


@dataclass(frozen=True)
class Signature:
    issuer: str
    date: dt.date


Block = Heading | Paragraph | Items | Table | Picture | PageBreak | Signature


@dataclass(frozen=True, eq=False)
class Doc:
    """One document: ``file_stem`` names its files (课后服务实施方案 → .docx, .html, .pdf);
    ``public`` marks a document that is posted or handed out, so it must carry no unmasked
    personal data (the tests check every public Doc)."""

    title: str
    blocks: tuple[Block, ...]
    file_stem: str
    subtitle: str = ""
    landscape: bool = False
    public: bool = True
    summary: str = field(default="")  # one line for the notebook's list of documents


def heading_labels(blocks: tuple[Block, ...]) -> dict[int, str]:
    """Block index -> the heading as numbered: 一、指导思想, （一）组织机构, 1．… (as official_docx
    numbers them: each level restarts under a new parent)."""
    counters = [0, 0, 0, 0]
    labels = {}
    for i, block in enumerate(blocks):
        if not isinstance(block, Heading):
            continue
        level = block.level
        counters[level - 1] += 1
        for deeper in range(level, 4):
            counters[deeper] = 0
        n = counters[level - 1]
        prefix = {1: f"{chinese_number(n)}、", 2: f"（{chinese_number(n)}）", 3: f"{n}．", 4: f"（{n}）"}[level]
        labels[i] = prefix + block.text
    return labels


# --- Word -----------------------------------------------------------------------------------------


def to_docx(doc: Doc) -> OfficialDocument:
    """The document laid out as an official document; headings numbered by :func:`heading_labels`."""
    out = OfficialDocument(doc.title, subtitle=doc.subtitle, landscape=doc.landscape)
    labels = heading_labels(doc.blocks)
    for i, block in enumerate(doc.blocks):
        if isinstance(block, Heading):
            out.heading(labels[i], block.level)
        elif isinstance(block, Paragraph):
            out.paragraph(block.text, indent=block.indent, align=block.align)
        elif isinstance(block, Items):
            out.bullets(block.items)
        elif isinstance(block, Table):
            out.table(block.frame, widths_cm=block.widths_cm, font_size_pt=block.font_size_pt, title=block.title)
        elif isinstance(block, Picture):
            out.picture(block.png, block.width_cm, caption=block.caption)
        elif isinstance(block, PageBreak):
            out.page_break()
        elif isinstance(block, Signature):
            out.signature(block.issuer, block.date)
    return out


def write_docx(doc: Doc, folder: Path | str) -> Path:
    return to_docx(doc).save(Path(folder) / f"{doc.file_stem}.docx")


# --- notebook and HTML -------------------------------------------------------------------------------


def _items_markdown(items: tuple[str, ...]) -> str:
    return "\n".join(f"{n}. {html.escape(item)}" for n, item in enumerate(items, start=1))


def _table_html(table: Table) -> str:
    frame = table.frame.copy()
    frame = frame.astype(object).where(frame.notna(), "")
    caption = f"<p style=\"text-align:center\"><b>{html.escape(table.title)}</b></p>" if table.title else ""
    return caption + frame.to_html(index=False, escape=True, border=1)


def to_notebook(doc: Doc) -> nbformat.NotebookNode:
    """The document as notebook cells: text as Markdown, tables and pictures as outputs of empty
    code cells (the HTML export hides inputs). Converting this notebook with nbconvert gives the
    document's HTML; displaying its cells gives the preview."""
    cells = [new_markdown_cell("# " + html.escape(doc.title).replace("\n", "<br>") + (f"\n\n<center>{html.escape(doc.subtitle)}</center>" if doc.subtitle else ""))]
    labels = heading_labels(doc.blocks)
    text: list[str] = []

    def flush() -> None:
        if text:
            cells.append(new_markdown_cell("\n\n".join(text)))
            text.clear()

    for i, block in enumerate(doc.blocks):
        if isinstance(block, Heading):
            text.append(f"{'#' * (block.level + 1)} {labels[i]}")
        elif isinstance(block, Paragraph):
            style = "" if block.align == "justify" else f" style=\"text-align:{block.align}\""
            for line in block.text.split("\n"):
                indent = "text-indent:2em;" if block.indent else ""
                text.append(f"<p style=\"{indent}\"{style}>{html.escape(line)}</p>" if indent or style
                            else html.escape(line))
        elif isinstance(block, Items):
            text.append(_items_markdown(block.items))
        elif isinstance(block, Signature):
            text.append(f"<p style=\"text-align:right\">{html.escape(block.issuer)}<br>"
                        f"{block.date.year}年{block.date.month}月{block.date.day}日</p>")
        elif isinstance(block, (Table, Picture)):
            flush()
            cell = new_code_cell("")
            if isinstance(block, Table):
                data = {"text/html": _table_html(block), "text/plain": block.title or "表格"}
            else:
                data = {"image/png": base64.b64encode(block.png).decode("ascii"), "text/plain": block.caption or "图表"}
            cell.outputs = [new_output("display_data", data=data)]
            cells.append(cell)
            if isinstance(block, Picture) and block.caption:
                text.append(f"<p style=\"text-align:center\">{html.escape(block.caption)}</p>")
    flush()
    for number, cell in enumerate(cells):  # fixed ids: nbformat draws random ones, and they reach the HTML
        cell.id = f"cell-{number}"
    notebook = new_notebook(cells=cells)
    notebook.metadata["title"] = doc.title
    return notebook


def write_html(doc: Doc, folder: Path | str) -> Path:
    """The document as offline HTML through nbconvert with the kit's template (no code, nothing
    fetched from the internet), by way of a notebook written beside it and then removed."""
    from .exporting import notebook_to_html

    folder = Path(folder)
    source = folder / f".{doc.file_stem}.ipynb"
    nbformat.write(to_notebook(doc), source)
    try:
        return notebook_to_html(source, folder / f"{doc.file_stem}.html", title=doc.title)
    finally:
        source.unlink(missing_ok=True)


def plain_text(doc: Doc) -> str:
    """Everything a reader sees, in order, one line per paragraph or table row: for tests and for
    checking that a public document carries no unmasked name or phone number."""
    lines = [doc.title, doc.subtitle]
    labels = heading_labels(doc.blocks)
    for i, block in enumerate(doc.blocks):
        if isinstance(block, Heading):
            lines.append(labels[i])
        elif isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Items):
            lines.extend(block.items)
        elif isinstance(block, Table):
            lines.append(block.title)
            lines.append(" ".join(str(c) for c in block.frame.columns))
            lines.extend(" ".join("" if pd.isna(v) else str(v) for v in row)
                         for row in block.frame.itertuples(index=False, name=None))
        elif isinstance(block, Picture):
            lines.append(block.caption)
        elif isinstance(block, Signature):
            lines.append(f"{block.issuer} {block.date.year}年{block.date.month}月{block.date.day}日")
    return "\n".join(line for line in lines if line)


def show(doc: Doc, *, pictures: bool = True) -> None:
    """Display the document in a notebook, as it will read: text as Markdown, tables as HTML,
    pictures as images (a separate output, so nbval, which ignores images, stays stable)."""
    from IPython.display import HTML, Image, Markdown, display

    for cell in to_notebook(doc).cells:
        if cell.cell_type == "markdown":
            display(Markdown(cell.source))
            continue
        for output in cell.outputs:
            data = output["data"]
            if "text/html" in data:
                display(HTML(data["text/html"]))
            elif "image/png" in data and pictures:
                display(Image(data=base64.b64decode(data["image/png"])))
