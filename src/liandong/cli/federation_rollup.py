"""``liandong federation rollup | ranking | reference``: national roll-ups without personal data and the
centre's reference data (issue 27 point 5, decision 0050, docs/federation.md §8)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Annotated

import typer

from liandong.cli.common import LangOpt, refusals
from liandong.cli.federation_common import ConfigOpt, _node, out
from liandong.i18n import words
from liandong.i18n.cli_federation import FEDERATION_TEXT

DayOpt = Annotated[str | None, typer.Option("--day", help="日期 YYYY-MM-DD（默认：今天，北京时间）/ the day")]


def _day(value: str | None, what: str = "--day") -> date:
    from liandong.domain.worktime import SHANGHAI
    from liandong.services.clock import SystemClock

    if value is None:
        return SystemClock().now().astimezone(SHANGHAI).date()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"“{value}”不是日期；应为 YYYY-MM-DD / '{value}' is not a date; "
                                 f"allowed: YYYY-MM-DD", param_hint=what) from None


def rollup(config: ConfigOpt, day: DayOpt = None, lang: LangOpt = "zh") -> None:
    """发布本节点某日的分单位汇总（各县、各部门的计数，不含个人信息）给中央节点；同日再发布则替换。"""
    from liandong.federation.rollup import publish_day

    when = _day(day)
    with refusals(lang):
        node = _node(config)
        try:
            msg_id = publish_day(node, when)
            sent = node.relay_once()
        finally:
            node.close()
    w = words(FEDERATION_TEXT, lang)
    if msg_id is None:
        out.print(w["same_figures"].format(day=when))
    else:
        out.print(w["published_relayed"].format(id=msg_id, sent=sent))


def ranking(config: ConfigOpt,
            first: Annotated[str | None, typer.Option("--from", help="起始日（默认：截止日前 6 天）")] = None,
            last: Annotated[str | None, typer.Option("--to", help="截止日 YYYY-MM-DD（默认：今天）")] = None,
            by: Annotated[str, typer.Option(help="province 或 county / province or county")] = "province",
            as_json: Annotated[bool, typer.Option("--json")] = False, lang: LangOpt = "zh") -> None:
    """（中央节点）按收到的各省日汇总计算全国指标与排名（办结率、按时办结率）。"""
    from liandong.domain.errors import DomainError
    from liandong.federation.rollup import national

    if by not in ("province", "county"):
        raise typer.BadParameter(f"“{by}”无效；可用 province、county / '{by}' is not valid; "
                                 "allowed: province, county", param_hint="--by")
    end = _day(last, "--to")
    start = _day(first, "--from") if first else end - timedelta(days=6)
    with refusals(lang):
        node = _node(config)
        try:
            if node.me != node.platform.hierarchy.root.code:
                raise DomainError("federation.not_centre", me=node.me)
            node.receive_once(wait=0.5)
            result = national(node, start, end, by)
        finally:
            node.close()
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    whole, w = result["national"], words(FEDERATION_TEXT, lang)
    out.print(w["national"].format(start=start, end=end, nodes=len(result["senders"]),
                                   received=whole["received"], closed=whole["closed"],
                                   closure=whole["closure_rate"], on_time=whole["on_time_rate"]))
    for row in result["ranking"]:
        out.print(w["rank_row"].format(rank=row["rank"], unit=row["unit"], received=row["received"],
                                       closed=row["closed"], closure=row["closure_rate"],
                                       on_time=row["on_time_rate"], overdue=row["overdue"]))


def reference(config: ConfigOpt, lang: LangOpt = "zh") -> None:
    """（中央节点）向各省节点发布参考数据版本（行政区划、全国事项目录）；省节点拒收旧版本。"""
    from liandong.federation.rollup import publish_reference

    with refusals(lang):
        node = _node(config)
        try:
            made = publish_reference(node)
            sent = node.relay_once()
        finally:
            node.close()
    w = words(FEDERATION_TEXT, lang)
    for msg_id in made:
        out.print(w["published"].format(id=msg_id))
    out.print(w["relayed"].format(sent=sent))
