"""Step 06: write the 实施方案 and its companion documents into the term's output folder.

The plan goes out as Word (what schools file), as offline HTML (nbconvert with the kit's template)
and as PDF where this machine has an engine for it (LibreOffice for the Word file, else a
Chromium-family browser for the HTML; without either the PDF is skipped with a message saying
how to make one). The companions are Word documents; the blank 服务记录表 is a workbook.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import documents as dm
from .exporting import docx_to_pdf, html_to_pdf, pdf_engines
from .plan import PLAN_FILE_STEM, build_plan

SERVICE_RECORDS = "服务记录表"
SERVICE_RECORDS_FILE = f"{SERVICE_RECORDS}.xlsx"


@dataclass(frozen=True)
class Export:
    """What one export wrote (``written``, in order) and what it has to say (``notes``: the PDF
    engine used or why no PDF was made)."""

    written: tuple[Path, ...]
    notes: tuple[str, ...]


def term_documents(record) -> dict[str, dm.Doc]:
    """The plan and every companion document of the term, by file name stem, in filing order."""
    from .companions import companion_documents

    docs = [build_plan(record), *companion_documents(record)]
    return {doc.file_stem: doc for doc in docs}


def document_list(docs: dict[str, dm.Doc]) -> pd.DataFrame:
    """名称, 文件, 用途 and whether it may be posted (公开): what the notebook offers to export."""
    rows = [(doc.title.replace("\n", ""), f"{stem}.docx" + ("、.html、.pdf" if stem == PLAN_FILE_STEM else ""),
             doc.summary, "是（已脱敏）" if doc.public else "否（内部）") for stem, doc in docs.items()]
    rows.append((SERVICE_RECORDS, SERVICE_RECORDS_FILE, "每个组每个服务日一行的空白记录表，供教师填写", "否（内部）"))
    return pd.DataFrame(rows, columns=["文件名称", "文件", "用途", "可以公开"])


def export_documents(record, out_dir: Path | str, chosen: Iterable[str] | None = None, *, pdf: bool = True,
                     docs: dict[str, dm.Doc] | None = None) -> Export:
    """Write the ``chosen`` documents (file stems; None = all) into ``out_dir``."""
    from .companions import write_service_records

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    docs = docs if docs is not None else term_documents(record)
    wanted = list(docs) + [SERVICE_RECORDS] if chosen is None else [c for c in chosen]
    unknown = [c for c in wanted if c not in docs and c != SERVICE_RECORDS]
    written: list[Path] = []
    notes: list[str] = [f"没有名为“{c}”的文件，已跳过；可选：{'、'.join([*docs, SERVICE_RECORDS])}" for c in unknown]
    for stem in [c for c in wanted if c in docs]:
        doc = docs[stem]
        docx = dm.write_docx(doc, out)
        written.append(docx)
        if stem != PLAN_FILE_STEM:
            continue
        html = dm.write_html(doc, out)
        written.append(html)
        if pdf:
            result = docx_to_pdf(docx, out / f"{stem}.pdf")
            if not result.made:
                result = html_to_pdf(html, out / f"{stem}.pdf")
            notes.append(str(result))
            if result.made:
                written.append(out / f"{stem}.pdf")
    if SERVICE_RECORDS in wanted:
        written.append(write_service_records(record, out / SERVICE_RECORDS_FILE))
    return Export(tuple(written), tuple(notes))


def engines_text() -> str:
    """Which PDF engines this machine has, in one line for the notebook."""
    found = pdf_engines()
    parts = [f"Word 转 PDF：{found['docx'] or '未找到 LibreOffice'}", f"网页转 PDF：{found['html'] or '未找到 Chromium/Chrome/Edge'}"]
    return "；".join(parts)
