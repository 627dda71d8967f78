"""``liandong catalogue show | check | diff | import | export | proposals``: the local dispatch catalogues
(派单目录, 国办函〔2025〕66号) that a province or city lays over the national responsibility list,
one file per scope and version in the catalogues' directory (decision 0025)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from liandong.cli.common import DirOpt, LangOpt, group, refusals, settings_for
from liandong.cli.disputes import proposals
from liandong.i18n import name_of, words
from liandong.i18n.cli import CATALOGUE_TEXT

if TYPE_CHECKING:
    from liandong.config import Settings
    from liandong.domain.catalogue import Catalogue
    from liandong.domain.dispatch_catalogue import LocalCatalogue, LocalCatalogues
    from liandong.domain.hierarchy import HierarchyIndex

catalogue_app = group("catalogue")
catalogue_app.command("proposals")(proposals)

CataloguesOpt = Annotated[Path | None, typer.Option(
    "--catalogues-dir", envvar="LIANDONG_CATALOGUES_DIR",
    help="派单目录文件目录（默认为数据目录下的 catalogues/，存在时）")]
ScopeOpt = Annotated[str, typer.Option(
    "--scope", help="省或市的区划代码，如 320000（江苏省）、320200（无锡市）")]
AnyScopeOpt = Annotated[str | None, typer.Option(
    "--scope", help="省或市的区划代码；不给时列出全部区划与版本")]
OnOpt = Annotated[str | None, typer.Option("--on", help="日期，如 2027-03-01（默认今天）")]


def _settings(data_dir: Path | None, catalogues_dir: Path | None) -> Settings:
    settings = settings_for(None, data_dir)
    if catalogues_dir is not None:
        settings = settings.model_copy(update={"catalogues_dir": catalogues_dir})
    return settings


def _reference() -> tuple[HierarchyIndex, Catalogue]:
    from liandong.adapters import reference_data

    return reference_data.national_hierarchy(), reference_data.default_catalogue()


def _loaded(settings: Settings, hierarchy: HierarchyIndex, catalogue: Catalogue) -> LocalCatalogues:
    from liandong.adapters.catalogue_files import load_directory
    from liandong.domain.dispatch_catalogue import LocalCatalogues

    found = load_directory(settings.resolved_catalogues_dir(), catalogue, hierarchy)
    return found if found is not None else LocalCatalogues(catalogue.matters, [], hierarchy)


def _day(text: str | None) -> date:
    from liandong.domain.errors import DomainError
    from liandong.domain.worktime import SHANGHAI
    from liandong.services.clock import SystemClock

    if not text:
        return SystemClock().now().astimezone(SHANGHAI).date()
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise DomainError("catalogue.bad_effective", source="--on", entry="(option)", field="on",
                          value=text, allowed="YYYY-MM-DD") from None


def _scope(text: str, hierarchy: HierarchyIndex) -> str:
    from liandong.domain.dispatch_catalogue.reading import check_scope

    code = text.strip()
    if code.isdigit() and len(code) in (2, 4):
        code = code.ljust(6, "0")
    return check_scope(code, hierarchy, source="--scope", entry="(option)")


def _summary(cat: LocalCatalogue) -> dict[str, object]:
    return {"version": cat.version, "effective": cat.effective.isoformat(), "source": cat.source,
            "overrides": len(cat.overrides), "added": len(cat.added)}


@catalogue_app.command("show")
def show(scope: AnyScopeOpt = None,
         on: OnOpt = None, lang: LangOpt = "zh", data_dir: DirOpt = None,
         catalogues_dir: CataloguesOpt = None) -> None:
    """在某日施行的派单目录：不给区划时列出各区划的版本（● 施行中）；给出区划时列出按地方目录派单的事项。"""
    from liandong.domain.dispatch_catalogue import show_value

    text = words(CATALOGUE_TEXT, lang)
    with refusals(lang):
        hierarchy, catalogue = _reference()
        loaded = _loaded(_settings(data_dir, catalogues_dir), hierarchy, catalogue)
        day = _day(on)
        code = _scope(scope, hierarchy) if scope else None
    if code is None:
        if not loaded:
            typer.echo(text["none"].format(national=catalogue.matters.version, count=len(catalogue.matters)))
        for s in loaded.scopes():
            typer.echo(text["scope_line"].format(name=hierarchy.get(s).name, scope=s))
            current = loaded.in_force(s, day)
            for cat in loaded.versions(s):
                mark = (text["in_force"] if cat is current else
                        text["not_yet"] if cat.effective > day else text["superseded"])
                typer.echo(text["version_line"].format(mark=mark, **_summary(cat)))
        return
    versions = loaded.in_force_for([code], day)
    matters = loaded.composed(versions)
    local = [m for m in matters.values() if m.origins or m.code not in catalogue.matters]
    names = "、".join(f"{hierarchy.get(c.scope).name} {c.version}" for c in versions) or text["national_only"]
    typer.echo(text["head"].format(name=hierarchy.get(code).name, scope=code, day=day.isoformat(),
                                   versions=names, count=len(matters), local=len(local)))
    for m in local:
        origin = "；".join(f"{hierarchy.get(o[0]).name} {o[1]}" for o in m.origins)
        typer.echo(text["row"].format(code=m.code, name=name_of(m, lang), lead=m.lead or "—",
                                      assist=show_value(m, "assist") or "—",
                                      authority=show_value(m, "authority") or "—",
                                      limits=show_value(m, "limits"), origin=origin))


@catalogue_app.command("check")
def check(paths: Annotated[list[Path] | None, typer.Argument(
              help="要检查的文件或目录；不给时检查配置的派单目录目录")] = None,
          lang: LangOpt = "zh", data_dir: DirOpt = None, catalogues_dir: CataloguesOpt = None) -> None:
    """检查派单目录文件：每个文件整体通过或整体拒绝，错误指明文件、行、条目与允许的写法。"""
    from liandong.adapters import catalogue_files as cf
    from liandong.domain.dispatch_catalogue import check_versions
    from liandong.domain.errors import DomainError
    from liandong.i18n.messages import explain

    text = words(CATALOGUE_TEXT, lang)
    with refusals(lang):
        hierarchy, catalogue = _reference()
        if paths:
            files = cf.given_files(paths)
        else:
            directory = _settings(data_dir, catalogues_dir).resolved_catalogues_dir()
            files = cf.directory_files(directory) if directory is not None else []
    if not files:
        typer.echo(text["no_files"])
        return
    bad, good = 0, []
    for file in files:
        try:
            cat = cf.parse(file, catalogue, hierarchy)
        except DomainError as exc:
            bad += 1
            typer.echo(text["bad"].format(error=explain(exc, lang)), err=True)
            continue
        good.append(cat)
        typer.echo(text["ok"].format(name=hierarchy.get(cat.scope).name, **_summary(cat),
                                     file=file.source))
    try:
        check_versions(good)
    except DomainError as exc:
        bad += 1
        typer.echo(text["bad"].format(error=explain(exc, lang)), err=True)
    if bad:
        raise typer.Exit(1)
    typer.echo(text["files"].format(count=len(files)))


@catalogue_app.command("diff")
def diff(scope: Annotated[str, typer.Argument(help="区划代码，如 320000")],
         before: Annotated[str, typer.Argument(help="较早的版本")],
         after: Annotated[str, typer.Argument(help="较晚的版本")],
         lang: LangOpt = "zh", data_dir: DirOpt = None, catalogues_dir: CataloguesOpt = None) -> None:
    """两个版本之间的变化：逐个事项、逐个字段。"""
    from liandong.adapters.catalogue_xlsx import HEADINGS
    from liandong.domain.dispatch_catalogue import diff as changes_between

    text = words(CATALOGUE_TEXT, lang)
    with refusals(lang):
        hierarchy, catalogue = _reference()
        loaded = _loaded(_settings(data_dir, catalogues_dir), hierarchy, catalogue)
        code = _scope(scope, hierarchy)
        v1, v2 = loaded.version(code, before), loaded.version(code, after)
    changes = changes_between(loaded.national, v1, v2)
    typer.echo(text["diff_head"].format(name=hierarchy.get(code).name, scope=code, v1=before, v2=after,
                                        count=len(changes)))
    if not changes:
        typer.echo(text["same"])
    base = loaded.base()
    for change in changes:
        name = name_of(base.get(change.code), lang) if change.code in base else change.code
        typer.echo(text[change.kind].format(code=change.code, name=name))
        for f in change.fields:
            typer.echo(text["field"].format(field=f.field, heading=HEADINGS.get(f.field, f.field),
                                            before=f.before or text["blank"],
                                            after=f.after or text["blank"]))


@catalogue_app.command("import")
def import_(workbook: Annotated[Path, typer.Argument(help="xlsx 工作簿（格式同 export）")],
            scope: ScopeOpt, version: Annotated[str, typer.Option(help="新版本号，如 2027.1")],
            effective: Annotated[str, typer.Option(help="施行日期，如 2027-03-01")],
            source: Annotated[str, typer.Option(help="依据（文件名称、文号）")],
            lang: LangOpt = "zh", data_dir: DirOpt = None, catalogues_dir: CataloguesOpt = None) -> None:
    """从 xlsx 导入一个新版本：与上级施行中的目录相比有变化的行成为改写或新增；
    有错时不写入任何文件，并指明行与列。"""
    from liandong.adapters import catalogue_files as cf
    from liandong.adapters.catalogue_xlsx import read_version
    from liandong.domain.dispatch_catalogue import check_versions

    text = words(CATALOGUE_TEXT, lang)
    with refusals(lang):
        hierarchy, catalogue = _reference()
        settings = _settings(data_dir, catalogues_dir)
        loaded = _loaded(settings, hierarchy, catalogue)
        code = _scope(scope, hierarchy)
        local = read_version(workbook, scope=code, version=version.strip(), effective=_day(effective),
                             source=source, catalogue=catalogue, hierarchy=hierarchy, loaded=loaded)
        directory = settings.resolved_catalogues_dir() or settings.data_dir / "catalogues"
        path = directory / cf.file_name(local.scope, local.version)
        check_versions([*loaded, _at(local, path)])
        cf.parse(cf.CatalogueFile(str(path), path.name, cf.to_toml(local)), catalogue, hierarchy)
        written = cf.write(local, directory)
    typer.echo(text["written"].format(path=written, **_summary(local)))


def _at(local: LocalCatalogue, path: Path) -> LocalCatalogue:
    from dataclasses import replace

    return replace(local, origin=str(path))


@catalogue_app.command("export")
def export(workbook: Annotated[Path, typer.Argument(help="要写入的 xlsx 文件")], scope: ScopeOpt,
           version: Annotated[str | None, typer.Option(help="版本（默认：今天施行的）")] = None,
           lang: LangOpt = "zh", data_dir: DirOpt = None, catalogues_dir: CataloguesOpt = None) -> None:
    """导出一个区划某版本施行时的完整派单目录（全国事项、改写与新增），供各部门交换。"""
    from liandong.adapters.catalogue_xlsx import export as write_sheet

    text = words(CATALOGUE_TEXT, lang)
    with refusals(lang):
        hierarchy, catalogue = _reference()
        loaded = _loaded(_settings(data_dir, catalogues_dir), hierarchy, catalogue)
        code = _scope(scope, hierarchy)
        day = loaded.version(code, version).effective if version else _day(None)
    versions = loaded.in_force_for([code], day)
    names = {c.key: f"{hierarchy.get(c.scope).name} {c.version}" for c in loaded}
    own = next((c for c in versions if c.scope == code), None)
    info = [(text["scope"], f"{hierarchy.get(code).name}（{code}）"),
            (text["version"], own.version if own else "—"), (text["effective"], day.isoformat()),
            (text["source"], own.source if own else "—"), (text["national"], loaded.national.version)]
    count = write_sheet(workbook, loaded.composed(versions).values(), info, names)
    typer.echo(text["exported"].format(count=count, path=workbook))
