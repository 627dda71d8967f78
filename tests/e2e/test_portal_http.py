"""The public portal over HTTP on a real server: report, CSRF, refusals next to their fields, the
tracking page, rating once resolved, the receipt, and the English pages."""

from __future__ import annotations

import html
import io
import itertools
import json
import re
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from PIL import Image

from liandong.ledger.receipt import check_receipt
from tests.factories.accounts import signed_in, token
from tests.factories.photos import jpeg as real_jpeg
from tests.factories.photos import png, png_bomb

ADDRESS = "江苏省无锡市梁溪区崇安寺街道中山路 1 号"  # in the initialised scope (无锡, 320200)
CODE = re.compile(r'id="tracking-code"[^>]*>([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})<')


def hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert found, f"no {name} field on the page"
    return found.group(1)


_HOSTS = itertools.count(1)


def an_address() -> str:
    """A client address of its own (TEST-NET-2), as a proxy on loopback forwards it: the server
    counts portal reports per address, and the test server trusts X-Forwarded-For from 127.0.0.1
    (``LIANDONG_TRUSTED_PROXIES``)."""
    return f"198.51.100.{next(_HOSTS)}"


def opened(server: str, lang: str = "zh", address: str = "") -> tuple[httpx.Client, dict[str, str]]:
    """A citizen's browser on the report form (from an address of its own): its cookies and the
    form's hidden fields, with the box ticked that lets the description be public (these tests read
    their reports back through the public Open311 list, which shows no description otherwise)."""
    client = httpx.Client(base_url=server, headers={"X-Forwarded-For": address or an_address()})
    page = client.get("/portal", params={"lang": lang})
    assert page.status_code == 200
    return client, {"csrf": hidden(page.text, "csrf"), "submission": hidden(page.text, "submission"),
                    "publish": "yes"}


def report(server: str, description: str, **fields: str) -> tuple[httpx.Client, str]:
    """Report through the portal; the browser and the tracking code it was given."""
    client, form = opened(server)
    answer = client.post("/portal", data={**form, "matter": "garbage_collection", "address": ADDRESS,
                                          "description": description, **fields})
    assert answer.status_code == 201, answer.text[-2000:]
    found = CODE.search(answer.text)
    assert found, answer.text[-2000:]
    return client, found.group(1)


def stored_since(server: str, since: datetime) -> list[dict[str, Any]]:
    """The cases reported since ``since`` (read back through Open311)."""
    answer = httpx.get(f"{server}/open311/v2/requests.json",
                       params={"start_date": since.strftime("%Y-%m-%dT%H:%M:%SZ")})
    assert answer.status_code == 200
    rows: list[dict[str, Any]] = answer.json()
    return rows


def stored(server: str, since: datetime, description: str) -> list[dict[str, Any]]:
    """The cases with this description reported since ``since``."""
    return [row for row in stored_since(server, since) if row["description"] == description]


def field_error(page: str, field: str) -> str:
    found = re.search(rf'id="{field}-error">([^<]*)<', page)
    assert found, f"no error next to {field}"
    return html.unescape(found.group(1))


def control(page: str, field: str) -> str:
    """The opening tag of the form control with this id."""
    found = re.search(rf'<(?:input|select|textarea) id="{field}"[^>]*>', page)
    assert found, f"no control {field}"
    return found.group(0)


def test_the_form_is_labelled_and_grouped(server: str) -> None:
    page = httpx.get(f"{server}/portal").text
    for field in ("matter", "address", "county", "description", "name", "phone", "photo"):
        assert f'<label for="{field}">' in page, field
    assert '<optgroup label="城市管理"' in page and 'value="garbage_collection"' in page
    assert 'accept="image/jpeg,image/png,image/webp"' in control(page, "photo")
    assert 'enctype="multipart/form-data"' in page
    assert 'data-parent="320200"' in page and '<option value="320213">梁溪区</option>' in page  # the map
    assert '<script src="/vendor/leaflet.js"></script>' in page
    for asset in ("/static/portal.js", "/static/portal_map.js", "/vendor/leaflet.js", "/vendor/leaflet.css"):
        assert httpx.get(f"{server}{asset}").status_code == 200, asset


def test_a_report_gives_a_code_that_opens_the_public_status(server: str) -> None:
    since = datetime.now(UTC) - timedelta(seconds=2)
    description = f"中山路垃圾桶满溢三天没人清运（门户 {uuid.uuid4().hex[:8]}）"
    client, form = opened(server)
    fields = {**form, "matter": "garbage_collection", "address": ADDRESS, "description": description,
              "name": "王五", "phone": "139 0000 1111"}
    photo = {"photo": ("scene.png", png(), "image/png")}  # cleaned, kept for the handlers
    answer = client.post("/portal", data=fields, files=photo)
    assert answer.status_code == 201
    code = CODE.search(answer.text)
    assert code and 'id="copy-code"' in answer.text and 'id="photo-note"' in answer.text
    link = re.search(r'id="track-link" href="([^"]+)"', answer.text)
    assert link and html.unescape(link.group(1)) == f"/portal/track?code={code.group(1)}&lang=zh"
    [case] = stored(server, since, description)
    # resolved to the township, which is all a public read shows of where (never the typed address)
    assert case["address_id"] == "320213001" and case["address"] == "江苏省 无锡市 梁溪区 崇安寺街道"
    # the photo reaches the centre: a thumbnail on the report's card in the dispatch console
    centre = signed_in(server, "centre")
    console = centre.get("/work/dispatch").text
    card = console[console.index(f'id="report-{case["service_request_id"]}"'):].split("</article>")[0]
    thumb = re.search(r'<ul class="photos card-photos"[^>]*><li><a href="[^"]+"><img src="([^"]+)"', card)
    assert thumb, card
    assert centre.get(thumb.group(1)).headers["content-type"] == "image/jpeg"

    again = client.post("/portal", data=fields)  # the same form sent twice: one case, no second code
    assert again.status_code == 200 and 'id="duplicate-notice"' in again.text and not CODE.search(again.text)
    assert len(stored(server, since, description)) == 1
    edited = client.post("/portal", data={**fields, "description": description + "，又补充一句"})
    assert edited.status_code == 201 and CODE.search(edited.text)  # back, edit, send: a new report

    page = client.get(html.unescape(link.group(1)))
    assert page.status_code == 200 and 'content="no-referrer"' in page.text
    assert '<h2 id="case-matter">垃圾清运不及时</h2>' in page.text
    assert 'data-state="received"' in page.text and "<td>受理</td>" in page.text
    assert re.search(r"<td>\d{4}-\d\d-\d\d \d\d:\d\d</td>", page.text)  # Asia/Shanghai, to the minute
    assert "王五" not in page.text and "1111" not in page.text and description not in page.text
    assert 'id="verify-receipt"' in page.text
    assert 'id="verify-result" role="status" aria-live="polite"' in page.text
    typed = client.get("/portal/track", params={"code": code.group(1).replace("-", " ").lower()})
    assert typed.status_code == 200 and 'data-state="received"' in typed.text  # as a person types it


def test_a_post_without_the_csrf_value_is_refused_and_stores_nothing(server: str) -> None:
    since = datetime.now(UTC) - timedelta(seconds=2)
    description = f"CSRF 探测 {uuid.uuid4().hex[:8]}"
    client, form = opened(server)
    fields = {"matter": "garbage_collection", "address": ADDRESS, "description": description,
              "publish": "yes"}
    for sent in (fields, {**fields, "csrf": "forged"}):
        answer = client.post("/portal", data=sent)
        assert answer.status_code == 403
        assert "CSRF" in answer.text and 'id="form-error"' in answer.text
        assert f">{description}</textarea>" in answer.text and not CODE.search(answer.text)
    stranger = httpx.post(f"{server}/portal", data={**fields, "csrf": form["csrf"]})  # no cookie
    assert stranger.status_code == 403
    assert stored(server, since, description) == []
    accepted = client.post("/portal", data={**fields, **form})  # the same browser, with the value
    assert accepted.status_code == 201 and len(stored(server, since, description)) == 1


def test_refusals_come_back_next_to_their_fields_with_the_values_kept(server: str) -> None:
    since = datetime.now(UTC) - timedelta(seconds=2)
    description = f"路灯不亮 {uuid.uuid4().hex[:8]}"
    client, form = opened(server)
    answer = client.post("/portal", data={**form, "matter": "street_lights", "address": "火星基地一号",
                                          "description": description, "phone": "13800001111"})
    assert answer.status_code == 422
    assert "未能对应到任何行政区划" in field_error(answer.text, "address")
    address = control(answer.text, "address")
    assert 'aria-invalid="true"' in address and 'aria-describedby="address-hint address-error"' in address
    assert 'value="火星基地一号"' in address and f">{description}</textarea>" in answer.text
    assert '<option value="street_lights" selected>' in answer.text and 'value="13800001111"' in answer.text
    assert 'id="form-errors" role="alert"' in answer.text and '<a href="#address">' in answer.text
    assert hidden(answer.text, "submission") == form["submission"]

    vague = client.post("/portal", data={**form, "matter": "street_lights", "address": "无锡市中山路",
                                         "description": description})
    assert vague.status_code == 422 and "请写明区县或街道" in field_error(vague.text, "address")
    empty = client.post("/portal", data={**form, "phone": "call me", "county": "999999"},
                        files={"photo": ("notes.txt", b"not a picture", "text/plain")})
    assert empty.status_code == 422
    assert field_error(empty.text, "matter") == "请选择诉求类型"
    assert field_error(empty.text, "description") == "请填写诉求内容"
    assert field_error(empty.text, "county") == "所选区县无效，请重新选择"
    assert "电话号码“call me”无效：请填写手机号" in field_error(empty.text, "phone")
    assert "图片" in field_error(empty.text, "photo")
    assert stored(server, since, description) == []

    picked = client.post("/portal", data={**form, "matter": "street_lights", "county": "320213",
                                          "description": description})  # no address: the district
    assert picked.status_code == 201 and stored(server, since, description)[0]["address_id"] == "320213"


def test_the_portal_in_english(server: str) -> None:
    client, form = opened(server, "en")
    page = client.get("/portal", params={"lang": "en"}).text
    assert '<html lang="en">' in page and "<h1>Report a problem</h1>" in page
    assert '<label for="matter">Type of problem</label>' in page
    assert '<optgroup label="Urban management"' in page
    assert ">Garbage collection</option>" in page and "诉求类型" not in page
    refused = client.post("/portal?lang=en", data={**form, "matter": "garbage_collection",
                                                   "address": "火星基地", "description": "Bins overflowing"})
    assert refused.status_code == 422 and "matches no jurisdiction" in field_error(refused.text, "address")
    assert "Please correct the following" in refused.text
    _, code = report(server, f"English tracking {uuid.uuid4().hex[:8]}")
    tracked = httpx.get(f"{server}/portal/track", params={"code": code, "lang": "en"}).text
    assert "<h2 id=\"case-matter\">Garbage collection</h2>" in tracked and ">Received</dd>" in tracked
    assert "<td>Reported</td>" in tracked and "Verify the receipt in this page" in tracked


def test_tracking_refusals(server: str) -> None:
    form = httpx.get(f"{server}/portal/track")
    assert form.status_code == 200 and '<label for="code">' in form.text
    assert 'id="case-status"' not in form.text
    malformed = httpx.get(f"{server}/portal/track", params={"code": "hello"})
    assert malformed.status_code == 422 and "查询码格式不正确" in field_error(malformed.text, "code")
    assert 'aria-invalid="true"' in control(malformed.text, "code")
    unknown = httpx.get(f"{server}/portal/track", params={"code": "AAAA-BBBB-CCCC", "lang": "en"})
    assert unknown.status_code == 404 and "matches no case" in field_error(unknown.text, "code")


def test_the_reporter_rates_once_the_case_is_resolved(server: str) -> None:
    since = datetime.now(UTC) - timedelta(seconds=2)
    description = f"垃圾未清运（评价 {uuid.uuid4().hex[:8]}）"
    client, code = report(server, description)
    case_id = stored(server, since, description)[0]["service_request_id"]
    track = f"/portal/track?code={code}"
    assert 'id="rating-form"' not in client.get(track).text  # not resolved yet
    centre, street = token(server, "centre"), token(server, "chongansi_zhifa")
    resolution = {"summary": "已清运（内部）", "public_note": "垃圾已清运完毕"}
    for step, who, body in (("dispatch", centre, None), ("acknowledge", street, None),
                            ("resolve", street, resolution)):
        assert httpx.post(f"{server}/api/cases/{case_id}/{step}", headers=who, json=body).status_code == 200
    page = client.get(track).text
    assert 'data-state="resolved"' in page and 'id="rating-form"' in page
    assert "<td>垃圾已清运完毕</td>" in page  # the public note; not the internal summary, no actors
    assert "已清运（内部）" not in page and "chongansi" not in page and "urban_management" not in page
    for value in ("satisfied", "basically_satisfied", "unsatisfied"):
        assert f'<label class="inline" for="rating-{value}">' in page

    rating = {"code": code, "rating": "basically_satisfied", "solved": "yes"}
    assert client.post("/portal/track/rate", data=rating).status_code == 403  # no CSRF value
    assert 'data-state="resolved"' in client.get(track).text
    csrf = hidden(page, "csrf")
    missing = client.post("/portal/track/rate", data={"csrf": csrf, "code": code})
    assert missing.status_code == 422 and field_error(missing.text, "rating") == "请选择评价"
    done = client.post("/portal/track/rate?lang=zh", data={**rating, "csrf": csrf})
    assert done.status_code == 303 and done.headers["location"].startswith(f"/portal/track?code={code}")
    thanks = client.get(done.headers["location"]).text
    assert 'id="thanks"' in thanks and 'data-state="followed_up"' in thanks
    assert 'id="rating-form"' not in thanks
    again = client.post("/portal/track/rate", data={**rating, "csrf": csrf})
    assert again.status_code == 409 and "已经评价过了" in again.text

    timeline = httpx.get(f"{server}/api/cases/{case_id}/timeline", headers=centre).json()
    followed = [e for e in timeline if e["type"] == "CaseFollowedUp"]
    assert len(followed) == 1 and followed[0]["actor"] == "reporter"
    assert followed[0]["data"]["rating"] == "basically_satisfied" and followed[0]["data"]["solved"] is True


def test_the_receipt_downloads_and_verifies(server: str) -> None:
    description = f"回执测试 {uuid.uuid4().hex[:8]}"
    client, code = report(server, description, name="赵六", phone="13800138000", publish="")  # the report is
    # then the latest event, the one a receipt proves
    deadline = time.monotonic() + 15  # the server checkpoints every second
    while True:
        answer = client.get("/portal/receipt", params={"code": code}, headers={"Accept": "application/json"})
        if answer.status_code == 200:
            break
        assert answer.status_code == 404 and answer.json()["code"].startswith("ledger."), answer.text
        assert "请稍后再试" in answer.json()["message"]
        assert time.monotonic() < deadline, answer.text
        time.sleep(0.3)
    assert answer.headers["content-type"] == "application/json"
    assert answer.headers["content-disposition"].startswith('attachment; filename="receipt-')
    checked = check_receipt(answer.content)
    assert checked.ok and checked.signers[0] == "liandong-log" and len(checked.signers) >= 2
    leaf = json.loads(checked.leaf)
    assert leaf["event"]["type"] == "CaseReported" and leaf["v"] == 3
    # the reporter's name and phone, and the text, are committed to (salted), never written into the
    # public leaf (decision 0031); the receipt's holder gets the salt and opens them
    assert b"13800138000" not in answer.content and b"13800138000" not in checked.leaf
    assert "赵六".encode() not in checked.leaf and "reporter_phone" not in leaf["event"]
    assert description.encode() not in checked.leaf and "description" not in leaf["event"]
    assert {"reporter_name", "reporter_phone", "reporter_account", "description"} <= set(leaf["commitments"])
    mine = {"description": description, "reporter_name": "赵六", "reporter_phone": "13800138000"}
    assert json.loads(answer.content)["version"] == 2
    assert check_receipt(answer.content, values=mine).opened == tuple(sorted(mine))
    unknown = client.get("/portal/receipt", params={"code": "AAAA-BBBB-CCCC"},
                         headers={"Accept": "application/json"})
    assert unknown.status_code == 404 and unknown.json()["code"] == "case.unknown_tracking_code"
    page = client.get("/portal/receipt", params={"code": "nonsense"})
    assert page.status_code == 404 and 'id="portal-message"' in page.text
    script = httpx.get(f"{server}/static/receipt.js").text
    assert "crypto.subtle.digest" in script and '{ name: "Ed25519" }' in script


def jpeg(size: int) -> bytes:
    """A file of ``size`` bytes that starts as a JPEG does (refused by its size before it is read)."""
    return (b"\xff\xd8\xff\xe1" + bytes(range(256)) * (size // 256 + 1))[:size]


def test_a_phone_photo_is_taken_and_the_limits_are_shown_next_to_the_field(server: str) -> None:
    since = datetime.now(UTC) - timedelta(seconds=2)
    tag = uuid.uuid4().hex[:8]
    client, form = opened(server)

    def send(description: str, name: str, content: bytes, kind: str, lang: str = "zh") -> httpx.Response:
        return client.post(f"/portal?lang={lang}", data={**form, "matter": "garbage_collection",
                                                         "address": ADDRESS, "description": description},
                           files={"photo": (name, content, kind)})

    taken = send(f"手机照片 {tag}", "IMG_0001.jpg", real_jpeg(1200, 900, gps=True), "image/jpeg")
    assert taken.status_code == 201 and CODE.search(taken.text) and 'id="photo-note"' in taken.text
    assert "照片已随诉求保存" in taken.text
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 10)).save(buffer, "WEBP")
    webp = buffer.getvalue()  # sniffed, whatever the browser declares
    assert send(f"WebP 照片 {tag}", "photo", webp, "application/octet-stream").status_code == 201

    big = send(f"照片 6 MB {tag}", "IMG_0002.jpg", jpeg(6 * 1024 * 1024), "image/jpeg")
    assert big.status_code == 422 and field_error(big.text, "photo") == "照片不能超过 5 MB"
    assert 'aria-invalid="true"' in control(big.text, "photo") and f"照片 6 MB {tag}</textarea>" in big.text
    disguised = send(f"伪装的照片 {tag}", "scene.jpg", b"GIF89a" + b"\x00" * 100, "image/jpeg")
    assert disguised.status_code == 422
    assert field_error(disguised.text, "photo") == "请选择 JPG、PNG 或 WebP 格式的图片"
    bomb = send(f"解压炸弹 {tag}", "bomb.png", png_bomb(), "image/png")  # 10¹⁰ pixels in a few KB
    assert bomb.status_code == 422 and "百万像素" in field_error(bomb.text, "photo")
    english = send(f"Photo 6 MB {tag}", "IMG_0003.jpg", jpeg(6 * 1024 * 1024), "image/jpeg", "en")
    assert english.status_code == 422 and field_error(english.text, "photo") == "The photo exceeds 5 MB"

    huge = send(f"照片 9 MB {tag}", "IMG_0004.jpg", jpeg(9 * 1024 * 1024), "image/jpeg")
    assert huge.status_code == 413  # over the whole form's limit: refused unread, said by the field
    assert field_error(huge.text, "photo") == "照片不能超过 5 MB" and "超过 8 MB" in huge.text
    assert 'id="form-errors" role="alert"' in huge.text and 'id="report-form"' in huge.text
    huge_en = send(f"Photo 9 MB {tag}", "IMG_0005.jpg", jpeg(9 * 1024 * 1024), "image/jpeg", "en")
    assert huge_en.status_code == 413 and "larger than 8 MB" in huge_en.text
    descriptions = {row["description"] for row in stored_since(server, since)}
    assert {f"手机照片 {tag}", f"WebP 照片 {tag}"} <= descriptions
    refused = ("6 MB", "9 MB", "伪装", "炸弹")
    assert not any(tag in d and any(word in d for word in refused) for d in descriptions)


def test_api_bodies_keep_the_small_limit(server: str) -> None:
    body = {"matter": "garbage_collection", "affected": ["320213001"], "description": "x" * 2_000_000}
    big = httpx.post(f"{server}/api/cases", json=body)
    assert big.status_code == 413 and big.json()["code"] == "request.too_large"
    upload = httpx.post(f"{server}/api/cases", files={"photo": ("a.jpg", jpeg(2_000_000), "image/jpeg")})
    assert upload.status_code == 413  # the larger limit is the portal form's only
    chunked = httpx.post(f"{server}/api/cases", content=iter([b"{", b"}"]),
                         headers={"Content-Type": "application/json"})
    assert chunked.status_code == 411 and chunked.json()["code"] == "request.length_required"


def test_reports_are_limited_per_client_address(server: str) -> None:
    since = datetime.now(UTC) - timedelta(seconds=2)
    tag = uuid.uuid4().hex[:8]
    address = an_address()
    client, form = opened(server, address=address)
    fields = {**form, "matter": "garbage_collection", "address": ADDRESS}
    statuses = [client.post("/portal", data={**fields, "description": f"限流 {tag} 第 {n} 件"}).status_code
                for n in range(1, 11)]
    assert statuses == [201] * 10  # ten a minute from one address
    refused = client.post("/portal", data={**fields, "description": f"限流 {tag} 第 11 件"})
    assert refused.status_code == 429 and 'id="portal-message"' in refused.text
    assert "60 秒内最多提交 10 件诉求" in refused.text and 'id="back-to-form"' in refused.text
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    english = client.post("/portal?lang=en", data={**fields, "description": f"limit {tag} 12"})
    assert english.status_code == 429 and '<html lang="en">' in english.text
    assert "At most 10 reports may be sent from one network address in 60 seconds" in english.text
    other, other_form = opened(server)  # another address is not held back
    assert other.post("/portal", data={**other_form, "matter": "garbage_collection", "address": ADDRESS,
                                       "description": f"限流 {tag} 另一地址"}).status_code == 201
    descriptions = [row["description"] for row in stored_since(server, since) if tag in row["description"]]
    assert len(descriptions) == 11 and f"限流 {tag} 第 11 件" not in descriptions  # nothing refused stored
