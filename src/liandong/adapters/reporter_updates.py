"""Updates that come to the reporter (进度告知): when a case is dispatched, resolved (with the
request for a rating), reopened or closed, its reporter is told by e-mail and SMS where they left an
address or a number.

A subscriber of the bus: it is handed the events after their transaction has committed (never
inside it) and only queues them; a thread of its own reads the case's contact and sends, so a slow
or failing mail server never holds the writer. A send that fails is tried again (``attempts``, with
a growing pause) and then logged; it never fails the command. Messages queued when the process
stops are lost (docs/decisions/0026)."""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from liandong.domain.aggregate import DomainEvent
from liandong.domain.responsibility import ResponsibilityList
from liandong.i18n.notify import NOTE, UPDATE_SUBJECT, UPDATES
from liandong.services.ports import Stored, UnitOfWork
from liandong.services.ports.notify import Channel, Message

log = logging.getLogger("liandong.reporter_updates")
_STOP = object()


@dataclass
class ReporterUpdates:
    uow: Callable[[], UnitOfWork]
    matters: ResponsibilityList
    channels: Sequence[Channel]
    attempts: int = 3
    pause: float = 0.5  # seconds before the second attempt, doubled for each further one
    _queue: queue.Queue[object] = field(default_factory=queue.Queue, init=False)
    _thread: threading.Thread | None = field(default=None, init=False)

    def __call__(self, stored: list[Stored[DomainEvent]]) -> None:
        """The bus's subscriber: queue what concerns a reporter; nothing is read or sent here."""
        for item in stored:
            if type(item.event).__name__ in UPDATES:
                self._queue.put(item.event)
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="reporter-updates", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        if self._thread is not None:
            self._queue.put(_STOP)
            self._thread.join(timeout)
            self._thread = None

    def messages(self, event: DomainEvent) -> list[tuple[Channel, Message]]:
        """The messages an event sends: one a channel for which the case has a contact."""
        case_id = event.aggregate_id
        with self.uow() as uow:
            case = uow.cases.get(case_id)
        if case is None:
            return []
        r = case.record
        note = str(getattr(event, "public_note", "") or "")
        body = UPDATES[type(event).__name__].format(matter=self.matters.get(r.matter).name,
                                                    note=NOTE.format(note=note) if note else "")
        contacts = {"email": r.reporter_email, "sms": r.reporter_phone}
        return [(channel, Message(to=contacts[channel.kind], subject=UPDATE_SUBJECT, body=body))
                for channel in self.channels if contacts.get(channel.kind)]

    def deliver(self, channel: Channel, message: Message) -> bool:
        for attempt in range(1, self.attempts + 1):
            try:
                channel.send(message)
                return True
            except Exception:  # retried, then logged: a failed send never fails the command
                if attempt == self.attempts:
                    log.exception("an update by %s was not sent (%d attempts)", channel.kind, attempt)
                    return False
                time.sleep(self.pause * 2 ** (attempt - 1))
        return False

    def _run(self) -> None:
        while (item := self._queue.get()) is not _STOP:
            try:
                for channel, message in self.messages(item):  # type: ignore[arg-type]
                    self.deliver(channel, message)
            except Exception:  # a bad event or a lost store: logged, the next one goes on
                log.exception("the update of an event could not be prepared")
            finally:
                self._queue.task_done()
        self._queue.task_done()

    def drain(self, timeout: float = 10.0) -> None:
        """Wait until every queued update has been sent or given up (tests)."""
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.02)
