"""Password hashing with Argon2id (argon2-cffi), parameters from the app config, and the
refusal of the most common passwords."""

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app


def _hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(time_cost=config["ARGON2_TIME_COST"], memory_cost=config["ARGON2_MEMORY_COST"])


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


# Verified when the phone number is unknown, so both answers take as long (no user oracle).
_DUMMY_HASH: dict[tuple, str] = {}


def spend_equal_time(password: str) -> None:
    key = (current_app.config["ARGON2_TIME_COST"], current_app.config["ARGON2_MEMORY_COST"])
    if key not in _DUMMY_HASH:
        _DUMMY_HASH[key] = hash_password("redgrid-dummy-password")
    verify_password(_DUMMY_HASH[key], password)


@cache
def _common_passwords() -> frozenset[str]:
    """The 30,000 most common passwords of zxcvbn's frequency list (leaked password sets, ranked,
    kept by the zxcvbn package): the first ones an attacker tries against a phone number."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS  # a few MB: loaded on the first check only

    return frozenset(FREQUENCY_LISTS["passwords"])


# Fewer guesses than this (zxcvbn's estimate) is a password found in the first seconds of an
# online attack: 88888888, a1234567, 1qaz2wsx, abc123456 are patterns that no word list holds
# whole (zxcvbn's lists come from mostly English leaks; these are the common Chinese ones).
MIN_GUESSES_LOG10 = 4


def is_common(password: str) -> bool:
    """Whether a password is on the common-password list (ignoring case: the list is lower case)
    or made of a pattern zxcvbn guesses in fewer than 10⁴ tries (repeats, sequences, keyboard
    walks, dates)."""
    if password.lower() in _common_passwords():
        return True
    from zxcvbn import zxcvbn

    # zxcvbn refuses inputs beyond 72 characters (bcrypt's limit, raised as an error); a longer
    # password is judged by its first 72, which holds any pattern that makes it guessable.
    return zxcvbn(password[:72])["guesses_log10"] < MIN_GUESSES_LOG10
