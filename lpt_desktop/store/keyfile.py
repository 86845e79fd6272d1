"""Passphrase-wrapped data key, kept in a small JSON file beside the database.

The database is encrypted with a random 32-byte key used as a raw SQLCipher key. That key is
wrapped with AES-256-GCM under a key derived from the passphrase (Argon2id). Because GCM
authenticates, a wrong passphrase is detected here, before the database is touched, and a
passphrase change only rewrites this file.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from lpt_desktop.store.errors import KeyFileDamaged, KeyFileMissing, WrongPassphrase

log = logging.getLogger(__name__)

FORMAT = "lpt-desktop-key"
VERSION = 1
KEY_BYTES = 32
TARGET_SECONDS = 0.5
# What a key file this app wrote can hold. Every field is checked against these before anything is derived,
# so an edited or damaged file is named as damaged at once, never a hang (a billion iterations, a million
# lanes), a MemoryError (a terabyte of memory) or a "wrong passphrase" (iterations of 5.7).
SALT_BYTES = 16
NONCE_BYTES = 12
CIPHERTEXT_BYTES = KEY_BYTES + 16  # the key and its GCM tag
MAX_ITERATIONS = 64  # calibrated() picks about half a second: a handful on any laptop
MAX_MEMORY_KIB = 1024 * 1024  # 1 GiB; the app writes 128 MiB
MAX_LANES = 16
# Each bound alone still let a file ask for 64 passes over 1 GiB (minutes of unlock, or more): the passes times
# the memory are bounded too, at twice the most calibrated() can write (64 passes over 128 MiB).
CALIBRATED_MEMORY_KIB = 128 * 1024
MAX_WORK_KIB = 2 * MAX_ITERATIONS * CALIBRATED_MEMORY_KIB
MAX_KEY_FILE_BYTES = 64 * 1024  # the app writes about 400 bytes


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
    def calibrated(cls, target_seconds: float = TARGET_SECONDS,
                   memory_kib: int = CALIBRATED_MEMORY_KIB) -> KdfParams:
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
        return cls(iterations=min(corrected, MAX_ITERATIONS), memory_kib=memory_kib)


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
    salt: bytes
    nonce: bytes
    ciphertext: bytes
    params: KdfParams


class _Bad(Exception):
    """One field of the key file is not what this app writes (the message names it)."""


def _int_field(section: dict[str, Any], name: str, low: int, high: int) -> int:
    value = section.get(name)
    # bool is an int to Python, and 5.7 or "3" are not counts: only a whole JSON number in bounds will do.
    if type(value) is not int:
        raise _Bad(f"'{name}' is {type(value).__name__}, not a whole number")
    if not low <= value <= high:
        raise _Bad(f"'{name}' is {value}, outside {low} to {high}")
    return value


def _bytes_field(section: dict[str, Any], name: str, size: int) -> bytes:
    value = section.get(name)
    if not isinstance(value, str) or len(value) > 4 * size:
        raise _Bad(f"'{name}' is not base64 text of {size} bytes")
    try:
        raw = base64.b64decode(value, validate=True)
    except ValueError:
        raise _Bad(f"'{name}' is not valid base64") from None
    if len(raw) != size:
        raise _Bad(f"'{name}' is {len(raw)} bytes, not {size}")
    return raw


def _section(doc: dict[str, Any], name: str) -> dict[str, Any]:
    value = doc.get(name)
    if not isinstance(value, dict):
        raise _Bad(f"'{name}' is missing or not an object")
    return value


def _parse(data: bytes) -> KeyFile:
    if len(data) > MAX_KEY_FILE_BYTES:
        raise _Bad(f"it is {len(data):,} bytes, far larger than a key file")
    try:
        doc = json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError):
        raise _Bad("it is not JSON text") from None
    if not isinstance(doc, dict):
        raise _Bad("it is not a JSON object")
    if doc.get("format") != FORMAT:
        raise _Bad("'format' is not " + FORMAT)
    if type(doc.get("version")) is not int or doc["version"] != VERSION:
        raise _Bad(f"'version' is {doc.get('version')!r}, not {VERSION}")
    database_id = doc.get("database_id")
    try:
        if not isinstance(database_id, str) or len(database_id) != 36:
            raise ValueError
        uuid.UUID(database_id)
    except ValueError:
        raise _Bad("'database_id' is not a database id") from None
    kdf = _section(doc, "kdf")
    if kdf.get("name") != "argon2id":
        raise _Bad("'kdf.name' is not argon2id")
    lanes = _int_field(kdf, "lanes", 1, MAX_LANES)
    params = KdfParams(iterations=_int_field(kdf, "iterations", 1, MAX_ITERATIONS),
                       memory_kib=_int_field(kdf, "memory_kib", 8 * lanes, MAX_MEMORY_KIB), lanes=lanes)
    if params.iterations * params.memory_kib > MAX_WORK_KIB:
        raise _Bad(f"'iterations' times 'memory_kib' is {params.iterations * params.memory_kib:,}, over "
                   f"{MAX_WORK_KIB:,}")
    salt = _bytes_field(kdf, "salt", SALT_BYTES)
    wrap = _section(doc, "wrap")
    if wrap.get("cipher") != "AES-256-GCM":
        raise _Bad("'wrap.cipher' is not AES-256-GCM")
    return KeyFile(database_id=database_id, kdf=kdf, salt=salt, params=params,
                   nonce=_bytes_field(wrap, "nonce", NONCE_BYTES),
                   ciphertext=_bytes_field(wrap, "ciphertext", CIPHERTEXT_BYTES))


def read_key_file(path: Path) -> KeyFile:
    """The key file's fields, each checked against what this app writes; raises KeyFileDamaged naming the field."""
    if not path.exists():
        raise KeyFileMissing(
            f"The key file {path.name} is missing beside the database. Without it the caseload cannot be "
            "opened: restore it from your backup or ask the service desk. Nothing has been changed."
        )
    try:
        return _parse(path.read_bytes())
    except _Bad as exc:
        log.warning("key file %s is damaged: %s", path.name, exc)
        raise KeyFileDamaged(
            f"The key file {path.name} is damaged or is not an LPT Desktop key file ({exc}). Restore it from "
            "your backup or ask the service desk. Nothing has been changed."
        ) from None


def unwrap_key(path: Path, passphrase: str) -> tuple[bytearray, str]:
    """Return (data key, database id); raises WrongPassphrase without touching the database."""
    kf = read_key_file(path)
    wrapping = _derive(passphrase.encode("utf-8"), kf.salt, kf.params)
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
