"""The page of a level's and a department's powers (issue 23, point 4), in Chinese and English, and
the case API refusing a dispatch the governance elements do not grant, in the app as the server runs it."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from liandong.bootstrap import bootstrap
from liandong.config import Settings
from liandong.server.app import create_app
from tests.factories.deployments import LOCAL, app_client, deployed, signed_in


def client(tmp_path: Path) -> TestClient:
    app = create_app(Settings(data_dir=tmp_path), platform=bootstrap(memory=True))
    return TestClient(app, base_url=LOCAL)


def test_a_page_per_level_and_department_says_what_it_may_do_and_why(tmp_path: Path) -> None:
    web = client(tmp_path)
    org = web.get("/org/320213001")
    assert org.status_code == 200 and 'href="/org/320213001/powers?lang=zh"' in org.text
    page = web.get("/org/320213001-veterans/powers")
    assert page.status_code == 200
    html = page.text
    assert "职权：崇安寺退役军人服务站" in html and "职能部门（条）" in html
    assert "乡级的“派单、改派与并单”由属地政府行使（治理要素：基层治理）" in html
    assert "不可以" in html and "承接提级" not in html  # a township takes no escalation over
    centre = web.get("/org/100000/powers", params={"lang": "en"})
    assert centre.status_code == 200 and 'lang="en"' in centre.text
    assert "the governance elements of the central level do not grant" in centre.text
    assert "Routine: no escalation is taken over here" in centre.text
    city = web.get("/org/320200/powers").text
    assert "无锡市人民政府" in city and "治理要素：沟通协调（由属地政府行使）" in city
    assert "一般诉求：110 类事项可提级至本级" in city
    missing = web.get("/org/320213001-nonesuch/powers")
    assert missing.status_code == 404 and "320213001-nonesuch" in missing.text


def test_the_api_refuses_a_dispatch_the_elements_do_not_grant(tmp_path: Path) -> None:
    people = {"veterans": ("320213001-veterans", ["dispatcher"]),
              "ministry": ("100000-public_security", ["dispatcher"]),
              "centre": ("320200-gov", ["dispatcher"])}
    settings = Settings(data_dir=tmp_path)
    platform = deployed(settings, ["320213"], people)
    api = app_client(settings, platform)
    headers = signed_in(api, people)
    case_id = api.post("/api/cases", json={"matter": "catering_fume", "affected": ["320213001"],
                                           "description": "饭店油烟直排"}).json()["case_id"]
    station = api.post(f"/api/cases/{case_id}/dispatch", json={}, headers=headers["veterans"])
    assert station.status_code == 403 and station.json()["code"] == "power.government_only"
    assert "崇安寺退役军人服务站（320213001-veterans）不能派单" in station.json()["message"]
    ministry = api.post(f"/api/cases/{case_id}/dispatch", json={},
                        headers={**headers["ministry"], "Accept-Language": "en"})
    assert ministry.status_code == 403 and ministry.json()["code"] == "power.not_granted"
    assert "the governance elements of the central level" in ministry.json()["message"]
    assert api.post(f"/api/cases/{case_id}/dispatch", json={}, headers=headers["centre"]).status_code == 200
