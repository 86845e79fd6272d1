"""Passphrase-wrapped data key, kept in a small JSON file beside the database.

The database is encrypted with a random 32-byte key used as a raw SQLCipher key. That key is
wrapped with AES-256-GCM under a key derived from the passphrase (Argon2id). Because GCM
authenticates, a wrong passphrase is detected here, before the database is touched, and a
passphrase change only rewrites this file.
"""

from __future__ import annotations

import base64
import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from lpt_desktop.store.errors import KeyFileDamaged, KeyFileMissing, WrongPassphrase

FORMAT = "lpt-desktop-key"
VERSION = 1
KEY_BYTES = 32
TARGET_SECONDS = 0.5


@dataclass(frozen=True)
class KdfParams:
    iterations: int
    memory_kib: int
    lanes: int = 4

    @classmethod
    def fast(cls) -> KdfParams:
        """Cheap parameters for tests and throwaway demo files only."""
        return cls(iterations=1, memory_kib=8192, lanes=1)

    @classmethod
    def calibrated(cls, target_seconds: float = TARGET_SECONDS, memory_kib: int = 131072) -> KdfParams:
        """Pick the iteration count that takes about target_seconds on this machine.

        A one-iteration probe overstates the cost of each iteration (it pays for the memory
        allocation once), so the first guess is timed and corrected once.
        """

        def seconds(iterations: int) -> float:
            started = time.perf_counter()
            _derive(b"calibration", os.urandom(16), cls(iterations=iterations, memory_kib=memory_kib))
            return max(time.perf_counter() - started, 1e-3)

        guess = max(2, round(target_seconds / seconds(1)))
        corrected = max(2, round(guess * target_seconds / seconds(guess)))
        return cls(iterations=corrected, memory_kib=memory_kib)


def key_path_for(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".key")


def _derive(passphrase: bytes, salt: bytes, p: KdfParams) -> bytes:
    kdf = Argon2id(salt=salt, length=32, iterations=p.iterations, lanes=p.lanes, memory_cost=p.memory_kib)
    return kdf.derive(passphrase)


def _b64(b: bytes) -> str:
    return base64.b64encode(b).decode("ascii")


def _aad(database_id: str, kdf: dict[str, Any]) -> bytes:
    # Binds the ciphertext to its parameters and database, so a swapped or edited file fails.
    return json.dumps({"format": FORMAT, "version": VERSION, "database_id": database_id, "kdf": kdf},
                      sort_keys=True).encode()


def _write_atomic(path: Path, doc: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    data = json.dumps(doc, indent=2).encode()
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    if hasattr(os, "O_DIRECTORY"):
        dfd = os.open(path.parent, os.O_DIRECTORY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


def wrap_key(path: Path, data_key: bytes | bytearray, passphrase: str, database_id: str,
             params: KdfParams | None = None) -> None:
    if not passphrase:
        raise ValueError("Passphrase: is empty: choose a passphrase of at least 8 characters")
    params = params or KdfParams.calibrated()
    salt = os.urandom(16)
    nonce = os.urandom(12)
    kdf = {"name": "argon2id", "salt": _b64(salt), **asdict(params)}
    wrapping = _derive(passphrase.encode("utf-8"), salt, params)
    ciphertext = AESGCM(wrapping).encrypt(nonce, bytes(data_key), _aad(database_id, kdf))
    doc = {"format": FORMAT, "version": VERSION, "database_id": database_id, "kdf": kdf,
           "wrap": {"cipher": "AES-256-GCM", "nonce": _b64(nonce), "ciphertext": _b64(ciphertext)}}
    _write_atomic(path, doc)


@dataclass(frozen=True)
class KeyFile:
    database_id: str
    kdf: dict[str, Any]
    nonce: bytes
    ciphertext: bytes
    params: KdfParams


def read_key_file(path: Path) -> KeyFile:
    if not path.exists():
        raise KeyFileMissing(
            f"The key file {path.name} is missing beside the database. Without it the caseload cannot be "
            "opened: restore it from your backup or ask the service desk. Nothing has been changed."
        )
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(doc, dict):
            raise ValueError("not an object")
        if doc.get("format") != FORMAT:
            raise ValueError("format")
        if doc.get("version") != VERSION:
            raise ValueError("version")
        kdf = doc["kdf"]
        if kdf["name"] != "argon2id":
            raise ValueError("kdf")
        params = KdfParams(int(kdf["iterations"]), int(kdf["memory_kib"]), int(kdf["lanes"]))
        if params.iterations < 1 or params.lanes < 1 or params.memory_kib < 8 * params.lanes:
            raise ValueError("kdf parameters")
        if len(base64.b64decode(kdf["salt"], validate=True)) < 16:
            raise ValueError("salt")
        return KeyFile(
            database_id=str(doc["database_id"]), kdf=kdf, params=params,
            nonce=base64.b64decode(doc["wrap"]["nonce"], validate=True),
            ciphertext=base64.b64decode(doc["wrap"]["ciphertext"], validate=True),
        )
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError) as exc:
        raise KeyFileDamaged(
            f"The key file {path.name} is damaged or is not an LPT Desktop key file ({exc.__class__.__name__}). "
            "Restore it from your backup or ask the service desk. Nothing has been changed."
        ) from None


def unwrap_key(path: Path, passphrase: str) -> tuple[bytearray, str]:
    """Return (data key, database id); raises WrongPassphrase without touching the database."""
    kf = read_key_file(path)
    salt = base64.b64decode(kf.kdf["salt"])
    wrapping = _derive(passphrase.encode("utf-8"), salt, kf.params)
    try:
        key = AESGCM(wrapping).decrypt(kf.nonce, kf.ciphertext, _aad(kf.database_id, kf.kdf))
    except InvalidTag:
        raise WrongPassphrase() from None
    if len(key) != KEY_BYTES:
        raise KeyFileDamaged(f"The key file {path.name} holds a key of the wrong size. Ask the service desk.")
    return bytearray(key), kf.database_id


def rewrap_key(path: Path, old_passphrase: str, new_passphrase: str, params: KdfParams | None = None) -> None:
    """Change the passphrase: the database itself is not re-encrypted."""
    key, database_id = unwrap_key(path, old_passphrase)
    try:
        wrap_key(path, key, new_passphrase, database_id, params or read_key_file(path).params)
    finally:
        wipe(key)


def wipe(buf: bytearray) -> None:
    for i in range(len(buf)):
        buf[i] = 0
