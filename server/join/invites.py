"""Household invitations a grid worker's phone makes offline (PROTOCOL.md §19.2), read here.

A code is 23 characters of Crockford base32 (server/core/codes.py), shown grouped by four:

  HHHHH  the household id (25 bits)
  EEEE   the hour it expires, in whole hours since 1970-01-01T00:00Z (20 bits)
  NNNN   a random nonce (4 characters): one use per household and nonce
  M…M    mac(worker's key, "invite:<household id>:<expiry yyyymmddhh UTC>:<nonce>"), 10 characters

The phone makes expiry = the hour now + INVITE_HOURS; the server refuses a code whose expiry is
past, or further ahead than INVITE_HOURS + 1 (a phone whose clock is ahead may not mint codes
that live longer)."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from server.core import codes

INVITE_HOURS = 72
HOUSEHOLD_CHARS, EXPIRY_CHARS, NONCE_CHARS = 5, 4, 4
CODE_LENGTH = HOUSEHOLD_CHARS + EXPIRY_CHARS + NONCE_CHARS + codes.MAC_LENGTH
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# A scanned QR holds the app's address with ?code=…; a typed code is the code alone.
_IN_URL = re.compile(r"[?&#]code=([0-9A-Za-z\-\s]+)")


@dataclass(frozen=True)
class Invitation:
    household_id: int
    expiry_hour: int
    nonce: str
    mac: str

    @property
    def expires_at(self) -> datetime:
        return _EPOCH + timedelta(hours=self.expiry_hour)

    def message(self) -> str:
        return message(self.household_id, self.expiry_hour, self.nonce)


def message(household_id: int, expiry_hour: int, nonce: str) -> str:
    stamp = (_EPOCH + timedelta(hours=expiry_hour)).strftime("%Y%m%d%H")
    return f"invite:{household_id}:{stamp}:{nonce}"


def to_chars(number: int, width: int) -> str:
    """A number as `width` base32 characters, most significant first."""
    out = []
    for _ in range(width):
        out.append(codes.ALPHABET[number & 31])
        number >>= 5
    return "".join(reversed(out))


def from_chars(text: str) -> int:
    number = 0
    for ch in text:
        number = number * 32 + codes.ALPHABET.index(ch)
    return number


def hour_of(instant: datetime) -> int:
    return int((instant - _EPOCH).total_seconds() // 3600)


def make(key: str, household_id: int, now: datetime, nonce: str) -> str:
    """The code a phone makes (the tests' and the demo's; pwa/js/invite-code.js is the phone's)."""
    expiry = hour_of(now) + INVITE_HOURS
    head = to_chars(household_id, HOUSEHOLD_CHARS) + to_chars(expiry, EXPIRY_CHARS) + nonce
    return head + codes.mac(key, message(household_id, expiry, nonce))


def parse(typed: str) -> Invitation | None:
    """The invitation in what was typed or scanned, or None when it is not one."""
    if not isinstance(typed, str):
        return None
    found = _IN_URL.search(typed)
    code = codes.normalise(re.sub(r"\s", "", found.group(1) if found else typed))  # a pasted line break too
    if len(code) != CODE_LENGTH or any(ch not in codes.ALPHABET for ch in code):
        return None
    h, e, n = HOUSEHOLD_CHARS, HOUSEHOLD_CHARS + EXPIRY_CHARS, HOUSEHOLD_CHARS + EXPIRY_CHARS + NONCE_CHARS
    household_id = from_chars(code[:h])
    if household_id == 0:
        return None
    return Invitation(household_id, from_chars(code[h:e]), code[e:n], code[n:])


def signed_by(invitation: Invitation, key: str) -> bool:
    return codes.verify(key, invitation.message(), invitation.mac)


def timely(invitation: Invitation, now: datetime) -> bool:
    """Not expired, and not made to last longer than an invitation may."""
    return now < invitation.expires_at <= now + timedelta(hours=INVITE_HOURS + 1)
