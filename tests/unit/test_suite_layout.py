"""The test suite's own layout: test modules share builders through ``tests.factories`` and helpers
through ``tests.support`` (and fixtures through conftest files), never by importing one another, so
each tier and each module runs alone."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
SHARED = ("tests.factories", "tests.support")


def module_name(path: Path) -> str:
    parts = path.relative_to(TESTS.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(source: str, module: str, *, package: bool = False) -> Iterator[tuple[int, str]]:
    """(line, module) for every import of ``source``, at any depth, relative ones resolved; for
    ``from package import name``, the package (``tests`` itself: ``tests.name``)."""
    base = module.split(".") if package else module.split(".")[:-1]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = base[: len(base) - node.level + 1]
                name = ".".join([*anchor, node.module] if node.module else anchor)
            else:
                name = node.module or ""
            if name == "tests":
                yield from ((node.lineno, f"tests.{alias.name}") for alias in node.names)
            else:
                yield node.lineno, name


def forbidden(name: str) -> bool:
    """An import from the test tree that is not of its shared packages."""
    inside = name == "tests" or name.startswith("tests.")
    return inside and not any(name == shared or name.startswith(f"{shared}.") for shared in SHARED)


def violations(source: str, module: str, *, package: bool = False) -> list[str]:
    found = sorted({(line, name) for line, name in imported(source, module, package=package)
                    if forbidden(name)})
    return [f"{module}:{line} imports {name}" for line, name in found]


def test_no_test_module_imports_another_test_module_or_a_conftest() -> None:
    files = sorted(TESTS.rglob("*.py"))
    assert len(files) > 100 and TESTS / "factories" / "cases.py" in files
    found = [v for path in files
             for v in violations(path.read_text(encoding="utf-8"), module_name(path),
                                 package=path.name == "__init__.py")]
    assert found == [], "share code through tests.factories or tests.support only:\n" + "\n".join(found)


def test_the_check_sees_every_kind_of_import_between_test_modules() -> None:
    source = """
from tests.unit.cases.test_reclassify import RULES
from .conftest import LEAF_DATA
from tests.e2e import test_browser_journey
import tests.integration.test_relay
from tests.factories.worlds import jiangsu
from tests.support import processes
from tests import factories, conftest

def late():
    from tests.conftest import PG_SERVER
"""
    assert violations(source, "tests.unit.ledger.test_x") == [
        "tests.unit.ledger.test_x:2 imports tests.unit.cases.test_reclassify",
        "tests.unit.ledger.test_x:3 imports tests.unit.ledger.conftest",
        "tests.unit.ledger.test_x:4 imports tests.e2e",
        "tests.unit.ledger.test_x:5 imports tests.integration.test_relay",
        "tests.unit.ledger.test_x:8 imports tests.conftest",
        "tests.unit.ledger.test_x:11 imports tests.conftest",
    ]
    assert violations("from . import test_y\n", "tests.unit.cases", package=True) == [
        "tests.unit.cases:1 imports tests.unit.cases"]
