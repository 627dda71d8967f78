"""A case waiting on a decision above shows whom it waits on (resource requests, issue 7)."""

from __future__ import annotations

import httpx

from tests.factories.accounts import session, token
from tests.factories.cases import STREET


def test_the_case_page_names_the_level_it_waits_on(server: str) -> None:
    centre, street = token(server, "centre"), token(server, "chongansi_zhifa")
    made = httpx.post(f"{server}/api/cases", json={
        "matter": "garbage_collection", "affected": [STREET], "description": "垃圾中转站满溢（资源测试）"})
    cid = made.json()["case_id"]
    ask = {"resource": "压缩式垃圾车 1 辆", "approver": "320213-gov"}
    steps = (("dispatch", centre, None), ("acknowledge", street, None), ("resource", street, ask))
    for step, who, body in steps:
        answer = httpx.post(f"{server}/api/cases/{cid}/{step}", headers=who, json=body)
        assert answer.status_code == 200, f"{step}: {answer.text}"
    page = session(server, "chongansi_zhifa").get(f"/work/cases/{cid}")
    assert page.status_code == 200
    assert 'id="case-waiting"' in page.text and "梁溪区人民政府 · 资源决定（压缩式垃圾车 1 辆）" in page.text
    english = session(server, "chongansi_zhifa").get(f"/work/cases/{cid}", params={"lang": "en"})
    assert "Waiting on" in english.text and "a resource decision" in english.text
    county = token(server, "liangxi_leader")
    decided = httpx.post(f"{server}/api/cases/{cid}/resource-decision", headers=county,
                         json={"approve": True, "reason": "调派"})
    assert decided.status_code == 200, decided.text
    assert 'id="case-waiting"' not in session(server, "chongansi_zhifa").get(f"/work/cases/{cid}").text
