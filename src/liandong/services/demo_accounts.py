"""The demo's accounts (演示账号): the 12345 centre, leaders and handlers of 无锡, an inspector, an
analyst and a citizen, all with one password, and the demo Open311 key. ``liandong demo`` creates
them; the end-to-end tests and the load harnesses sign in with them."""

from __future__ import annotations

from datetime import datetime

from liandong.services.accounts import Accounts, create_account, create_api_key, token_digest
from liandong.services.ports import UnitOfWork

DEMO_PASSWORD = "liandong-demo"
DEMO_API_KEY = "demo-open311-key"
DEMO_ACCOUNTS: tuple[tuple[str, str | None, tuple[str, ...]], ...] = (  # (username, department, roles)
    ("centre", "320200-gov", ("dispatcher",)),
    ("wuxi_leader", "320200-gov", ("leader",)),
    ("wuxi_chengguan", "320200-urban_management", ("handler",)),
    ("liangxi_chengguan", "320213-urban_management", ("handler",)),
    ("liangxi_chengguan_leader", "320213-urban_management", ("leader",)),  # decides the streets' 延期
    ("liangxi_gongan", "320213-public_security", ("handler",)),
    ("liangxi_shichang", "320213-market_regulation", ("handler",)),
    ("liangxi_huanbao", "320213-eco_environment", ("handler",)),
    ("shanbei_zhifa", "320213015-urban_management", ("handler",)),
    ("chongansi_street", "320213001-gov", ("handler", "leader")),
    ("chongansi_zhifa", "320213001-urban_management", ("handler",)),
    ("inspector", "320000-gov", ("inspector", "assessor")),
    ("jiangsu_leader", "320000-gov", ("leader",)),
    ("suzhou_leader", "320500-gov", ("leader",)),
    ("liangxi_leader", "320213-gov", ("leader",)),
    ("wuxi_analyst", "320200-gov", ("analyst",)),
    ("citizen", None, ("citizen",)),
)


def ensure_demo(accounts: Accounts) -> list[tuple[str, str | None, tuple[str, ...]]]:
    """``ensure_demo_accounts`` on the platform's store and clock (``liandong demo``)."""
    return ensure_demo_accounts(uow=accounts.uow(), now=accounts.clock.now())


def ensure_demo_accounts(*, uow: UnitOfWork,
                         now: datetime) -> list[tuple[str, str | None, tuple[str, ...]]]:
    """Create the demo accounts (and the demo Open311 key) that do not exist yet."""
    with uow:
        if uow.accounts.api_client(token_digest(DEMO_API_KEY)) is None:
            create_api_key(uow=uow, name="demo", now=now, key=DEMO_API_KEY)
        for username, department, roles in DEMO_ACCOUNTS:
            if uow.accounts.by_username(username) is None:
                create_account(uow=uow, username=username, password=DEMO_PASSWORD,
                               department=department, roles=roles, now=now)
        uow.commit()
    return list(DEMO_ACCOUNTS)
