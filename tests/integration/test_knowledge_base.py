"""知识库 on every back-end (memory, SQLite FTS5, PostgreSQL full text): what a search finds and in
which order, what is in force where, replacing an entry, consultations answered and counted apart,
entries flagged to their owners, and bad input refused with nothing stored."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text

from liandong.adapters.memory.knowledge import MemoryKnowledgeStore
from liandong.adapters.sql import migrate
from liandong.adapters.sql.engine import make_engine
from liandong.adapters.sql.knowledge import PG_VECTOR, SqlKnowledgeStore
from liandong.domain.errors import DomainError
from liandong.domain.knowledge import Channel, Entry, Validity
from liandong.insight.knowledge import KnowledgeBase
from liandong.services.clock import ManualClock
from liandong.services.ports.knowledge import KnowledgeStore
from tests.factories.worlds import case_rules, catalogue, jiangsu

NOW = datetime(2026, 12, 6, 2, 0, tzinfo=UTC)  # 10:00 in Beijing
LIANGXI, STREET, XISHAN = "320213", "320213001", "320205"
HR, CENTRE = "320213-human_resources", "320200-gov"
BACKENDS = ["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest) -> Iterator[KnowledgeStore]:
    if request.param == "memory":
        yield MemoryKnowledgeStore()
        return
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
    engine = make_engine(url)
    migrate.upgrade(engine)
    yield SqlKnowledgeStore(engine)
    engine.dispose()


@pytest.fixture
def kb(store: KnowledgeStore) -> KnowledgeBase:
    return KnowledgeBase(store, jiangsu(), case_rules().router, catalogue().matters, ManualClock(NOW))


def entry(title: str, answer: str, *, scope: str = LIANGXI, until: date | None = None,
          since: date = date(2026, 1, 1), keywords: tuple[str, ...] = ()) -> Entry:
    return Entry("", title, answer, HR, "《社会保障卡管理办法》", since, until, "张审核", date(2026, 12, 1),
                 scope, keywords=keywords)


def test_a_search_ranks_the_entry_about_the_question_first(kb: KnowledgeBase) -> None:
    card, _ = kb.put(entry("社保卡补办需要什么材料", "携带本人身份证到社保服务窗口即可补办，当场制卡。",
                           until=date(2027, 6, 30), keywords=("社保卡", "挂失")))
    medical, _ = kb.put(entry("医保报销比例是多少", "在职职工住院报销比例为百分之九十，需出示社保卡。"))
    kb.put(entry("居住证办理流程", "到社区警务室登记后十五个工作日内领取。"))
    hits = kb.search("我的社保卡丢了，怎么补办？", place=STREET)
    assert [h.entry.id for h in hits] == [card.id, medical.id]
    assert hits[0].score > hits[1].score > 0
    assert hits[0].entry == card  # read back whole: dates as dates, keywords as a tuple


def test_shorter_words_inside_long_ones_are_found(kb: KnowledgeBase) -> None:
    card, _ = kb.put(entry("社保卡补办需要什么材料", "携带身份证办理。"))
    assert [h.entry.id for h in kb.search("社保在哪里办", place=STREET)] == [card.id]


def test_keywords_are_searched_with_the_answer(kb: KnowledgeBase) -> None:
    found, _ = kb.put(entry("新生儿落户怎么办理", "持出生医学证明到派出所办理。", keywords=("报户口",)))
    assert [h.entry.id for h in kb.search("孩子报户口", place=STREET)] == [found.id]


def test_question_words_alone_find_nothing(kb: KnowledgeBase) -> None:
    kb.put(entry("社保卡补办需要什么材料", "携带身份证办理。"))
    assert kb.search("请问需要什么？怎么办？", place=STREET) == []


def test_only_entries_in_force_where_the_caller_is_are_found(kb: KnowledgeBase) -> None:
    local, _ = kb.put(entry("梁溪区停车收费标准", "梁溪区路内停车首小时五元。"))
    national, _ = kb.put(entry("全国停车收费投诉渠道", "可拨打12345反映停车收费问题。", scope="100000"))
    kb.put(entry("旧的停车收费标准", "停车首小时三元。", until=date(2026, 6, 30)))
    kb.put(entry("明年的停车收费标准", "停车首小时六元。", since=date(2027, 1, 1)))
    here = {h.entry.id for h in kb.search("停车收费", place=STREET)}
    assert here == {local.id, national.id}
    assert {h.entry.id for h in kb.search("停车收费", place=XISHAN)} == {national.id}
    assert {h.entry.id for h in kb.search("停车收费")} == {national.id}  # no place: national only
    next_year = {h.entry.title for h in kb.search("停车收费", place=STREET, day=date(2027, 1, 2))}
    assert "明年的停车收费标准" in next_year and "旧的停车收费标准" not in next_year


def test_replacing_an_entry_replaces_what_a_search_reads(kb: KnowledgeBase, store: KnowledgeStore) -> None:
    first, new = kb.put(entry("社保卡补办需要什么材料", "携带身份证办理。"))
    assert new
    second, new = kb.put(replace(first, title="居住证办理需要什么材料", answer="携带租房合同办理。"))
    assert not new and second.id == first.id
    assert kb.search("社保卡补办", place=STREET) == []
    assert [h.entry.id for h in kb.search("居住证", place=STREET)] == [first.id]
    assert len(store.entries()) == 1


def test_a_consultation_answered_is_counted_apart_without_the_callers_number(kb: KnowledgeBase) -> None:
    card, _ = kb.put(entry("社保卡补办需要什么材料", "携带身份证办理。"))
    answered = kb.answer(question="我叫王小明，电话13912345678，社保卡丢了怎么补办", entry_id=card.id,
                         by=CENTRE, place=STREET, channel=Channel.PHONE)
    assert "13912345678" not in answered.question and "王小明" not in answered.question
    assert answered.id.startswith("Q") and len(answered.id) == 20
    day = (NOW - timedelta(hours=3), NOW + timedelta(hours=1))
    assert [c.id for c in kb.consultations(scope="320200", start=day[0], end=day[1])] == [answered.id]
    assert [c.id for c in kb.consultations(scope=LIANGXI, start=day[0], end=day[1])] == [answered.id]
    assert kb.consultations(scope=XISHAN, start=day[0], end=day[1]) == []
    assert kb.consultations(scope="320200", start=day[1], end=day[1] + timedelta(days=1)) == []


def test_an_answer_needs_an_entry_in_force_where_the_caller_is(kb: KnowledgeBase) -> None:
    old, _ = kb.put(entry("旧的停车收费标准", "停车首小时三元。", until=date(2026, 6, 30)))
    local, _ = kb.put(entry("梁溪区停车收费标准", "首小时五元。"))
    with pytest.raises(DomainError) as err:
        kb.answer(question="停车怎么收费", entry_id=old.id, by=CENTRE, place=STREET)
    assert (err.value.code, err.value.params["state"]) == ("knowledge.not_in_force", "expired")
    with pytest.raises(DomainError) as err:
        kb.answer(question="停车怎么收费", entry_id=local.id, by=CENTRE, place=XISHAN)
    assert err.value.code == "knowledge.out_of_scope"
    with pytest.raises(DomainError) as err:
        kb.answer(question="停车怎么收费", entry_id="K-none", by=CENTRE, place=STREET)
    assert err.value.code == "knowledge.unknown"
    assert kb.consultations(scope="320200", start=NOW - timedelta(days=1), end=NOW + timedelta(days=1)) == []


def test_entries_to_review_are_flagged_to_their_owner_soonest_first(kb: KnowledgeBase) -> None:
    kb.put(entry("长期有效的条目标题", "长期有效。"))
    soon, _ = kb.put(entry("即将到期的条目标题", "年底到期。", until=date(2026, 12, 31)))
    gone, _ = kb.put(entry("已经过期的条目标题", "已过期。", until=date(2026, 11, 30)))
    flagged = kb.flagged(owner=HR)
    assert [(e.id, v) for e, v in flagged] == [(gone.id, Validity.EXPIRED), (soon.id, Validity.EXPIRING)]
    assert kb.flagged(owner="320213-housing") == []


@pytest.mark.parametrize(("change", "code"), [
    ({"owner": "320213-nonexistent"}, "department.unknown"),
    ({"scope": "329999"}, "jurisdiction.unknown"),
    ({"matter": "no_such_matter"}, "matter.unknown"),
    ({"title": ""}, "knowledge.field_required"),
])
def test_bad_entries_are_refused_and_nothing_is_stored(kb: KnowledgeBase, store: KnowledgeStore,
                                                       change: dict[str, str], code: str) -> None:
    with pytest.raises(DomainError) as err:
        kb.put(replace(entry("社保卡补办需要什么材料", "携带身份证办理。"), **change))  # type: ignore[arg-type]
    assert err.value.code == code
    assert store.entries() == []


def test_bad_searches_are_refused(kb: KnowledgeBase) -> None:
    with pytest.raises(DomainError) as err:
        kb.search("社保", limit=0)
    assert err.value.code == "knowledge.bad_limit"
    with pytest.raises(DomainError) as err:
        kb.search("社保", place="329999")
    assert err.value.code == "jurisdiction.unknown"


@pytest.mark.postgres
def test_postgres_searches_through_the_gin_index(pg_url: str) -> None:
    engine = make_engine(pg_url)
    migrate.upgrade(engine)
    kb = KnowledgeBase(SqlKnowledgeStore(engine), jiangsu(), case_rules().router, catalogue().matters,
                       ManualClock(NOW))
    kb.put(entry("社保卡补办需要什么材料", "携带身份证办理。"))
    with engine.connect() as conn:
        conn.execute(text("SET enable_seqscan = off"))
        card = "'社保卡'"
        query = f"SELECT id FROM knowledge_entry WHERE ({PG_VECTOR}) @@ to_tsquery('simple', :q)"
        plan = "\n".join(r[0] for r in conn.execute(text("EXPLAIN " + query), {"q": card}))
    engine.dispose()
    assert "ix_knowledge_search" in plan
