"""A declared command bound to the behaviour of its aggregate: the one way every bus turns a command
into a call (``liandong.domain.declare``)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import fields
from datetime import datetime
from types import ModuleType
from typing import Any

from liandong.domain.declare import declaration

ENVELOPE = ("by",)
"""The envelope fields a behaviour takes only if it names them (a deadline check acts as the platform)."""
ADDRESS = ("case_id", "instrument_id", "expected_version")
"""Which aggregate and which version: the bus's business, never the behaviour's."""

Bound = Callable[[Any, Any, datetime, Any], object]


def bind(cls: type, aggregate: type, *modules: ModuleType) -> Bound:
    """The behaviour a command declares (a method of ``aggregate``, else a function of the first of
    ``modules`` that has it, taking the aggregate first), called with the command's fields and ``now`` and
    ``rules`` where it takes them. A field it does not take, or a parameter the command does not
    give, fails here, at import: a command and its behaviour cannot drift apart."""
    name = declaration(cls).behaviour
    method = getattr(aggregate, name, None)
    target = method if method is not None else next(
        (getattr(m, name) for m in modules if hasattr(m, name)), None)
    if target is None:
        raise TypeError(f"{cls.__name__}: no behaviour {name} on {aggregate.__name__} or its modules")
    accepted = inspect.signature(target).parameters
    given = [f.name for f in fields(cls) if f.name not in ADDRESS]
    given = [n for n in given if n not in ENVELOPE or n in accepted]
    missing = [n for n in given if n not in accepted]
    needed = [n for n, p in list(accepted.items())[1:] if p.default is inspect.Parameter.empty
              and p.kind is inspect.Parameter.KEYWORD_ONLY and n not in (*given, "now", "rules")]
    if missing or needed:
        raise TypeError(f"{cls.__name__} and {name}: fields not taken {missing}, "
                        f"parameters not given {needed}")
    wants_now, wants_rules = "now" in accepted, "rules" in accepted

    def call(subject: Any, command: Any, now: datetime, rules: Any) -> object:
        kwargs = {n: getattr(command, n) for n in given}
        if wants_now:
            kwargs["now"] = now
        if wants_rules:
            kwargs["rules"] = rules
        return target(subject, **kwargs)
    return call
