"""Command line: ``liandong init | org … | serve | demo``. Chinese by default, ``--lang en``."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from liandong.adapters import reference_data
from liandong.bootstrap import bootstrap, catalogue_documents, jetstream
from liandong.cli_accounts import DEMO_API_KEY, DEMO_PASSWORD, account_app, ensure_demo_accounts
from liandong.cli_backup import backup_command, restore_command
from liandong.cli_calendar import calendar_app, calendar_warnings
from liandong.cli_cases import case_app
from liandong.cli_common import DbOpt, DirOpt, LangOpt, open_platform, settings_for
from liandong.cli_insight import insight_app
from liandong.cli_instruments import instrument_app
from liandong.cli_ledger import ledger_app
from liandong.cli_report import report_app
from liandong.cli_simulate import simulate_command
from liandong.config import WILDCARD_ADDRESSES, Settings
from liandong.domain.catalogue import departments_in, parse_scope
from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import Jurisdiction
from liandong.messages import explain, kind_name, level_name
from liandong.services import organisation as org_service

app = typer.Typer(help="联动 Liandong: 政府多层级联动社会治理平台", no_args_is_help=True,
                  add_completion=False)
org_app = typer.Typer(help="行政区划与部门 / jurisdictions and departments", no_args_is_help=True)
app.add_typer(org_app, name="org")
app.add_typer(case_app, name="case")
app.add_typer(ledger_app, name="ledger")
app.add_typer(account_app, name="account")
app.add_typer(report_app, name="report")
app.add_typer(instrument_app, name="instrument")
app.add_typer(insight_app, name="insight")
app.add_typer(calendar_app, name="calendar")
app.command("backup")(backup_command)
app.command("restore")(restore_command)
app.command("simulate")(simulate_command)

out = Console()
err = Console(stderr=True)


F = TypeVar("F", bound=Callable[..., Any])

LABELS = {
    "zh": {"code": "代码", "name": "名称", "level": "层级", "kind": "类型", "parent": "上级",
           "children": "下级", "departments": "部门", "system": "系统", "path": "路径",
           "lca": "最近共同上级", "results": "结果", "none": "（无）", "units": "区划",
           "init_done": "初始化完成", "added": "新增", "total": "合计",
           "phase_units": "载入行政区划", "phase_departments": "创建部门", "phase_keys": "生成签名密钥",
           "not_initialised": "（尚未为此区划创建部门：liandong init --scope {code}）"},
    "en": {"code": "Code", "name": "Name", "level": "Level", "kind": "Kind", "parent": "Parent",
           "children": "Children", "departments": "Departments", "system": "System",
           "path": "Path", "lca": "Lowest common ancestor", "results": "Results",
           "none": "(none)", "units": "Jurisdictions", "init_done": "Initialised",
           "added": "added", "total": "total", "phase_units": "Loading jurisdictions",
           "phase_departments": "Creating departments", "phase_keys": "Generating signing keys",
           "not_initialised": "(no departments here yet: liandong init --scope {code})"},
}


def label(lang: str, key: str) -> str:
    return LABELS.get(lang, LABELS["zh"])[key]


def check_lang(lang: str) -> str:
    if lang not in LABELS:
        err.print(f"[red]--lang 只能是 zh 或 en / --lang must be zh or en (got {lang!r})[/red]")
        raise typer.Exit(2)
    return lang


@contextmanager
def refusals(lang: str) -> Iterator[None]:
    """Turn domain refusals into a clear message and exit code 2, never a traceback."""
    try:
        yield
    except DomainError as exc:
        err.print(f"[red]{explain(exc, lang)}[/red]")
        raise typer.Exit(2) from None




def describe(unit: Jurisdiction, lang: str) -> str:
    return f"{unit.name} ({unit.code}, {level_name(unit.level, lang)}·{kind_name(unit.kind, lang)})"


@app.command()
def init(
    scope: Annotated[str, typer.Option(help="all、省级代码（32）、市级代码（320200）或任一代码")] = "320200",
    systems: Annotated[Path | None, typer.Option(help="职能系统目录（TOML）")] = None,
    governance: Annotated[Path | None, typer.Option(help="治理要素（TOML）")] = None,
    matters: Annotated[Path | None, typer.Option(help="职责清单（TOML）")] = None,
    database_url: DbOpt = None, data_dir: DirOpt = None, lang: LangOpt = "zh",
) -> None:
    """初始化：载入全国行政区划、职能系统与职责清单，并为范围内的区划创建部门。"""
    check_lang(lang)
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

            result = org_service.initialise(scope=parsed, hierarchy=platform.hierarchy,
                                            catalogue=catalogue, documents=documents,
                                            uow=platform.uow(), progress=progress)
            with platform.uow() as uow:  # every department's signing key (DESIGN §5)
                names = [d.code for d in departments_in(parsed, platform.hierarchy, catalogue)]
                platform.ledger.create_keys(uow, names, datetime.now(UTC), progress)
                uow.commit()
    table = Table(title=f"{label(lang, 'init_done')}: {describe(platform.hierarchy.get(parsed.root), lang)}")
    table.add_column(label(lang, "level"))
    table.add_column(label(lang, "units"), justify="right")
    table.add_column(label(lang, "departments"), justify="right")
    for level, n in result.units.items():
        table.add_row(level_name(level, lang), f"{n:,}", f"{result.departments[level]:,}")
    table.add_row(label(lang, "total"), f"{sum(result.units.values()):,}",
                  f"{sum(result.departments.values()):,} (+{result.departments_added:,})")
    out.print(table)




@org_app.command("show")
def org_show(code: str, database_url: DbOpt = None, data_dir: DirOpt = None,
             lang: LangOpt = "zh") -> None:
    """显示一个区划：上级、下级与部门。"""
    check_lang(lang)
    with refusals(lang):
        platform = open_platform(database_url, data_dir)
        h = platform.hierarchy
        unit = h.get(code)
        out.print(f"[bold]{describe(unit, lang)}[/bold]")
        parent = h.parent(code)
        out.print(f"{label(lang, 'parent')}: {describe(parent, lang) if parent else label(lang, 'none')}")
        out.print(f"{label(lang, 'path')}: {' › '.join(u.name for u in h.path(code))}")
        with platform.uow() as uow:
            deps = uow.organisation.departments_of(code)
        table = Table(title=label(lang, "departments"))
        table.add_column(label(lang, "code"))
        table.add_column(label(lang, "system"))
        table.add_column(label(lang, "name"))
        names = {s.code: (s.name if lang == "zh" else s.name_en)
                 for s in platform.catalogue.systems.values()}
        for d in deps:
            system = names.get(d.system_code, "块 / government" if d.is_government else d.system_code)
            table.add_row(d.code, system, d.name)
        if deps:
            out.print(table)
        else:
            out.print(label(lang, "not_initialised").format(code=code))
        children = h.children(code)
        if children:
            out.print(f"{label(lang, 'children')} ({len(children)}):")
            out.print("、".join(f"{c.name}({c.code})" for c in children[:60])
                      + (" …" if len(children) > 60 else ""))


@org_app.command("path")
def org_path(code: str, lang: LangOpt = "zh") -> None:
    """从中央到该区划的路径。"""
    check_lang(lang)
    with refusals(lang):
        for unit in reference_data.national_hierarchy().path(code):
            out.print(f"{'  ' * unit.level}{describe(unit, lang)}")


@org_app.command("lca")
def org_lca(codes: Annotated[list[str], typer.Argument(help="两个或更多区划代码")],
            lang: LangOpt = "zh") -> None:
    """多个区划的最近共同上级（决定案件的管辖层级）。"""
    check_lang(lang)
    with refusals(lang):
        unit = reference_data.national_hierarchy().lca(codes)
        out.print(f"{label(lang, 'lca')}: {describe(unit, lang)}")


@org_app.command("search")
def org_search(name: str, limit: Annotated[int, typer.Option(min=1, max=500)] = 20,
               lang: LangOpt = "zh") -> None:
    """按名称查找区划。"""
    check_lang(lang)
    with refusals(lang):
        h = reference_data.national_hierarchy()
        hits = h.search(name, limit)
        if not hits:
            out.print(label(lang, "none"))
            return
        table = Table(title=f"{label(lang, 'results')}: {name}")
        for key in ("code", "name", "level", "kind", "path"):
            table.add_column(label(lang, key))
        for u in hits:
            table.add_row(u.code, u.name, level_name(u.level, lang), kind_name(u.kind, lang),
                          " › ".join(p.name for p in h.path(u.code)[1:-1]))
        out.print(table)


@app.command()
def serve(host: Annotated[str, typer.Option()] = "127.0.0.1",
          port: Annotated[int, typer.Option()] = 8000,
          workers: Annotated[int, typer.Option(min=1)] = 1,
          access_log: Annotated[bool, typer.Option(
              help="每个请求记一行访问日志（前置 nginx 等已记录时可关闭）")] = True,
          database_url: DbOpt = None, data_dir: DirOpt = None) -> None:
    """启动 Web 工作台与 API。"""
    import uvicorn

    from liandong.api.http_protocol import NoDelayH11Protocol
    from liandong.api.log_redaction import uvicorn_log_config

    settings = settings_for(database_url, data_dir)
    with refusals("zh"):  # a bad holiday file stops the server here, not in each worker
        for warning in calendar_warnings(settings):
            err.print(f"[yellow]{escape(warning)}[/yellow]")
    os.environ["LIANDONG_DATABASE_URL"] = settings.resolved_database_url()
    os.environ["LIANDONG_DATA_DIR"] = str(settings.data_dir)  # the secret lives beside the data
    os.environ["LIANDONG_HOST"], os.environ["LIANDONG_PORT"] = host, str(port)  # served hosts, public URL
    out.print(f"联动 Liandong → http://{host}:{port}/")
    served = Settings(host=host, port=port).served_hosts
    if host in WILDCARD_ADDRESSES and served == Settings(host="127.0.0.1").served_hosts:
        out.print(f"[yellow]提示：只接受主机名 {', '.join(served)} 的请求；从其他地址访问请设置 "
                  "LIANDONG_ALLOWED_HOSTS（及 LIANDONG_PUBLIC_URL）。[/yellow]\n"
                  f"[yellow]Note: only requests for {', '.join(served)} are answered; set "
                  "LIANDONG_ALLOWED_HOSTS (and LIANDONG_PUBLIC_URL) to serve other names.[/yellow]")
    if workers > 1 and settings.resolved_database_url().startswith("sqlite"):
        out.print("[yellow]提示：SQLite 同一时刻只有一个写入者，各工作进程的写入依次进行；两核上一个工作进程"
                  "（其写入进程占另一核）最快，多进程扩展请用 PostgreSQL。[/yellow]\n"
                  "[yellow]Note: SQLite has one writer at a time and the workers' writes take turns; on two "
                  "cores one worker (its writer process on the other core) is fastest. Scale out on "
                  "PostgreSQL.[/yellow]")
    # a spawned worker imports the whole platform before it answers the supervisor's health ping
    uvicorn.run("liandong.api.app:create_app", factory=True, host=host, port=port,
                workers=workers, log_level="info", access_log=access_log, timeout_worker_healthcheck=60,
                log_config=uvicorn_log_config(), http=NoDelayH11Protocol,
                proxy_headers=False)  # forwarded addresses: only from LIANDONG_TRUSTED_PROXIES (the app)


@app.command()
def relay(once: Annotated[bool, typer.Option("--once", help="投递当前积压后退出")] = False,
          interval: Annotated[float, typer.Option(min=0.1, help="轮询间隔（秒）")] = 1.0,
          nats_url: Annotated[str | None, typer.Option("--nats", help="NATS 地址")] = None,
          database_url: DbOpt = None, data_dir: DirOpt = None) -> None:
    """把发件箱（案件事件、联动事项通知）投递到 NATS 消息总线。"""
    import threading

    settings = settings_for(database_url, data_dir)
    if nats_url:
        settings = settings.model_copy(update={"nats_url": nats_url})
    if not settings.nats_url:
        settings = settings.model_copy(update={"nats_url": "nats://127.0.0.1:4222"})
    platform = bootstrap(settings)
    publisher = jetstream(settings)
    relayer = platform.relay(publisher, prefix=settings.nats_prefix)
    try:
        if once:
            done = relayer.run_once()
            out.print(f"已投递 {done.case_events} 条案件事件、{done.notices} 条通知 → {settings.nats_url}")
            return
        out.print(f"发件箱投递中 → {settings.nats_url}（Ctrl+C 停止）")
        stop = threading.Event()
        try:
            relayer.run(stop, interval=interval)
        except KeyboardInterrupt:
            stop.set()
    finally:
        publisher.close()


@app.command()
def demo(scope: Annotated[str, typer.Option()] = "320200",
         host: Annotated[str, typer.Option()] = "127.0.0.1",
         port: Annotated[int, typer.Option()] = 8000,
         days: Annotated[int, typer.Option(min=0, max=90, help="演示数据天数（0：不生成）")] = 30,
         share: Annotated[float, typer.Option(min=0.001, max=1.0, help="回放全市诉求的比例")] = 0.05,
         seed: Annotated[int, typer.Option()] = 1,
         serve_after: Annotated[bool, typer.Option("--serve/--no-serve")] = True,
         database_url: DbOpt = None, data_dir: DirOpt = None) -> None:
    """演示：初始化一个城市（默认无锡市），以仿真生成约一个月的案件，并启动服务。"""
    init(scope=scope, systems=None, governance=None, matters=None, database_url=database_url,
         data_dir=data_dir, lang="zh")
    platform = open_platform(database_url, data_dir)
    accounts = ensure_demo_accounts(platform)
    with platform.uow() as uow:
        empty = not uow.cases.recent_ids(limit=1)
    if days and empty:
        from liandong.simulation.demo import load_demo

        with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=out) as bar:
            task = bar.add_task(f"生成演示数据（{days} 天，仿真回放）", total=None)
            summary = load_demo(platform, scope=scope, days=days, share=share, seed=seed,
                                progress=lambda done, total: bar.update(task, completed=done, total=total))
        refused = sum(summary.refused.values())
        out.print(f"演示数据：{summary.reports:,} 件诉求，{summary.commands:,} 条指令，"
                  f"{summary.chain_events:,} 个督办/升级事件，{summary.checkpoints} 个检查点"
                  + (f"，{refused} 条被规则拒绝" if refused else ""))
    table = Table(title=f"演示账号 / demo accounts (password: {DEMO_PASSWORD})")
    for head in ("username", "department", "roles"):
        table.add_column(head)
    for username, department, roles in accounts:
        table.add_row(username, department or "—", ", ".join(roles))
    out.print(table)
    out.print(f"Open311 api_key: {DEMO_API_KEY}  ·  API docs: http://{host}:{port}/docs")
    if serve_after:
        serve(host=host, port=port, workers=1, database_url=database_url, data_dir=data_dir)


def main() -> None:
    # what the commands write (database, its log, keys, backups, exports) is the owner's alone;
    # a server's workers and writer process inherit the mask
    os.umask(0o077)
    app(prog_name="liandong")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
