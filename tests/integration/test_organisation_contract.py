"""One contract for the organisation repository, run on memory, SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from liandong.adapters.reference_data import catalogue_documents, default_catalogue, national_hierarchy
from liandong.domain.catalogue import count_departments_in, departments_in, parse_scope
from liandong.domain.hierarchy import Jurisdiction, Level
from liandong.domain.organisation import Department
from liandong.services.organisation import initialise
from liandong.services.ports import UnitOfWork

H = national_hierarchy()
CAT = default_catalogue()
# A small real slice: the centre, Jiangsu with Wuxi's 梁溪区, Beijing's 东城区, 东莞 and 仙桃.
SLICE_ROOTS = ["320213", "110101", "441900003", "429004"]


def slice_units() -> list[Jurisdiction]:
    seen: dict[str, Jurisdiction] = {}
    for code in SLICE_ROOTS:
        for unit in [*H.path(code), *H.descendants(code)]:
            seen.setdefault(unit.code, unit)
    return sorted(seen.values(), key=lambda u: (u.level, u.code))


@pytest.fixture
def loaded(uow_factory: Callable[[], UnitOfWork]) -> Callable[[], UnitOfWork]:
    with uow_factory() as uow:
        units = slice_units()
        assert uow.organisation.add_units(units) == len(units)
        deps = [d for u in units for d in _deps(u)]
        assert uow.organisation.add_departments(deps) == len(deps)
        uow.commit()
    return uow_factory


def _deps(unit: Jurisdiction) -> Iterator[Department]:
    from liandong.domain.organisation import departments_of
    return departments_of(unit, CAT.systems.values())


def test_units_paths_children_and_descendants(loaded: Callable[[], UnitOfWork]) -> None:
    with loaded() as uow:
        repo = uow.organisation
        assert repo.unit("320213") == H.get("320213")
        assert repo.unit("999999") is None
        assert [u.code for u in repo.path("320213001")] == [u.code for u in H.path("320213001")]
        assert repo.path("999999") == []
        assert [u.code for u in repo.path("110101")] == ["100000", "110000", "110101"]
        assert [u.code for u in repo.children("320213")] == sorted(
            u.code for u in H.children("320213"))
        sub = repo.descendants("320200")
        assert {u.code for u in sub} == {"320200", "320213"} | {
            u.code for u in H.children("320213")}
        assert [u.code for u in repo.descendants("441900", Level.TOWNSHIP)] == ["441900003"]
        assert len(repo.descendants("100000")) == len(slice_units())
        assert repo.descendants("999999") == []


def test_lca_from_storage(loaded: Callable[[], UnitOfWork]) -> None:
    with loaded() as uow:
        repo = uow.organisation
        lca = repo.lca(["320213001", "320213015"])
        assert lca is not None and lca.code == "320213"
        lca = repo.lca(["320213", "441900003"])
        assert lca is not None and lca.code == "100000"
        lca = repo.lca(["429004", "441900003"])
        assert lca is not None and lca.code == "100000"
        assert repo.lca(["320213", "999999"]) is None


def test_search_and_counts(loaded: Callable[[], UnitOfWork]) -> None:
    with loaded() as uow:
        repo = uow.organisation
        assert [u.code for u in repo.search("梁溪区")][:1] == ["320213"]
        assert repo.search("  ") == []
        assert repo.search("100%") == []
        counts = repo.count_units()
        assert counts[Level.CENTRAL] == 1 and counts[Level.PROVINCE] == 4
        assert sum(counts.values()) == len(slice_units())


def test_departments(loaded: Callable[[], UnitOfWork]) -> None:
    with loaded() as uow:
        repo = uow.organisation
        deps = repo.departments_of("320213")
        assert deps[0].is_government and deps[0].name == "梁溪区人民政府"
        assert [d.system_code for d in deps[1:]] == sorted(d.system_code for d in deps[1:])
        eco = repo.department("320213-eco_environment")
        assert eco is not None and eco.name == "梁溪生态环境分局" and eco.level is Level.COUNTY
        assert repo.department("nope") is None
        again = [d for u in slice_units() for d in _deps(u)]
        assert repo.add_departments(again) == 0  # already stored: nothing added twice
        assert sum(repo.count_departments().values()) == len(again)


def test_documents(uow_factory: Callable[[], UnitOfWork]) -> None:
    with uow_factory() as uow:
        uow.organisation.put_document("matters.toml", "1", "a")
        uow.organisation.put_document("matters.toml", "2", "b")
        uow.commit()
    with uow_factory() as uow:
        assert uow.organisation.document("matters.toml") == ("2", "b")
        assert uow.organisation.document("other") is None


def test_uncommitted_work_is_rolled_back(uow_factory: Callable[[], UnitOfWork]) -> None:
    units = slice_units()
    with uow_factory() as uow:
        uow.organisation.add_units(units[:3])
        uow.commit()
        uow.organisation.add_units(units[3:])
    with uow_factory() as uow:
        assert sum(uow.organisation.count_units().values()) == 3


def test_initialise_a_city_scope(uow_factory: Callable[[], UnitOfWork]) -> None:
    scope = parse_scope("320200", H)
    result = initialise(scope=scope, hierarchy=H, catalogue=CAT,
                        documents=catalogue_documents(), uow=uow_factory())
    assert result.units == H.count_by_level()
    expected = count_departments_in(scope, H, CAT)
    assert result.departments_added == expected == sum(result.departments.values())
    again = initialise(scope=scope, hierarchy=H, catalogue=CAT, documents={}, uow=uow_factory())
    assert (again.units_added, again.departments_added) == (0, 0)
    with uow_factory() as uow:
        doc = uow.organisation.document("matters.toml")
        assert doc is not None and doc[0] == CAT.matters.version
        assert uow.organisation.lca(["320213", "320214"]) == H.get("320200")


def test_a_failure_half_way_leaves_nothing_behind(uow_factory: Callable[[], UnitOfWork],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import liandong.services.organisation as service

    def exploding(*args: object) -> Iterator[Department]:
        yield from list(departments_in(*args))[:7000]  # type: ignore[arg-type]
        raise RuntimeError("disk full")

    monkeypatch.setattr(service, "departments_in", exploding)
    with pytest.raises(RuntimeError, match="disk full"):
        initialise(scope=parse_scope("320000", H), hierarchy=H, catalogue=CAT,
                   documents=catalogue_documents(), uow=uow_factory())
    with uow_factory() as uow:
        assert sum(uow.organisation.count_units().values()) == 0
        assert sum(uow.organisation.count_departments().values()) == 0
        assert uow.organisation.document("matters.toml") is None
