"""Open311 GeoReport v2 against a real server: posted as Open311 clients post (form-encoded, with
an api_key), read back with the `georeport` client package in JSON and in XML."""

from __future__ import annotations

import httpx
import pytest
from georeport import GeoReport

KEY = "demo-open311-key"


def post(server: str, fmt: str, **fields: str) -> httpx.Response:
    return httpx.post(f"{server}/open311/v2/requests.{fmt}", data={"api_key": KEY, **fields})


def test_post_then_read_back_with_a_real_open311_client(server: str) -> None:
    by_point = post(server, "json", service_code="social_life_noise", lat="31.5700", long="120.3000",
                    description="广场舞音响夜间扰民", first_name="三", last_name="张", phone="13812345678")
    assert by_point.status_code == 201, by_point.text
    point_id = by_point.json()[0]["service_request_id"]
    by_address = post(server, "xml", service_code="road_damage",
                      address_string="江苏省无锡市梁溪区崇安寺街道人民中路", description="路面塌陷")
    assert by_address.status_code == 201 and by_address.headers["content-type"].startswith("text/xml")
    assert "<service_request_id>" in by_address.text

    for fmt in ("json", "xml"):
        client = GeoReport(root_address=f"{server}/open311/v2", output_format=fmt)
        services = client.get_service_list()
        codes = {s["service_code"] for s in services}
        assert {"social_life_noise", "road_damage", "wage_arrears"} <= codes
        noise = next(s for s in services if s["service_code"] == "social_life_noise")
        assert noise["group"] == "城市管理"
        definition = client.get_service_definition("production_accident")
        assert definition["service_code"] == "production_accident"
        requests_ = client.get_service_requests()
        listed = requests_ if isinstance(requests_, list) else [requests_]
        assert point_id in {r["service_request_id"] for r in listed}
        one = client.get_service_request(point_id)
        assert one["service_code"] == "social_life_noise" and one["status"] == "open"
        assert one["agency_responsible"] == "梁溪区城市管理局" or one["agency_responsible"].endswith(
            "综合行政执法队")
        assert str(one["lat"]).startswith("31.57")
        assert "13812345678" not in str(one) and "张" not in str(one)
    address_case = GeoReport(root_address=f"{server}/open311/v2").get_service_request(
        by_address.text.split("<service_request_id>")[1].split("<")[0])
    assert address_case["address_id"] == "320213001"


@pytest.mark.parametrize(("fields", "status", "words"), [
    ({"service_code": "social_life_noise", "lat": "0", "long": "0", "description": "x"}, 400, "不在中国"),
    ({"service_code": "social_life_noise", "address_string": "火星基地", "description": "x"}, 400,
     "未能对应"),
    ({"service_code": "social_life_noise", "address_string": "新华区", "description": "x"}, 400,
     "多个可能"),
    ({"service_code": "no_such", "address_string": "无锡市梁溪区", "description": "x"}, 400, "未知的事项"),
    ({"service_code": "social_life_noise", "description": "x"}, 400, "缺少位置"),
])
def test_bad_requests_are_refused_in_the_open311_error_format(server: str, fields: dict[str, str],
                                                              status: int, words: str) -> None:
    before = httpx.get(f"{server}/open311/v2/requests.json").json()
    answer = post(server, "json", **fields)
    assert answer.status_code == status
    body = answer.json()
    assert body[0]["code"] == status and words in body[0]["description"]
    assert httpx.get(f"{server}/open311/v2/requests.json").json() == before  # nothing stored
    xml = post(server, "xml", **fields)
    assert xml.status_code == status and "<errors><error><code>" in xml.text


def test_a_bad_api_key_is_refused(server: str) -> None:
    answer = httpx.post(f"{server}/open311/v2/requests.json",
                        data={"api_key": "stolen", "service_code": "road_damage",
                              "address_string": "无锡市梁溪区", "description": "x"})
    assert answer.status_code == 403 and answer.json()[0]["code"] == 403
