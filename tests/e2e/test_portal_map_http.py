"""The report form's map, suggestions, "already reported?" and "me too" over HTTP on a real server
(initialised for 无锡, 320200): the pin gives the district and the address the township, a
disagreement or a pin outside the area is answered in the user's language, and the nearby list
shows public fields only."""

from __future__ import annotations

import re
import uuid

import httpx

from tests.support.portal_form import hidden, opened

PIN = {"lat": "31.578", "lng": "120.300", "crs": "wgs84"}  # 梁溪区, WGS-84
SUZHOU = {"lat": "31.30", "lng": "120.62", "crs": "wgs84"}  # 姑苏区, 苏州: outside the area served


def test_the_pin_gives_the_district_and_the_address_the_township(server: str) -> None:
    answer = httpx.get(f"{server}/portal/place.json", params={**PIN, "address": "崇安寺街道人民中路123号"})
    assert answer.status_code == 200, answer.text
    place = answer.json()
    assert place["county"]["code"] == "320213" and place["code"] == "320213001"
    assert place["named"]["name"] == "崇安寺街道" and place["point"] == "31.578000,120.300000"
    # a street and number alone: the pin gives the place
    bare = httpx.get(f"{server}/portal/place.json", params={**PIN, "address": "人民中路123号"}).json()
    assert bare["code"] == "320213" and bare["named"] is None


def test_a_disagreement_or_a_pin_outside_the_area_is_answered_not_settled(server: str) -> None:
    answer = httpx.get(f"{server}/portal/place.json", params={**PIN, "address": "蠡园街道湖滨路1号"})
    assert answer.status_code == 422
    assert answer.json()["code"] == "place.disagree"
    assert "梁溪区" in answer.json()["message"] and "滨湖区" in answer.json()["message"]
    outside = httpx.get(f"{server}/portal/place.json", params={**SUZHOU, "lang": "en"})
    assert outside.status_code == 422 and outside.json()["code"] == "place.outside_area_of"
    assert "Suzhou" in outside.json()["message"] or "苏州" in outside.json()["message"]
    assert "outside the area" in outside.json()["message"]
    nowhere = httpx.get(f"{server}/portal/place.json", params={"lat": "0", "lng": "0"})
    assert nowhere.json()["code"] == "place.outside_china"
    junk = httpx.get(f"{server}/portal/place.json", params={"lat": "north", "lng": "1"})
    assert junk.status_code == 422 and junk.json()["code"] == "place.no_point"


def test_the_classifier_suggests_three_matters_as_the_citizen_types(server: str) -> None:
    text = "小区门口垃圾桶满了好几天没人清运，臭味很大"
    answer = httpx.get(f"{server}/portal/suggest.json", params={"text": text})
    found = answer.json()["suggestions"]
    assert 1 <= len(found) <= 3 and found[0]["matter"] == "garbage_collection", found
    assert {"matter", "name", "category", "confidence"} <= set(found[0])
    english = httpx.get(f"{server}/portal/suggest.json", params={"text": "垃圾桶满了没人清运", "lang": "en"})
    assert english.json()["suggestions"][0]["category"] == "Urban management"
    assert httpx.get(f"{server}/portal/suggest.json", params={"text": "嗯"}).json() == {"suggestions": []}


def reported(server: str, description: str, **fields: str) -> None:
    client, form = opened(server)
    answer = client.post("/portal", data={**form, "matter": "garbage_collection", "description": description,
                                          **fields})
    assert answer.status_code == 201, answer.text[-1500:]


def test_a_report_with_a_pin_and_a_bare_street_is_taken_and_found_nearby_redacted(server: str) -> None:
    tag = uuid.uuid4().hex[:6]
    reported(server, f"人民中路垃圾堆了三天 {tag}，我叫张三，电话13812345678", address="人民中路123号", **PIN)
    answer = httpx.get(f"{server}/portal/nearby.json", params={"matter": "garbage_collection", **PIN})
    assert answer.status_code == 200
    mine = [r for r in answer.json()["reports"] if tag in r["description"]]
    assert len(mine) == 1, answer.json()
    row = mine[0]
    assert "13812345678" not in row["description"] and "张三" not in row["description"]
    assert "〔电话〕" in row["description"] and row["place"] == "梁溪区" and row["distance_m"] == 0
    assert set(row) == {"ref", "matter", "place", "received", "status", "description", "supporters",
                        "distance_m"}
    assert "123号" not in str(row)  # the address never leaves the case
    other = httpx.get(f"{server}/portal/nearby.json", params={"matter": "social_life_noise", **PIN}).json()
    assert all(tag not in r["description"] for r in other["reports"])
    unknown = httpx.get(f"{server}/portal/nearby.json", params={"matter": "nope", **PIN})
    assert unknown.status_code == 422 and unknown.json()["code"] == "matter.unknown"


def test_me_too_raises_the_case_and_refuses_what_it_cannot(server: str) -> None:
    tag = uuid.uuid4().hex[:6]
    reported(server, f"垃圾桶满溢 {tag}", address="崇安寺街道人民中路5号", **PIN)
    rows = httpx.get(f"{server}/portal/nearby.json", params={"matter": "garbage_collection", **PIN,
                                                           "address": "崇安寺街道"}).json()["reports"]
    ref = next(r["ref"] for r in rows if tag in r["description"])
    client, _ = opened(server)
    page = client.get("/portal").text
    csrf = re.search(r'id="metoo-form"[^>]*>\s*<input type="hidden" name="csrf" value="([^"]+)"', page)
    assert csrf, "no me-too form"
    done = client.post("/portal/metoo", data={"csrf": csrf.group(1), "ref": ref})
    assert done.status_code == 201 and ref in done.text
    after = httpx.get(f"{server}/portal/nearby.json", params={"matter": "garbage_collection", **PIN}).json()
    assert next(r for r in after["reports"] if r["ref"] == ref)["supporters"] == 1
    missing = client.post("/portal/metoo", data={"csrf": hidden(page, "csrf"), "ref": "320200-20000101-0001"})
    assert missing.status_code == 404 and "320200-20000101-0001" in missing.text
    forged = httpx.post(f"{server}/portal/metoo", data={"ref": ref})
    assert forged.status_code == 403


def test_a_report_form_refuses_a_pin_against_its_address_naming_both(server: str) -> None:
    client, form = opened(server, "en")
    answer = client.post("/portal?lang=en", data={**form, "matter": "garbage_collection", "description": "x",
                                                  "address": "蠡园街道湖滨路1号", **PIN})
    assert answer.status_code == 422
    assert "Move the pin or change the address" in answer.text and 'value="31.578"' in answer.text
    outside = client.post("/portal?lang=en", data={**form, "matter": "garbage_collection", "description": "x",
                                                   **SUZHOU})
    assert outside.status_code == 422 and 'href="#place-map"' in outside.text
    assert "outside the area this platform serves" in outside.text


def test_a_matter_never_public_is_never_listed(server: str) -> None:
    tag = uuid.uuid4().hex[:6]
    client, form = opened(server)
    answer = client.post("/portal", data={**form, "matter": "telecom_fraud", **PIN, "address": "崇安寺街道",
                                          "description": f"接到冒充客服的诈骗电话 {tag}"})
    assert answer.status_code == 201, answer.text[-1500:]
    listed = httpx.get(f"{server}/portal/nearby.json", params={"matter": "telecom_fraud", **PIN})
    assert listed.status_code == 200 and listed.json() == {"reports": []}
