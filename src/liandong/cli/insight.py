"""``liandong insight place|matter|train|dupes|hotspots|priorities|heat``: demand insight in the
terminal — where a report is and whose it is, duplicates, surges and the monthly priority problem."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from liandong.cli.common import DbOpt, DirOpt, LangOpt, group, open_platform, parse_moment
from liandong.cli.common import refusals as _refusals
from liandong.domain.errors import DomainError
from liandong.i18n import pick

if TYPE_CHECKING:
    from liandong.domain.hierarchy import HierarchyIndex

insight_app = group("insight")
out = Console(width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True)

ScopeOpt = Annotated[str, typer.Option("--scope", help="范围：区划代码（如 320200）")]
AtOpt = Annotated[str | None, typer.Option("--at", help="分析时点（ISO 8601，默认为现在）")]


def _t(zh: str, en: str, lang: str) -> str:
    return pick((zh, en), lang)


def _where(h: HierarchyIndex, code: str) -> str:
    return " › ".join(u.name for u in h.path(code)[1:]) if code in h else code


@insight_app.command("place")
def place(texts: Annotated[list[str], typer.Argument(help="地址或诉求原文")], lang: LangOpt = "zh",
          database_url: DbOpt = None, data_dir: DirOpt = None) -> None:
    """从地址或诉求原文识别所在区划（至乡镇街道）；有歧义时列出候选。"""
    from liandong.i18n.messages import explain

    with _refusals(lang):
        platform = open_platform(database_url, data_dir)
        h = platform.hierarchy
        table = Table(_t("文本", "Text", lang), _t("结果", "Result", lang), _t("区划", "Place", lang))
        for text in texts:
            try:
                unit = platform.places.resolve(text)
                table.add_row(text, _t("识别", "resolved", lang), f"{unit.code} {_where(h, unit.code)}")
            except DomainError as exc:
                table.add_row(text, exc.code.split(".")[-1], explain(exc, lang))
        out.print(table)


@insight_app.command("locate")
def locate(lat: Annotated[float, typer.Option("--lat", min=-90, max=90)],
           long: Annotated[float, typer.Option("--long", min=-180, max=180)],
           crs: Annotated[str, typer.Option(
               "--crs", help="wgs84、gcj02（高德、腾讯）或 bd09（百度）")] = "wgs84",
           lang: LangOpt = "zh", database_url: DbOpt = None, data_dir: DirOpt = None) -> None:
    """坐标所在的区县（WGS-84、GCJ-02、BD-09）。"""
    with _refusals(lang):
        platform = open_platform(database_url, data_dir)
        unit = platform.geocoder.locate(lat, long, crs)
        out.print(f"{unit.code} {_where(platform.hierarchy, unit.code)}")


@insight_app.command("matter")
def matter(texts: Annotated[list[str], typer.Argument(help="诉求原文")],
           top: Annotated[int, typer.Option("--top", min=1, max=10)] = 3, lang: LangOpt = "zh",
           database_url: DbOpt = None, data_dir: DirOpt = None) -> None:
    """建议事项类型（含置信度与命中的关键词），供派单参考。"""
    with _refusals(lang):
        platform = open_platform(database_url, data_dir)
        insight = platform.insight()
        matters = platform.catalogue.matters
        table = Table(_t("文本", "Text", lang), _t("建议", "Suggestion", lang),
                      _t("置信度", "Confidence", lang), _t("依据", "Source", lang),
                      _t("关键词", "Keywords", lang))
        for text, found in zip(texts, insight.suggest(texts, k=top), strict=True):
            for rank, s in enumerate(found):
                m = matters.get(s.matter)
                table.add_row(text if rank == 0 else "", f"{s.matter} {_t(m.name, m.name_en, lang)}",
                              f"{s.confidence:.0%}", _t("模型" if s.source == "model" else "规则",
                                                        s.source, lang), "、".join(s.keywords))
        out.print(table)


@insight_app.command("train")
def train_command(seed: Annotated[int, typer.Option("--seed")] = 1,
                  days: Annotated[int, typer.Option("--days", min=1, max=3660,
                                                    help="学习最近多少天的案件")] = 365,
                  lang: LangOpt = "zh", database_url: DbOpt = None, data_dir: DirOpt = None) -> None:
    """用平台自身的派单与改类记录训练事项分类模型，报告留出集准确率并保存。"""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with _refusals(lang):
        platform = open_platform(database_url, data_dir)
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                      console=err) as bar:
            bar.add_task(_t("读取标注并训练…", "reading labels and training…", lang), total=None)
            report = platform.insight().train(seed=seed, days=days)
        table = Table(_t("指标", "Measure", lang), _t("数值", "Value", lang))
        for zh, en, value in (
                ("训练样本", "training examples", f"{report.n_train}"),
                ("留出样本", "held-out examples", f"{report.n_test}"),
                ("其中改类纠正", "of which corrected", f"{report.n_corrected}"),
                ("模型准确率（首选）", "model accuracy (top 1)", f"{report.accuracy_top1:.1%}"),
                ("模型准确率（前三）", "model accuracy (top 3)", f"{report.accuracy_top3:.1%}"),
                ("仅规则准确率（首选）", "rules only (top 1)", f"{report.rules_accuracy_top1:.1%}"),
                ("仅规则准确率（前三）", "rules only (top 3)", f"{report.rules_accuracy_top3:.1%}")):
            table.add_row(_t(zh, en, lang), value)
        out.print(table)
        out.print(_t("留出集按措辞划分（同一措辞、仅地名数字不同的诉求归入同组，不会一半训练一半检验），"
                     "准确率以改类后的事项为准；模型已保存，派单台即用。",
                     "The held-out split keeps each wording whole (reports that differ only in places "
                     "and numbers are never split between training and test); accuracy is against "
                     "the matters after corrections. The model is stored and the dispatch console "
                     "uses it now.", lang))


@insight_app.command("rebuild-facts")
def rebuild_facts(lang: LangOpt = "zh", database_url: DbOpt = None, data_dir: DirOpt = None) -> None:
    """由事件日志重建事实表（每案每次保存一行）及其汇总表，并与按事件全量重算的结果逐案、逐单位核对。"""
    from datetime import timedelta

    from liandong.assessment.stored import check, rebuild
    from liandong.assessment.sum_check import check_sums

    with _refusals(lang):
        platform = open_platform(database_url, data_dir)
        with err.status(_t("重建事实表…", "rebuilding the case facts…", lang)):
            cases = rebuild(platform.uow)
        now = platform.clock.now()
        since = now - timedelta(days=3660)
        with err.status(_t("逐案核对…", "checking case by case…", lang)):
            compared, wrong = check(platform.uow, platform.hierarchy, since, now)
        out.print(_t(f"已重建 {cases} 件案件的事实；核对 {compared} 件，不一致 {len(wrong)} 件",
                     f"Rebuilt the facts of {cases} cases; compared {compared}, {len(wrong)} differ", lang))
        with err.status(_t("核对汇总表…", "checking the sums…", lang)):
            units, off = check_sums(platform.uow, platform.hierarchy, since, now)
        out.print(_t(f"汇总表：核对 {units} 个单位的指标，不一致 {len(off)} 个",
                     f"Sums: compared the figures of {units} units, {len(off)} differ", lang))
        if wrong or off:
            out.print("、".join([*wrong[:50], *off[:50]]))
            raise typer.Exit(1)


@insight_app.command("dupes")
def dupes(case_id: str, lang: LangOpt = "zh", database_url: DbOpt = None, data_dir: DirOpt = None) -> None:
    """同一地点、同一问题的疑似重复件（建议合并）。"""
    with _refusals(lang):
        platform = open_platform(database_url, data_dir)
        found = platform.insight().duplicates(case_id)
        if not found:
            out.print(_t("未发现疑似重复件", "No likely duplicates", lang))
            return
        table = Table(_t("案件", "Case", lang), _t("相似度", "Score", lang), _t("依据", "Why", lang))
        for p in found:
            table.add_row(p.case_id, f"{p.score:.2f}", ", ".join(p.reasons))
        out.print(table)


@insight_app.command("hotspots")
def hotspots(scope: ScopeOpt, at: AtOpt = None,
             window: Annotated[float, typer.Option("--window-hours", min=1, max=24 * 7)] = 24,
             lang: LangOpt = "zh", database_url: DbOpt = None, data_dir: DirOpt = None) -> None:
    """激增预警：各区划、各事项的诉求量显著高于其基线时报警。"""
    from liandong.domain.worktime import SHANGHAI

    with _refusals(lang):
        platform = open_platform(database_url, data_dir)
        alerts = platform.insight().surges(scope, as_of=parse_moment(at), window_hours=window)
        if not alerts:
            out.print(_t("当前无激增预警", "No surge now", lang))
            return
        matters = platform.catalogue.matters
        table = Table(_t("区划", "Place", lang), _t("事项", "Matter", lang), _t("窗口内", "In window", lang),
                      _t("基线期望", "Expected", lang), "p", _t("开始于", "Since", lang))
        for a in alerts:
            m = matters.get(a.matter)
            table.add_row(_where(platform.hierarchy, a.jurisdiction), _t(m.name, m.name_en, lang),
                          str(a.observed), f"{a.expected:.1f}", f"{a.p_value:.1e}",
                          a.started.astimezone(SHANGHAI).strftime("%m-%d %H:%M"))
        out.print(table)


@insight_app.command("priorities")
def priorities(scope: ScopeOpt, at: AtOpt = None,
               level: Annotated[str, typer.Option("--level", help="county 或 township")] = "county",
               top: Annotated[int, typer.Option("--top", min=1, max=50)] = 10,
               lang: LangOpt = "zh", database_url: DbOpt = None, data_dir: DirOpt = None) -> None:
    """每月一题候选：按诉求量、反复出现与不满意程度排序。"""
    from liandong.domain.hierarchy import Level

    with _refusals(lang):
        platform = open_platform(database_url, data_dir)
        found = platform.insight().priorities(scope, as_of=parse_moment(at), level=Level.parse(level),
                                              top=top)
        matters = platform.catalogue.matters
        table = Table("#", _t("区划", "Place", lang), _t("事项", "Matter", lang),
                      _t("本月", "This month", lang),
                      _t("反复月数", "Months present", lang), _t("重复来源", "Repeat share", lang),
                      _t("不满意", "Dissatisfied", lang), _t("得分", "Score", lang))
        for n, p in enumerate(found, 1):
            m = matters.get(p.matter)
            table.add_row(str(n), _where(platform.hierarchy, p.jurisdiction), _t(m.name, m.name_en, lang),
                          str(p.volume), str(p.months_present), f"{p.repeat:.0%}", f"{p.dissatisfaction:.0%}",
                          f"{p.score:.3f}")
        none = _t("范围内近一个月没有诉求", "No reports in the scope this month", lang)
        out.print(table if found else none)


@insight_app.command("heat")
def heat(case_id: Annotated[str | None, typer.Argument(help="案件编号（与 --sweep 二选一）")] = None,
         sweep: Annotated[bool, typer.Option(
             "--sweep", help="扫描近期同类诉求集中爆发的案件并提高其热度")] = False,
         lang: LangOpt = "zh", database_url: DbOpt = None, data_dir: DirOpt = None) -> None:
    """案件的舆情热度（0–100）及其来由；达到阈值时上级介入。"""
    with _refusals(lang):
        platform = open_platform(database_url, data_dir)
        if sweep:
            raised = platform.insight().heat_sweep(platform.bus())
            for x in raised:
                out.print(f"{x.case_id}: {x.heat}")
            out.print(_t(f"提高了 {len(raised)} 件案件的舆情热度",
                         f"Raised the heat of {len(raised)} cases", lang))
            return
        if case_id is None:
            raise DomainError("insight.bad_parameter", name="CASE", value="—",
                              allowed="a case id, or --sweep")
        r = platform.insight().heat(case_id)
        out.print(_t(f"舆情热度 {r.heat}：疑似重复 {r.duplicates} 件，同地同类 {r.similar} 件"
                     f"（基线期望 {r.expected}）",
                     f"Heat {r.heat}: {r.duplicates} likely duplicates, {r.similar} similar reports "
                     f"(baseline expects {r.expected})", lang))
