"""The citizen side's adapters wired (photos, the reporter's notifications): kept out of
``bootstrap`` so that the one wiring module stays short; ``Platform`` calls these once."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from liandong.services.clock import Clock

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy import Engine

    from liandong.adapters.area_alerts import AreaAlertMail
    from liandong.adapters.reporter_updates import ReporterUpdates
    from liandong.config import Settings
    from liandong.domain.responsibility import ResponsibilityList
    from liandong.services.photos import Photos
    from liandong.services.ports import UnitOfWork
    from liandong.services.queries import CaseQueries
    from liandong.services.recovery import TrackingRecovery


def photo_service(data_dir: Path | None, engine: Engine | None, queries: CaseQueries, clock: Clock) -> Photos:
    """Photos cleaned with Pillow, kept under ``<data_dir>/photos`` by content and linked in the
    database (both in memory where there is neither)."""
    from liandong.adapters.images import clean_photo
    from liandong.adapters.memory.photos import MemoryBlobStore, MemoryPhotoLinks
    from liandong.services.photos import Photos
    from liandong.services.ports.photos import BlobStore, PhotoLinks

    blobs: BlobStore = MemoryBlobStore()
    links: PhotoLinks = MemoryPhotoLinks()
    if data_dir is not None:
        from liandong.adapters.blob_files import FileBlobStore

        blobs = FileBlobStore(data_dir / "photos")
    if engine is not None:
        from liandong.adapters.sql.photos import SqlPhotoLinks

        links = SqlPhotoLinks(engine)
    from liandong.adapters.documents import check_pdf

    return Photos(blobs, links, clean_photo, queries, clock, check_pdf)


def reporter_updates(settings: Settings, uow: Callable[[], UnitOfWork],
                     matters: ResponsibilityList) -> ReporterUpdates | None:
    """The reporters' updates through the channels the settings configure (SMTP, the development
    SMS log); None when there are none."""
    from liandong.adapters.notify import SmsLogGateway, SmtpMail
    from liandong.adapters.reporter_updates import ReporterUpdates
    from liandong.services.ports.notify import Channel

    channels: list[Channel] = []
    if settings.smtp_host:
        channels.append(SmtpMail(settings.smtp_host, settings.smtp_port, settings.mail_from))
    if settings.sms_log is not None:
        channels.append(SmsLogGateway(settings.sms_log))
    return ReporterUpdates(uow, matters, channels) if channels else None


def area_alerts(settings: Settings, platform: Any) -> AreaAlertMail | None:
    """区域提醒 by e-mail through the SMTP server the settings name (None without one); kept in the
    database beside the cases."""
    from liandong.adapters.area_alerts import AreaAlertMail
    from liandong.adapters.notify import SmtpMail
    from liandong.adapters.sql.alerts import SqlAreaAlerts

    if not settings.smtp_host or platform.engine is None:
        return None
    mail = SmtpMail(settings.smtp_host, settings.smtp_port, settings.mail_from)
    return AreaAlertMail(platform.uow, platform.catalogue.matters, [mail],
                         alerts=SqlAreaAlerts(platform.engine), platform=platform, clock=platform.clock,
                         secret=platform.secret, base_url=settings.base_url)


def tracking_recovery(platform: Any, sms_log: Path | None) -> TrackingRecovery:
    """找回查询码 with one-time codes by SMS: the development gateway's log where the settings name one
    (no SMS channel otherwise: asking is answered that the platform cannot send)."""
    from liandong.adapters.notify import SmsLogGateway
    from liandong.services.recovery import TrackingRecovery

    return TrackingRecovery(uow=platform.uow, sms=SmsLogGateway(sms_log) if sms_log else None,
                            clock=platform.clock, secret=platform.secret)
