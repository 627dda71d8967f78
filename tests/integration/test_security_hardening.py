"""The findings of the outside security review (issue 20) that the app answers in-process: every
test is named after its finding (9 headers and hosts, 10 file modes, 12 assorted, 13 the audit),
on SQLite and PostgreSQL where storage is involved."""

from __future__ import annotations

import html
import os
import re
import stat
import tarfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import typer
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from typer.testing import CliRunner

from liandong.adapters.backup import store_for
from liandong.adapters.reference_data import catalogue_documents
from liandong.bootstrap import Platform, bootstrap
from liandong.cli import app as main_app
from liandong.cli.backup import backup_command, restore_command
from liandong.config import Settings
from liandong.domain.cases import commands as c
from liandong.domain.catalogue import parse_scope
from liandong.domain.errors import DomainError
from liandong.server.app import create_app
from liandong.services import organisation as org_service
from liandong.services.accounts import create_account
from liandong.services.backup import restore_backup
from tests.support.clock import ManualTime
from tests.support.databases import fresh_database

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "src" / "liandong" / "web" / "templates"
LOCAL = "http://127.0.0.1"
REPORT = {"matter": "social_life_noise", "affected": ["320213001"], "description": "广场舞噪声"}


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    """An initialised 梁溪区 with a staff member and a citizen, on each back-end."""
    folder = tmp_path_factory.mktemp(f"security-{request.param}")
    urls: Iterator[str] | None = None
    url = None
    if request.param == "postgres":
        admin: Engine = request.getfixturevalue("pg_admin")
        urls = fresh_database(admin)
        url = next(urls)
    platform = bootstrap(Settings(data_dir=folder, database_url=url))
    org_service.initialise(scope=parse_scope("320213", platform.hierarchy), hierarchy=platform.hierarchy,
                           catalogue=platform.catalogue, documents=catalogue_documents(), uow=platform.uow())
    with platform.uow() as uow:
        create_account(uow=uow, username="centre", password="password-1", department="320200-gov",
                       roles=["dispatcher"], now=datetime.now(UTC))
        create_account(uow=uow, username="resident", password="password-1", department=None,
                       roles=["citizen"], now=datetime.now(UTC))
        uow.commit()
    yield platform
    if platform.engine is not None:
        platform.engine.dispose()
    if urls is not None:
        next(urls, None)  # drops the database


def client_of(platform: Platform, base_url: str = LOCAL, **settings: Any) -> TestClient:
    """A client of an app over ``platform`` (no lifespan: nothing runs in the background)."""
    return TestClient(create_app(Settings(data_dir=Path("unused"), **settings), platform), base_url=base_url)


# -- 9. headers, hosts, absolute URLs --------------------------------------------------------------

def test_9_every_response_carries_the_security_headers(world: Platform) -> None:
    client = client_of(world)
    for path in ("/", "/portal", "/login", "/api/org/320213", "/static/site.css", "/healthz",
                 "/no/such/page", "/open311/v2/services.json"):
        answer = client.get(path)
        policy = answer.headers.get("content-security-policy", "")
        assert "script-src 'self';" in policy and "frame-ancestors 'none'" in policy, path
        assert "'unsafe-inline'" not in policy.replace("style-src-attr 'unsafe-inline'", ""), path
        assert answer.headers.get("x-frame-options") == "DENY", path
        assert answer.headers.get("x-content-type-options") == "nosniff", path
        assert answer.headers.get("referrer-policy") == "same-origin", path
    # the interactive API documentation loads Swagger UI from its CDN: a policy of its own
    assert "cdn.jsdelivr.net" in client.get("/docs").headers["content-security-policy"]


def test_9_the_pages_have_no_inline_script_handler_or_style_the_policy_would_block() -> None:
    for template in TEMPLATES.glob("*.html"):
        page = template.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", page):
            assert "src=" in tag or 'type="application/json"' in tag, (template.name, tag)
        assert not re.search(r"\son[a-z]+\s*=", page), template.name
        assert "<style" not in page and "style=" not in page, template.name
        assert "javascript:" not in page, template.name


def test_9_a_host_the_server_is_not_configured_for_is_refused(world: Platform) -> None:
    evil = client_of(world, base_url="http://evil.example")
    refused = evil.get("/portal", headers={"Accept-Language": "en"})
    assert refused.status_code == 400 and refused.json()["code"] == "request.host_not_allowed"
    assert "LIANDONG_ALLOWED_HOSTS" in refused.json()["message"]
    assert "不接受主机名" in evil.get("/healthz").json()["message"]
    assert refused.headers["x-frame-options"] == "DENY"
    for host in ("http://localhost:8000", "http://127.0.0.1:8000", "http://[::1]:8000"):
        assert client_of(world, base_url=host).get("/healthz").status_code == 200, host
    assert Settings(host="0.0.0.0").served_hosts == ("127.0.0.1", "localhost", "[::1]")
    assert "10.1.2.3" in Settings(host="10.1.2.3").served_hosts
    configured = client_of(world, allowed_hosts="12345.wuxi.gov.cn,*.wuxi.gov.cn",
                           base_url="https://12345.wuxi.gov.cn")
    assert configured.get("/healthz").status_code == 200
    assert configured.get("/healthz", headers={"Host": "m.wuxi.gov.cn"}).status_code == 200
    assert configured.get("/healthz", headers={"Host": "127.0.0.1"}).status_code == 400


def test_9_open311_discovery_is_built_from_public_url_and_may_be_cached(world: Platform) -> None:
    client = client_of(world, public_url="https://12345.wuxi.gov.cn/", allowed_hosts="*")
    for host in ("evil.example", "127.0.0.1:8000"):
        answer = client.get("/open311/v2/discovery.json", headers={"Host": host})
        assert answer.json()["endpoints"][0]["url"] == "https://12345.wuxi.gov.cn/open311/v2/"
        assert answer.headers["cache-control"] == "public, max-age=3600"
        assert "evil" not in client.get("/open311/v2/discovery.xml", headers={"Host": host}).text
    default = client_of(world, port=8123).get("/open311/v2/discovery.json")
    assert default.json()["endpoints"][0]["url"] == "http://127.0.0.1:8123/open311/v2/"


def test_9_the_language_switch_link_does_not_repeat_the_host(world: Platform) -> None:
    page = client_of(world, allowed_hosts="*").get("/portal?lang=zh", headers={"Host": "evil.example"}).text
    link = re.search(r'<a class="lang" href="([^"]*)"', page)
    assert link and link.group(1) == "/portal?lang=en" and "evil.example" not in page


# -- 10. file modes ---------------------------------------------------------------------------------

def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def loose_umask() -> Iterator[None]:
    """The usual 022 of a shell, which left the database readable by every local account."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def test_10_the_database_its_log_and_backups_are_private_on_disk(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, loose_umask: None) -> None:
    monkeypatch.delenv("LIANDONG_DATABASE_URL", raising=False)
    monkeypatch.delenv("LIANDONG_SECRET", raising=False)
    data = tmp_path / "live"
    runner = CliRunner()
    assert runner.invoke(main_app, ["init", "--scope", "320213", "--data-dir", str(data)]).exit_code == 0
    platform = bootstrap(Settings(data_dir=data))
    with TestClient(create_app(Settings(data_dir=data), platform), base_url=LOCAL) as client:  # served
        assert client.post("/api/cases", json={**REPORT, "reporter_phone": "13812345678"}).status_code == 201
        files = [data / name for name in ("liandong.sqlite3", "liandong.sqlite3-wal",
                                          "liandong.sqlite3-shm", "secret.key")]
        assert {f.name: mode(f) for f in files} == {f.name: 0o600 for f in files}
    assert platform.engine is not None
    platform.engine.dispose()
    os.chmod(data / "liandong.sqlite3", 0o644)  # a database from before: taken back when next opened
    bootstrap(Settings(data_dir=data)).engine.connect().close()  # type: ignore[union-attr]
    assert mode(data / "liandong.sqlite3") == 0o600

    commands = typer.Typer()
    commands.command("backup")(backup_command)
    commands.command("restore")(restore_command)
    archive = tmp_path / "live.tar.gz"
    assert runner.invoke(commands, ["backup", str(archive), "--data-dir", str(data)]).exit_code == 0
    assert mode(archive) == 0o600
    fresh = tmp_path / "fresh"
    node_key = (data / "keys" / "node.pub").read_text().strip()
    done = runner.invoke(commands, ["restore", str(archive), "--data-dir", str(fresh),
                                    "--node-key", node_key])
    assert done.exit_code == 0, done.output
    assert mode(data / "keys" / "node.key") == 0o600  # the node's own key, kept out of every archive
    restored = [p for p in fresh.iterdir() if p.is_file()]
    assert {p.name for p in restored} >= {"liandong.sqlite3", "secret.key"}
    assert {p.name: mode(p) for p in restored} == {p.name: 0o600 for p in restored}
    again = runner.invoke(commands, ["restore", str(archive), "--data-dir", str(data), "--force"])
    assert again.exit_code == 0, again.output
    assert mode(data / "liandong.sqlite3") == 0o600 == mode(data / "secret.key")


# -- 12. assorted -----------------------------------------------------------------------------------

def test_12a_a_malformed_body_is_refused_in_the_requests_language(world: Platform) -> None:
    client = client_of(world)
    broken = b'{"matter": "social_life_noise", '
    zh = client.post("/api/cases", content=broken, headers={"Content-Type": "application/json"})
    assert zh.status_code == 422 and zh.json()["code"] == "request.invalid"
    assert zh.json()["message"].startswith("请求体不是有效的 JSON（第 33 个字符处出错）")
    assert re.search("[a-z]{4}", zh.json()["details"]["errors"][0]["msg"]) is None  # no English inside
    en = client.post("/api/cases?lang=en", content=broken, headers={"Content-Type": "application/json"})
    assert en.json()["message"].startswith("The request body is not valid JSON (error at character 33)")
    fields = client.post("/api/cases", json={"matter": "", "affected": []}).json()
    assert fields["message"] == ("请求参数无效：matter：至少 1 个字符；affected：至少需要 1 项；"
                                 "description：必须填写")
    english = client.post("/api/cases", json={**REPORT, "matter": "x" * 65},
                          headers={"Accept-Language": "en-GB,en;q=0.9"}).json()
    assert english["message"] == "The request is not valid: matter may have at most 64 characters"


def test_12b_the_token_endpoint_takes_the_oauth2_password_form_and_json(world: Platform,
                                                                         limits_clock: ManualTime) -> None:
    client = client_of(world, sign_in_limit="3/minute")
    form = client.post("/api/auth/token", data={"grant_type": "password", "username": "centre",
                                                 "password": "password-1"})
    assert form.status_code == 200 and form.json()["token_type"] == "bearer", form.text
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {form.json()['access_token']}"})
    assert me.json()["username"] == "centre"
    by_json = client.post("/api/auth/token", json={"username": "centre", "password": "password-1"})
    assert by_json.status_code == 200
    wrong = client.post("/api/auth/token", data={"username": "centre", "password": "nope-nope"})
    assert wrong.status_code == 401 and wrong.json()["code"] == "account.bad_credentials"
    # the fourth attempt in a minute, form or JSON alike, is throttled before the password is looked at
    throttled = client.post("/api/auth/token", data={"username": "centre", "password": "password-1"})
    assert throttled.status_code == 429 and throttled.json()["code"] == "account.too_many_attempts"
    grant = client.post("/api/auth/token", data={"grant_type": "client_credentials", "username": "x",
                                                  "password": "y"})
    assert grant.status_code == 422 and "grant_type：只能是 'password'" in grant.json()["message"]
    missing = client.post("/api/auth/token?lang=en", data={"username": "centre"})
    assert missing.status_code == 422 and missing.json()["message"].endswith("password is required")
    schema = client.get("/openapi.json").json()["paths"]["/api/auth/token"]["post"]["requestBody"]
    assert set(schema["content"]) == {"application/json", "application/x-www-form-urlencoded"}
    limits_clock.advance(61)  # a minute after the first attempts, the account may sign in again
    again = client.post("/api/auth/token", data={"username": "centre", "password": "password-1"})
    assert again.status_code == 200, again.text


def test_12c_forwarded_addresses_are_believed_only_from_trusted_proxies(world: Platform,
                                                                        limits_clock: ManualTime) -> None:
    """TestClient's peer is ``testclient``: trusted, its X-Forwarded-For is the client; not
    trusted (the default), each forged address still counts as the peer's (a real server process
    is checked in tests/e2e/test_security_hardening_http.py)."""
    forged = [{"X-Forwarded-For": f"198.51.100.{n}"} for n in range(3)]
    plain = client_of(world, sign_in_address_limit="2/minute")
    answers = [plain.post("/api/auth/token", json={"username": f"nobody{n}", "password": "password-1"},
                          headers=forged[n]).status_code for n in range(3)]
    assert answers == [401, 401, 429]
    limits_clock.advance(61)  # the address's budget comes back once the minute has passed
    assert plain.post("/api/auth/token", json={"username": "nobody9", "password": "password-1"},
                      headers=forged[0]).status_code == 401
    behind = client_of(world, sign_in_address_limit="2/minute", trusted_proxies="testclient")
    answers = [behind.post("/api/auth/token", json={"username": f"someone{n}", "password": "password-1"},
                           headers=forged[n]).status_code for n in range(3)]
    assert answers == [401, 401, 401]


def test_12d_a_reporters_phone_must_be_a_chinese_mobile_or_landline(world: Platform) -> None:
    client = client_of(world)
    for good in ("13812345678", "010-12345678", "051082345678", "0510-8234567-123", "0510-82345678转8",
                 "139 0000 1111", ""):
        answer = client.post("/api/cases", json={**REPORT, "reporter_phone": good})
        assert answer.status_code == 201, (good, answer.text)
    for bad in ("12345", "call me", "+1 555 0100", "23812345678", "138123456789", "010-123"):
        zh = client.post("/api/cases", json={**REPORT, "reporter_phone": bad})
        assert zh.status_code == 422, bad
        assert f"电话号码“{bad}”无效：请填写手机号（1 开头的 11 位数字" in zh.json()["message"]
        assert zh.json()["details"]["errors"][0]["loc"] == ["body", "reporter_phone"]
    en = client.post("/api/cases?lang=en", json={**REPORT, "reporter_phone": "12345"}).json()
    assert "The phone number '12345' is not valid: give a Chinese mobile number" in en["message"]
    with world.uow() as uow:  # nothing of the refused reports was stored
        assert not [i for i in uow.case_reads.recent_ids(limit=50)
                    if uow.cases.get(i).record.reporter_phone in ("12345", "call me")]  # type: ignore[union-attr]

    page = client.get("/portal")
    form = {name: re.search(rf'name="{name}" value="([^"]*)"', page.text).group(1)  # type: ignore[union-attr]
            for name in ("csrf", "submission")}
    refused = client.post("/portal", data={**form, "matter": "social_life_noise", "county": "320213",
                                           "description": "噪声", "phone": "12345"})
    assert refused.status_code == 422
    said = re.search(r'id="phone-error">([^<]*)<', refused.text)
    assert said and "电话号码“12345”无效：请填写手机号" in html.unescape(said.group(1))


def test_12e_a_corrupted_compressed_backup_is_reported_as_damaged(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LIANDONG_DATABASE_URL", raising=False)
    monkeypatch.delenv("LIANDONG_SECRET", raising=False)
    data = tmp_path / "live"
    platform = bootstrap(Settings(data_dir=data))
    org_service.initialise(scope=parse_scope("320213", platform.hierarchy), hierarchy=platform.hierarchy,
                           catalogue=platform.catalogue, documents=catalogue_documents(), uow=platform.uow())
    platform.bus().handle(c.ReportCase(by="reporter", matter="social_life_noise", affected=("320213001",),
                                       description="备份"))
    runner = CliRunner()
    commands = typer.Typer()
    commands.command("backup")(backup_command)
    commands.command("restore")(restore_command)
    archive = tmp_path / "live.tar.gz"
    assert runner.invoke(commands, ["backup", str(archive), "--data-dir", str(data)]).exit_code == 0
    raw = bytearray(archive.read_bytes())
    for at in range(len(raw) // 3, len(raw) // 3 + 16):  # a few bytes altered in the middle
        raw[at] ^= 0x5A
    damaged = tmp_path / "damaged.tar.gz"
    damaged.write_bytes(bytes(raw))
    with tarfile.open(damaged, "r:*") as tar:  # what misled: the listing stops early, silently
        assert "manifest.json" not in tar.getnames()
    with pytest.raises(DomainError) as refused:
        restore_backup(store=store_for(Settings(data_dir=tmp_path / "target")), archive=damaged)
    assert refused.value.code == "backup.damaged"
    done = runner.invoke(commands, ["restore", str(damaged), "--data-dir", str(tmp_path / "target")])
    said = " ".join(done.output.split())
    assert done.exit_code == 2 and "已损坏" in said and "missing" not in said, done.output
    english = runner.invoke(commands, ["restore", str(damaged), "--data-dir", str(tmp_path / "t2"),
                                       "--lang", "en"])
    assert "is damaged" in " ".join(english.output.split())
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    assert "已损坏" in " ".join(runner.invoke(commands, ["restore", str(cut), "--data-dir",
                                                        str(tmp_path / "t3")]).output.split())


def test_12f_a_citizen_signing_in_to_the_workbench_is_sent_to_the_portal(world: Platform) -> None:
    client = client_of(world)
    for lang, words, link in (("zh", "工作台仅供工作人员使用", "前往公众门户"),
                              ("en", "The workbench is for staff", "Go to the public portal")):
        page = client.get(f"/login?lang={lang}")
        csrf = re.search(r'name="csrf" value="([^"]*)"', page.text).group(1)  # type: ignore[union-attr]
        answer = client.post(f"/login?lang={lang}", data={"csrf": csrf, "username": "resident",
                                                           "password": "password-1", "next": "/work"},
                             follow_redirects=False)
        assert answer.status_code == 403 and words in answer.text
        assert f'href="/portal?lang={lang}">{link}</a>' in answer.text
        assert "ld_session" not in answer.cookies  # no session that would only loop back here
    page = client.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]*)"', page.text).group(1)  # type: ignore[union-attr]
    wrong = client.post("/login", data={"csrf": csrf, "username": "resident", "password": "wrong-pass"})
    assert wrong.status_code == 401 and "工作台仅供" not in wrong.text  # the password comes first
    staff = client.post("/login", data={"csrf": csrf, "username": "centre", "password": "password-1"},
                        follow_redirects=False)
    assert staff.status_code == 303 and staff.headers["location"] == "/work"


# -- 13. the dependency audit -----------------------------------------------------------------------

def test_13_the_dependency_audit_is_a_make_target_not_a_test_that_always_skips() -> None:
    assert not (ROOT / "tests" / "integration" / "test_dependency_audit.py").exists()
    makefile = (ROOT / "Makefile").read_text()
    target = makefile[makefile.index("\naudit:"):].split("\n\n")[0]
    assert "pip install --quiet pip-audit" in target and "pip-audit" in target and "npm audit" in target
    assert "pip-audit" not in (ROOT / "pyproject.toml").read_text()
    readme = (ROOT / "README.md").read_text()
    assert readme.startswith("# 联动 Liandong\n\n```sh\nmake demo ") and "\nmake test " in readme[:400]
    assert "`make audit`" in readme[readme.index("## Development"):]
