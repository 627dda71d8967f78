"""Two rules import-linter cannot state, checked on the source's syntax tree (decision 0021): no edge
opens or commits a unit of work (they call services), and nothing in ``src/liandong`` reads the wall
clock but the clock adapter (``services/clock.py``); durations use ``time.monotonic``/``perf_counter``."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "liandong"
EDGES = ("api", "web", "cli", "http", "server")

OPENS = {"uow", "read_uow", "commit"}
"""Calls that open a unit of work (``platform.uow()``, ``platform.read_uow()``) or commit one."""

WALL_CLOCK = {"datetime.now", "datetime.utcnow", "date.today", "time.time", "time.time_ns"}

CLOCK_EXCEPTIONS = {
    "services/clock.py": "the clock adapter itself",
    "services/bus.py": "ids in the order they are stored (decisions 0015, 0020): the index locality of "
                       "the writes they key, not a time of the business; virtual clocks would repeat it",
}


def _calls(path: Path) -> list[tuple[int, str]]:
    """(line, dotted name) of every call in a module: ``a.b.c()`` as ``a.b.c``, ``f()`` as ``f``."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            parts, func = [], node.func
            while isinstance(func, ast.Attribute):
                parts.append(func.attr)
                func = func.value
            if isinstance(func, ast.Name):
                parts.append(func.id)
            out.append((node.lineno, ".".join(reversed(parts))))
    return out


def opening(path: Path, root: Path = SRC) -> list[str]:
    return sorted(f"{path.relative_to(root)}:{line}: {name}()" for line, name in _calls(path)
                  if name.rpartition(".")[2] in OPENS)


def wall_clock(path: Path, root: Path = SRC) -> list[str]:
    return sorted(f"{path.relative_to(root)}:{line}: {name}()" for line, name in _calls(path)
                  if any(name == w or name.endswith(f".{w}") for w in WALL_CLOCK))


def test_no_edge_opens_or_commits_a_unit_of_work() -> None:
    found = [hit for edge in EDGES for path in sorted((SRC / edge).rglob("*.py")) for hit in opening(path)]
    assert found == [], "edges call services; these open a unit of work:\n" + "\n".join(found)


def test_only_the_clock_adapter_reads_the_wall_clock() -> None:
    found = [hit for path in sorted(SRC.rglob("*.py"))
             if path.relative_to(SRC).as_posix() not in CLOCK_EXCEPTIONS for hit in wall_clock(path)]
    assert found == [], "read the time from the injected clock (Platform.clock):\n" + "\n".join(found)


def test_the_checks_see_what_they_look_for(tmp_path: Path) -> None:
    """Each check finds the forms it forbids and passes the ones it allows."""
    edge = tmp_path / "edge.py"
    edge.write_text("with platform.uow() as uow:\n    uow.commit()\nplatform.read_uow()\n"
                    "platform.queries().inbox(d)\nnow = datetime.now(UTC)\nt = int(time.time())\n"
                    "began = time.monotonic()\nlater = platform.clock.now()\n"
                    "'''datetime.now() in a docstring'''\n")
    assert opening(edge, tmp_path) == ["edge.py:1: platform.uow()", "edge.py:2: uow.commit()",
                                       "edge.py:3: platform.read_uow()"]
    assert wall_clock(edge, tmp_path) == ["edge.py:5: datetime.now()", "edge.py:6: time.time()"]
