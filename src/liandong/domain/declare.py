"""A command declared once: its name, the slug the edges know it by, who may issue it, what it does to
its aggregate, and for each of its fields what a person is asked. The REST routes, the web's forms,
the CLI's options and the permission check are all derived from the declaration (DESIGN §13)."""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from dataclasses import field as _field
from typing import Any, TypeVar

from liandong.domain.roles import StaffRole

T = TypeVar("T", bound=type)

TEXT, TEXTAREA, SELECT, CHECKBOX, CHECKBOXES, DATETIME, NUMBER, MATTER, LIST, PHONE = (
    "text", "textarea", "select", "checkbox", "checkboxes", "datetime", "number", "matter", "list", "phone")
"""How a field is asked for on a page (``LIST``: several values, e.g. places, not offered on a page)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Command:
    """A command to any aggregate: who issues it (each aggregate's base adds where it goes)."""

    by: str  # the acting department code, "platform", or "reporter"


@dataclass(frozen=True)
class Param:
    """One field of a command as a person meets it: its label, its bounds, its choices."""

    label: tuple[str, str]  # zh, en
    kind: str = TEXT
    min_length: int = 0
    max_length: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[tuple[str, tuple[str, str]], ...] = ()  # value, (zh, en)
    items: int | None = None  # the longest item of a list
    separator: str = ""  # how the parts of one item of a list of tuples are written on a line ("=")
    web: bool = True  # asked on the case page (False: set by the page, or not a person's to set)
    edge: bool = False  # filled by the edge that takes the command in, never by its caller
    help: str = ""


def param(label: tuple[str, str], **kw: Any) -> Any:
    """A field with no default, declared: ``reason: str = param(("理由", "Reason"), min_length=1)``."""
    return _field(metadata={"param": Param(label, **kw)})


def optional(default: Any, label: tuple[str, str], **kw: Any) -> Any:
    """A field with a default, declared."""
    return _field(default=default, metadata={"param": Param(label, **kw)})


def base_type(hint: Any) -> tuple[Any, bool]:
    """A field's type without its ``| None``, and whether it had one (``str | None`` → ``str, True``)."""
    args = typing.get_args(hint)
    if typing.get_origin(hint) in (typing.Union, types.UnionType) and type(None) in args:
        return next(a for a in args if a is not type(None)), True
    return hint, False


def param_of(field: Any) -> Param:
    found: Param | None = field.metadata.get("param")
    if found is None:
        raise TypeError(f"field {field.name} has no declaration (use param() or optional())")
    return found


@dataclass(frozen=True)
class Declaration:
    """What every edge needs to know of a command, said once where the command is defined."""

    slug: str  # the URL segment, the CLI command, the permission key: "redispatch"
    name: tuple[str, str]  # 改派 / Re-dispatch
    roles: frozenset[StaffRole]  # who may issue it (administrators always may)
    summary: str  # one line of help, Chinese then English
    behaviour: str  # the aggregate's method (or rule function) that decides it
    action: str | None = None  # the lifecycle step it takes (what a page offers now); None: none
    who: str | None = None  # whose move it is on the case page (lead, dispatcher …); None: not offered there
    refers: tuple[str, ...] = ()  # fields naming other cases, which the caller must be able to see
    route: str | None = None  # the URL below the aggregate's when it is not the slug: "tasks/{task}/complete"
    power: str | None = None  # the governance action the acting level must hold ("dispatch_case")
    lead_power: str | None = None  # … or, for the aggregate's own lead, this one instead ("handle_case")

    @property
    def path(self) -> str:
        """The URL segments below the aggregate's (``{field}``: a field of the command, from the path)."""
        return self.route or self.slug

    @property
    def path_fields(self) -> tuple[str, ...]:
        """The command's fields its URL carries (``complete`` → ``("task",)``)."""
        return tuple(re.findall(r"{(\w+)}", self.path))


class Registry:
    """The declared commands of one aggregate (cases, instruments …) by slug, in the order declared."""

    def __init__(self, aggregate: str) -> None:
        self.aggregate = aggregate
        self.commands: dict[str, type] = {}

    def declare(self, *, slug: str, name: tuple[str, str], roles: frozenset[StaffRole] | set[StaffRole],
                summary: str, behaviour: str, action: str | None = None, who: str | None = None,
                refers: tuple[str, ...] = (), route: str | None = None, power: str | None = None,
                lead_power: str | None = None) -> Callable[[T], T]:
        """Register a command class under its declaration (a slug declared twice, or a route naming a
        field the command does not have, fails at import)."""

        def register(cls: T) -> T:
            if slug in self.commands:
                raise TypeError(f"the slug {slug!r} is declared twice: {self.commands[slug].__name__}, "
                                f"{cls.__name__}")
            declared = Declaration(slug, name, frozenset(roles), summary, behaviour, action, who, refers,
                                   route, power, lead_power)
            own = {f.name for f in fields(cls)} if hasattr(cls, "__dataclass_fields__") else set()
            missing = [name for name in declared.path_fields if name not in own]
            if missing:
                raise TypeError(f"the route {declared.path!r} of {cls.__name__} names no field {missing}")
            cls.declared = declared  # type: ignore[attr-defined]
            self.commands[slug] = cls
            return cls
        return register

    def items(self) -> Iterator[tuple[str, type]]:
        yield from self.commands.items()

    def values(self) -> Iterator[type]:
        yield from self.commands.values()

    def __getitem__(self, slug: str) -> type:
        return self.commands[slug]

    def __contains__(self, slug: object) -> bool:
        return slug in self.commands


def declaration(cls: type) -> Declaration:
    found: Declaration | None = getattr(cls, "declared", None)
    if found is None:
        raise TypeError(f"{cls.__name__} is not declared")
    return found


def subclasses(base: type) -> Iterator[type]:
    sub: type
    for sub in base.__subclasses__():
        yield sub
        yield from subclasses(sub)


def check_declared(*bases: type) -> None:
    """Every concrete case or other command (a subclass of ``Command`` with its slots, none of
    ``bases``) is declared, and every field of it but the envelope and the address (else the
    import fails)."""
    for cls in subclasses(Command):
        if cls in bases or "__slots__" not in cls.__dict__:  # a base, or a class before its slots
            continue
        declaration(cls)
        for f in fields(cls):
            if f.name not in ("by", "case_id", "expected_version"):
                param_of(f)
