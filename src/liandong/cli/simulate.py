"""``liandong simulate``: compare governance modes over the real hierarchy, with sweeps."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from liandong.cli.common import fail
from liandong.domain.errors import DomainError

out = Console()


def simulate_command(
    scope: Annotated[str, typer.Option(help="区划代码、前缀或 all / a code, prefix or all")] = "320200",
    days: Annotated[int, typer.Option(min=1, max=366, help="模拟天数 / days of reports")] = 30,
    mode: Annotated[str, typer.Option(help="relay|linkage|siloed|all（可逗号分隔）")] = "all",
    seed: Annotated[int | None, typer.Option(help="随机种子 / seed (default 1, or the experiment's)")] = None,
    out_dir: Annotated[Path | None, typer.Option(
        "--out", help="输出目录 / output (default var/simulation)")] = None,
    workers: Annotated[int, typer.Option(min=1, help="进程数（按省分区）/ processes")] = 1,
    config: Annotated[Path | None, typer.Option(help="参数文件 / parameter file (TOML)")] = None,
    set_: Annotated[list[str] | None, typer.Option("--set", help="覆盖参数 key=value")] = None,
    sweep_: Annotated[list[str] | None, typer.Option(
        "--sweep", help="参数扫描 key=v1,v2,… 如 handling.capacity=1,1.5,2")] = None,
    lang: Annotated[str, typer.Option("--lang")] = "zh",
    experiment: Annotated[Path | None, typer.Option(
        help="实验文件 / experiment file (TOML): regenerates a report with calibration and tornado")] = None,
) -> None:
    """仿真：各自为政、逐级上报与多层级联动的对比，输出 HTML 报告、CSV 与所用参数。"""
    if experiment is not None:
        _experiment(experiment, seed, out_dir, workers, lang)
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from liandong.domain.catalogue import parse_scope
    from liandong.simulation.config import load_config, parse_override
    from liandong.simulation.experiment import Plan, _reference, parse_modes, simulate, sweep
    from liandong.simulation.report import METRICS, MODE_LABEL, _fmt, write

    try:
        cfg = load_config(config)
        overrides = dict(parse_override(text) for text in set_ or [])
        if overrides:
            cfg = cfg.with_overrides(overrides)
        unit = _reference().hierarchy.get(parse_scope(scope, _reference().hierarchy).root)
        plan = Plan(unit.code, days, parse_modes(mode), 1 if seed is None else seed, cfg)
        sweeps_spec = [_parse_sweep(text) for text in sweep_ or []]
        for key, values in sweeps_spec:
            cfg.with_overrides({key: values[0]})  # a bad key is refused before any work
    except DomainError as exc:
        raise fail(exc, lang) from None
    runs = 1 + sum(sum(1 for v in values if cfg.with_overrides({key: v}) != cfg)
                   for key, values in sweeps_spec)
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.fields[cases]}"), TimeElapsedColumn(), console=out) as bar:
        task = bar.add_task(f"仿真 {unit.name}", total=None, cases="")
        offset = [0]

        def progress(done: int, total: int, cases: int) -> None:
            bar.update(task, completed=offset[0] + done, total=total * runs,
                       cases=f"{cases:,} 件")
            if done == total:
                offset[0] += total

        result = simulate(plan, workers=workers, progress=progress)
        sweeps: dict[str, list[tuple[Any, Any]]] = {}
        for key, values in sweeps_spec:
            sweeps[key] = sweep(plan, key, values, workers=workers, progress=progress, base=result)
    title = f"治理模式仿真：{unit.name}，{days} 天 / Governance simulation: {unit.code}, {days} days"
    paths = write(result, out_dir or Path("var/simulation"), title=title, sweeps=sweeps)
    table = Table(title=title)
    table.add_column("指标 metric")
    for m in result.tallies:
        table.add_column(MODE_LABEL.get(m, m), justify="right")
    figures = {m: t.figures() for m, t in result.tallies.items()}
    for key, label_, pattern in METRICS:
        table.add_row(label_, *[_fmt(figures[m][key], pattern) for m in result.tallies])
    out.print(table)
    rate = result.cases * len(plan.modes) / max(result.seconds, 1e-9) * 60
    out.print(f"{result.cases:,} 件 × {len(plan.modes)} 模式，{result.seconds:.1f} s "
              f"（{rate:,.0f} 件·模式/分钟，{result.events / max(result.seconds, 1e-9):,.0f} 事件/秒）")
    for path in paths:
        out.print(f"→ {path}")


def _experiment(path: Path, seed: int | None, out_dir: Path | None, workers: int, lang: str) -> None:
    """``--experiment FILE``: everything the file asks for (a --seed or --out given wins)."""
    from liandong.simulation import study

    try:
        e = study.load(path, seed=seed, out=out_dir)
    except (DomainError, OSError) as exc:
        if isinstance(exc, OSError):
            exc = DomainError("simulation.bad_config", source=str(path), key="", problem=str(exc))
        raise fail(exc, lang) from None

    def step(what: str, done: int, total: int) -> None:
        out.print(f"{what}: {done}/{total}", highlight=False)

    for path_ in study.run(e, workers=workers, step=step):
        out.print(f"→ {path_}")


def _parse_sweep(text: str) -> tuple[str, list[Any]]:
    from liandong.simulation.config import parse_override

    key, sep, raw = text.partition("=")
    if not sep or not raw.strip():
        raise DomainError("simulation.bad_override", value=text)
    values = [parse_override(f"{key}={v}")[1] for v in raw.split(",") if v.strip()]
    return key.strip(), values
