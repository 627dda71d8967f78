"""The workbench over HTTP: sessions, CSRF, throttling, the inbox, the case page and its actions."""

from __future__ import annotations

import hashlib
import re
import uuid

import httpx

from tests.factories.accounts import E2E_USER_LIMIT, PASSWORD, csrf_of, signed_in, token
from tests.factories.photos import jpeg, pdf


def new_case(server: str, description: str) -> str:
    answer = httpx.post(f"{server}/api/cases", json={
        "matter": "garbage_collection", "affected": ["320213001"], "description": description})
    assert answer.status_code == 201, answer.text
    case_id: str = answer.json()["case_id"]
    return case_id


def test_pages_need_a_session_and_sign_in_replaces_any_planted_one(server: str) -> None:
    anonymous = httpx.Client(base_url=server, cookies={"ld_session": "planted-by-an-attacker"})
    answer = anonymous.get("/work")
    assert answer.status_code == 303 and answer.headers["location"].startswith("/login?next=/work")
    page = anonymous.get("/login")
    assert 'for="username"' in page.text and 'for="password"' in page.text
    answer = anonymous.post("/login", data={"username": "centre", "password": PASSWORD,
                                            "csrf": csrf_of(page.text)})
    assert answer.status_code == 303
    issued = answer.cookies.get("ld_session")
    assert issued and issued != "planted-by-an-attacker"
    assert "httponly" in answer.headers.get_list("set-cookie")[0].lower()


def test_wrong_password_is_refused_next_to_the_field_and_then_throttled(server: str) -> None:
    client = httpx.Client(base_url=server)
    name = f"nobody-{uuid.uuid4().hex[:6]}"
    statuses = []
    for _ in range(E2E_USER_LIMIT + 1):  # the shared server's budget (5 by default)
        page = client.get("/login")
        answer = client.post("/login", data={"username": name, "password": "wrong",
                                             "csrf": csrf_of(page.text)})
        statuses.append(answer.status_code)
    assert statuses[:E2E_USER_LIMIT] == [401] * E2E_USER_LIMIT and statuses[E2E_USER_LIMIT] == 429
    assert 'id="login-error"' in answer.text and 'aria-invalid="true"' in answer.text
    assert name in answer.text  # the username is kept in the form


def test_forms_without_the_csrf_value_change_nothing(server: str) -> None:
    client = signed_in(server, "centre")
    case_id = new_case(server, "中山路垃圾桶满溢（CSRF 测试）")
    answer = client.post(f"/work/cases/{case_id}/act", data={"action": "dispatch", "version": "1",
                                                              "csrf": "forged"})
    assert answer.status_code == 422 and 'id="action-error"' in answer.text
    page = client.get(f"/work/cases/{case_id}")
    assert re.search(r'id="case-state" data-state="received">已受理<', page.text)  # not dispatched
    answer = client.post("/logout", data={"csrf": "forged"})
    assert client.get("/work").status_code == 200  # still signed in


def test_dispatch_acknowledge_and_a_refusal_shown_next_to_the_action(server: str) -> None:
    centre = signed_in(server, "centre")
    case_id = new_case(server, "中山路垃圾桶满溢三天（工作台测试）")
    console = centre.get("/work/dispatch")
    assert case_id in console.text and "dispatch-now" in console.text
    answer = centre.post(f"/work/cases/{case_id}/act",
                         data={"action": "dispatch", "version": "1", "csrf": csrf_of(console.text)})
    assert answer.status_code == 303
    street = signed_in(server, "chongansi_zhifa")
    inbox = street.get("/work")  # 待办: the case waits on the street's signature, within clock hours
    row = inbox.text[inbox.text.index(f'data-subject="{case_id}"'):].split("</tr>")[0]
    assert "待签收" in row and "剩" in row and "小时" in row
    mine = street.get("/work", params={"tab": "cases"})  # and among its cases, in working hours
    assert case_id in mine.text and "工作小时" in mine.text
    page = street.get(f"/work/cases/{case_id}")
    assert 'id="do-acknowledge"' in page.text and 'id="do-dispatch"' not in page.text
    assert "崇安寺街道" in page.text and 'id="timeline-table"' in page.text
    version = re.search(r'name="version" value="(\d+)"', page.text)
    assert version
    ok = street.post(f"/work/cases/{case_id}/act", data={
        "action": "acknowledge", "version": version.group(1), "csrf": csrf_of(page.text)})
    assert ok.status_code == 303
    # the same form again: the case has moved on; the refusal is shown, nothing changes
    again = street.post(f"/work/cases/{case_id}/act", data={
        "action": "acknowledge", "version": version.group(1), "csrf": csrf_of(page.text)})
    assert again.status_code == 409 and 'role="alert"' in again.text
    read = street.get(f"/work/cases/{case_id}")
    assert re.search(r'id="case-state" data-state="acknowledged">已签收<', read.text)  # in words
    assert "已读最新" in read.text  # the street's read mark
    english = street.get(f"/work/cases/{case_id}", params={"lang": "en"})
    assert "Team by level" in english.text and "Read the latest" in english.text


def test_sign_out_revokes_the_session(server: str) -> None:
    client = signed_in(server, "wuxi_chengguan")
    cookie = client.cookies.get("ld_session")
    page = client.get("/work")
    answer = client.post("/logout", data={"csrf": csrf_of(page.text)})
    assert answer.status_code == 303
    replay = httpx.Client(base_url=server, cookies={"ld_session": cookie or ""})
    assert replay.get("/work").status_code == 303  # the old token no longer signs anyone in
    assert httpx.get(f"{server}/api/auth/me", headers=token(server, "wuxi_chengguan")).status_code == 200


def test_the_inbox_filters_by_source(server: str) -> None:
    """来源: a hotline report and a grid worker's report reach the same street; the filter keeps one."""
    tag = uuid.uuid4().hex[:6]
    cases = {}
    for source in ("hotline", "grid"):
        answer = httpx.post(f"{server}/api/cases", json={
            "matter": "garbage_collection", "affected": ["320213001"], "source": source,
            "description": f"中山路垃圾未清运（来源 {source} {tag}）"})
        assert answer.status_code == 201, answer.text
        cases[source] = answer.json()["case_id"]
    centre = token(server, "centre")
    for case_id in cases.values():
        assert httpx.post(f"{server}/api/cases/{case_id}/dispatch", headers=centre).status_code == 200
    street = signed_in(server, "chongansi_zhifa")
    page = street.get("/work", params={"tab": "cases"})
    assert '<label for="f-source">来源</label>' in page.text
    assert '<select id="f-source" name="source">' in page.text
    assert '<option value="grid" >网格员</option>' in page.text
    assert '<option value="hotline" >12345 热线</option>' in page.text
    assert all(case_id in page.text for case_id in cases.values())  # unfiltered: both
    for source, other in (("grid", "hotline"), ("hotline", "grid")):
        kept = street.get("/work", params={"source": source, "tab": "cases"})
        assert kept.status_code == 200
        shown = re.findall(r'data-source="([^"]*)"', kept.text)
        assert shown and set(shown) == {source}, shown  # only cases of that source remain
        assert cases[source][:10] in kept.text and cases[other][:10] not in kept.text
        assert f'<option value="{source}" selected>' in kept.text
    english = street.get("/work", params={"source": "grid", "lang": "en", "tab": "cases"})
    assert '<label for="f-source">Source</label>' in english.text
    assert '<td data-label="Source" class="source" data-source="grid">Grid worker</td>' in english.text
    handler = token(server, "chongansi_zhifa")  # the API's inbox carries the source too
    department = httpx.get(f"{server}/api/auth/me", headers=handler).json()["department"]
    rows = httpx.get(f"{server}/api/inbox/{department}/cases", headers=handler, params={"limit": 500}).json()
    assert {r["case_id"]: r["source"] for r in rows if r["case_id"] in cases.values()} == {
        cases["hotline"]: "hotline", cases["grid"]: "grid"}
    duties = httpx.get(f"{server}/api/inbox/{department}", headers=handler, params={"limit": 500}).json()
    assert {r["subject_id"]: r["source"] for r in duties["items"] if r["subject_id"] in cases.values()} == {
        cases["hotline"]: "hotline", cases["grid"]: "grid"}


def test_one_step_first_errors_beside_their_form_and_photos_at_resolution(server: str) -> None:
    """Issue 23 point 8: the state's step opens the actions and the rest are folded; a refusal stands
    inside the form that failed, with what was typed kept; photos attached at 办结 are checked like
    the portal's, cleaned, committed to by the event and shown on the case page."""
    centre = token(server, "centre")
    case_id = new_case(server, "中山路垃圾桶满溢（办结照片测试）")
    assert httpx.post(f"{server}/api/cases/{case_id}/dispatch", headers=centre).status_code == 200
    street = signed_in(server, "chongansi_zhifa")

    def act(data: dict[str, str], files: list[tuple[str, tuple[str, bytes, str]]] | None = None
            ) -> httpx.Response:
        page = street.get(f"/work/cases/{case_id}")
        version = re.search(r'name="version" value="(\d+)"', page.text)
        assert version
        return street.post(f"/work/cases/{case_id}/act", files=files, data={
            **data, "version": version.group(1), "csrf": csrf_of(page.text)})

    page = street.get(f"/work/cases/{case_id}")
    primary = page.text[page.text.index('id="primary-action"'):page.text.index('id="more-actions"')]
    assert 'id="do-acknowledge"' in primary and 'id="do-return"' not in primary
    assert re.search(r'<details class="action-fold" id="fold-return">', page.text)  # folded, closed
    assert act({"action": "acknowledge"}).status_code == 303
    # a return with a category that does not exist: refused inside the return form, the reason kept
    refused = act({"action": "return", "category": "bored", "reason": "不归我们管，理由写了很长一段"})
    assert refused.status_code == 422
    form = refused.text[refused.text.index('id="fold-return" open'):].split("</form>")[0]
    assert 'id="action-error"' in form and "不属于本单位职责" in form
    assert "不归我们管，理由写了很长一段</textarea>" in form
    # 办结 with a file that is not an image: refused beside 办结, nothing changes
    bad = act({"action": "resolve", "summary": "已清运"},
              files=[("photos", ("note.jpg", b"%PDF-1.4 not an image", "image/jpeg"))])
    assert bad.status_code == 422 and "JPG、PNG 或 WebP" in bad.text
    assert 'data-state="acknowledged"' in bad.text and "已清运</textarea>" in bad.text
    # …a password-protected PDF or a file that only calls itself one: refused, named, nothing kept
    for name, content, words in (("report.pdf", pdf(password="x"), "密码"),
                                 ("report.pdf", b"%PDF-1.7 then nothing", "无法读取"),
                                 ("report.pdf", b"MZ\x90\x00 an exe", "PDF")):
        refused = act({"action": "resolve", "summary": "已清运"},
                      files=[("documents", (name, content, "application/pdf"))])
        assert refused.status_code == 422 and words in refused.text, name
        assert 'data-state="acknowledged"' in refused.text
    # …and with a real photo carrying a location (kept without it) and a two-page report: their keys
    # in the event, the photo shown and the report listed under the step that took them
    photo, report = jpeg(gps=True), pdf(pages=2)
    done = act({"action": "resolve", "summary": "已清运并消毒"},
               files=[("photos", ("after.jpg", photo, "image/jpeg")),
                      ("documents", ("整改报告.pdf", report, "application/pdf"))])
    assert done.status_code == 303
    events = httpx.get(f"{server}/api/cases/{case_id}/timeline", headers=centre).json()
    resolved = next(e for e in events if e["type"] == "CaseResolved")
    (key,) = resolved["data"]["photos"]
    page = street.get(f"/work/cases/{case_id}")
    assert f"/work/cases/{case_id}/photos/{key}" in page.text and "办结 · " in page.text
    kept = street.get(f"/work/cases/{case_id}/photos/{key}")
    assert kept.status_code == 200 and kept.content != photo and b"GPS" not in kept.content
    assert hashlib.sha256(kept.content).hexdigest() == key  # the record commits to these bytes
    (document,) = resolved["data"]["documents"]
    assert document == hashlib.sha256(report).hexdigest() and "附件 1（PDF）" in page.text
    download = street.get(f"/work/cases/{case_id}/documents/{document}")
    assert download.status_code == 200 and download.content == report
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"].startswith("attachment")
    assert street.get(f"/work/cases/{case_id}/documents/{key}").status_code == 404  # a photo's key
    stranger = signed_in(server, "shanbei_zhifa")  # another street: the case is not its to see
    assert stranger.get(f"/work/cases/{case_id}/documents/{document}").status_code == 404
    assert httpx.get(f"{server}/work/cases/{case_id}/photos/{key}").status_code in (303, 404)
