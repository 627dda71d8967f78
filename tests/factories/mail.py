"""A real SMTP server for tests (``aiosmtpd``): what arrives is kept and read back, waited for with a
deadline that fails with what it saw."""

from __future__ import annotations

import email
import re
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email import policy
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller


class Inbox:
    def __init__(self) -> None:
        self.mails: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.mails.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def wait(self, count: int, timeout: float = 15.0) -> list[Message]:
        deadline = time.monotonic() + timeout
        while len(self.mails) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{count} mails expected, {len(self.mails)} arrived: "
                                     f"{[m['Subject'] for m in self.mails]}")
            time.sleep(0.05)
        return self.mails


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def text_of(mail: Message) -> str:
    part = mail.get_payload(decode=True)
    assert isinstance(part, bytes)
    return part.decode(mail.get_content_charset() or "utf-8")


def link_in(mail: Message, path: str) -> str:
    """The path and query of the first link to ``path`` in a mail's text (the host left out)."""
    found = re.search(rf"https?://[^/\s]+({re.escape(path)}\?\S+)", text_of(mail))
    assert found is not None, f"no link to {path} in: {text_of(mail)}"
    return found.group(1)
