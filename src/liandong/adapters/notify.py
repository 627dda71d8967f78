"""The reporter's channels: e-mail through SMTP (Python's ``smtplib``) and SMS through a gateway,
which in development appends each message as a JSON line to a log file (what tests read)."""

from __future__ import annotations

import json
import smtplib
import threading
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from liandong.services.ports.notify import Channel, Message


class SmtpMail(Channel):
    kind = "email"

    def __init__(self, host: str, port: int, sender: str, *, timeout: float = 10.0) -> None:
        self.host, self.port, self.sender, self.timeout = host, port, sender, timeout

    def send(self, message: Message) -> None:
        mail = EmailMessage()
        mail["From"], mail["To"], mail["Subject"] = self.sender, message.to, message.subject
        mail["Date"], mail["Message-ID"] = formatdate(localtime=False), make_msgid(domain="liandong")
        mail.set_content(message.body, charset="utf-8")
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            smtp.send_message(mail)


class SmsLogGateway(Channel):
    """An SMS gateway for development: each message one JSON line in ``path``."""

    kind = "sms"

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def send(self, message: Message) -> None:
        text = f"{message.subject}：{message.body}"
        line = json.dumps({"to": message.to, "text": text}, ensure_ascii=False)
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write(line + "\n")
