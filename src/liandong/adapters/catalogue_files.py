"""Reading and writing the local dispatch catalogues (派单目录): one TOML file per scope and version
(``320000-2027.1.toml``) in the directory ``LIANDONG_CATALOGUES_DIR`` names (else
``<data_dir>/catalogues`` when it exists). A bad file is refused whole, naming the file, its line
where one is known, the entry and the rule; a bad file stops the start (decision 0025)."""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from liandong.domain.catalogue import Catalogue
from liandong.domain.dispatch_catalogue import (
    OVERRIDABLE,
    LocalCatalogue,
    LocalCatalogues,
    check_versions,
    read_local_catalogue,
)
from liandong.domain.dispatch_catalogue.diff import show_value
from liandong.domain.errors import ReferenceDataError
from liandong.domain.hierarchy import HierarchyIndex
from liandong.domain.responsibility import MatterType

_NAME = re.compile(r"^(\d{6})-(.+)\.toml$")


@dataclass(frozen=True)
class CatalogueFile:
    source: str
    name: str
    text: str


def file_name(scope: str, version: str) -> str:
    return f"{scope}-{version}.toml"


def _read(path: Path) -> CatalogueFile:
    try:
        return CatalogueFile(str(path), path.name, path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ReferenceDataError("data.unreadable", source=str(path), reason=reason) from None


def directory_files(directory: Path) -> list[CatalogueFile]:
    """The ``*.toml`` files of the catalogues' directory, which must exist."""
    if not directory.is_dir():
        raise ReferenceDataError("catalogue.no_directory", source=str(directory))
    return [_read(path) for path in sorted(directory.glob("*.toml"))]


def given_files(paths: list[Path]) -> list[CatalogueFile]:
    out: list[CatalogueFile] = []
    for path in paths:
        out.extend(directory_files(path) if path.is_dir() else [_read(path)])
    return out


def _line(text: str, error: ReferenceDataError) -> int | None:
    """The line an error is about: its entry's ``code = "…"`` line, else the head field's."""
    lines = text.splitlines()
    entry = str(error.params.get("entry", ""))
    code = entry.rsplit(" ", 1)[-1] if "[" in entry else ""
    field = error.params.get("field")
    if code:
        pattern = re.compile(rf'^\s*code\s*=\s*"{re.escape(code)}"')
        hit = next((n for n, line in enumerate(lines, start=1) if pattern.match(line)), None)
        if hit is not None and isinstance(field, str) and field not in ("", "code"):
            key = re.compile(rf"^\s*{re.escape(field.split('.')[-1].split(',')[0].strip())}\s*=")
            for n in range(hit + 1, len(lines) + 1):
                if lines[n - 1].lstrip().startswith("[[") or key.match(lines[n - 1]):
                    return n if key.match(lines[n - 1]) else hit
        if hit is not None:
            return hit
    if entry == "(file)" and isinstance(field, str) and field:
        pattern = re.compile(rf"^\s*{re.escape(field)}\s*=")
        return next((n for n, line in enumerate(lines, start=1) if pattern.match(line)), None)
    return None


def parse(file: CatalogueFile, catalogue: Catalogue, hierarchy: HierarchyIndex) -> LocalCatalogue:
    """One file, validated whole; its name must be ``<scope>-<version>.toml``."""
    match = _NAME.match(file.name)
    if match is None:
        raise ReferenceDataError("catalogue.bad_name", source=file.source)
    try:
        document = tomllib.loads(file.text)
    except tomllib.TOMLDecodeError as exc:
        raise ReferenceDataError("data.bad_toml", source=file.source, reason=str(exc)) from None
    try:
        local = read_local_catalogue(document, source=file.source, national=catalogue.matters,
                                     systems=catalogue.systems, hierarchy=hierarchy)
    except ReferenceDataError as exc:
        line = _line(file.text, exc)
        if line is not None and exc.params.get("source") == file.source:
            exc.params["source"] = f"{file.source}:{line}"
        raise
    if (local.scope, local.version) != (match.group(1), match.group(2)):
        raise ReferenceDataError("catalogue.name_mismatch", source=file.source,
                                 expected=file_name(local.scope, local.version))
    return local


def load(files: list[CatalogueFile], catalogue: Catalogue, hierarchy: HierarchyIndex) -> LocalCatalogues:
    """All files over the national list; any bad file refuses the lot."""
    versions = check_versions(parse(file, catalogue, hierarchy) for file in files)
    return LocalCatalogues(catalogue.matters, versions, hierarchy)


def load_directory(directory: Path | None, catalogue: Catalogue,
                   hierarchy: HierarchyIndex) -> LocalCatalogues | None:
    """The catalogues of the configured directory; None where there is no directory or no file."""
    if directory is None:
        return None
    files = directory_files(directory)
    return load(files, catalogue, hierarchy) if files else None


# -- writing -------------------------------------------------------------------------------------
def _s(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string


def _strings(values: tuple[str, ...]) -> str:
    return "[" + ", ".join(_s(v) for v in values) + "]"


def _matter_lines(matter: MatterType) -> list[str]:
    lines = ["[[matters]]", f"code = {_s(matter.code)}", f"name = {_s(matter.name)}",
             f"name_en = {_s(matter.name_en)}", f"category = {_s(matter.category)}",
             f"lead = {_s(matter.lead or '')}", f"assist = {_strings(matter.assist)}",
             f"authority = {_s(show_value(matter, 'authority'))}",
             f"default_severity = {_s(matter.default_severity.value)}",
             f"severities = {_strings(tuple(s.value for s in matter.severities))}",
             f"keywords = {_strings(matter.keywords)}"]
    if not matter.public:
        lines.append("public = false")
    if matter.hotline_code:
        lines.append(f"hotline_code = {_s(matter.hotline_code)}")
    lines += ["", "[matters.limits]"]
    lines += [f"{sev.value} = {_s(str(matter.limits[sev]))}" for sev in matter.severities]
    return [*lines, ""]


def to_toml(local: LocalCatalogue) -> str:
    """The file of one version, in the layout an administrator would write by hand."""
    out = ["# 派单目录 (local dispatch catalogue): overrides of national matters and added matters",
           f"scope = {_s(local.scope)}", f"version = {_s(local.version)}",
           f"effective = {local.effective.isoformat()}", f"source = {_s(local.source)}"]
    if local.note:
        out.append(f"note = {_s(local.note)}")
    out.append("")
    for code, override in local.overrides.items():
        out += ["[[overrides]]", f"code = {_s(code)}"]
        for name in OVERRIDABLE:
            value = getattr(override, name)
            if value is None or name == "limits":
                continue
            if name == "authority":
                out.append(f"authority = {_s(value.key)}")
            elif isinstance(value, tuple):
                out.append(f"{name} = {_strings(value)}")
            else:
                out.append(f"{name} = {_s(value)}")
        if override.limits is not None:
            out += ["", "[overrides.limits]"]
            out += [f"{sev.value} = {_s(str(limit))}" for sev, limit in override.limits.items()]
        out.append("")
    for matter in local.added.values():
        out += _matter_lines(matter)
    return "\n".join(out)


def write(local: LocalCatalogue, directory: Path) -> Path:
    """Write one version's file (refused if that version already exists: versions are immutable)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / file_name(local.scope, local.version)
    if path.exists():
        raise ReferenceDataError("catalogue.exists", source=str(path))
    tmp = path.with_suffix(".toml.part")
    tmp.write_text(to_toml(local), encoding="utf-8")
    tmp.replace(path)
    return path
