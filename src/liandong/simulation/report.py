"""The experiment's outputs: an HTML report with plots, CSV tables and the configuration used.

Byte-identical for the same plan and seed: no timestamps, no run times, SVG ids from a fixed
salt. Plots are SVG with text kept as text, so Chinese labels render in the reader's fonts.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import math
import warnings
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from jinja2 import Environment, select_autoescape

from liandong.simulation.config import LEVEL_KEYS
from liandong.simulation.experiment import Result
from liandong.simulation.metrics import BINS, CLASSES, Tally
from liandong.simulation.sections import Section, sections
from liandong.simulation.sections import markdown as sections_markdown

MODE_LABEL = {"siloed": "各自为政 siloed", "relay": "逐级上报 relay", "linkage": "多层级联动 linkage"}
MODE_COLOUR = {"siloed": "#9e9e9e", "relay": "#e07b39", "linkage": "#2a7ab8"}
LEVEL_LABEL = {"central": "中央", "province": "省", "city": "市", "county": "县", "township": "乡"}
CLASS_LABEL = ("跨省", "跨市", "跨县", "跨乡", "单一乡镇")  # by the level of the places' common ancestor
METRICS: tuple[tuple[str, str, str], ...] = (
    ("cases", "诉求件数 cases", "{:,.0f}"),
    ("owner_hours_mean", "到达正确责任单位（小时，均值）time to the right owner, h", "{:.1f}"),
    ("owner_hours_p90", "到达正确责任单位（小时，P90）", "{:.1f}"),
    ("reached_share", "到达正确责任单位的比例 reached the right owner", "{:.1%}"),
    ("resolve_days_mean", "办结用时（天，均值）time to resolve, days", "{:.2f}"),
    ("resolve_days_p50", "办结用时（天，中位数）", "{:.2f}"),
    ("resolve_days_p90", "办结用时（天，P90）", "{:.2f}"),
    ("breach_rate", "超期率 breaches", "{:.1%}"),
    ("fidelity", "决策者掌握的关键事实 fidelity of facts", "{:.1%}"),
    ("misroutes_per_100", "错派/退回（每百件）misroutes per 100", "{:.1f}"),
    ("escalations_per_100", "提级（每百件）escalations per 100", "{:.1f}"),
    ("copresence", "跨界案件共同在场率 co-presence", "{:.1%}"),
    ("satisfaction", "满意率（含基本满意）satisfaction", "{:.1%}"),
    ("accountability_fairness", "问责落在实际失职环节的比例 accountability fairness", "{:.1%}"),
)


def _style() -> None:
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    plt.rcParams.update({
        "svg.fonttype": "none", "svg.hashsalt": "liandong", "font.size": 10,
        "font.family": ["Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "DejaVu Sans"],
        "axes.spines.top": False, "axes.spines.right": False, "figure.dpi": 100,
    })


def _svg(fig: Any) -> str:
    buf = io.StringIO()
    with warnings.catch_warnings():  # text stays text (svg.fonttype none): the reader's fonts draw it
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": "liandong"})
    plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg"):]


def _fmt(value: float, pattern: str) -> str:
    return "—" if value is None or (isinstance(value, float) and math.isnan(value)) else pattern.format(value)


def _bars(groups: Sequence[str], series: dict[str, Sequence[float]], title: str, ylabel: str) -> str:
    fig, ax = plt.subplots(figsize=(7.2, 3.4))
    width = 0.8 / max(1, len(series))
    x = np.arange(len(groups))
    for i, (mode, values) in enumerate(series.items()):
        ax.bar(x + i * width - 0.4 + width / 2, np.nan_to_num(np.asarray(values, float)), width,
               label=MODE_LABEL.get(mode, mode), color=MODE_COLOUR.get(mode))
    ax.set_xticks(x, groups)
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    ax.legend(frameon=False, fontsize=8)
    return _svg(fig)


def charts(result: Result) -> list[tuple[str, str]]:
    """(caption, svg) for each plot of the report."""
    _style()
    t = result.tallies
    modes = list(t)
    out: list[tuple[str, str]] = []
    out.append(("到达正确责任单位的时间 time to the right owner", _bars(
        ["均值 mean", "P90"], {m: [t[m].figures()["owner_hours_mean"], t[m].figures()["owner_hours_p90"]]
                               for m in modes}, "到达正确责任单位（小时）", "小时 hours")))
    present = [k for k in range(CLASSES) if any(t[m].sums["cases"][k] for m in modes)]
    classes = [CLASS_LABEL[k] for k in present]
    out.append(("按范围类别的办结用时 time to resolve by scope class", _bars(
        classes, {m: [t[m].figures(k)["resolve_days_mean"] for k in present] for m in modes},
        "办结用时（天，均值）", "天 days")))
    out.append(("按范围类别的超期率 breaches by scope class", _bars(
        classes, {m: [100 * t[m].figures(k)["breach_rate"] for k in present] for m in modes},
        "超期率（%）", "%")))
    out.append(("决策者掌握的关键事实 fidelity of facts at the decision maker", _fidelity(t)))
    out.append(("错派与提级 misroutes and escalations", _bars(
        ["错派/退回 misroutes", "提级 escalations"],
        {m: [t[m].figures()["misroutes_per_100"], t[m].figures()["escalations_per_100"]] for m in modes},
        "每百件 per 100 cases", "件")))
    out.append(("各层级负荷 load per level", _bars(
        [LEVEL_LABEL[k] for k in LEVEL_KEYS],
        {m: [100 * v for v in t[m].load().values()] for m in modes}, "处理负荷（占可用工时 %）", "%")))
    out.append(("共同在场、满意与问责精准 co-presence, satisfaction and accountability", _bars(
        ["共同在场 co-presence", "满意 satisfaction", "问责精准 fairness"],
        {m: [100 * t[m].figures()[k] for k in ("copresence", "satisfaction", "accountability_fairness")]
         for m in modes}, "%", "%")))
    out.append(("办结用时分布 distribution of time to resolve", _cdf(t)))
    return out


def _fidelity(t: dict[str, Tally]) -> str:
    fig, ax = plt.subplots(figsize=(7.2, 3.4))
    for mode, tally in t.items():
        rows = [(h, f) for h, n, f in tally.fidelity_by_hops() if n >= 20]
        if rows:
            ax.plot([h for h, _ in rows], [100 * f for _, f in rows], marker="o",
                    label=MODE_LABEL.get(mode, mode), color=MODE_COLOUR.get(mode))
    ax.set_xlabel("上报层级数 relay hops")
    ax.set_ylabel("关键事实完整（%）")
    ax.set_title("每多一级上报，决策者掌握的事实更少")
    ax.legend(frameon=False, fontsize=8)
    return _svg(fig)


def _cdf(t: dict[str, Tally]) -> str:
    fig, ax = plt.subplots(figsize=(7.2, 3.4))
    edges = BINS[1:-1] / 24
    for mode, tally in t.items():
        hist = tally.resolve_hist.sum(axis=0)
        if hist.sum():
            cum = np.cumsum(hist)[:-1] / hist.sum()
            ax.plot(edges, 100 * cum, label=MODE_LABEL.get(mode, mode), color=MODE_COLOUR.get(mode))
    ax.set_xscale("log")
    ax.set_xlim(0.01, 120)
    ax.set_xlabel("办结用时（天，对数坐标）days, log scale")
    ax.set_ylabel("已办结（%）")
    ax.set_title("办结用时累积分布")
    ax.legend(frameon=False, fontsize=8)
    return _svg(fig)


def sweep_chart(key: str, rows: list[tuple[Any, Result]], metric: str) -> str:
    _style()
    fig, ax = plt.subplots(figsize=(7.2, 3.4))
    modes = list(rows[0][1].tallies) if rows else []
    for mode in modes:
        ax.plot([str(v) for v, _ in rows], [r.tallies[mode].figures()[metric] for _, r in rows],
                marker="o", label=MODE_LABEL.get(mode, mode), color=MODE_COLOUR.get(mode))
    ax.set_xlabel(key)
    ax.set_ylabel(dict((k, label) for k, label, _ in METRICS)[metric])
    ax.legend(frameon=False, fontsize=8)
    return _svg(fig)


def table(result: Result) -> list[tuple[str, list[str]]]:
    figures = {m: t.figures() for m, t in result.tallies.items()}
    return [(label, [_fmt(figures[m][key], pattern) for m in result.tallies])
            for key, label, pattern in METRICS]


def rows_csv(result: Result) -> str:
    """Long format: mode, scope class, metric, value (plus the load per level)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["mode", "scope_class", "metric", "value"])
    for mode, tally in result.tallies.items():
        for k in [None, *range(CLASSES)]:
            name = "all" if k is None else ("national", "province", "city", "county", "township")[k]
            if k is not None and not tally.sums["cases"][k]:
                continue
            for metric, value in tally.figures(k).items():
                w.writerow([mode, name, metric, f"{value:.6g}"])
        for level, value in tally.load().items():
            w.writerow([mode, "all", f"load_{level}", f"{value:.6g}"])
        for level, (util, _, wait) in tally.queues().items():
            w.writerow([mode, "all", f"utilisation_{level}", f"{util:.6g}"])
            w.writerow([mode, "all", f"wait_hours_{level}", f"{wait:.6g}"])
        for kind, hours in tally.costs().items():
            w.writerow([mode, "all", f"staff_hours_per_100_{kind}", f"{hours:.6g}"])
        for hops, n, share, climb, owner in tally.hops():
            w.writerow([mode, "all", f"fidelity_hops_{hops}", f"{share:.6g}"])
            w.writerow([mode, "all", f"cases_hops_{hops}", f"{n:.0f}"])
            w.writerow([mode, "all", f"climb_hours_hops_{hops}", f"{climb:.6g}"])
            w.writerow([mode, "all", f"owner_hours_hops_{hops}", f"{owner:.6g}"])
    return buf.getvalue()


def write(result: Result, out: Path, *, title: str, sweeps: dict[str, list[tuple[Any, Result]]] | None = None,
          config_text: str = "", extra: Sequence[Section] = (), extra_charts: Sequence[tuple[str, str]] = (),
          extra_files: dict[str, str] | None = None) -> list[Path]:
    """Write ``report.html``, ``report.md`` with its figures, ``summary.csv`` and ``config.json``
    (and a CSV per sweep) into ``out``; the paths written. An experiment adds its own sections
    (calibration, tornado, old against new), charts and files."""
    out.mkdir(parents=True, exist_ok=True)
    plan = result.plan
    env = Environment(autoescape=select_autoescape(["html"]), keep_trailing_newline=True)
    template = env.from_string(resources.files("liandong.simulation").joinpath(
        "templates/report.html").read_text(encoding="utf-8"))
    sweep_blocks = []
    for key, rows in (sweeps or {}).items():
        sweep_blocks.append({
            "key": key,
            "rows": [(v, {m: t.figures() for m, t in r.tallies.items()}) for v, r in rows],
            "charts": [sweep_chart(key, rows, metric) for metric in
                       ("resolve_days_mean", "breach_rate", "escalations_per_100")],
        })
    config = plan.config.model_dump(mode="json")
    drawn = charts(result) + list(extra_charts)
    blocks = sections(result, MODE_LABEL) + list(extra)
    html = template.render(
        title=title, plan=plan, result=result, modes=[MODE_LABEL.get(m, m) for m in result.tallies],
        table=table(result), charts=drawn, sweeps=sweep_blocks,
        config=json.dumps(config, ensure_ascii=False, indent=2), config_text=config_text,
        sections=blocks, fmt=_fmt)
    paths = [out / "report.html", out / "report.md", out / "summary.csv", out / "config.json"]
    paths[0].write_text(html, encoding="utf-8")
    figures = []
    for k, (caption, svg) in enumerate(drawn, 1):
        path = out / f"figure-{k}.svg"
        path.write_text(svg, encoding="utf-8")
        figures.append((caption, path.name))
        paths.append(path)
    paths[1].write_text(markdown(result, title, figures, sweeps or {}, blocks), encoding="utf-8")
    paths[2].write_text(rows_csv(result), encoding="utf-8")
    paths[3].write_text(json.dumps({"scope": plan.scope, "days": plan.days, "seed": plan.seed,
                                    "modes": list(plan.modes), "config": config},
                                   ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    for key, rows in (sweeps or {}).items():
        path = out / f"sweep-{key.replace('.', '-')}.csv"
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["parameter", "value", "mode", "metric", "result"])
        for value, r in rows:
            for mode, tally in r.tallies.items():
                for metric, x in tally.figures().items():
                    w.writerow([key, value, mode, metric, f"{x:.6g}"])
        path.write_text(buf.getvalue(), encoding="utf-8")
        paths.append(path)
    for name, text in (extra_files or {}).items():
        path = out / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def markdown(result: Result, title: str, figures: list[tuple[str, str]],
             sweeps: dict[str, list[tuple[Any, Result]]], blocks: list[Section] | None = None) -> str:
    """The report as Markdown with the figures beside it (for docs/ and code hosts)."""
    plan = result.plan
    modes = list(result.tallies)
    lines = [f"# {title}", "",
             f"Scope `{plan.scope}`, {plan.days} days, seed {plan.seed}, {result.cases:,} reports, "
             f"{result.partitions} partition(s), parameters `{plan.config.version}`. Every mode runs on the "
             "same reports (common random numbers) with the platform's own routing and escalation rules.", "",
             "## 主要指标 Headline figures", "",
             "| 指标 metric | " + " | ".join(MODE_LABEL.get(m, m) for m in modes) + " |",
             "|---|" + "---:|" * len(modes)]
    lines += [f"| {label} | " + " | ".join(values) + " |" for label, values in table(result)]
    lines += sections_markdown(sections(result, MODE_LABEL) if blocks is None else blocks)
    for key, rows in sweeps.items():
        lines += ["", f"## 参数扫描 Sweep: `{key}`", "",
                  "| value | mode | resolve, days (mean) | breaches | escalations / 100 | satisfaction |",
                  "|---|---|---:|---:|---:|---:|"]
        for value, r in rows:
            for mode, tally in r.tallies.items():
                f = tally.figures()
                cells = (_fmt(f["resolve_days_mean"], "{:.3f}"), _fmt(f["breach_rate"], "{:.1%}"),
                         _fmt(f["escalations_per_100"], "{:.1f}"), _fmt(f["satisfaction"], "{:.1%}"))
                lines.append(f"| {value} | {mode} | " + " | ".join(cells) + " |")
    lines += ["", "## 图表 Charts", ""]
    for caption, name in figures:
        lines += [f"![{caption}]({name})", "", f"*{caption}*", ""]
    return "\n".join(lines) + "\n"
