"""Command line: ``liandong init | org … | case … | serve | demo …``. Chinese by default, ``--lang en``.

One module per command group (``org``, ``cases``, ``ledger`` …, listed in ``common.GROUPS``) and per
top-level command (``init``, ``serve``, ``relay``, ``demo`` …). Importing this package declares the
top-level commands and nothing else: a group's module is imported when the group runs, the platform
when a command does, and ``liandong --help`` starts like a tool."""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import typer
import typer.main
from typer.core import TyperGroup

from liandong.cli.backup import backup_command, restore_command
from liandong.cli.common import GROUPS
from liandong.cli.demo import demo
from liandong.cli.init import init
from liandong.cli.relay import relay
from liandong.cli.serve import serve
from liandong.cli.simulate import simulate_command

__all__ = ["app", "main"]


class _Groups(TyperGroup):
    """The top level, whose command groups are imported and built only when one runs: the top-level
    help lists a group by its name and help alone. Importing the groups and building their sixty
    commands would otherwise be half of what ``liandong --help`` costs."""

    def list_commands(self, ctx: Any) -> list[str]:
        return list(dict.fromkeys([*super().list_commands(ctx), *GROUPS]))

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name in self.commands or cmd_name not in GROUPS:
            return super().get_command(ctx, cmd_name)
        return TyperGroup(name=cmd_name, help=GROUPS[cmd_name][2])  # a line of the top-level help

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if args and args[0] not in self.commands:
            # a group about to run; or a mistyped name, and typer suggests among all the names
            for name in [args[0]] if args[0] in GROUPS else GROUPS:
                module, attribute, _ = GROUPS[name]
                group = typer.main.get_group(getattr(importlib.import_module(f"liandong.cli.{module}"),
                                                     attribute))
                group.name = name
                self.add_command(group)
        return super().resolve_command(ctx, args)


app = typer.Typer(help="联动 Liandong: 政府多层级联动社会治理平台", no_args_is_help=True,
                  add_completion=False, cls=_Groups)
app.command("backup")(backup_command)
app.command("restore")(restore_command)
app.command("simulate")(simulate_command)
app.command()(init)
app.command()(serve)
app.command()(relay)
app.command()(demo)


def main() -> None:
    # what the commands write (database, its log, keys, backups, exports) is the owner's alone;
    # a server's workers and writer process inherit the mask
    os.umask(0o077)
    app(prog_name="liandong")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
