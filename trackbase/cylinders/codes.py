"""Pure rules for what is printed on and typed about a cylinder: QR payloads, serial numbers, places.

QR payload format (version 1): `CYL1-` followed by 26 characters of Crockford base32 (0-9, A-Z without
I, L, O, U), 130 random bits from `secrets`; e.g. `CYL1-7ZKQ3M0V9D2XH5RT8WB4NCJ6PA`. Upper-case only,
so it fits QR's compact alphanumeric mode and compares equal under every database collation (MariaDB's
default ignores case, so a mixed-case token could collide with another that differs only in case).
The payload carries no meaning: it is unguessable, and a reprint replaces it, after which the old one
resolves to nothing.
"""

import re
import secrets

QR_PREFIX = "CYL1-"
QR_TOKEN_LENGTH = 26
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
QR_PATTERN = re.compile(rf"{re.escape(QR_PREFIX)}[{CROCKFORD}]{{{QR_TOKEN_LENGTH}}}")
QR_MAX_LENGTH = 64  # what inputs accept; longer is never a code of ours

SERIAL_PREFIX = "CYL-"
SERIAL_PATTERN = re.compile(r"[A-Z0-9][A-Z0-9./-]{0,39}")


def _token(length: int) -> str:
    return "".join(secrets.choice(CROCKFORD) for _ in range(length))


def new_qr_payload() -> str:
    return QR_PREFIX + _token(QR_TOKEN_LENGTH)


def qr_key(scanned: str) -> str:
    """What a scanner sent, as we store it: scanners add whitespace and some lower-case what they read."""
    return scanned.strip().upper()


def is_qr_payload(value: str) -> bool:
    return QR_PATTERN.fullmatch(value) is not None


def new_serial_number() -> str:
    """A serial for a cylinder added without one: `CYL-` and 8 base32 characters (40 bits)."""
    return SERIAL_PREFIX + _token(8)


def serial_key(serial: str) -> str:
    """Serial numbers are compared upper-case without surrounding spaces, on every database."""
    return serial.strip().upper()


def place_key(text: str) -> str:
    """Group `sent_to` free text: " ACME  Gas Ltd. " and "acme gas ltd" are one customer.

    Case-folded, runs of whitespace collapsed, and trailing dots and commas dropped from each word."""
    words = (word.strip(".,") for word in text.casefold().split())
    return " ".join(word for word in words if word)
