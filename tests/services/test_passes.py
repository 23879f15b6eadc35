"""Signed passes: round trip, every way of breaking one, and key handling."""

from __future__ import annotations

import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.services.keys import create_key, load_keyring, retire_key
from desktop.services.passes import (
    DIGITS,
    PREFIX,
    TEXT_LENGTH,
    PassProblem,
    encode_pass,
    verify_pass,
)

ISSUED = datetime(2020, 3, 13, 9, 0, tzinfo=UTC)
EXPIRES = ISSUED + timedelta(days=180)


@pytest.fixture
def genuine(keyring) -> str:
    return encode_pass(
        keyring, ref=2**62 + 12345, serial=77, issued=ISSUED, expires=EXPIRES
    )


def test_round_trip(keyring, genuine: str) -> None:
    check = verify_pass(genuine, keyring)

    assert check.valid
    assert check.claims is not None
    assert (check.claims.ref, check.claims.serial) == (2**62 + 12345, 77)
    assert (check.claims.issued, check.claims.expires) == (ISSUED, EXPIRES)


def test_text_is_digits_only_and_fixed_length(genuine: str) -> None:
    assert genuine.isascii() and genuine.isdigit()
    assert len(genuine) == TEXT_LENGTH == len(PREFIX) + DIGITS


def test_pass_holds_no_personal_data(keyring) -> None:
    text = encode_pass(keyring, ref=1, serial=1, issued=ISSUED, expires=EXPIRES)

    assert "2019000001" not in text
    assert "110105" not in text[len(PREFIX) : len(PREFIX) + 6]


def test_qr_uses_numeric_mode_at_version_6(genuine: str) -> None:
    import qrcode

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(genuine)
    code.make(fit=True)

    assert code.data_list[0].mode == qrcode.util.MODE_NUMBER
    assert code.version <= 6


def test_other_key_is_refused(tmp_path: Path, genuine: str) -> None:
    stranger = load_keyring(tmp_path / "stranger")  # also key id 1

    check = verify_pass(genuine, stranger)

    assert check.problem is PassProblem.BAD_SIGNATURE


def test_rotation_keeps_old_key_until_retired(tmp_path: Path) -> None:
    folder = tmp_path / "keys"
    old = load_keyring(folder)
    text = encode_pass(old, ref=5, serial=5, issued=ISSUED, expires=EXPIRES)

    new_id = create_key(folder)
    rotated = load_keyring(folder)
    assert rotated.signing_id == new_id != old.signing_id
    assert verify_pass(text, rotated).valid

    retire_key(folder, old.signing_id or 0)
    assert verify_pass(text, load_keyring(folder)).problem is PassProblem.UNKNOWN_KEY


def test_private_key_is_owner_only(tmp_path: Path) -> None:
    folder = tmp_path / "keys"
    load_keyring(folder)

    (private,) = folder.glob("*.key")
    assert stat.S_IMODE(private.stat().st_mode) == 0o600


def test_world_readable_private_key_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "keys"
    load_keyring(folder)
    (private,) = folder.glob("*.key")
    private.chmod(0o644)

    with pytest.raises(Exception, match="chmod 600"):
        load_keyring(folder)


@pytest.mark.parametrize(
    ("mangle", "problem"),
    [
        (lambda t: t[:-1], PassProblem.MALFORMED),
        (lambda t: t + "0", PassProblem.MALFORMED),
        (lambda t: "1" + t[1:], PassProblem.NOT_OURS),
        (lambda t: t[: len(PREFIX)] + "9" * DIGITS, PassProblem.MALFORMED),
        (
            lambda t: t.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
            PassProblem.NOT_OURS,
        ),
        (lambda t: t[:-1] + "٣", PassProblem.MALFORMED),
        (lambda t: "", PassProblem.NOT_OURS),
    ],
    ids=[
        "truncated",
        "extended",
        "prefix",
        "out of range",
        "full width",
        "arabic digit",
        "empty",
    ],
)
def test_broken_texts(keyring, genuine: str, mangle, problem) -> None:
    assert verify_pass(mangle(genuine), keyring).problem is problem


def _layout_bytes(text: str) -> bytearray:
    return bytearray(int(text[len(PREFIX) :]).to_bytes(88, "big"))


def _from_bytes(body: bytes) -> str:
    return PREFIX + str(int.from_bytes(body, "big")).zfill(DIGITS)


@pytest.mark.parametrize(
    ("offset", "value", "problem"),
    [
        (0, 2, PassProblem.UNSUPPORTED_VERSION),
        (3, 2, PassProblem.WRONG_KIND),
        (2, 9, PassProblem.UNKNOWN_KEY),
        (10, 1, PassProblem.BAD_SIGNATURE),
    ],
    ids=["version", "kind", "key id", "ref"],
)
def test_field_changes(keyring, genuine: str, offset: int, value: int, problem) -> None:
    body = _layout_bytes(genuine)
    body[offset] = value

    assert verify_pass(_from_bytes(bytes(body)), keyring).problem is problem


FUZZ = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@FUZZ
@given(data=st.data())
def test_any_digit_change_is_refused(
    keyring, genuine: str, data: st.DataObject
) -> None:
    position = data.draw(st.integers(0, len(genuine) - 1))
    digit = data.draw(
        st.sampled_from("0123456789").filter(lambda d: d != genuine[position])
    )

    altered = genuine[:position] + digit + genuine[position + 1 :]

    assert not verify_pass(altered, keyring).valid


@FUZZ
@given(data=st.data())
def test_any_byte_change_is_refused(keyring, genuine: str, data: st.DataObject) -> None:
    body = _layout_bytes(genuine)
    position = data.draw(st.integers(0, len(body) - 1))
    body[position] ^= data.draw(st.integers(1, 255))

    assert not verify_pass(_from_bytes(bytes(body)), keyring).valid


@FUZZ
@given(cut=st.integers(0, TEXT_LENGTH - 1), extra=st.text(min_size=1, max_size=20))
def test_truncated_or_extended_is_refused(
    keyring, genuine: str, cut: int, extra: str
) -> None:
    assert not verify_pass(genuine[:cut], keyring).valid
    assert not verify_pass(genuine + extra, keyring).valid
    assert not verify_pass(extra + genuine, keyring).valid


@FUZZ
@given(
    encoding=st.sampled_from(["hex", "base64", "decimal-no-pad", "spaced", "fullwidth"])
)
def test_re_encoded_is_refused(keyring, genuine: str, encoding: str) -> None:
    import base64

    body = bytes(_layout_bytes(genuine))
    re_encoded = {
        "hex": PREFIX + body.hex(),
        "base64": PREFIX + base64.b64encode(body).decode(),
        "decimal-no-pad": PREFIX + str(int.from_bytes(body, "big")),
        "spaced": " ".join(genuine[i : i + 4] for i in range(0, len(genuine), 4)),
        "fullwidth": genuine.translate(
            str.maketrans("0123456789", "０１２３４５６７８９")
        ),
    }[encoding]
    if re_encoded == genuine:
        return  # the unpadded number happened to need every digit

    assert not verify_pass(re_encoded, keyring).valid


def test_keys_folder_others_can_write_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "keys"
    load_keyring(folder)
    folder.chmod(0o777)

    with pytest.raises(Exception, match="chmod go-w"):
        load_keyring(folder)


def test_public_keys_are_not_writable_by_others_whatever_the_umask(
    tmp_path: Path,
) -> None:
    import os

    old = os.umask(0)
    try:
        folder = tmp_path / "keys"
        load_keyring(folder)
    finally:
        os.umask(old)

    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()}
    assert all(mode & 0o022 == 0 for mode in modes.values()), modes
