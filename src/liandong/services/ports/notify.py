"""How a reporter is told of their case: a message to an e-mail address or a phone number. Adapters:
SMTP (``adapters.notify.SmtpMail``) and an SMS gateway (``adapters.notify.SmsLogGateway`` in
development: one line a message in a log file)."""

from __future__ import annotations

import abc
from dataclasses import dataclass


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    body: str


class Channel(abc.ABC):
    """One way to reach a reporter; ``send`` raises if the message did not go (it is retried)."""

    kind: str = ""  # "email" or "sms": which contact of the case it takes

    @abc.abstractmethod
    def send(self, message: Message) -> None:
        """Hand the message over, or raise."""
