"""Cases for the tests: the 12345 centre that dispatches them, and a case walked whole through the
REST API of a real server."""

from __future__ import annotations

from typing import Any

import httpx

from tests.factories.accounts import token

CENTRE = "320200-gov"
"""The 12345 centre of 无锡, which dispatches the city's cases."""

STREET = "320213001"  # 崇安寺街道: garbage there is handled by the street's law-enforcement team


def case_through_the_api(server: str, *, solved: bool, rating: str, close: bool) -> str:
    """Report, dispatch, acknowledge, resolve and follow up a case (and close it if asked)."""
    centre, street = token(server, "centre"), token(server, "chongansi_zhifa")
    made = httpx.post(f"{server}/api/cases", json={
        "matter": "garbage_collection", "affected": [STREET], "description": "中山路垃圾桶满溢（看板测试）"})
    assert made.status_code == 201, made.text
    case_id: str = made.json()["case_id"]
    steps: list[tuple[str, dict[str, str], dict[str, Any] | None]] = [
        ("dispatch", centre, None), ("acknowledge", street, None),
        ("resolve", street, {"summary": "已清运", "public_note": "已处理"}),
        ("follow-up", centre, {"solved": solved, "rating": rating})]
    if close:
        steps.append(("close", centre, None))
    for step, who, body in steps:
        answer = httpx.post(f"{server}/api/cases/{case_id}/{step}", headers=who, json=body)
        assert answer.status_code == 200, f"{step}: {answer.text}"
    return case_id
