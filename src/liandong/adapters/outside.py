"""What a deployed process connects to outside itself, wired once ``bootstrap`` has made the
platform: e-mail and SMS to reporters, area alerts to subscribers, independent witnesses, the tile
cache's size and, when configured, the departments' keys in a PKCS#11 token (decisions 0029, 0035,
0041, 0042). A memory platform (tests, the simulator) connects to none of them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from liandong.config import Settings


def connect(platform: Any, settings: Settings) -> None:
    """``platform``: the ``bootstrap.Platform`` just made (adapters do not import the bootstrap)."""
    from liandong.adapters.citizen import area_alerts, reporter_updates
    from liandong.adapters.witness_http import remote_witnesses

    platform.reporter_updates = reporter_updates(settings, platform.uow, platform.catalogue.matters)
    platform.area_alerts = area_alerts(settings, platform)
    platform.cosigners, platform.refusals = remote_witnesses(settings.witnesses, settings.data_dir)
    platform.tile_cache_bytes = settings.tile_cache_mib << 20
    if settings.key_store != "sealed":
        from liandong.adapters.pkcs11_keys import key_store
        from liandong.services.keystore import SealedKeyStore

        platform.key_store = key_store(settings, SealedKeyStore(platform.secret))
