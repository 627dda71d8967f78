"""不合理诉求认定 over HTTP (issue 25 point 5): the routes derived from the declarations, with the
registry's roles — the centre rules, the lead appeals, the province (the centre's supervisor)
rules finally, and the appeal waits in the province's 待办 meanwhile."""

from __future__ import annotations

from pathlib import Path

import pytest

from liandong.config import Settings
from tests.factories.deployments import app_client, deployed, signed_in

PEOPLE = {
    "lead": ("320213-urban_management", ["handler"]),
    "centre": ("320200-gov", ["dispatcher"]),
    "province": ("320000-gov", ["leader"]),
}


def test_the_finding_its_appeal_and_the_ruling_over_the_api(tmp_path: Path) -> None:
    platform = deployed(Settings(data_dir=tmp_path), ("320213",), PEOPLE)
    client = app_client(None, platform)
    headers = signed_in(client, PEOPLE)
    places = ["320213001", "320213015"]  # two streets: the county's urban management leads
    cid = client.post("/api/cases", json={"matter": "social_life_noise", "affected": places,
                                          "description": "要求取缔夜市"}).json()["case_id"]
    assert client.post(f"/api/cases/{cid}/dispatch", headers=headers["centre"]).status_code == 200

    def post(who: str, slug: str, body: dict[str, str]) -> tuple[int, dict[str, object]]:
        answer = client.post(f"/api/cases/{cid}/{slug}", json=body, headers=headers[who])
        return answer.status_code, answer.json()

    code, body = post("lead", "adjudicate", {"finding": "unreasonable", "reason": "x"})
    assert code == 403 and body["code"] == "access.role_required"  # a handler does not adjudicate
    code, body = post("centre", "adjudicate", {"finding": "out_of_remit", "reason": "超出政府职能"})
    assert code == 200, body
    code, body = post("lead", "adjudication-appeal", {"reason": "属本单位可处置事项"})
    assert code == 200, body
    waiting = client.get("/api/inbox/320000-gov", headers=headers["province"])
    assert waiting.status_code == 200, waiting.text  # the province's 待办 lists the appeal to rule on
    assert cid in waiting.text and "rule_appeal" in waiting.text
    code, body = post("province", "appeal-ruling", {"decision": "overturn", "finding": "unreasonable",
                                                    "reason": "属不合理诉求"})
    assert code == 200, body
    code, body = post("province", "appeal-ruling", {"decision": "uphold", "reason": "again"})
    assert code in (400, 409, 422) and body["code"] == "case.no_appeal_pending"
    with platform.uow() as u:
        case = u.cases.get(cid)
        assert case is not None and case.record.adjudication is not None
        assert case.record.adjudication.finding == "unreasonable"
        assert case.record.adjudication.centre_finding == "out_of_remit"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_bad_finding_is_refused_in_words(tmp_path: Path, lang: str) -> None:
    platform = deployed(Settings(data_dir=tmp_path), ("320213",), PEOPLE)
    client = app_client(None, platform)
    headers = signed_in(client, PEOPLE)
    cid = client.post("/api/cases", json={"matter": "social_life_noise", "affected": ["320213001"],
                                          "description": "噪声"}).json()["case_id"]
    client.post(f"/api/cases/{cid}/dispatch", headers=headers["centre"])
    answer = client.post(f"/api/cases/{cid}/adjudicate", json={"finding": "silly", "reason": "x"},
                         headers={**headers["centre"], "Accept-Language": lang})
    assert answer.status_code in (400, 422)
    assert answer.json()["code"] == "request.invalid"  # the edge checks the declared choices
    assert "finding" in answer.text and "out_of_remit" in answer.text
