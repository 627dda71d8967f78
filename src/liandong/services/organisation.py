"""Services over the organisation: initialising a scope and reading the hierarchy back."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

from liandong.domain.catalogue import Catalogue, Scope, count_departments_in, departments_in
from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import HierarchyIndex, Jurisdiction, Level
from liandong.domain.organisation import Department
from liandong.services.ports import OrganisationRepository, UnitOfWork

Progress = Callable[[str, int, int], None]
"""A progress callback: (phase, done, total)."""

T = TypeVar("T")


@dataclass(frozen=True)
class InitResult:
    units_added: int
    departments_added: int
    units: dict[Level, int]
    departments: dict[Level, int]


def _counting(items: Iterable[T], phase: str, total: int, progress: Progress | None,
              step: int = 2000) -> Iterator[T]:
    n = 0
    for item in items:
        yield item
        n += 1
        if progress is not None and n % step == 0:
            progress(phase, n, total)
    if progress is not None:
        progress(phase, n, total)


def initialise(*, scope: Scope, hierarchy: HierarchyIndex, catalogue: Catalogue,
               documents: dict[str, tuple[str, str]], uow: UnitOfWork,
               progress: Progress | None = None, sandbox: bool = False) -> InitResult:
    """Store the national hierarchy (once), the reference documents, and the departments of
    ``scope``, all in one transaction: an error leaves nothing half-loaded behind. ``sandbox``: the
    store is a sandbox (演练库), where a simulated clock and claimed times are allowed; a store is
    live or a sandbox from its first initialisation on, and a later one asking otherwise is refused
    (docs/decisions/0030)."""
    with uow:
        repo = uow.organisation
        settle_mode(repo, initialised=repo.unit(hierarchy.root.code) is not None, sandbox=sandbox)
        units_added = 0
        if repo.unit(hierarchy.root.code) is None:
            units_added = repo.add_units(_counting(iter(hierarchy), "units", len(hierarchy),
                                                   progress))
        for name, (version, content) in documents.items():
            repo.put_document(name, version, content)
        total = count_departments_in(scope, hierarchy, catalogue)
        deps: Iterator[Department] = departments_in(scope, hierarchy, catalogue)
        added = repo.add_departments(_counting(deps, "departments", total, progress, 5000))
        uow.commit()
        return InitResult(units_added, added, repo.count_units(), repo.count_departments())


def settle_mode(repo: OrganisationRepository, *, initialised: bool, sandbox: bool) -> None:
    """Record the mode asked for on a new store; on one initialised before, refuse another mode (no
    mode recorded on an initialised store: it was made before modes were, and is live)."""
    recorded = repo.store_mode() or ("live" if initialised else None)
    asked = "sandbox" if sandbox else "live"
    if recorded is None:
        repo.record_store_mode(asked)
    elif recorded != asked:
        raise DomainError(f"store.is_{recorded}")


def served_roots(*, uow: UnitOfWork, hierarchy: HierarchyIndex) -> tuple[str, ...]:
    """The roots of the scopes this store was initialised for (``liandong init --scope``): a unit
    all of whose children have departments is served whole; one where only some do is only on
    the way to them (its departments are the levels a case may rise to). Empty: no departments,
    so nothing to restrict."""
    with uow:
        repo = uow.organisation
        root = hierarchy.root.code
        if not repo.departments_of(root):
            return ()
        roots: list[str] = []
        pending = [root]
        while pending:
            code = pending.pop()
            staffed = [u.code for u in hierarchy.children(code) if repo.departments_of(u.code)]
            if len(staffed) == len(hierarchy.children(code)):
                roots.append(code)
            else:
                pending.extend(staffed)
        return tuple(sorted(roots))


@dataclass(frozen=True)
class UnitView:
    """One unit as ``liandong org show`` prints it: the path from the central node down to it, its
    children (counties before townships where a prefecture has both, as the national list orders
    them) and its departments."""

    unit: Jurisdiction
    path: Sequence[Jurisdiction]
    children: Sequence[Jurisdiction]
    departments: Sequence[Department]

    @property
    def parent(self) -> Jurisdiction | None:
        return self.path[-2] if len(self.path) > 1 else None


def unit_view(*, uow: UnitOfWork, code: str) -> UnitView | None:
    """``code`` as stored, by a few indexed reads (no hierarchy in memory); None where the store
    does not hold it (not initialised, or an unknown code)."""
    with uow:
        repo = uow.organisation
        unit = repo.unit(code)
        if unit is None:
            return None
        children = sorted(repo.children(code), key=lambda u: (u.level, u.code))
        return UnitView(unit, tuple(repo.path(code)), tuple(children), tuple(repo.departments_of(code)))


@dataclass(frozen=True)
class OrganisationQueries:
    """The organisation as the edges read and initialise it, each call in a transaction of its own."""

    uow: Callable[[], UnitOfWork]

    def departments_of(self, code: str) -> list[Department]:
        with self.uow() as uow:
            return uow.organisation.departments_of(code)

    def staffed_children(self, hierarchy: HierarchyIndex, code: str) -> list[Jurisdiction]:
        """The children of a unit that have departments (a scope ``liandong init`` stocked)."""
        with self.uow() as uow:
            return [u for u in hierarchy.children(code) if uow.organisation.departments_of(u.code)]

    def unit(self, code: str) -> UnitView | None:
        """``unit_view`` in a transaction of its own."""
        return unit_view(uow=self.uow(), code=code)

    def initialise(self, *, scope: Scope, hierarchy: HierarchyIndex, catalogue: Catalogue,
                   documents: dict[str, tuple[str, str]], progress: Progress | None = None,
                   sandbox: bool = False) -> InitResult:
        """``initialise`` in a transaction of its own."""
        return initialise(scope=scope, hierarchy=hierarchy, catalogue=catalogue, documents=documents,
                          uow=self.uow(), progress=progress, sandbox=sandbox)
