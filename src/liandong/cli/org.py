"""``liandong org show | path | lca | search``: jurisdictions and their departments.

``show`` reads the store as it is — the unit, its path, children and departments by indexed look-ups,
no national index built and no migration run (a read-only command); a store not yet initialised
falls back to the national list. ``path``, ``lca`` and ``search`` read the national list as plain
look-ups (``reference_data.national_list``), never the precomputed ``HierarchyIndex``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from liandong.cli.common import DbOpt, DirOpt, LangOpt, group, refusals, settings_for
from liandong.i18n import name_of, words
from liandong.i18n.cli import ORG_TEXT

if TYPE_CHECKING:
    from liandong.domain.hierarchy import Jurisdiction
    from liandong.services.organisation import UnitView

org_app = group("org")
out = Console()

def label(lang: str, key: str) -> str:
    return words(ORG_TEXT, lang)[key]


def describe(unit: Jurisdiction, lang: str) -> str:
    from liandong.i18n.messages import kind_name, level_name

    return f"{unit.name} ({unit.code}, {level_name(unit.level, lang)}·{kind_name(unit.kind, lang)})"


def _view(code: str, database_url: str | None, data_dir: Path | None) -> UnitView:
    """The unit as stored, or from the national list where the store does not hold it (not yet
    initialised, or no store at all): then without departments."""
    from liandong.adapters.reference_data import national_list
    from liandong.bootstrap import read_store
    from liandong.services.organisation import OrganisationQueries, UnitView

    store = read_store(settings_for(database_url, data_dir))
    view = OrganisationQueries(store).unit(code) if store is not None else None
    if view is None:
        national = national_list()
        view = UnitView(national.get(code), national.path(code), national.children(code), [])
    return view


@org_app.command("show")
def org_show(code: str, database_url: DbOpt = None, data_dir: DirOpt = None,
             lang: LangOpt = "zh") -> None:
    """显示一个区划：上级、下级与部门。"""
    with refusals(lang):
        view = _view(code, database_url, data_dir)
        out.print(f"[bold]{describe(view.unit, lang)}[/bold]")
        parent = view.parent
        out.print(f"{label(lang, 'parent')}: {describe(parent, lang) if parent else label(lang, 'none')}")
        out.print(f"{label(lang, 'path')}: {' › '.join(u.name for u in view.path)}")
        if view.departments:
            from liandong.adapters.reference_data import default_catalogue

            names = {s.code: name_of(s, lang) for s in default_catalogue().systems.values()}
            table = Table(title=label(lang, "departments"))
            table.add_column(label(lang, "code"))
            table.add_column(label(lang, "system"))
            table.add_column(label(lang, "name"))
            for d in view.departments:
                system = names.get(d.system_code, "块 / government" if d.is_government else d.system_code)
                table.add_row(d.code, system, d.name)
            out.print(table)
        else:
            out.print(label(lang, "not_initialised").format(code=code))
        children = view.children
        if children:
            out.print(f"{label(lang, 'children')} ({len(children)}):")
            out.print("、".join(f"{c.name}({c.code})" for c in children[:60])
                      + (" …" if len(children) > 60 else ""))


@org_app.command("path")
def org_path(code: str, lang: LangOpt = "zh") -> None:
    """从中央到该区划的路径。"""
    from liandong.adapters.reference_data import national_list

    with refusals(lang):
        for unit in national_list().path(code):
            out.print(f"{'  ' * unit.level}{describe(unit, lang)}")


@org_app.command("lca")
def org_lca(codes: Annotated[list[str], typer.Argument(help="两个或更多区划代码")],
            lang: LangOpt = "zh") -> None:
    """多个区划的最近共同上级（决定案件的管辖层级）。"""
    from liandong.adapters.reference_data import national_list

    with refusals(lang):
        unit = national_list().lca(codes)
        out.print(f"{label(lang, 'lca')}: {describe(unit, lang)}")


@org_app.command("search")
def org_search(name: str, limit: Annotated[int, typer.Option(min=1, max=500)] = 20,
               lang: LangOpt = "zh") -> None:
    """按名称查找区划。"""
    from liandong.adapters.reference_data import national_list
    from liandong.i18n.messages import kind_name, level_name

    with refusals(lang):
        national = national_list()
        hits = national.search(name, limit)
        if not hits:
            out.print(label(lang, "none"))
            return
        table = Table(title=f"{label(lang, 'results')}: {name}")
        for key in ("code", "name", "level", "kind", "path"):
            table.add_column(label(lang, key))
        for u in hits:
            table.add_row(u.code, u.name, level_name(u.level, lang), kind_name(u.kind, lang),
                          " › ".join(p.name for p in national.path(u.code)[1:-1]))
        out.print(table)


@org_app.command("powers")
def org_powers(code: Annotated[str, typer.Argument(help="部门代码（320213001-veterans）或区划代码")],
               lang: LangOpt = "zh") -> None:
    """一个部门（或区划的属地政府）能做什么、为什么：派单、改派、并单、扩大范围、联动事项、承接提级，及所依据的治理要素。"""
    from liandong.adapters.reference_data import default_catalogue, national_list
    from liandong.domain.hierarchy import Level
    from liandong.domain.organisation import GOVERNMENT
    from liandong.domain.powers import powers_for
    from liandong.i18n import name_of
    from liandong.i18n.powers import escalation_lines, rows, text

    out = Console()  # made now: the width of the terminal this command runs in (a table's cells wrap)
    with refusals(lang):
        unit_code, _, system = code.partition("-")
        unit = national_list().get(unit_code)
        powers = powers_for(default_catalogue(), unit, system or GOVERNMENT)
        out.print(f"[bold]{text(lang, 'powers_title', name=powers.name)}[/bold]")
        kind = text(lang, "kind_gov" if powers.government else "kind_dept")
        out.print(f"{powers.department} · {kind} · {describe(unit, lang)}")
        elements = text(lang, "sep").join(name_of(e, lang) for e in powers.elements)
        out.print(f"{text(lang, 'elements')}: {elements}")
        for aggregate, title in (("case", "cases"), ("instrument", "instruments")):
            table = Table(title=text(lang, title))
            for column in ("col_power", "col_may", "col_why"):
                table.add_column(text(lang, column))
            for row in rows(powers, aggregate, lang):
                table.add_row(*row)
            out.print(table)
        if unit.level is not Level.TOWNSHIP:
            out.print(f"[bold]{text(lang, 'escalations')}[/bold]")
            for line in escalation_lines(powers, lang):
                out.print(f"  {line}")
        out.print(text(lang, "ceiling_note"))
        out.print(text(lang, "roles"))
