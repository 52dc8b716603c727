"""Problems found in the user's files, and how they are told.

Every check in the kit reports through :class:`Problem` so that the command line, the notebooks
and the tests all speak one format: ``文件 第N行 列名：值 —— 问题，应当……``. Collecting problems
instead of raising lets a teacher fix a whole roster in one pass (the pandera "lazy" idea).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
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
    ``more_rows`` are further rows with exactly the same problem (see :func:`group_repeats`), so a
    typo copied down 3,000 attendance rows is one line, not 3,000.
    """

    file: str
    message: str
    fix: str
    severity: Severity = Severity.ERROR
    row: int | None = None
    column: str | None = None
    value: str | None = None
    dropped: bool = False
    more_rows: tuple[int, ...] = ()

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    @property
    def rows(self) -> tuple[int, ...]:
        """Every row this problem names, the first one included."""
        return () if self.row is None else (self.row, *self.more_rows)

    @property
    def rows_text(self) -> str:
        """第5行, or 第5、9、12行 and so on for a repeated problem."""
        rows = self.rows
        if not rows:
            return ""
        shown = "、".join(str(r) for r in rows[:_ROWS_SHOWN])
        return f"第{shown}行" if len(rows) <= _ROWS_SHOWN else f"第{shown}等共 {len(rows)} 行"

    @property
    def shown_value(self) -> str:
        """The value as shown to people: mobile numbers masked, as everywhere in the kit."""
        return "" if self.value is None else _mask_mobiles(self.value)

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f" {self.rows_text}"
        if self.column is not None:
            where += f" {self.column}：{self.shown_value}"
        elif self.value is not None:
            where += f" {self.shown_value}"
        text = f"{where} —— {self.message}"
        if self.fix:
            text += f"，应当{self.fix}"
        return text


_ROWS_SHOWN = 8
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")


def _mask_mobiles(text: str) -> str:
    return _MOBILE.sub(r"\1****\2", text)


def group_repeats(problems: Iterable[Problem]) -> list[Problem]:
    """Merge problems that differ only in their row into one problem naming all the rows.

    The first occurrence keeps its place; later rows go into ``more_rows``. Problems without a
    row are never merged: each says something of its own about a whole file.
    """
    merged: dict[tuple, list[Problem]] = {}
    order: list[tuple] = []
    for problem in problems:
        key = (id(problem),) if problem.row is None else (
            problem.file, problem.column, problem.value, problem.message, problem.fix, problem.severity, problem.dropped)
        if key not in merged:
            merged[key] = []
            order.append(key)
        merged[key].append(problem)
    result = []
    for key in order:
        group = merged[key]
        first = group[0]
        if len(group) > 1:
            rows = sorted({r for p in group for r in p.rows})
            first = replace(first, row=rows[0], more_rows=tuple(rows[1:]))
        result.append(first)
    return result


PROBLEM_COLUMNS = ("级别", "文件", "行", "列", "值", "问题", "处理办法")


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Errors first, then warnings; within each, by file and row as the user reads them."""
    return sorted(
        problems,
        key=lambda p: (not p.is_error, p.file, p.row if p.row is not None else 0, p.column or ""),
    )


def problems_table(problems: Iterable[Problem]) -> pd.DataFrame:
    """Problems as a table for notebooks and workbooks, errors first, repeats on one line."""
    rows = [
        (p.severity.value, p.file, _rows_cell(p.rows), p.column or "",
         p.shown_value, p.message, p.fix)
        for p in sort_problems(group_repeats(problems))
    ]
    return pd.DataFrame(rows, columns=list(PROBLEM_COLUMNS))


def _rows_cell(rows: tuple[int, ...]) -> str:
    if len(rows) <= _ROWS_SHOWN:
        return "、".join(str(r) for r in rows)
    return "、".join(str(r) for r in rows[:_ROWS_SHOWN]) + f" 等共 {len(rows)} 行"


def has_errors(problems: Iterable[Problem]) -> bool:
    return any(p.is_error for p in problems)


class RowAccounting:
    """Row accounting shared by everything that reads a user's table (loaders, survey import).

    Needs ``frame``, ``problems`` and ``rows_read``: every data row read is either in ``frame``
    or named by a problem marked ``dropped``; a dropping problem without a row stands for all.
    """

    frame: pd.DataFrame
    problems: tuple[Problem, ...]
    rows_read: int

    @property
    def rows_kept(self) -> int:
        return len(self.frame)

    @property
    def rows_dropped(self) -> int:
        if any(p.dropped and p.row is None for p in self.problems):
            return self.rows_read
        return len({row for p in self.problems if p.dropped for row in p.rows})

    @property
    def accounted(self) -> bool:
        """True when every data row is in the frame or named by a dropping problem."""
        return self.rows_kept + self.rows_dropped == self.rows_read

    @property
    def usable(self) -> bool:
        return not any(p.is_error for p in self.problems)
