"""Ed25519 signing keys, kept as files outside the database.

Each key has a small numeric id that is written into every code it signs.
The private key file is readable by its owner only; a gate workstation
needs only the public keys. Rotation adds a key and makes it the one that
signs; older ids stay verifiable until they are retired.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

log = logging.getLogger(__name__)

MAX_KEY_ID = 0xFFFF
_ACTIVE_FILE = "active"
_RETIRED_FILE = "retired"


class KeyStoreError(Exception):
    """A key file is missing, unreadable or has unsafe permissions."""


@dataclass(frozen=True)
class Keyring:
    """The public keys a workstation trusts, and the key it signs with.

    Attributes:
        public: every trusted public key by id (retired ones excluded).
        signing_id: the id of the key that signs, or None on a gate that
            only verifies.
        signing_key: the private key for ``signing_id``, if present.
    """

    public: dict[int, Ed25519PublicKey]
    signing_id: int | None = None
    signing_key: Ed25519PrivateKey | None = None

    def sign(self, message: bytes) -> tuple[int, bytes]:
        """Sign ``message`` with the active key: ``(key id, signature)``."""
        if self.signing_key is None or self.signing_id is None:
            raise KeyStoreError("this workstation holds no private signing key")
        return self.signing_id, self.signing_key.sign(message)

    def verify(self, key_id: int, signature: bytes, message: bytes) -> bool:
        """Whether ``signature`` over ``message`` is valid for ``key_id``."""
        key = self.public.get(key_id)
        if key is None:
            return False
        try:
            key.verify(signature, message)
        except InvalidSignature:
            return False
        return True


def _private_path(folder: Path, key_id: int) -> Path:
    return folder / f"ed25519-{key_id:05d}.key"


def _public_path(folder: Path, key_id: int) -> Path:
    return folder / f"ed25519-{key_id:05d}.pub"


def _write_private(path: Path, key: Ed25519PrivateKey) -> None:
    data = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    # Created 0600 from the first byte, never widened afterwards.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _write_public(path: Path, key: Ed25519PublicKey) -> None:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    path.write_text(raw.hex() + "\n", encoding="ascii")
    path.chmod(0o644)  # whatever the umask: readable, writable by the owner only


def _read_ids(path: Path) -> set[int]:
    if not path.exists():
        return set()
    return {int(word) for word in path.read_text().split() if word.isdigit()}


def _check_private_mode(path: Path) -> None:
    mode = path.stat().st_mode & 0o777
    if os.name == "posix" and mode & 0o077:
        raise KeyStoreError(
            f"private key {path} is readable by others (mode {mode:o}); "
            "run: chmod 600 " + str(path)
        )


def create_key(folder: Path) -> int:
    """Create a new key pair, make it the signing key, return its id."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    folder.chmod(0o700)
    existing = [int(p.stem.split("-")[1]) for p in folder.glob("ed25519-*.pub")]
    key_id = max(existing, default=0) + 1
    if key_id > MAX_KEY_ID:
        raise KeyStoreError("no key ids left")

    private = Ed25519PrivateKey.generate()
    _write_private(_private_path(folder, key_id), private)
    _write_public(_public_path(folder, key_id), private.public_key())
    (folder / _ACTIVE_FILE).write_text(f"{key_id}\n", encoding="ascii")
    (folder / _ACTIVE_FILE).chmod(0o644)
    log.info("created signing key %d in %s", key_id, folder)
    return key_id


def retire_key(folder: Path, key_id: int) -> None:
    """Stop trusting codes signed by ``key_id``."""
    retired = _read_ids(folder / _RETIRED_FILE) | {key_id}
    text = "\n".join(str(i) for i in sorted(retired)) + "\n"
    (folder / _RETIRED_FILE).write_text(text, encoding="ascii")


def _check_folder_mode(folder: Path) -> None:
    """Refuse a keys folder, or public key, that others may write to.

    Whoever can add a ``.pub`` file there could sign passes of their own.
    """
    if os.name != "posix" or not folder.exists():
        return
    for path in (folder, *folder.glob("ed25519-*.pub")):
        mode = path.stat().st_mode & 0o777
        if mode & 0o022:
            raise KeyStoreError(
                f"{path} can be changed by other users (mode {mode:o}); "
                f"run: chmod go-w {path}"
            )


def load_keyring(folder: Path, *, create: bool = True) -> Keyring:
    """Load the keys in ``folder``, creating the first one if asked to."""
    if create and not any(folder.glob("ed25519-*.pub")):
        create_key(folder)
    _check_folder_mode(folder)

    retired = _read_ids(folder / _RETIRED_FILE)
    public: dict[int, Ed25519PublicKey] = {}
    for path in sorted(folder.glob("ed25519-*.pub")):
        key_id = int(path.stem.split("-")[1])
        if key_id in retired:
            continue
        raw = bytes.fromhex(path.read_text(encoding="ascii").strip())
        public[key_id] = Ed25519PublicKey.from_public_bytes(raw)

    active = _read_ids(folder / _ACTIVE_FILE)
    signing_id = max(active) if active else None
    signing_key = None
    if signing_id is not None and _private_path(folder, signing_id).exists():
        path = _private_path(folder, signing_id)
        _check_private_mode(path)
        loaded = serialization.load_pem_private_key(path.read_bytes(), None)
        if not isinstance(loaded, Ed25519PrivateKey):
            raise KeyStoreError(f"{path} is not an Ed25519 private key")
        signing_key = loaded
    return Keyring(public=public, signing_id=signing_id, signing_key=signing_key)
