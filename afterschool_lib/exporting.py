"""Notebooks as reports a school can open offline, and PDFs from whatever the machine has.

A school opens the exported HTML on a PC that may have no internet, or mails it to the bureau.
nbconvert's default HTML loads require.js and MathJax from a CDN and the widget manager from unpkg,
and shows the code; :func:`notebook_to_html` uses the kit's own template
(``afterschool_lib/export_template``) instead: no code, no prompts, pictures inside the file,
Chinese fonts, A4 when printed, and nothing fetched from anywhere.

For PDF, the kit does not ship an engine. :func:`html_to_pdf` prints with a Chromium-family
browser (Edge is on every Windows 10/11 PC, Chrome on most), :func:`docx_to_pdf` converts with
LibreOffice. When neither is installed the result says so in Chinese and what to do instead
(print from the browser, “另存为 PDF” in Word/WPS); a missing engine is never an error.
"""

from __future__ import annotations

import html
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .files import atomic_path, write_text_atomic

__all__ = [
    "TEMPLATE_DIR",
    "PdfResult",
    "docx_to_pdf",
    "external_references",
    "find_browser",
    "find_soffice",
    "html_to_pdf",
    "notebook_to_html",
    "pdf_engines",
]

TEMPLATE_DIR = Path(__file__).parent / "export_template"

# Tags that keep a cell, its input or its outputs out of the report: the kit's own and the
# spellings of Jupyter Book / nbconvert users. “hide” has nothing to unfold in a printed report.
REMOVE_CELL_TAGS = frozenset({"remove_cell", "remove-cell", "hide_cell", "hide-cell"})
REMOVE_INPUT_TAGS = frozenset({"remove_input", "remove-input", "hide_input", "hide-input"})
REMOVE_OUTPUT_TAGS = frozenset({"remove_output", "remove-output", "hide_output", "hide-output"})

# Environment variables naming an engine the search would not find (a portable install)
BROWSER_ENV = "AFTERSCHOOL_PDF_BROWSER"
SOFFICE_ENV = "AFTERSCHOOL_SOFFICE"

HTML_TIMEOUT = 120  # seconds; a report prints in a few seconds, the first start of Edge is slower
DOCX_TIMEOUT = 180  # LibreOffice builds its profile on the first run


@dataclass(frozen=True)
class PdfResult:
    """What came of a PDF conversion. ``made`` is False when no engine was found or it failed;
    ``message`` says so in words a teacher can act on (``print(result)`` shows it)."""

    made: bool
    message: str
    path: Path | None = None
    engine: str | None = None  # "Chromium", "Microsoft Edge", "LibreOffice", …
    program: str | None = None  # the executable that ran
    seconds: float = 0.0

    def __str__(self) -> str:
        return self.message


# ------------------------------------------------------------------------------------ HTML


def notebook_to_html(notebook_path: Path | str, html_path: Path | str, *, title: str | None = None) -> Path:
    """Export a notebook as a self-contained HTML report and write it atomically.

    Only the outputs and the text cells are kept; cells tagged ``remove_cell`` (or
    ``remove-cell``, ``hide-cell``) are left out, as are the outputs of cells tagged
    ``remove_output``/``hide-output``, and warnings a cell wrote to stderr. Pictures are embedded.
    A widget shows what it showed when the notebook was saved (its choices as text, its HTML,
    the outputs it captured), or its text representation when no widget state was saved.
    The page title is ``title``, else the notebook's first ``# `` heading, else its file name.
    """
    import nbformat

    notebook_path = Path(notebook_path)
    if not notebook_path.is_file():
        raise FileNotFoundError(f"找不到笔记本文件：{notebook_path}")
    notebook = nbformat.read(notebook_path, as_version=4)  # nbformat reads it as UTF-8
    notebook.metadata["title"] = title or _first_heading(notebook) or notebook_path.stem
    exporter = _html_exporter()
    resources = {"metadata": {"name": notebook_path.stem, "path": str(notebook_path.parent.resolve())}}
    body, _ = exporter.from_notebook_node(notebook, resources=resources)
    # nbconvert accepts only two-letter language codes; zh-CN picks Simplified Chinese glyphs
    body = body.replace('<html lang="zh">', '<html lang="zh-CN">', 1)
    body = body.replace(f'alt="{_NBCONVERT_ALT}"', 'alt="图表"')  # nbconvert's stand-in is English
    return write_text_atomic(html_path, body, encoding="utf-8")


def external_references(page: str) -> list[str]:
    """The addresses a page would fetch from the internet as it loads: ``src`` of scripts, images,
    frames, ``href`` of stylesheets and ``@import``/``url()`` in its CSS. Links a reader may click
    are not counted. Empty for the kit's exports; a check for tests and for the curious."""
    from html.parser import HTMLParser

    found: list[str] = []
    remote = re.compile(r"^\s*(?:https?:)?//", re.IGNORECASE)

    class _Parser(HTMLParser):
        def handle_starttag(self, tag, attrs):
            values = dict(attrs)
            if tag in ("script", "img", "iframe", "embed", "audio", "video", "source", "input"):
                candidates = [values.get("src")]
            elif tag == "link":
                candidates = [values.get("href")]
            elif tag == "object":
                candidates = [values.get("data")]
            else:
                candidates = []
            found.extend(v for v in candidates if v and remote.match(v))

    _Parser().feed(page)
    for match in re.finditer(r"@import\s+(?:url\()?\s*['\"]?([^'\")\s;]+)|url\(\s*['\"]?([^'\")\s]+)", page):
        address = match.group(1) or match.group(2)
        if remote.match(address):
            found.append(address)
    for match in re.finditer(r"import\(\s*['\"](https?://[^'\"]+)", page):  # ES modules (mermaid)
        found.append(match.group(1))
    return found


def _first_heading(notebook) -> str | None:
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            if line.startswith("# "):
                return re.sub(r"[*_`]", "", line[2:]).strip() or None
    return None


_NBCONVERT_ALT = "No description has been provided for this image"


class _NoAltTextWarning(logging.Filter):
    """nbconvert warns about every chart without alternative text; in a notebook that is a red
    English line under the export cell that a teacher can do nothing about. The text is set
    to “图表” instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "Alternative text is missing" not in record.getMessage()


_NBCONVERT_LOG = logging.getLogger(f"{__name__}.nbconvert")
_NBCONVERT_LOG.addFilter(_NoAltTextWarning())

_WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
_WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
_CHOICE_MODELS = {"DropdownModel", "ToggleButtonsModel", "RadioButtonsModel", "SelectModel",
                  "SelectionSliderModel"}
_MULTI_CHOICE_MODELS = {"SelectMultipleModel", "SelectionRangeSliderModel"}


def _widget_outputs(view: dict, states: dict) -> list[dict] | None:
    """What a widget showed when the notebook was saved, as ordinary outputs, or None when its
    state was not saved. Controls become one line “年级：全部；每日课时数：2”, HTML and Label
    widgets their content, and Output widgets the outputs they had captured."""
    controls: list[str] = []
    pieces: list[str] = []
    captured: list[dict] = []

    def walk(model_id: str, depth: int = 0) -> None:
        model = states.get(model_id)
        if model is None or depth > 20:
            return
        name, state = model.get("model_name", ""), model.get("state", {})
        description = str(state.get("description") or "").rstrip("：: ")
        if name in ("HTMLModel", "HTMLMathModel"):
            if state.get("value"):
                pieces.append(f'<div class="afterschool-widget-html">{state["value"]}</div>')
        elif name == "LabelModel":
            if state.get("value"):
                pieces.append(f"<p>{html.escape(str(state['value']))}</p>")
        elif name == "OutputModel":
            captured.extend(state.get("outputs", []))
        elif name in _CHOICE_MODELS:
            labels, index = state.get("_options_labels") or [], state.get("index")
            if isinstance(index, int) and 0 <= index < len(labels):
                controls.append(f"{description}：{labels[index]}" if description else str(labels[index]))
        elif name in _MULTI_CHOICE_MODELS:
            labels, index = state.get("_options_labels") or [], state.get("index") or []
            chosen = "、".join(str(labels[i]) for i in index if isinstance(i, int) and 0 <= i < len(labels))
            controls.append(f"{description}：{chosen or '（未选择）'}" if description else chosen)
        elif name in ("CheckboxModel", "ToggleButtonModel", "ValidModel"):
            if description:
                controls.append(f"{description}：{'是' if state.get('value') else '否'}")
        elif "value" in state and name not in ("ButtonModel",) and not name.endswith(("StyleModel", "LayoutModel")):
            value = state["value"]
            if isinstance(value, list):
                value = "～".join(str(v) for v in value)
            if description and value not in (None, ""):
                controls.append(f"{description}：{value}")
        for child in state.get("children", []) or []:
            if isinstance(child, str) and child.startswith("IPY_MODEL_"):
                walk(child[len("IPY_MODEL_"):], depth + 1)

    model_id = view.get("model_id")
    if not model_id or model_id not in states:
        return None
    walk(model_id)
    outputs: list[dict] = []
    if controls or pieces:
        line = f'<p class="afterschool-widget-controls">{html.escape("；".join(controls))}</p>' if controls else ""
        outputs.append({"output_type": "display_data", "metadata": {},
                        "data": {"text/html": line + "".join(pieces)}})
    return outputs + list(captured)


def _html_exporter():
    import nbformat
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import Preprocessor
    from traitlets.config import Config

    class _ReportOutputs(Preprocessor):
        """Outputs as a reader of the report should see them.

        Warnings a library printed to stderr are for the person who ran the notebook, not for the
        report's readers (``error`` outputs stay). A widget is replaced by what it showed when the
        notebook was saved (see :func:`_widget_outputs`); without saved widget state the
        template prints the widget's text representation.
        """

        def preprocess(self, nb, resources):
            widgets = nb.metadata.get("widgets", {}).get(_WIDGET_STATE, {})
            self._states = widgets.get("state", {}) if isinstance(widgets, dict) else {}
            nb, resources = super().preprocess(nb, resources)
            nb.metadata.pop("widgets", None)  # nothing on the page reads it any more
            return nb, resources

        def preprocess_cell(self, cell, resources, index):
            if cell.cell_type != "code":
                return cell, resources
            outputs = []
            for output in cell.outputs:
                if output.get("output_type") == "stream" and output.get("name") == "stderr":
                    continue
                view = output.get("data", {}).get(_WIDGET_VIEW)
                shown = _widget_outputs(view, self._states) if isinstance(view, dict) else None
                if shown is None:
                    outputs.append(output)
                else:
                    outputs.extend(nbformat.from_dict(o) for o in shown)
            cell.outputs = outputs
            return cell, resources

    config = Config()
    config.HTMLExporter.exclude_input = True
    config.HTMLExporter.exclude_input_prompt = True
    config.HTMLExporter.exclude_output_prompt = True
    config.HTMLExporter.embed_images = True
    config.HTMLExporter.language_code = "zh"
    config.HTMLExporter.theme = "light"
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = set(REMOVE_CELL_TAGS)
    config.TagRemovePreprocessor.remove_input_tags = set(REMOVE_INPUT_TAGS)
    config.TagRemovePreprocessor.remove_all_outputs_tags = set(REMOVE_OUTPUT_TAGS)
    exporter = HTMLExporter(config=config, template_name=TEMPLATE_DIR.name,
                            extra_template_basedirs=[str(TEMPLATE_DIR.parent)], log=_NBCONVERT_LOG)
    exporter.register_preprocessor(_ReportOutputs(), enabled=True)
    return exporter


# ------------------------------------------------------------------------------------ engines

_BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome",
                  "msedge", "microsoft-edge", "microsoft-edge-stable")
_BROWSER_WINDOWS = (r"Microsoft\Edge\Application\msedge.exe", r"Google\Chrome\Application\chrome.exe",
                    r"Chromium\Application\chrome.exe")
_BROWSER_MAC = ("/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
                "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
                "/Applications/Chromium.app/Contents/MacOS/Chromium")
_SOFFICE_NAMES = ("soffice", "libreoffice")
# soffice.com is the console launcher: it waits for the conversion, soffice.exe may return early
_SOFFICE_WINDOWS = (r"LibreOffice\program\soffice.com", r"LibreOffice\program\soffice.exe")
_SOFFICE_MAC = ("/Applications/LibreOffice.app/Contents/MacOS/soffice",)


def _windows_paths(relatives: tuple[str, ...]) -> list[Path]:
    roots = [os.environ.get(name) for name in ("ProgramFiles", "ProgramFiles(x86)", "ProgramW6432", "LOCALAPPDATA")]
    return [Path(root) / relative for relative in relatives for root in roots if root]


def _find(env: str, names: tuple[str, ...], windows: tuple[str, ...], mac: tuple[str, ...]) -> str | None:
    named = os.environ.get(env)
    if named and Path(named).is_file():
        return named
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    candidates = _windows_paths(windows) if sys.platform == "win32" else \
        [Path(p) for p in mac] if sys.platform == "darwin" else []
    return next((str(path) for path in candidates if path.is_file()), None)


def find_browser() -> str | None:
    """A Chromium-family browser that can print a page to PDF headless, or None."""
    return _find(BROWSER_ENV, _BROWSER_NAMES, _BROWSER_WINDOWS, _BROWSER_MAC)


def find_soffice() -> str | None:
    """LibreOffice's ``soffice``, or None."""
    return _find(SOFFICE_ENV, _SOFFICE_NAMES, _SOFFICE_WINDOWS, _SOFFICE_MAC)


def pdf_engines() -> dict[str, str | None]:
    """The programs found for each conversion: ``{"html": browser, "docx": soffice}``, None where
    nothing was found."""
    return {"html": find_browser(), "docx": find_soffice()}


def _browser_name(program: str) -> str:
    stem = Path(program).stem.lower()
    if "edge" in stem:
        return "Microsoft Edge"
    if "chromium" in stem or "chromium" in program.lower():
        return "Chromium"
    return "Google Chrome"


# ------------------------------------------------------------------------------------ PDF


def html_to_pdf(html_path: Path | str, pdf_path: Path | str, *, timeout: float = HTML_TIMEOUT) -> PdfResult:
    """Print an HTML file to PDF (A4, as its CSS asks) with Chromium, Chrome or Edge.

    Returns ``made=False`` with a message, never raises, when no browser is installed or it
    fails; a missing ``html_path`` is a programming error and raises FileNotFoundError.
    """
    html_path, pdf_path = Path(html_path), Path(pdf_path)
    if not html_path.is_file():
        raise FileNotFoundError(f"找不到要转换的网页文件：{html_path}")
    program = find_browser()
    if program is None:
        return PdfResult(False, "未找到可以生成 PDF 的程序（Chromium/Chrome/Edge）：已跳过 PDF，"
                                "HTML 文件可以在浏览器中打开后打印为 PDF（Ctrl+P，目标选“另存为 PDF”）")
    engine = _browser_name(program)
    with tempfile.TemporaryDirectory(prefix="afterschool-pdf-") as work:
        work = Path(work)
        out = work / "out.pdf"
        command = [
            program, "--headless", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
            "--disable-extensions", "--disable-dev-shm-usage", "--hide-scrollbars", "--mute-audio",
            f"--user-data-dir={work / 'profile'}",  # not the user's profile, which an open window holds
            "--no-pdf-header-footer", "--print-to-pdf-no-header",  # new and old spelling
            f"--print-to-pdf={out}", html_path.resolve().as_uri(),
        ]
        if sys.platform.startswith("linux"):
            # the sandbox needs user namespaces, which containers and root lack; the page is our own file
            command.insert(2, "--no-sandbox")
        return _convert(command, work, out, pdf_path, engine, program, timeout,
                        "HTML 文件可以在浏览器中打开后打印为 PDF")


def docx_to_pdf(docx_path: Path | str, pdf_path: Path | str, *, timeout: float = DOCX_TIMEOUT) -> PdfResult:
    """Convert a Word file to PDF with LibreOffice, headless, with a profile of its own so that
    parallel runs and an open LibreOffice window do not get in each other's way.

    Returns ``made=False`` with a message, never raises, when LibreOffice is not installed or
    fails; a missing ``docx_path`` raises FileNotFoundError.
    """
    docx_path, pdf_path = Path(docx_path), Path(pdf_path)
    if not docx_path.is_file():
        raise FileNotFoundError(f"找不到要转换的 Word 文件：{docx_path}")
    program = find_soffice()
    if program is None:
        return PdfResult(False, "未找到 LibreOffice，无法自动生成 PDF：已跳过 PDF，可以用 Word 或 WPS "
                                "打开 .docx 文件后“另存为”PDF")
    with tempfile.TemporaryDirectory(prefix="afterschool-pdf-") as work:
        work = Path(work)
        # a plain ASCII name: the output is named after the input, and some builds mangle others
        source = work / f"document{docx_path.suffix.lower() or '.docx'}"
        shutil.copyfile(docx_path, source)
        command = [
            program, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--invisible",
            "--nologo", "--nodefault", "--norestore", "--nolockcheck",
            "--convert-to", "pdf", "--outdir", str(work / "out"), str(source),
        ]
        out = work / "out" / "document.pdf"
        return _convert(command, work, out, pdf_path, "LibreOffice", program, timeout,
                        "可以用 Word 或 WPS 打开 .docx 文件后“另存为”PDF")


def _convert(command: list[str], work: Path, out: Path, pdf_path: Path, engine: str, program: str,
             timeout: float, instead: str) -> PdfResult:
    start = time.monotonic()
    try:
        returncode, log = _run(command, work, timeout)
    except OSError as exc:  # the program exists but cannot be started (permissions, broken install)
        return PdfResult(False, f"无法启动 {engine}（{exc}）：已跳过 PDF，{instead}",
                         engine=engine, program=program, seconds=time.monotonic() - start)
    seconds = time.monotonic() - start
    if returncode is None:
        return PdfResult(False, f"{engine} 在 {timeout:.0f} 秒内没有完成转换：已跳过 PDF，{instead}",
                         engine=engine, program=program, seconds=seconds)
    if not out.is_file() or out.stat().st_size == 0 or out.read_bytes()[:5] != b"%PDF-":
        detail = _last_line(log) or f"退出代码 {returncode}"
        return PdfResult(False, f"{engine} 没有生成 PDF（{detail}）：已跳过 PDF，{instead}",
                         engine=engine, program=program, seconds=seconds)
    with atomic_path(pdf_path) as tmp:
        shutil.copyfile(out, tmp)
    return PdfResult(True, f"已用 {engine} 生成 PDF：{pdf_path.name}（{seconds:.1f} 秒）",
                     path=pdf_path, engine=engine, program=program, seconds=seconds)


def _run(command: list[str], work: Path, timeout: float) -> tuple[int | None, str]:
    """Run ``command`` in its own process group; None as the code when it ran out of time.

    The output goes to a file, not a pipe: a helper process the browser leaves behind could hold
    a pipe open and make us wait for the whole timeout. The group is killed afterwards either way.
    """
    log_path = work / "engine.log"
    options: dict = {}
    if sys.platform == "win32":
        options["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP | getattr(subprocess, "CREATE_NO_WINDOW", 0)
    else:
        options["start_new_session"] = True
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                   cwd=work, **options)
        try:
            returncode = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            returncode = None
        _kill_group(process)
    return returncode, log_path.read_bytes().decode("utf-8", errors="replace")


def _kill_group(process: subprocess.Popen) -> None:
    if sys.platform == "win32":
        if process.poll() is None:
            subprocess.run(["taskkill", "/F", "/T", "/PID", str(process.pid)],
                           capture_output=True, check=False)
    else:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


def _last_line(log: str) -> str:
    lines = [line.strip() for line in log.splitlines() if line.strip()]
    meaningful = [line for line in lines if "error" in line.lower()] or lines
    return meaningful[-1][:200] if meaningful else ""
