"""Running the whole term: every notebook in order, against one data folder.

``afterschool run`` is the team's one button. Each notebook in ``notebooks/`` is executed with
papermill, which fills its ``parameters`` cell with the data and output folders, and the executed
copy is kept beside the documents it wrote, so the team can open it and see every step's tables.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .paths import notebooks_dir


@dataclass(frozen=True)
class StepResult:
    """One executed notebook: where it went, which files it wrote, and its error if it failed."""

    notebook: str
    executed: Path
    outputs: tuple[Path, ...]
    error: str | None = None


def _register_readable_parameters() -> None:
    """Make papermill write string parameters as Python literals that keep Chinese readable.

    papermill escapes every non-ASCII character (``"/tmp/\\u65b0..."``); a teacher opening the
    executed notebook should read the folder name as typed. ``repr`` gives a valid literal for any
    path, Windows backslashes included.
    """
    from papermill.translators import PythonTranslator, papermill_translators

    class ReadablePythonTranslator(PythonTranslator):
        @classmethod
        def translate_str(cls, val: str) -> str:
            return repr(val)

    papermill_translators.register("python", ReadablePythonTranslator)


def list_notebooks(folder: Path | None = None) -> list[Path]:
    """The step notebooks in their order (00_, 01_, ...); checkpoints and drafts are skipped."""
    folder = folder or notebooks_dir()
    return sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb") if p.is_file())


def notebook_title(path: Path) -> str:
    """The notebook's first heading, which is its Chinese title."""
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return path.stem


def _files_in(folder: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()} if folder.exists() else {}


def run_notebooks(data_dir: Path, out_dir: Path, notebooks: list[Path] | None = None,
                  on_start: Callable[[Path], None] | None = None,
                  on_done: Callable[[StepResult], None] | None = None) -> list[StepResult]:
    """Execute each notebook with ``data_dir`` and ``out_dir`` as parameters; stop at the first failure.

    Returns one result per notebook attempted. A failure is reported in the result, not raised,
    so the command line can say in Chinese which step failed and where its partial copy is.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    _register_readable_parameters()
    notebooks = list_notebooks() if notebooks is None else notebooks
    executed_dir = out_dir / "notebooks"
    executed_dir.mkdir(parents=True, exist_ok=True)
    results: list[StepResult] = []
    for notebook in notebooks:
        if on_start:
            on_start(notebook)
        before = _files_in(out_dir)
        target = executed_dir / notebook.name
        error = None
        try:
            papermill.execute_notebook(
                str(notebook), str(target),
                parameters={"data_dir": str(data_dir.resolve()), "out_dir": str(out_dir.resolve())},
                kernel_name="python3", progress_bar=False, cwd=str(notebook.parent), log_output=False,
                extra_arguments=["--IPKernelApp.log_level=ERROR"],  # no English start-up chatter for the team
            )
        except PapermillExecutionError as exc:
            error = f"第 {exc.exec_count} 个代码单元出错：{exc.ename}: {exc.evalue}"
        except Exception as exc:  # a kernel that dies or cannot start; reported, not a traceback
            error = f"{type(exc).__name__}: {exc}"
        after = _files_in(out_dir)
        written = tuple(sorted(p for p, stamp in after.items() if before.get(p) != stamp and p != target
                               and executed_dir not in p.parents))
        results.append(StepResult(notebook.name, target, written, error))
        if on_done:
            on_done(results[-1])
        if error:
            break
    return results
