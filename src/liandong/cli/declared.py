"""CLI commands made from the commands' declarations (``liandong.domain.declare``): one Typer command
per declared command that has no hand-written one, named by its slug, with an option per field
(``--reason``, ``--until``, repeatable ``--departments`` …) and the help its declaration gives."""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable
from dataclasses import MISSING, fields
from datetime import datetime
from typing import Annotated, Any

import typer

from liandong.domain.declare import SELECT, Registry, base_type, declaration, param_of

ENVELOPE = ("by", "case_id", "instrument_id", "expected_version")
KW = inspect.Parameter.KEYWORD_ONLY


def _option(name: str, hint: Any, p: Any, default: Any) -> tuple[Any, Any]:
    """The annotated type and default of one field's option."""
    choices = "、".join(v for v, _ in p.choices)
    help_text = f"{p.label[0]} / {p.label[1]}" + (f"（{choices}）" if choices else "")
    flag = "--" + name.replace("_", "-")
    base, optional = base_type(hint)
    if base is bool and p.kind == SELECT:  # 同意/不同意: yes or no
        return Annotated[str, typer.Option(flag, help=help_text)], (... if default is MISSING else
                                                                    ("yes" if default else "no"))
    if base is bool:
        return Annotated[bool, typer.Option(f"{flag}/--no-{flag[2:]}", help=help_text)], (
            False if default is MISSING else default)
    if typing.get_origin(base) is tuple:
        return Annotated[list[str], typer.Option(flag, help=help_text + "（可多次）")], (
            ... if default is MISSING else list(default))
    kind: Any = int if base is int else str
    if base is datetime:
        help_text += "（ISO 8601，无时区按北京时间）"
    return Annotated[kind | None if optional else kind, typer.Option(flag, help=help_text)], (
        ... if default is MISSING else default)


def _value(hint: Any, p: Any, raw: Any) -> Any:
    base, _ = base_type(hint)
    if raw is None:
        return None
    if base is bool and p.kind == SELECT:
        if raw not in ("yes", "no"):
            raise typer.BadParameter(f"“{raw}”：应为 yes 或 no / yes or no")
        return raw == "yes"
    if typing.get_origin(base) is tuple:
        return tuple(raw)
    if base is datetime:
        from liandong.domain.worktime import SHANGHAI

        try:
            moment = datetime.fromisoformat(raw)
        except ValueError:
            raise typer.BadParameter(f"“{raw}”不是 ISO 8601 时间 / not an ISO 8601 time") from None
        return moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)
    return raw


def add_declared(app: typer.Typer, registry: Registry, *, subject: str, common: list[inspect.Parameter],
                 run: Callable[[Any, dict[str, Any]], None], skip: set[str]) -> list[str]:
    """Add a command for every declaration in ``registry`` whose slug is not in ``skip``; ``subject``
    names the aggregate's id argument (case_id); ``common`` are the options every command takes
    (who acts, the version seen, --at, --lang, the store); ``run(command, options)`` runs one.
    The slugs added."""
    added = []
    for slug, cls in registry.items():
        if slug in skip:
            continue
        hints = typing.get_type_hints(cls)
        asked = [f for f in fields(cls) if f.name not in ENVELOPE and not param_of(f).edge]
        parameters = [inspect.Parameter(subject, inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                        annotation=Annotated[str, typer.Argument(help="编号 / id")])]
        for f in asked:
            annotation, default = _option(f.name, hints[f.name], param_of(f), f.default)
            parameters.append(inspect.Parameter(f.name, KW, annotation=annotation, default=default))
        parameters += common

        def command(_cls: type = cls, _asked: list[Any] = asked, _hints: dict[str, Any] = hints,
                    **options: Any) -> None:
            values = {f.name: _value(_hints[f.name], param_of(f), options.pop(f.name)) for f in _asked}
            run(lambda **envelope: _cls(**envelope, **values), options)

        command.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
        declared = declaration(cls)
        command.__doc__ = declared.summary
        command.__name__ = slug.replace("-", "_")
        app.command(slug)(command)
        added.append(slug)
    return added
