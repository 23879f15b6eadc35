"""The signed registration pass: a digits-only QR text.

Layout, before the signature (24 bytes, big-endian)::

    version  1 byte   1 = Ed25519 over this layout
    key id   2 bytes  which public key verifies it
    kind     1 byte   1 = registration pass
    ref      8 bytes  the student's random opaque reference
    serial   4 bytes  the pass's serial (re-issue revokes the old one)
    issued   4 bytes  Unix seconds
    expires  4 bytes  Unix seconds

followed by the 64-byte Ed25519 signature over those 24 bytes. The 88
bytes are written as one fixed-width decimal number behind a fixed prefix,
so the QR code uses numeric mode (version 6 at level M) and a hand scanner
typing through a Chinese input method sends nothing but digits.

Verification checks prefix, length, digits, range, version, kind and key id,
then the signature, and only then reads the fields.
"""

from __future__ import annotations

import enum
import struct
from dataclasses import dataclass
from datetime import UTC, datetime

from desktop.services.keys import Keyring

PREFIX = "200313"
VERSION = 1
KIND_PASS = 1
_LAYOUT = struct.Struct(">BHBQIII")
SIGNATURE_BYTES = 64
MESSAGE_BYTES = _LAYOUT.size
BODY_BYTES = MESSAGE_BYTES + SIGNATURE_BYTES
DIGITS = len(str(2 ** (8 * BODY_BYTES) - 1))
TEXT_LENGTH = len(PREFIX) + DIGITS


class PassProblem(enum.Enum):
    """Why a text is not a valid pass of ours."""

    NOT_OURS = "not_ours"
    MALFORMED = "malformed"
    UNSUPPORTED_VERSION = "unsupported_version"
    WRONG_KIND = "wrong_kind"
    UNKNOWN_KEY = "unknown_key"
    BAD_SIGNATURE = "bad_signature"


@dataclass(frozen=True)
class PassClaims:
    """The signed fields of a pass, read only after the signature held."""

    key_id: int
    kind: int
    ref: int
    serial: int
    issued: datetime
    expires: datetime


@dataclass(frozen=True)
class PassCheck:
    """The offline verdict on a text: claims if valid, else the problem."""

    claims: PassClaims | None
    problem: PassProblem | None
    detail: str = ""

    @property
    def valid(self) -> bool:
        return self.claims is not None


def _timestamp(moment: datetime) -> int:
    seconds = int(moment.timestamp())
    if not 0 <= seconds <= 0xFFFFFFFF:
        raise ValueError(f"time out of range for a pass: {moment}")
    return seconds


def encode_pass(
    keyring: Keyring,
    *,
    ref: int,
    serial: int,
    issued: datetime,
    expires: datetime,
) -> str:
    """Sign a pass with the keyring's active key and return its QR text."""
    if keyring.signing_id is None:
        raise ValueError("no signing key")
    message = _LAYOUT.pack(
        VERSION,
        keyring.signing_id,
        KIND_PASS,
        ref,
        serial,
        _timestamp(issued),
        _timestamp(expires),
    )
    _key_id, signature = keyring.sign(message)
    return body_to_text(message + signature)


def body_to_text(body: bytes) -> str:
    """The QR text of a signed body (layout and signature, 88 bytes)."""
    if len(body) != BODY_BYTES:
        raise ValueError(f"a pass body has {BODY_BYTES} bytes, not {len(body)}")
    return PREFIX + str(int.from_bytes(body, "big")).zfill(DIGITS)


def looks_like_pass(text: str) -> bool:
    """Whether ``text`` carries our pass prefix (not whether it is valid)."""
    return text.startswith(PREFIX)


def _fail(problem: PassProblem, detail: str = "") -> PassCheck:
    return PassCheck(claims=None, problem=problem, detail=detail)


def _body_bytes(text: str) -> bytes | PassCheck:
    if not looks_like_pass(text):
        return _fail(PassProblem.NOT_OURS)
    if len(text) != TEXT_LENGTH:
        return _fail(PassProblem.MALFORMED, f"length {len(text)} != {TEXT_LENGTH}")
    digits = text[len(PREFIX) :]
    # str.isdigit() admits other scripts' digits; only ASCII is ours.
    if not (digits.isascii() and digits.isdigit()):
        return _fail(PassProblem.MALFORMED, "not only ASCII digits")
    number = int(digits)
    if number.bit_length() > 8 * BODY_BYTES:
        return _fail(PassProblem.MALFORMED, "number out of range")
    return number.to_bytes(BODY_BYTES, "big")


def verify_pass(text: str, keyring: Keyring) -> PassCheck:
    """Check ``text`` offline with the public keys alone."""
    body = _body_bytes(text)
    if isinstance(body, PassCheck):
        return body

    message, signature = body[: _LAYOUT.size], body[_LAYOUT.size :]
    version, key_id, kind = message[0], int.from_bytes(message[1:3], "big"), message[3]
    if version != VERSION:
        return _fail(PassProblem.UNSUPPORTED_VERSION, f"version {version}")
    if kind != KIND_PASS:
        return _fail(PassProblem.WRONG_KIND, f"kind {kind}")
    if key_id not in keyring.public:
        return _fail(PassProblem.UNKNOWN_KEY, f"key id {key_id}")
    if not keyring.verify(key_id, signature, message):
        return _fail(PassProblem.BAD_SIGNATURE)

    _v, _k, _kind, ref, serial, issued, expires = _LAYOUT.unpack(message)
    claims = PassClaims(
        key_id=key_id,
        kind=kind,
        ref=ref,
        serial=serial,
        issued=datetime.fromtimestamp(issued, UTC),
        expires=datetime.fromtimestamp(expires, UTC),
    )
    return PassCheck(claims=claims, problem=None)
