"""A reporter's contact number: what intake accepts, in one place for every edge (REST, the
portal's form, Open311)."""

from __future__ import annotations

import hashlib
import hmac
import re

from liandong.domain.errors import DomainError

MOBILE = re.compile(r"1[3-9]\d{9}")
"""手机: 11 digits starting 13–19."""

LANDLINE = re.compile(r"0\d{2,3}-?\d{7,8}(?:(?:-|转|#)\d{1,6})?")
"""固话: an area code (0 and 2–3 digits), an optional hyphen, 7–8 digits, an optional extension
after -, 转 or #."""


def check_phone(value: str) -> str:
    """The reporter's phone as stored, spaces dropped (139 0000 1111 is written so): a Chinese
    mobile or landline number, or empty (a report need not give one); ``case.bad_phone`` otherwise."""
    phone = "".join(value.split())
    if phone and not (MOBILE.fullmatch(phone) or LANDLINE.fullmatch(phone)):
        raise DomainError("case.bad_phone", value=value)
    return phone


EMAIL = re.compile(r"[^@\s<>()\[\],;:\"]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
"""An e-mail address as intake takes it: a local part without spaces or brackets, a dotted domain."""


def check_email(value: str) -> str:
    """The reporter's e-mail address as stored (trimmed), or empty; ``case.bad_email`` otherwise."""
    email = value.strip()
    if email and (len(email) > 254 or not EMAIL.fullmatch(email)):
        raise DomainError("case.bad_email", value=value)
    return email


PHONE_KEY_LABEL = b"liandong reporter phone v1"
"""What the platform secret is keyed with to give the phone digests' own key (``phone_key``)."""


def phone_key(secret: bytes) -> bytes:
    """The key of the reporters' phone digests, derived from the platform secret (its own key, so
    a digest reveals nothing of the secret, and the secret's other uses nothing of a digest)."""
    return hmac.new(secret, PHONE_KEY_LABEL, hashlib.sha256).digest()


def phone_digest(phone: str, key: bytes) -> str:
    """The digest a reporter's phone number is found by (the tracking code's recovery): an HMAC
    under ``key`` (``phone_key`` of the platform secret) of its digits, without the country code 86.
    Keyed, so that the table of digests cannot be reversed by trying every number (there are only
    some 10^10 mobiles) without the secret."""
    digits = phone if phone.isdigit() else "".join(ch for ch in phone if ch.isdigit())
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return hmac.digest(key, f"phone\n{digits}".encode(), "sha256").hex()  # hmac.new's, in one call
