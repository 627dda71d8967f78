"""The routing path's look-up of a case's matter (``LocalCatalogues.defined``) answers exactly as
``matter(..., strict=False)`` does, whether the places were seen before or not."""

from __future__ import annotations

from datetime import UTC, datetime

from liandong.domain.responsibility import Severity
from tests.factories.catalogues import catalogue_rules, jiangsu_catalogues

LIANGXI, XISHAN, GULOU = "320213", "320205", "320106"
TIMES = [datetime(2027, 2, 10, 2, tzinfo=UTC), datetime(2027, 2, 28, 16, 30, tzinfo=UTC),
         datetime(2027, 3, 2, 2, tzinfo=UTC), datetime(2027, 6, 2, 2, tzinfo=UTC)]


def test_the_fast_look_up_answers_as_the_non_strict_one_for_seen_and_unseen_places() -> None:
    fast, slow = jiangsu_catalogues(), jiangsu_catalogues()
    for places in ((LIANGXI,), [LIANGXI], (GULOU,), (LIANGXI, XISHAN), (LIANGXI, GULOU)):
        for at in TIMES:
            for code in ("construction_noise", "canal_boat_noise", "social_life_noise"):
                for _ in range(2):  # first unseen, then from the cache
                    assert fast.defined(code, places, at) == slow.matter(code, places, at, strict=False)
    # an added matter outside its scope falls back on its newest definition, as before
    assert fast.defined("canal_boat_noise", (GULOU,), TIMES[-1]) == fast.base().get("canal_boat_noise")
    assert fast.defined("canal_boat_noise", (GULOU,), TIMES[-1]).lead == "transport"


def test_catalogue_reasons_are_the_same_from_the_cache() -> None:
    rules = catalogue_rules()
    matter = rules.matter("construction_noise", [LIANGXI], TIMES[-1])
    first, again = (rules.router.route(matter=matter, severity=Severity.ROUTINE, affected=[LIANGXI])
                    for _ in range(2))
    assert first == again
    assert [r.args[:2] for r in first.reasons if r.rule.value == "catalogue"] == [
        ("江苏省", "2027.1"), ("无锡市", "2027.1")]
