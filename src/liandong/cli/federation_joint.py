"""``liandong federation issue | cases``: joint handling across nodes (decision 0053, docs/federation.md
§11) — a case command issued at this node (run here when the case lives here, else forwarded to its home
node), and the shared cases this node knows with the commands it forwarded or ran."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from liandong.cli.common import LangOpt, refusals
from liandong.cli.federation_common import ConfigOpt, _node, out
from liandong.i18n import words
from liandong.i18n.cli_federation import FEDERATION_TEXT


def _params(pairs: list[str]) -> dict[str, Any]:
    """``name=value`` pairs; a value that reads as JSON (a number, true, a list …) is taken as such."""
    found: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise typer.BadParameter(f"“{pair}”应为 名称=值 / '{pair}' must be name=value",
                                     param_hint="--param")
        try:
            found[name.strip()] = json.loads(value)
        except ValueError:
            found[name.strip()] = value
    return found


def issue(command: Annotated[str, typer.Argument(help="案件指令（如 acknowledge、resolve）/ the command")],
          case_id: Annotated[str, typer.Argument(help="案件编号 / the case id")],
          by: Annotated[str, typer.Option("--by", help="发出指令的部门代码 / the department acting")],
          config: ConfigOpt,
          param: Annotated[list[str] | None, typer.Option(
              "--param", help="指令参数 名称=值（可重复）/ a parameter name=value (repeatable)")] = None,
          key: Annotated[str, typer.Option("--key", help="幂等键：同一键只转办一次 / idempotency key")] = "",
          lang: LangOpt = "zh") -> None:
    """发出一条案件指令：案件在本节点则在此办理，否则转至案件所属节点（经联邦发件箱，由 run 发送并取回
    结果）。"""
    from liandong.federation import joint

    with refusals(lang):
        built = joint.build_command(command, {**_params(param or []), "by": by, "case_id": case_id})
        node = _node(config)
        try:
            command_id = joint.issue(node, built, key)
            node.relay_once()
            home = next((r.peer for r in joint.commands(node, case_id) if r.command_id == command_id), "")
        finally:
            node.close()
    w = words(FEDERATION_TEXT, lang)
    out.print(w["forwarded"].format(home=home, id=command_id) if command_id else w["issued_here"])


def cases(config: ConfigOpt,
          case_id: Annotated[str | None, typer.Option("--case", help="只看此案件 / one case only")] = None,
          as_json: Annotated[bool, typer.Option("--json", help="JSON 输出")] = False,
          lang: LangOpt = "zh") -> None:
    """本节点所知的共享案件（状态、主办、时限，与所属节点一致的副本）及其转办指令与结果。"""
    from liandong.federation import joint
    from liandong.i18n.work_items import state_name

    with refusals(lang):
        node = _node(config)
        try:
            shared, commands = joint.shared(node, case_id), joint.commands(node, case_id)
        finally:
            node.close()
    if as_json:
        typer.echo(json.dumps({
            "cases": [{**joint.status_payload(s), "ack_due": s.ack_due.isoformat() if s.ack_due else None,
                       "due": s.due.isoformat() if s.due else None} for s in shared],
            "commands": [{"id": r.command_id, "direction": r.direction, "peer": r.peer, "case_id": r.case_id,
                          "command": r.command, "by": r.actor, "outcome": r.outcome,
                          "reason_code": r.reason_code, "reason": r.reason} for r in commands]},
            ensure_ascii=False, indent=2))
        return
    w = words(FEDERATION_TEXT, lang)
    for s in shared:
        out.print(w["shared_row"].format(case_id=s.case_id, state=state_name(s.state, lang),
                                         lead=s.lead or "—", lead_node=s.lead_node or "—", home=s.home,
                                         version=s.version,
                                         due=s.due.isoformat(timespec="minutes") if s.due else "—"))
    for r in commands:
        out.print(w["command_row"].format(id=r.command_id, command=r.command, by=r.actor, peer=r.peer,
                                          outcome=w[f"outcome_{r.outcome}"],
                                          reason=f" — {r.reason}" if r.reason else ""))
