"""Where the kit's own folders are: found from the package, so any working directory will do.

The kit is installed editable from its repository (README), so the notebooks, the templates and
the sample school sit beside the package.
"""

from __future__ import annotations

from pathlib import Path


def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent


def notebooks_dir() -> Path:
    return repo_root() / "notebooks"


def data_templates_dir() -> Path:
    return repo_root() / "data_templates"


def sample_dir() -> Path:
    return data_templates_dir() / "sample"


def reports_dir() -> Path:
    return repo_root() / "reports"
