"""The organisation browser and API through a real HTTP server."""

from __future__ import annotations

import httpx


def test_home_page_lists_the_hierarchy(server: str) -> None:
    page = httpx.get(f"{server}/")
    assert page.status_code == 200
    html = page.text
    assert "中华人民共和国" in html and "国务院" in html
    for province in ("北京市", "江苏省", "新疆维吾尔自治区", "澳门特别行政区"):
        assert province in html
    assert "38,723" in html  # townships of the national list


def test_drill_down_to_a_township_and_switch_language(server: str) -> None:
    page = httpx.get(f"{server}/org/320213")
    assert page.status_code == 200
    assert "梁溪生态环境分局" in page.text and "崇安寺街道" in page.text
    assert "江苏省" in page.text  # the breadcrumb trail
    english = httpx.get(f"{server}/org/320213", params={"lang": "en"})
    assert "Subordinate jurisdictions" in english.text and 'lang="en"' in english.text


def test_unknown_page_and_api_errors_in_the_requests_language(server: str) -> None:
    page = httpx.get(f"{server}/org/329999")
    assert page.status_code == 404 and "329999" in page.text
    api = httpx.get(f"{server}/api/org/329999", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert api.status_code == 404
    body = api.json()
    assert body["code"] == "jurisdiction.unknown"
    assert body["message"].startswith("Unknown jurisdiction code '329999'")
    zh = httpx.get(f"{server}/api/org/329999")
    assert zh.json()["message"].startswith("未知的行政区划代码")
    bad = httpx.get(f"{server}/api/org/search")
    assert bad.status_code == 422 and bad.json()["code"] == "request.invalid"


def test_api_reads(server: str) -> None:
    detail = httpx.get(f"{server}/api/org/110101").json()
    assert [u["code"] for u in detail["path"]] == ["100000", "110000", "110101"]
    lca = httpx.get(f"{server}/api/org/lca", params=[("codes", "320213"), ("codes", "320506")])
    assert lca.json()["name"] == "江苏省"
    matters = httpx.get(f"{server}/api/matters").json()
    assert len(matters) >= 60 and {"code", "lead", "limits"} <= set(matters[0])
    systems = httpx.get(f"{server}/api/systems").json()
    assert {s["code"] for s in systems} >= {"public_security", "petition"}
    assert "/api/org/{code}" in httpx.get(f"{server}/openapi.json").json()["paths"]
    page = httpx.get(f"{server}/matters")
    assert page.status_code == 200 and "拖欠" in page.text
    noise = httpx.get(f"{server}/matters", params={"mq": "噪声"})
    assert noise.status_code == 200 and "建筑施工噪声扰民" in noise.text and "拖欠" not in noise.text
    by_keyword = httpx.get(f"{server}/matters", params={"mq": "广场舞", "lang": "en"})
    assert "Social-life noise" in by_keyword.text and "1 / 110" in by_keyword.text
    hits = httpx.get(f"{server}/search", params={"q": "新华区"})
    assert hits.text.count("新华区") >= 3
