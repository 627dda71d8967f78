"""The application factory: the REST API and the web pages on one server, with the shared HTTP
machinery (``liandong.http``), the writer and the timers. Only this package knows both edges."""

from __future__ import annotations

import gc
import logging
import os
import subprocess
import sys
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Response

from liandong import __version__
from liandong.adapters.nats_bus import jetstream
from liandong.api import (
    auth,
    cases,
    inbox,
    insight,
    instruments,
    log,
    open311,
    open311_updates,
    organisation,
    shared,
    track,
)
from liandong.assessment.rules import load_rules
from liandong.bootstrap import Platform, bootstrap
from liandong.config import Settings
from liandong.federation.serving import ServedNode, name_log
from liandong.http import errors, guards, hardening
from liandong.http.throttle import Throttle
from liandong.i18n.ledger import describe
from liandong.server.auditor import AuditorProcess, audit_once
from liandong.server.background import Periodic, lower_priority
from liandong.server.checkpoints import CheckpointPublisher
from liandong.server.lead import TimerLead
from liandong.server.writer_process import WriterProcess
from liandong.web import (
    assessment_page,
    console,
    dashboard,
    followup_page,
    geo,
    inbox_page,
    insight_panel,
    instruments_page,
    pages,
    pool_page,
    portal,
    portal_map,
    public_page,
    recovery_page,
    shared_page,
    workbench,
)
from liandong.web.case_photos import MAX_PHOTOS
from liandong.web.dashboard import keep_warm
from liandong.web.render import Renderer

logger = logging.getLogger("liandong.server")

SWITCH_INTERVAL = 0.0005
"""Seconds a thread may hold the interpreter lock while another waits for it (server processes)."""


WAL_CHECKPOINT_SECONDS = 0.2
"""How often a server checkpoints its SQLite write-ahead log (see ``defer_wal_checkpoints``)."""


FREEZE_FIRST_SECONDS = 60.0
"""How long after start a server first looks for assessment snapshots to make (after the warm-ups)."""

FREEZE_TIMEOUT_SECONDS = 4 * 3600.0
"""How long one round of freezing may take before it is stopped (and tried again at the next)."""

HEAT_TIMEOUT_SECONDS = 3600.0
"""How long one heat sweep may take before it is stopped (and tried again at the next)."""


def freeze_due(platform: Platform, cfg: Settings) -> None:
    """考核结果固化 that is due (the last whole month where not frozen at its end, the month in
    progress each hour), by ``liandong report freeze`` in a process of its own: at a megacity's volume
    it is minutes of work that must not hold this server's interpreter."""
    if platform.sandbox:
        return
    rules = cfg.assessment_rules
    extra = {"LIANDONG_ASSESSMENT_RULES": str(rules)} if rules is not None else {}
    in_own_process(platform, ["report", "freeze"], FREEZE_TIMEOUT_SECONDS, extra)


def heat_sweep(platform: Platform) -> None:
    """舆情热度 raised from bursts of similar reports (``liandong insight heat --sweep``), in a process of
    its own: every open case of the window compared with its neighbours is seconds of work at a city's
    volume, which in a worker held its requests (the PostgreSQL soak's stalls every five minutes)."""
    in_own_process(platform, ["insight", "heat", "--sweep"], HEAT_TIMEOUT_SECONDS)


def in_own_process(platform: Platform, argv: list[str], timeout: float, extra: dict[str, str] | None = None,
                   ) -> None:
    """``liandong <argv>`` on this server's store, in a process of its own at a lower CPU priority
    (the requests first: the same cores serve them); its output logged, a failure as a warning."""
    if platform.data_dir is None or platform.engine is None:
        return
    env = {**os.environ, "LIANDONG_DATABASE_URL": platform.engine.url.render_as_string(hide_password=False),
           "LIANDONG_DATA_DIR": str(platform.data_dir), **(extra or {})}
    with subprocess.Popen([sys.executable, "-m", "liandong", *argv], env=env, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE) as child:
        lower_priority(child.pid)
        try:
            out, err = child.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            child.kill()
            child.communicate()
            raise
    if child.returncode:
        logger.warning("liandong %s failed (%d): %s", " ".join(argv), child.returncode, err[-2000:])
    elif out.strip():
        logger.info("%s", out.strip())


def warm_up(platform: Platform) -> None:
    """Build what the first requests would otherwise wait for, then set the start-up heap aside.

    The national hierarchy and the place resolver are millions of long-lived objects: left in the
    collector's oldest generation, every full collection walks them all, a pause of a tenth of a
    second in the middle of someone's request. ``gc.freeze`` moves them out of its way for good."""
    platform.places  # noqa: B018 - built on first use
    for thread in threading.enumerate():  # the dashboard's cache is start-up heap too
        if thread.name == "dashboard-warm-up":
            thread.join(timeout=300)
    gc.collect()
    gc.freeze()


def _writer_process(cfg: Settings, platform: Platform, *, own: bool) -> bool:
    """Whether the server's batches land in a process of their own (``Settings.writer_process``):
    only for a platform the app wired itself from the settings, which the child wires again."""
    if cfg.writer_process == "off" or not own or platform.engine is None:
        return False
    if cfg.federation is not None:  # a node's checkpoints are cosigned by its peers' witnesses, from here
        return False
    return cfg.writer_process == "on" or platform.engine.dialect.name == "sqlite"


def create_app(settings: Settings | None = None, platform: Platform | None = None) -> FastAPI:
    """Build the app; the platform is wired here, never at import time."""
    wired = platform or bootstrap(settings or Settings())
    cfg = settings or Settings()
    # a federation node: its log named after its scope before the ledger is first built (decision 0056)
    node_config = name_log(wired, cfg.federation) if cfg.federation is not None else None

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # A thread back from a database round trip queues for the interpreter lock behind whichever
        # thread holds it, up to the switch interval (5 ms by default) each time: with ten round
        # trips a command and a dozen threads, tens of milliseconds (the convoy effect).
        sys.setswitchinterval(SWITCH_INTERVAL)
        mask = os.umask(0o077)  # files the server writes (database, its log, keys) are the owner's
        # the write-ahead log is checkpointed on a timer thread, not in a batch's commit
        wal = wired.defer_wal_checkpoints()
        wal_timer = Periodic("wal-checkpoint", WAL_CHECKPOINT_SECONDS, wal.once).start() if wal else None
        if wired.engine is not None:
            # built now: its first use reads the witnesses in a transaction of its own, which inside
            # a request's transaction would wait on that request's own lock
            wired.ledger  # noqa: B018
        # a writer process publishes the checkpoints itself, between its batches
        lead = TimerLead(wired.data_dir)  # one worker does the timers' work for all (decision 0060)
        publisher = (CheckpointPublisher(wired, leads=lead.held) if wired.engine is not None
                     and not isinstance(wired.writer(), WriterProcess) else None)
        if publisher is not None:
            publisher.start()
        wired.writer().start()
        # the place resolver takes a second to build: not on the first report's time
        threading.Thread(target=warm_up, args=(wired,), name="places-warm-up", daemon=True).start()
        stop_relay = (wired.relay(jetstream(cfg), prefix=cfg.nats_prefix).start()
                      if cfg.nats_url and wired.engine is not None else None)
        # the ledger's auditor on a timer thread; its rounds read through read-only deferred
        # transactions (Platform.record), never holding the writer's lock
        # the ledger's auditor: a process of its own where the platform is the settings' (it wires
        # its own from them), else rounds on a timer thread here (a federation node's log is named
        # after its scope here, a test's platform may be built by hand)
        own = platform is None and cfg.federation is None and wired.data_dir is not None
        audit_child = AuditorProcess(cfg, cfg.ledger_audit_seconds) if own else None
        audit_round = (audit_child.ensure if audit_child is not None
                       else lambda: audit_once(wired.ledger_watch()))
        auditor = (Periodic("ledger-audit", cfg.ledger_audit_seconds, lead.only(audit_round)).start()
                   if cfg.ledger_audit_seconds > 0 and wired.engine is not None else None)
        heat = (Periodic("heat-sweep", cfg.heat_sweep_seconds,
                         lead.only(lambda: heat_sweep(wired))).start()
                if cfg.heat_sweep_seconds > 0 and wired.data_dir and wired.engine is not None else None)
        freezer = (Periodic("assessment-freeze", cfg.freeze_seconds,
                            lead.only(lambda: freeze_due(wired, cfg)), first=FREEZE_FIRST_SECONDS).start()
                   if cfg.freeze_seconds > 0 and wired.data_dir and wired.engine is not None else None)
        warmer = (Periodic("dashboard-warm", cfg.dashboard_warm_seconds, lambda: keep_warm(app)).start()
                  if cfg.dashboard_warm_seconds > 0 and wired.engine is not None else None)
        served = app.state.federation = (ServedNode(wired, node_config).start()
                                         if node_config is not None else None)
        yield
        if served is not None:
            served.stop()
        if heat is not None:
            heat.stop()
        if freezer is not None:
            freezer.stop()
        if warmer is not None:
            warmer.stop()
        if auditor is not None:
            auditor.stop()
        if audit_child is not None:
            audit_child.stop()
        lead.release()
        if stop_relay is not None:
            stop_relay()
        wired.writer().stop()
        if publisher is not None:
            publisher.stop()
        if wal_timer is not None:
            wal_timer.stop()
        if wal is not None:
            wal.close()
        os.umask(mask)
        gc.unfreeze()  # an app stopped inside a longer process (tests) leaves nothing uncollectable

    if _writer_process(cfg, wired, own=platform is None):
        wired.use_writer(WriterProcess(cfg))
    app = FastAPI(title="联动 Liandong", version=__version__,
                  description="政府多层级联动社会治理平台 API", lifespan=lifespan)
    app.state.platform = wired
    app.state.federation = None  # the node's loop (``ServedNode``), while a federation node serves
    errors.install(app)
    app.state.throttle = Throttle.from_settings(cfg, wired.clock)
    guards.install(app, max_body=cfg.max_body_bytes, intake_limit=cfg.public_intake_limit,
                   throttle=app.state.throttle, uploads={"/portal": cfg.max_upload_bytes,
                                         "/work/cases/*/act": MAX_PHOTOS * cfg.max_upload_bytes})
    # the log's kept tiles are answered inside the door, before the guards and routing
    app.add_middleware(log.LogCache, cache=wired.tile_cache())
    hardening.install(app, hosts=cfg.served_hosts, proxies=cfg.proxies)  # outermost
    app.state.public_url = cfg.base_url
    # the rules the dashboards and assessment pages apply (a bad file stops the server here)
    app.state.assessment_rules = load_rules(cfg.assessment_rules)
    app.include_router(cases.router)  # first: the busiest routes are matched before the others
    app.include_router(inbox.router)
    app.include_router(shared.router)
    app.include_router(organisation.router)
    app.include_router(instruments.router)
    app.include_router(insight.router)
    app.include_router(auth.router)
    app.include_router(track.router)
    app.include_router(log.router)
    app.include_router(open311.router)
    app.include_router(open311_updates.router)
    open311.install(app)
    renderer = Renderer(app, cfg.assets_dir)
    pages.install(app, renderer)
    inbox_page.install(app, renderer)
    followup_page.install(app, renderer)
    workbench.install(app, renderer)
    shared_page.install(app, renderer)
    console.install(app, renderer)
    tiles = portal_map.Tiles(cfg.portal_tiles, cfg.portal_tiles_crs, cfg.portal_tiles_attribution)
    public_page.install(app, renderer, tiles=tiles)  # the public map shows the portal's tiles
    recovery_page.install(app, renderer, sms_log=cfg.sms_log)
    portal.install(app, renderer, report_limit=cfg.portal_report_limit, body_limit=cfg.max_upload_bytes,
                   tiles=tiles)
    dashboard.install(app, renderer)
    assessment_page.install(app, renderer)
    instruments_page.install(app, renderer)
    pool_page.install(app, renderer)
    insight_panel.install(app, renderer)
    geo.install(app)

    @app.get("/healthz", tags=["system"])
    def healthz(response: Response) -> dict[str, str]:
        """``ok``; 503 with the first mismatch the ledger's auditor found (in English: for monitors);
        ``store``: "live", or "sandbox" for a training store (docs/decisions/0030)."""
        alarm = wired.ledger_watch().status.alarm
        store = "sandbox" if wired.sandbox else "live"
        if alarm is None:
            return {"status": "ok", "store": store}
        response.status_code = 503
        return {"status": "ledger_alarm", "ledger": describe(alarm.key, alarm.params, "en"), "store": store}

    return app
