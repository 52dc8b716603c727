"""Problems found in the user's files, and how they are told.

Every check in the kit reports through :class:`Problem` so that the command line, the notebooks
and the tests all speak one format: ``文件 第N行 列名：值 —— 问题，应当……``. Collecting problems
instead of raising lets a teacher fix a whole roster in one pass (the pandera "lazy" idea).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

import pandas as pd


class Severity(str, Enum):
    """An error blocks planning; a warning is shown and planning goes on."""

    ERROR = "错误"
    WARNING = "警告"


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one place, with what the user should do about it.

    ``row`` is the row number as Excel shows it (the header row included), so a teacher can go
    straight to it; ``None`` means the problem concerns the whole file or column.
    ``dropped`` says the row was left out of the loaded data because of this problem.
    """

    file: str
    message: str
    fix: str
    severity: Severity = Severity.ERROR
    row: int | None = None
    column: str | None = None
    value: str | None = None
    dropped: bool = False

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f" 第{self.row}行"
        if self.column is not None:
            where += f" {self.column}：{'' if self.value is None else self.value}"
        elif self.value is not None:
            where += f" {self.value}"
        text = f"{where} —— {self.message}"
        if self.fix:
            text += f"，应当{self.fix}"
        return text


PROBLEM_COLUMNS = ("级别", "文件", "行", "列", "值", "问题", "处理办法")


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Errors first, then warnings; within each, by file and row as the user reads them."""
    return sorted(
        problems,
        key=lambda p: (not p.is_error, p.file, p.row if p.row is not None else 0, p.column or ""),
    )


def problems_table(problems: Iterable[Problem]) -> pd.DataFrame:
    """Problems as a table for notebooks and workbooks, errors first."""
    rows = [
        (p.severity.value, p.file, p.row, p.column or "", p.value or "", p.message, p.fix)
        for p in sort_problems(problems)
    ]
    frame = pd.DataFrame(rows, columns=list(PROBLEM_COLUMNS))
    frame["行"] = frame["行"].astype("Int64")
    return frame


def has_errors(problems: Iterable[Problem]) -> bool:
    return any(p.is_error for p in problems)
