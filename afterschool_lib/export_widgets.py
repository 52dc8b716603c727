"""The document picker of notebook 06: tick the documents to write, press 导出, see what was
written. It only calls :func:`plan_export.export_documents`."""

from __future__ import annotations

from pathlib import Path

import ipywidgets as widgets
from IPython.display import display

from . import plan_export as pe


class DocumentPicker:
    """A tick box per document (all ticked), a PDF switch and an 导出 button."""

    def __init__(self, record, out_dir: Path | str, docs: dict | None = None):
        self.record, self.out_dir = record, Path(out_dir)
        self.docs = docs if docs is not None else pe.term_documents(record)
        names = {stem: doc.title.replace("\n", "") for stem, doc in self.docs.items()}
        names[pe.SERVICE_RECORDS] = "服务记录表（空白，供教师填写）"
        self.boxes = {stem: widgets.Checkbox(value=True, description=label, indent=False) for stem, label in names.items()}
        self.pdf = widgets.Checkbox(value=True, description="实施方案同时生成 PDF（本机有 LibreOffice 或浏览器时）", indent=False)
        self.button = widgets.Button(description="导出", button_style="primary", icon="file-export")
        self.output = widgets.HTML()
        self.button.on_click(lambda _: self.export())
        self.widget = widgets.VBox([*self.boxes.values(), self.pdf, self.button, self.output])

    def export(self) -> pe.Export:
        chosen = [stem for stem, box in self.boxes.items() if box.value]
        result = pe.export_documents(self.record, self.out_dir, chosen, pdf=self.pdf.value, docs=self.docs)
        lines = [f"已生成 {path.name}" for path in result.written] + list(result.notes)
        self.output.value = "<br>".join(lines) or "没有选择任何文件。"
        return result

    def _ipython_display_(self):
        display(self.widget)
