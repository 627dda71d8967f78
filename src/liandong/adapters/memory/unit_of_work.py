"""In-memory adapters: the same contracts as the SQL ones, for tests and the simulator."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from liandong.adapters.memory.accounts import MemoryAccountRepository
from liandong.adapters.memory.audit import MemoryStateRows
from liandong.adapters.memory.cases import MemoryCaseReads, MemoryCaseStore
from liandong.adapters.memory.duties import MemoryDutyReads
from liandong.adapters.memory.instruments import MemoryInstrumentReads, MemoryInstrumentStore
from liandong.adapters.memory.ledger import MemoryLedgerStore
from liandong.adapters.memory.outbox import MemoryOutbox
from liandong.domain.hierarchy import Jurisdiction, Level
from liandong.domain.organisation import GOVERNMENT, Department
from liandong.services.ports import OrganisationRepository, UnitOfWork


class MemoryOrganisationRepository(OrganisationRepository):
    def __init__(self) -> None:
        self.units: dict[str, Jurisdiction] = {}
        self.child_codes: dict[str, list[str]] = {}
        self.departments: dict[str, Department] = {}
        self.by_unit: dict[str, list[str]] = {}
        self.documents: dict[str, tuple[str, str]] = {}
        self.mode: str | None = None
        self.undo: list[Callable[[], None]] = []

    def add_units(self, units: Iterable[Jurisdiction]) -> int:
        n = 0
        for unit in units:
            if unit.code in self.units:
                continue
            if unit.parent_code is not None and unit.parent_code not in self.units:
                raise ValueError(f"parent {unit.parent_code} of {unit.code} is not stored")
            self.units[unit.code] = unit
            if unit.parent_code is not None:
                self.child_codes.setdefault(unit.parent_code, []).append(unit.code)
            self.undo.append(lambda u=unit: self._remove_unit(u))
            n += 1
        return n

    def unit(self, code: str) -> Jurisdiction | None:
        return self.units.get(code)

    def children(self, code: str) -> list[Jurisdiction]:
        return [self.units[c] for c in sorted(self.child_codes.get(code, []))]

    def path(self, code: str) -> list[Jurisdiction]:
        out = []
        unit = self.units.get(code)
        while unit is not None:
            out.append(unit)
            unit = self.units.get(unit.parent_code) if unit.parent_code else None
        return out[::-1]

    def descendants(self, code: str, level: Level | None = None) -> list[Jurisdiction]:
        if code not in self.units:
            return []
        out, stack = [], [code]
        while stack:
            c = stack.pop()
            unit = self.units[c]
            if level is None or unit.level == level:
                out.append(unit)
            stack.extend(self.child_codes.get(c, []))
        return sorted(out, key=lambda u: u.code)

    def search(self, text: str, limit: int = 20) -> list[Jurisdiction]:
        needle = text.strip()
        if not needle:
            return []
        hits = [u for u in self.units.values() if needle in u.name]
        hits.sort(key=lambda u: (u.name != needle, u.level, u.code))
        return hits[:limit]

    def count_units(self) -> dict[Level, int]:
        counts = dict.fromkeys(Level, 0)
        for unit in self.units.values():
            counts[unit.level] += 1
        return counts

    def add_departments(self, departments: Iterable[Department]) -> int:
        n = 0
        for d in departments:
            if d.code in self.departments:
                continue
            if d.jurisdiction_code not in self.units:
                raise ValueError(f"jurisdiction {d.jurisdiction_code} of {d.code} is not stored")
            self.departments[d.code] = d
            self.by_unit.setdefault(d.jurisdiction_code, []).append(d.code)
            self.undo.append(lambda d=d: self._remove_department(d))
            n += 1
        return n

    def department(self, code: str) -> Department | None:
        return self.departments.get(code)

    def departments_of(self, jurisdiction_code: str) -> list[Department]:
        deps = [self.departments[c] for c in self.by_unit.get(jurisdiction_code, [])]
        return sorted(deps, key=lambda d: (d.system_code != GOVERNMENT, d.system_code))

    def count_departments(self) -> dict[Level, int]:
        counts = dict.fromkeys(Level, 0)
        for d in self.departments.values():
            counts[d.level] += 1
        return counts

    def put_document(self, name: str, version: str, content: str) -> None:
        old = self.documents.get(name)
        self.documents[name] = (version, content)
        self.undo.append(lambda: self.documents.pop(name) if old is None
                         else self.documents.__setitem__(name, old))

    def _remove_unit(self, unit: Jurisdiction) -> None:
        del self.units[unit.code]
        if unit.parent_code is not None:
            self.child_codes[unit.parent_code].remove(unit.code)

    def _remove_department(self, d: Department) -> None:
        del self.departments[d.code]
        self.by_unit[d.jurisdiction_code].remove(d.code)

    def document(self, name: str) -> tuple[str, str] | None:
        return self.documents.get(name)

    def store_mode(self) -> str | None:
        return self.mode

    def record_store_mode(self, mode: str) -> None:
        old = self.mode
        self.mode = mode
        self.undo.append(lambda: setattr(self, "mode", old))


class MemoryUnitOfWork(UnitOfWork):
    """Changes apply at once and are undone on rollback (an undo log cleared by commit)."""

    def __init__(self, organisation: MemoryOrganisationRepository | None = None) -> None:
        self.organisation: MemoryOrganisationRepository = (
            organisation or MemoryOrganisationRepository())
        self.cases: MemoryCaseStore = MemoryCaseStore()
        self.case_reads: MemoryCaseReads = MemoryCaseReads(self.cases)
        self.ledger: MemoryLedgerStore = MemoryLedgerStore()
        self.accounts: MemoryAccountRepository = MemoryAccountRepository()
        self.instruments: MemoryInstrumentStore = MemoryInstrumentStore()
        self.instrument_reads: MemoryInstrumentReads = MemoryInstrumentReads(self.instruments)
        self.outbox: MemoryOutbox = MemoryOutbox(self.cases, self.instruments)
        self.duties: MemoryDutyReads = MemoryDutyReads(self.cases, self.instruments)
        self.state: MemoryStateRows = MemoryStateRows(self.cases, self.instruments, self.ledger)
        self.commits = 0

    def __enter__(self) -> MemoryUnitOfWork:
        return self

    def commit(self) -> None:
        self.organisation.undo.clear()
        self.cases.commit()
        self.instruments.commit()
        self.commits += 1

    def rollback(self) -> None:
        undo = self.organisation.undo
        while undo:
            undo.pop()()
        self.cases.rollback()
        self.instruments.rollback()
