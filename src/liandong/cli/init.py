"""``liandong init``: load the national list, the catalogues and the departments of a scope."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from liandong.cli.common import DbOpt, DirOpt, LangOpt, refusals, settings_for

out = Console()
err = Console(stderr=True)


def init(
    scope: Annotated[str, typer.Option(help="all、省级代码（32）、市级代码（320200）或任一代码")] = "320200",
    systems: Annotated[Path | None, typer.Option(help="职能系统目录（TOML）")] = None,
    governance: Annotated[Path | None, typer.Option(help="治理要素（TOML）")] = None,
    matters: Annotated[Path | None, typer.Option(help="职责清单（TOML）")] = None,
    sandbox: Annotated[bool, typer.Option(
        "--sandbox", help="初始化为演练库：可用模拟时钟与申报时间（--at），处处标明，不是正式记录；"
                          "一经初始化不可更改 / a sandbox store: simulated clocks and claimed times allowed, "
                          "marked everywhere, never a live record; fixed once initialised")] = False,
    database_url: DbOpt = None, data_dir: DirOpt = None, lang: LangOpt = "zh",
) -> None:
    """初始化：载入全国行政区划、职能系统与职责清单，并为范围内的区划创建部门（默认为正式库）。"""

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from liandong.adapters import reference_data
    from liandong.adapters.reference_data import catalogue_documents
    from liandong.bootstrap import bootstrap
    from liandong.cli.org import describe, label
    from liandong.domain.catalogue import departments_in, parse_scope
    from liandong.i18n.messages import level_name

    with refusals(lang):
        catalogue = reference_data.load_catalogue(systems, governance, matters)
        documents = catalogue_documents({"systems.toml": systems,
                                         "governance.toml": governance,
                                         "matters.toml": matters})
        parsed = parse_scope(scope, reference_data.national_hierarchy())
        platform = bootstrap(settings_for(database_url, data_dir), catalogue=catalogue)
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=err, transient=False) as bar:
            tasks: dict[str, Any] = {}

            def progress(phase: str, done: int, total: int) -> None:
                if phase not in tasks:
                    tasks[phase] = bar.add_task(label(lang, f"phase_{phase}"), total=total)
                bar.update(tasks[phase], completed=done, total=max(total, done))

            result = platform.organisation().initialise(scope=parsed, hierarchy=platform.hierarchy,
                                                        catalogue=catalogue, documents=documents,
                                                        progress=progress, sandbox=sandbox)
            # every department's signing key (DESIGN §5)
            names = [d.code for d in departments_in(parsed, platform.hierarchy, catalogue)]
            platform.record().create_keys(names, progress)
    table = Table(title=f"{label(lang, 'init_done')}: {describe(platform.hierarchy.get(parsed.root), lang)}")
    table.add_column(label(lang, "level"))
    table.add_column(label(lang, "units"), justify="right")
    table.add_column(label(lang, "departments"), justify="right")
    for level, n in result.units.items():
        table.add_row(level_name(level, lang), f"{n:,}", f"{result.departments[level]:,}")
    table.add_row(label(lang, "total"), f"{sum(result.units.values()):,}",
                  f"{sum(result.departments.values()):,} (+{result.departments_added:,})")
    out.print(table)
    if platform.sandbox:
        from liandong.i18n.messages import render

        out.print(f"[bold yellow]{render('store.sandbox_mark', lang)}[/bold yellow]")
