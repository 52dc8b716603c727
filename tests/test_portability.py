"""Windows is where most schools are: every text open names its encoding, paths are pathlib.

On Chinese Windows the locale encoding is GBK, so an ``open()`` without ``encoding=`` reads and
writes differently there than here. This walks the library's source and fails on any text open,
``read_text`` or ``write_text`` that leaves the encoding to the machine.
"""

from __future__ import annotations

import ast
from pathlib import Path

import afterschool_lib

LIBRARY = Path(afterschool_lib.__file__).parent
SOURCES = sorted([*LIBRARY.glob("*.py"), *(LIBRARY.parent / "benchmarks").glob("*.py")])


def _calls_without_encoding(tree: ast.AST):
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        keywords = {k.arg for k in node.keywords}
        if name not in ("open", "read_text", "write_text", "TextIOWrapper") or "encoding" in keywords:
            continue
        if name == "open":
            mode = node.args[1] if len(node.args) > 1 else next((k.value for k in node.keywords if k.arg == "mode"), None)
            if isinstance(mode, ast.Constant) and "b" in str(mode.value):
                continue
            if isinstance(func, ast.Attribute) and func.attr == "open" and not node.args and not node.keywords:
                continue
        yield node.lineno, name


def test_every_text_open_names_its_encoding():
    offenders = [f"{path.name}:{line} {name}()" for path in SOURCES
                 for line, name in _calls_without_encoding(ast.parse(path.read_text(encoding="utf-8")))]
    assert offenders == []


def test_the_check_finds_an_open_without_encoding():
    tree = ast.parse("open('a.txt')\nopen('b', 'rb')\nPath('c').read_text(encoding='utf-8')\nPath('d').write_text('x')")
    assert [line for line, _ in _calls_without_encoding(tree)] == [1, 4]
