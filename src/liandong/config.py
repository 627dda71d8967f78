"""Settings: one object read from the environment (LIANDONG_*), built by the caller."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

Lang = Literal["zh", "en"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LIANDONG_", extra="ignore")

    data_dir: Path = Field(default=Path("var"), description="Where the SQLite file and keys live")
    database_url: str | None = Field(default=None, description="SQLAlchemy URL; SQLite if unset")
    replica_url: str | None = Field(default=None, description="SQLAlchemy URL of a read-only replica "
                                    "(a streaming standby of database_url) that the dashboards read "
                                    "from; unset: they read the primary. Nothing is ever written there")
    secret: str | None = Field(default=None, description="Platform secret sealing private keys; "
                               "read from <data_dir>/secret.key (created on first use) if unset")
    lang: Lang = "zh"
    public_intake_limit: str = Field(default="60/minute", description="Anonymous reports per client "
                                     "address (limits syntax, e.g. 60/minute)")
    max_body_bytes: int = Field(default=1_048_576, description="Largest request body accepted")
    max_upload_bytes: int = Field(default=8 * 1_048_576, description="Largest multipart report "
                                  "posted to the portal (the form with its photo)")
    portal_report_limit: str = Field(default="10/minute", description="Portal reports per client "
                                     "address (limits syntax)")
    portal_tiles: str = Field(default="", description="Tile layer of the portal's map, a Leaflet URL "
                              "template (a licensed provider's); empty: no tiles, the districts drawn "
                              "from the boundaries shipped with the platform (development, tests)")
    portal_tiles_crs: Literal["wgs84", "gcj02"] = Field(
        default="gcj02", description="The datum of the tiles: gcj02 for most Chinese providers")
    portal_tiles_attribution: str = Field(default="", description="What the tile provider asks to show")
    assets_dir: Path | None = Field(default=None, description="node_modules with the web assets "
                                    "(npm ci at set-up); found next to the project if unset")
    nats_url: str | None = Field(default=None, description="NATS server the outboxes are relayed to "
                                 "(e.g. nats://127.0.0.1:4222); unset: the server relays nothing")
    federation: Path | None = Field(default=None, description="A federation node's file (docs/federation.md "
                                    "§6): the server is that node and runs its federation loop (decision "
                                    "0056); unset: no federation")
    assessment_rules: Path | None = Field(default=None, description="The assessment rules (TOML, as "
                                          "`liandong report kpi --rules` takes) that the dashboards and "
                                          "assessment pages apply, clock stops and exclusions included; "
                                          "unset: the rules shipped with the platform")
    nats_stream: str = Field(default="LIANDONG", description="JetStream stream that keeps relayed messages")
    nats_prefix: str = Field(default="liandong", description="First token of the relayed subjects")
    redis_url: str | None = Field(default=None, description="Redis that keeps the rate limits (sign-in, "
                                  "public intake, portal) for every worker and across restarts, e.g. "
                                  "redis://127.0.0.1:6379/0; unset: each process counts on its own")
    sign_in_limit: str = Field(default="5/minute", description="Sign-in attempts for one account "
                               "(limits syntax)")
    sign_in_address_limit: str = Field(default="30/minute", description="Sign-in attempts from one "
                                       "client address (limits syntax)")
    redis_prefix: str = Field(default="liandong", description="Prefix of the rate-limit keys in Redis")
    ledger_audit_seconds: float = Field(default=10, ge=0, description="How often the server verifies "
                                        "the entries appended since its last round against the stored "
                                        "state and the cosigned checkpoints (0: never; decision 0028)")
    witnesses: str = Field(default="", description="Independent witnesses (decision 0035): '<URL> "
                           "<witness verifier key>' items separated by newlines or commas, or the path "
                           "of a file of such lines; empty: the in-process witnesses, which prove "
                           "nothing beyond this host")
    key_store: Literal["sealed", "pkcs11"] = Field(
        default="sealed", description="Where the departments' signing keys are (decision 0042): sealed "
        "under the platform secret in the database, or made and kept in a PKCS#11 token (密码机/HSM)")
    pkcs11_module: str = Field(default="", description="The PKCS#11 module of the token (e.g. "
                               "/usr/lib/softhsm/libsofthsm2.so, or the 密码机 vendor's library)")
    pkcs11_token: str = Field(default="", description="Label of the token that holds the keys")
    pkcs11_pin: str | None = Field(default=None, description="The token's user PIN (from the "
                                   "environment, LIANDONG_PKCS11_PIN; never in a file of the project)")
    tile_cache_mib: int = Field(default=64, ge=0, description="MiB of the full tiles of the public "
                                "log (/log/tile/…) kept in memory by each server process, the least "
                                "recently used dropped first (0: none, every request reads the store)")
    heat_sweep_seconds: float = Field(default=300, ge=0, description="How often the server raises "
                                      "the public-opinion heat of cases from bursts of similar reports "
                                      "(0: never)")
    freeze_seconds: float = Field(default=3600, ge=0, description="How often a server on a live store "
                                  "freezes the assessment of the last whole month and the one before "
                                  "(考核结果固化) where no snapshot is kept, the first time a minute after "
                                  "it starts (0: never; `liandong report freeze` from a timer instead)")
    dashboard_warm_seconds: float = Field(default=600, ge=0, description="How often the server reads "
                                          "the first part day of the dashboards' period before into "
                                          "memory if it changed (a new day after midnight; 0: never)")
    writer_process: Literal["auto", "on", "off"] = Field(
        default="auto", description="Where a server lands its batches of commands: in a process of its "
        "own (on), in a thread of the server (off), or auto: a process on SQLite, a thread on "
        "PostgreSQL (whose server processes write side by side anyway)")
    holidays_dir: Path | None = Field(default=None, description="Directory of yearly holiday files "
                                      "(2027.toml …, the State Council's arrangement) that override the "
                                      "shipped ones; unset: <data_dir>/holidays when it exists")
    smtp_host: str | None = Field(default=None, description="SMTP server that sends reporters the "
                                  "updates of their cases (e.g. 127.0.0.1); unset: no e-mail is sent")
    smtp_port: int = Field(default=25, description="Port of smtp_host")
    mail_from: str = Field(default="12345@localhost", description="Sender of the reporters' e-mail")
    sms_log: Path | None = Field(default=None, description="Development SMS gateway: the text messages "
                                 "to reporters are appended to this file (one JSON line each); unset: none")
    catalogues_dir: Path | None = Field(default=None, description="Directory of local dispatch "
                                        "catalogues (派单目录: <scope>-<version>.toml, one per province or "
                                        "city and version) applied over the national list; unset: "
                                        "<data_dir>/catalogues when it exists")
    host: str = "127.0.0.1"
    port: int = 8000
    allowed_hosts: str = Field(default="", description="Host names the server answers for, comma-"
                               "separated (e.g. 12345.wuxi.gov.cn,*.wuxi.gov.cn; * for any); empty: "
                               "127.0.0.1, localhost, [::1] and host unless it is 0.0.0.0 or ::")
    public_url: str | None = Field(default=None, description="Where the public reaches the server "
                                   "(e.g. https://12345.wuxi.gov.cn): absolute links such as Open311 "
                                   "discovery's are built from it, never from a request's Host; "
                                   "unset: http://<host>:<port>")
    trusted_proxies: str = Field(default="", description="Addresses or networks of the reverse "
                                 "proxies whose X-Forwarded-For and X-Forwarded-Proto are believed, "
                                 "comma-separated (e.g. 127.0.0.1 or 10.0.0.0/8); empty: none, a "
                                 "client is the address that connected")

    @property
    def served_hosts(self) -> tuple[str, ...]:
        """The host names requests may carry (``allowed_hosts``, or loopback and ``host``)."""
        if self.allowed_hosts.strip():
            return _listed(self.allowed_hosts)
        extra = () if self.host in WILDCARD_ADDRESSES else (_bracketed(self.host),)
        return tuple(dict.fromkeys(("127.0.0.1", "localhost", "[::1]", *extra)))

    @property
    def base_url(self) -> str:
        """The server's public address, without a trailing slash."""
        if self.public_url:
            return self.public_url.rstrip("/")
        host = "127.0.0.1" if self.host in WILDCARD_ADDRESSES else _bracketed(self.host)
        return f"http://{host}:{self.port}"

    @property
    def proxies(self) -> tuple[str, ...]:
        return _listed(self.trusted_proxies)

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "liandong.sqlite3"

    def platform_secret(self) -> bytes:
        """The secret that seals signing keys at rest; generated once per data directory."""
        if self.secret:
            return self.secret.encode()
        path = self.data_dir / "secret.key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
        return path.read_text().strip().encode()

    def resolved_holidays_dir(self) -> Path | None:
        """The administrators' holiday directory: as configured (it must exist), else
        ``<data_dir>/holidays`` if present, else None."""
        if self.holidays_dir is not None:
            return self.holidays_dir
        default = self.data_dir / "holidays"
        return default if default.is_dir() else None

    def resolved_catalogues_dir(self) -> Path | None:
        """The local dispatch catalogues' directory: as configured (it must exist), else
        ``<data_dir>/catalogues`` if present, else None."""
        if self.catalogues_dir is not None:
            return self.catalogues_dir
        default = self.data_dir / "catalogues"
        return default if default.is_dir() else None

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+pysqlite:///{self.sqlite_path.resolve()}"


WILDCARD_ADDRESSES = ("0.0.0.0", "::", "")


def _listed(value: str) -> tuple[str, ...]:
    return tuple(part.strip().lower() for part in value.split(",") if part.strip())


def _bracketed(host: str) -> str:
    """An IPv6 address as it appears in a Host header ([::1])."""
    return f"[{host}]" if ":" in host and not host.startswith("[") else host.lower()
