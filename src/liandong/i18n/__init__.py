"""Every text a person reads, in Chinese (the first language) and English, and the one way to look
one up by language (decision 0022). The code never branches on the language: it resolves the
language once at its edge (``resolve``, ``negotiate``) and asks here.

The tables keep two shapes, both indexed by ``LANGUAGES``:

- keyed tables ``{"zh": {key: text}, "en": {key: text}}`` (a page's or a command's words): ``words``;
- pairs ``(zh, en)`` (a name declared beside what it names, as the commands' names are): ``pick``;
  reference data with ``name`` and ``name_en`` (matters, systems, festivals): ``name_of``.

The tables themselves live in the submodules (``messages``, ``refusals``, ``web``, ``cli``,
``assessment``); this module imports none of them, so a CLI's start-up stays light.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final, Protocol, TypeVar

LANGUAGES: Final = ("zh", "en")
"""The languages, first language first; a pair or a triple of names follows this order."""

DEFAULT: Final = LANGUAGES[0]

T = TypeVar("T")


class Named(Protocol):
    """Reference data named in both languages (a matter, a system, a festival)."""

    @property
    def name(self) -> str: ...

    @property
    def name_en(self) -> str: ...


def resolve(lang: str | None) -> str:
    """``lang`` if it is one of ours, else Chinese."""
    return lang if lang in LANGUAGES else DEFAULT


def known(lang: str | None) -> bool:
    """Whether ``lang`` is one of ours (a CLI refuses ``--lang`` otherwise)."""
    return lang in LANGUAGES


def negotiate(explicit: str | None, accept_language: str = "") -> str:
    """A request's language: an explicit choice of ours, else the first of ours that
    ``Accept-Language`` names (``zh-CN``, ``en-GB;q=0.8``), else Chinese."""
    if known(explicit):
        return resolve(explicit)
    for part in accept_language.split(","):
        tag = part.split(";")[0].strip().lower()
        for language in LANGUAGES:
            if tag.startswith(language):
                return language
    return DEFAULT


def others(lang: str) -> tuple[str, ...]:
    """The languages a reader of ``lang`` may switch to."""
    return tuple(other for other in LANGUAGES if other != resolve(lang))


def pick(pair: Sequence[T], lang: str) -> T:
    """The ``lang`` member of a pair ordered as ``LANGUAGES`` (``("改派", "Re-dispatch")``)."""
    return pair[LANGUAGES.index(resolve(lang))]


def name_of(thing: Named, lang: str) -> str:
    """The name of reference data (``name`` in Chinese, ``name_en`` in English)."""
    return pick((thing.name, thing.name_en), lang)


def words(table: Mapping[str, T], lang: str) -> T:
    """The ``lang`` part of a keyed table ``{"zh": …, "en": …}``."""
    return table[resolve(lang)]


def keyed(pairs: Mapping[str, Sequence[str]], lang: str) -> dict[str, str]:
    """A table of pairs by key, in ``lang`` (what a template gets: names, never a pair)."""
    return {key: pick(pair, lang) for key, pair in pairs.items()}
