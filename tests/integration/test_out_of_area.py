"""A report for a place outside the area this platform serves is refused at once (issue 24 point 7):
naming the area served and the province and city the place belongs to, in the reader's language,
with nothing stored — at the portal, over REST and Open311 alike (they share ``services.intake``)."""

from __future__ import annotations

import html
import re
from pathlib import Path

from liandong.config import Settings
from tests.factories.deployments import app_client, deployed, signed_in

SUZHOU = "江苏省苏州市姑苏区平江路街道干将东路 100 号"  # not served: the deployment is 无锡 (320200)


def test_a_report_from_another_city_is_refused_naming_where_it_belongs(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    people = {"intake": ("320200-gov", ["dispatcher"])}
    platform = deployed(settings, ("320200",), people)
    client = app_client(settings, platform)
    headers = signed_in(client, people)["intake"]
    for lang, words in (("zh", ("“姑苏区”属于江苏省苏州市", "本平台服务：无锡市", "未被保存")),
                        ("en", ("'姑苏区' belongs to 江苏省苏州市", "this platform serves (无锡市)",
                                "Nothing of this report was kept"))):
        page = client.get("/portal", params={"lang": lang})
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert csrf is not None
        answer = client.post(f"/portal?lang={lang}", data={
            "csrf": csrf.group(1), "matter": "road_damage", "address": SUZHOU, "description": "路面塌陷",
            "submission": "y" * 24})
        error = re.search(r'id="address-error">([^<]*)<', answer.text)
        assert answer.status_code == 422 and error is not None, answer.text[-1500:]
        assert all(word in html.unescape(error.group(1)) for word in words), error.group(1)
    api = client.post("/api/cases", headers=headers, json={
        "matter": "road_damage", "affected": ["320508"], "description": "路面塌陷"})
    assert api.status_code == 422 and api.json()["code"] == "place.outside_area_of"
    assert "江苏省苏州市" in api.json()["message"]
    assert platform.queries().any_case() is False  # nothing stored
