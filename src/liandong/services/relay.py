"""The outbox relay (投递): what the transactional outboxes hold — every case event and every notice
to a department — is published on the message bus, then marked delivered.

Delivery is at least once: a message published but not yet marked (the process died between the
two) is published again on the next pass. Each message carries an id made of its outbox sequence,
so the bus keeps it once (JetStream's duplicate window); subscribers read one copy.

The messages say what happened and where to look (case, version, event type, department), never
the content: a reporter's name, phone or words stay behind the API and its access rules.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from liandong.services.ports import Notice, Outbound, Publisher, StoredEvent, UnitOfWork

log = logging.getLogger("liandong.relay")


def _subject_token(text: str) -> str:
    """A NATS subject token: no dots, spaces or wildcards."""
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in text) or "_"


def case_message(prefix: str, stored: StoredEvent) -> Outbound:
    e = stored.event
    payload = {"seq": stored.seq, "case_id": e.case_id, "type": type(e).__name__,
               "at": e.at.isoformat(), "actor": e.actor}
    return Outbound(subject=f"{prefix}.case.{_subject_token(e.case_id)}", msg_id=f"case-event-{stored.seq}",
                    payload=json.dumps(payload, ensure_ascii=False, sort_keys=True).encode())


def notice_message(prefix: str, seq: int, notice: Notice) -> Outbound:
    payload = {"seq": seq, "department": notice.department, "subject_id": notice.subject_id,
               "type": notice.event_type, "at": notice.at.isoformat()}
    return Outbound(subject=f"{prefix}.notice.{_subject_token(notice.department)}", msg_id=f"notice-{seq}",
                    payload=json.dumps(payload, ensure_ascii=False, sort_keys=True).encode())


@dataclass(frozen=True)
class RelayPass:
    case_events: int
    notices: int

    @property
    def total(self) -> int:
        return self.case_events + self.notices


class Relay:
    """Moves the outboxes to a :class:`Publisher`, one batch at a time."""

    def __init__(self, uow: Callable[[], UnitOfWork], publisher: Publisher, *, prefix: str = "liandong",
                 batch: int = 500) -> None:
        self.uow = uow
        self.publisher = publisher
        self.prefix = _subject_token(prefix)
        self.batch = batch

    def run_once(self) -> RelayPass:
        """Deliver everything pending now; raises (leaving the rest pending) if the bus fails."""
        events = notices = 0
        while True:
            with self.uow() as u:
                pending_events = u.outbox.pending_events(self.batch)
                pending_notices = u.outbox.pending_notices(self.batch)
            if not pending_events and not pending_notices:
                return RelayPass(events, notices)
            messages = [case_message(self.prefix, s) for s in pending_events]
            messages += [notice_message(self.prefix, seq, n) for seq, n in pending_notices]
            self.publisher.publish(messages)
            with self.uow() as u:
                u.outbox.mark_events_delivered([s.seq for s in pending_events])
                u.outbox.mark_notices_delivered([seq for seq, _ in pending_notices])
                u.commit()
            events += len(pending_events)
            notices += len(pending_notices)

    def run(self, stop: threading.Event, *, interval: float = 1.0, max_backoff: float = 30.0) -> None:
        """Relay until ``stop`` is set: a pass every ``interval`` seconds; when the bus fails, wait
        longer each time (up to ``max_backoff``) and try again — nothing is lost meanwhile."""
        wait = interval
        while not stop.is_set():
            try:
                done = self.run_once()
            except Exception:  # the outbox keeps everything; say so and retry later
                log.exception("outbox relay failed; retrying in %.0f s", wait)
                wait = min(wait * 2, max_backoff)
            else:
                if done.total:
                    log.info("relayed %d case events and %d notices", done.case_events, done.notices)
                wait = interval
            stop.wait(wait)

    def start(self, *, interval: float = 1.0) -> Callable[[], None]:
        """Run in a daemon thread; returns the function that stops it and closes the publisher."""
        stop = threading.Event()
        thread = threading.Thread(target=self.run, args=(stop,), kwargs={"interval": interval},
                                  name="outbox-relay", daemon=True)
        thread.start()

        def halt() -> None:
            stop.set()
            thread.join(timeout=10)
            self.publisher.close()

        return halt
