"""What the ``liandong federation`` commands share: the node's file option and opening the node."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

if TYPE_CHECKING:
    from liandong.federation.node import FederationNode

out = Console()

ConfigOpt = Annotated[Path, typer.Option("--config", envvar="LIANDONG_FEDERATION",
                                         help="本节点的联邦配置文件（TOML）/ this node's federation file")]


def _node(config: Path) -> FederationNode:
    from liandong.adapters.reference_data import national_hierarchy
    from liandong.federation.config import read_config
    from liandong.federation.node import open_node

    return open_node(read_config(config, national_hierarchy()))
