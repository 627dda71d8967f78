"""找回查询码: a reporter who lost the tracking code gets new ones with the phone number of the report
and a one-time code sent to it by SMS (issue 24 point 6).

A tracking code is kept only as its digest, so it cannot be shown again: proving the phone gives a
*new* code for each of the latest cases that phone reported (the old code keeps working for whoever
holds it). The one-time code is not stored: the page carries a challenge, an HMAC under the
platform secret of the phone, the code and its expiry, and the answer is checked against it. What
limits guessing is the edge's rate limit per phone and per address (a six-digit code, a few tries).

No enumeration: asking for a code answers the same whether the number reported anything or not; an
SMS goes only to a number that did, and only its holder reads it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from liandong.domain.contact import check_phone, phone_digest, phone_key
from liandong.domain.errors import DomainError
from liandong.services.accounts import token_digest
from liandong.services.clock import Clock
from liandong.services.intake import new_tracking_code
from liandong.services.ports import UnitOfWork
from liandong.services.ports.notify import Channel, Message

LIFETIME = timedelta(minutes=10)
"""How long a one-time code may be used."""

CASES = 5
"""How many of the phone's latest cases get a new tracking code."""

SMS_SUBJECT = "【12345】验证码"
SMS_BODY = "您正在找回查询码，验证码 {code}，{minutes} 分钟内有效。如非本人操作请忽略。"


@dataclass(frozen=True)
class Challenge:
    """What the page carries between asking and answering: the expiry and the HMAC."""

    expires: int  # Unix seconds
    mac: str


@dataclass(frozen=True)
class Recovered:
    case_id: str
    tracking_code: str
    received_at: datetime | None


@dataclass(frozen=True)
class TrackingRecovery:
    uow: Callable[[], UnitOfWork]
    sms: Channel | None
    clock: Clock
    secret: bytes

    def _digest(self, phone: str) -> str:
        """The phone's digest as ``reporter_phone`` keeps it (keyed with the platform secret)."""
        return phone_digest(phone, phone_key(self.secret))

    def _mac(self, phone: str, code: str, expires: int) -> str:
        text = f"recovery\n{self._digest(phone)}\n{code}\n{expires}".encode()
        return hmac.new(self.secret, text, hashlib.sha256).hexdigest()

    def request(self, phone: str) -> Challenge:
        """Send a one-time code to ``phone`` if it reported a case; the challenge either way (a
        number that reported nothing gets one that no code answers)."""
        phone = check_phone(phone)
        if not phone:
            raise DomainError("recovery.bad_phone")
        if self.sms is None:
            raise DomainError("alerts.unavailable")
        code = f"{secrets.randbelow(10**6):06d}"
        expires = int((self.clock.now() + LIFETIME).timestamp())
        with self.uow() as uow:
            known = bool(uow.case_reads.cases_for_phone(self._digest(phone), limit=1))
        if known:
            self.sms.send(Message(to=phone, subject=SMS_SUBJECT,
                                  body=SMS_BODY.format(code=code, minutes=LIFETIME.seconds // 60)))
        else:  # the same work, and a challenge no one can answer
            code = secrets.token_hex(16)
        return Challenge(expires, self._mac(phone, code, expires))

    def verify(self, phone: str, code: str, challenge: Challenge) -> list[Recovered]:
        """New tracking codes for the phone's latest cases, once the one-time code answers the
        challenge in time; ``recovery.bad_code`` otherwise."""
        phone = check_phone(phone)
        fresh = self.clock.now().timestamp() <= challenge.expires
        expected = self._mac(phone, code.strip(), challenge.expires)
        if not (phone and fresh and hmac.compare_digest(expected, challenge.mac)):
            raise DomainError("recovery.bad_code")
        out = []
        with self.uow() as uow:
            for case_id in uow.case_reads.cases_for_phone(self._digest(phone), limit=CASES):
                case = uow.case_reads.get(case_id)
                tracking = new_tracking_code()
                uow.cases.add_tracking(token_digest(tracking), case_id)
                out.append(Recovered(case_id, tracking, case.record.received_at if case else None))
            uow.commit()
        return out


def rekey_phones(uow: Callable[[], UnitOfWork], secret: bytes) -> int:
    """The phone digests keyed again with ``secret`` (the platform secret, after it changed), from
    the stored reports; the reports that hold a phone."""
    key = phone_key(secret)
    with uow() as unit:
        found = unit.cases.rebuild_phones(lambda phone: phone_digest(phone, key))
        unit.commit()
    return found
