"""Schemas at the edge: the organisation API's responses, and field types that intake shares
(Pydantic models live at the edge)."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field
from pydantic_core import PydanticCustomError

from liandong.domain.contact import check_phone
from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import Jurisdiction
from liandong.domain.organisation import Department
from liandong.domain.responsibility import MatterType
from liandong.i18n.messages import kind_name, level_name


class JurisdictionRead(BaseModel):
    code: str
    name: str
    level: str
    level_label: str
    kind: str
    kind_label: str
    parent_code: str | None

    @classmethod
    def of(cls, unit: Jurisdiction, lang: str) -> JurisdictionRead:
        return cls(code=unit.code, name=unit.name, level=unit.level.key,
                   level_label=level_name(unit.level, lang), kind=unit.kind.value,
                   kind_label=kind_name(unit.kind, lang), parent_code=unit.parent_code)


class DepartmentRead(BaseModel):
    code: str
    name: str
    system: str
    level: str
    jurisdiction_code: str

    @classmethod
    def of(cls, d: Department) -> DepartmentRead:
        return cls(code=d.code, name=d.name, system=d.system_code, level=d.level.key,
                   jurisdiction_code=d.jurisdiction_code)


class JurisdictionDetail(BaseModel):
    unit: JurisdictionRead
    path: list[JurisdictionRead]
    children: list[JurisdictionRead]
    departments: list[DepartmentRead]


class MatterRead(BaseModel):
    code: str
    name: str
    name_en: str
    category: str
    lead: str | None
    assist: list[str]
    authority: str | None
    default_severity: str
    limits: dict[str, str]

    @classmethod
    def of(cls, m: MatterType) -> MatterRead:
        return cls(code=m.code, name=m.name, name_en=m.name_en, category=m.category,
                   lead=m.lead, assist=list(m.assist),
                   authority=m.authority.key if m.authority is not None else None,
                   default_severity=m.default_severity.value,
                   limits={k.value: str(v) for k, v in m.limits.items()})


class SystemRead(BaseModel):
    code: str
    name: str
    name_en: str
    levels: list[str]


def _reporter_phone(value: str) -> str:
    try:
        return check_phone(value)
    except DomainError as exc:  # its code names the catalogue's message (http.errors renders it)
        raise PydanticCustomError(exc.code, "The phone number {value} is not valid",
                                  {"value": value}) from None


ReporterPhone = Annotated[str, Field(max_length=32, description="诉求人电话：手机（1 开头 11 位）、"
                                     "固话（区号-号码，可带分机）或留空 / a Chinese mobile or "
                                     "landline number, or empty"),
                          AfterValidator(_reporter_phone)]
"""A reporter's phone wherever a report comes in (``liandong.domain.contact.check_phone``)."""
