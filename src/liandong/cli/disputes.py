"""``liandong catalogue proposals``: the catalogue changes that binding arbitrations propose
(提请修订派单目录); ``liandong case repeats``: repeat callers and repeat matters at one place for the
dispatcher to merge (并单). Both read the cases received in a window of days up to now."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Annotated

import typer

from liandong.cli.common import DbOpt, DirOpt, LangOpt, open_platform, refusals
from liandong.i18n import name_of, words
from liandong.i18n.cli import DISPUTE_TEXT

if TYPE_CHECKING:
    from liandong.bootstrap import Platform

ScopeOpt = Annotated[str | None, typer.Option("--scope", help="区划代码，如 320213（梁溪区）；不给时为全部")]


def _days(default: int) -> object:
    return typer.Option("--days", min=1, max=3660, help=f"统计最近几天受理的案件（默认 {default}）")


def proposals(days: Annotated[int, _days(365)] = 365, scope: ScopeOpt = None, lang: LangOpt = "zh",
              database_url: DbOpt = None, data_dir: DirOpt = None) -> None:
    """编办仲裁的有约束力裁定，作为派单目录的修订建议：事项、地点、建议承办单位、裁定意见。"""
    from liandong.services.disputes import catalogue_proposals

    text = words(DISPUTE_TEXT, lang)
    with refusals(lang):
        platform = open_platform(database_url, data_dir)
        router = platform.rules().router
        if scope:
            platform.hierarchy.get(scope)
        now = platform.clock.now()
        found = catalogue_proposals(platform.uow, since=now - timedelta(days=days), until=now, scope=scope)
    typer.echo(text["proposals_head"].format(days=days, count=len(found)))
    for p in found:
        places = "、".join(f"{platform.hierarchy.get(c).name}（{c}）" for c in p.places)
        typer.echo(text["proposal_row"].format(
            case=platform.queries().number_of(p.case_id), matter=_matter(platform, p.matter, lang),
            places=places, lead=router.department_name(p.proposed_lead),
            returned=router.department_name(p.returned_by),
            arbiter=router.department_name(p.arbiter), ruling=p.ruling,
            category=text.get(f"category_{p.category}", p.category or "—"), day=p.at.date().isoformat()))


def repeats(days: Annotated[int, _days(7)] = 7, scope: ScopeOpt = None, lang: LangOpt = "zh",
            database_url: DbOpt = None, data_dir: DirOpt = None,
            least: Annotated[int, typer.Option("--least", min=2, help="至少几件算重复")] = 2) -> None:
    """重复来电（同一来电号码）与同一地点的重复诉求（同一事项类型），供派单员并单。"""
    from liandong.services.disputes import repeats as find

    text = words(DISPUTE_TEXT, lang)
    with refusals(lang):
        platform = open_platform(database_url, data_dir)
        if scope:
            platform.hierarchy.get(scope)
        now = platform.clock.now()
        groups = find(platform.uow, since=now - timedelta(days=days), until=now, scope=scope, least=least)
    typer.echo(text["repeats_head"].format(days=days, count=len(groups)))
    queries = platform.queries()
    for g in groups:
        if g.kind == "caller":
            what = text["caller"].format(phone=g.key[:3] + "****" + g.key[-4:])
        else:
            matter, _, place = g.key.partition("@")
            what = text["place"].format(matter=_matter(platform, matter, lang),
                                        place=platform.hierarchy.get(place).name)
        typer.echo(text["repeat_row"].format(
            what=what, count=len(g.case_ids), cases="、".join(queries.number_of(i) for i in g.case_ids),
            open="、".join(queries.number_of(i) for i in g.open_ids) or "—"))


def _matter(platform: Platform, code: str, lang: str) -> str:
    matters = platform.catalogue.matters
    return name_of(matters.get(code), lang) if code in matters else code
