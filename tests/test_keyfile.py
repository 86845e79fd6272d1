"""The passphrase-wrapped data key: round trip, wrong passphrase, tampering, damage, re-wrap."""

from __future__ import annotations

import base64
import json
import os
import stat

import pytest

from lpt_desktop.store.errors import KeyFileDamaged, KeyFileMissing, WrongPassphrase
from lpt_desktop.store.keyfile import (
    KEY_BYTES,
    KdfParams,
    key_path_for,
    read_key_file,
    rewrap_key,
    unwrap_key,
    wipe,
    wrap_key,
)
from tests.conftest import PASSPHRASE

DB_ID = "7d0c1c1e-3f7a-4c55-9d59-0d3c4cbb0a11"


@pytest.fixture
def data_key() -> bytes:
    return os.urandom(KEY_BYTES)


@pytest.fixture
def key_path(tmp_path, data_key):
    path = tmp_path / "caseload.lptdb.key"
    wrap_key(path, data_key, PASSPHRASE, DB_ID, KdfParams.fast())
    return path


def _load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def _save(path, doc) -> None:
    path.write_text(json.dumps(doc), encoding="utf-8")


def test_key_path_sits_beside_the_database(tmp_path):
    assert key_path_for(tmp_path / "x.lptdb") == tmp_path / "x.lptdb.key"


def test_wrap_unwrap_round_trip(key_path, data_key):
    key, database_id = unwrap_key(key_path, PASSPHRASE)
    assert isinstance(key, bytearray)
    assert bytes(key) == data_key
    assert database_id == DB_ID


def test_key_file_does_not_hold_the_key_or_passphrase_in_clear(key_path, data_key):
    raw = key_path.read_bytes()
    assert data_key not in raw
    assert base64.b64encode(data_key) not in raw
    assert data_key.hex().encode() not in raw
    assert PASSPHRASE.encode() not in raw


def test_wrapping_twice_gives_different_salt_nonce_and_ciphertext(tmp_path, data_key):
    a, b = tmp_path / "a.key", tmp_path / "b.key"
    wrap_key(a, data_key, PASSPHRASE, DB_ID, KdfParams.fast())
    wrap_key(b, data_key, PASSPHRASE, DB_ID, KdfParams.fast())
    da, db_ = _load(a), _load(b)
    assert da["kdf"]["salt"] != db_["kdf"]["salt"]
    assert da["wrap"]["nonce"] != db_["wrap"]["nonce"]
    assert da["wrap"]["ciphertext"] != db_["wrap"]["ciphertext"]


@pytest.mark.parametrize("wrong", ["correct horse batterY", "", "correct horse battery ", "demo"])
def test_wrong_passphrase_raises_wrong_passphrase(key_path, wrong):
    before = key_path.read_bytes()
    with pytest.raises(WrongPassphrase) as info:
        unwrap_key(key_path, wrong)
    assert "Passphrase not accepted" in str(info.value)
    assert key_path.read_bytes() == before


def test_flipped_ciphertext_byte_fails_authentication(key_path):
    doc = _load(key_path)
    ct = bytearray(base64.b64decode(doc["wrap"]["ciphertext"]))
    ct[5] ^= 0x01
    doc["wrap"]["ciphertext"] = base64.b64encode(bytes(ct)).decode()
    _save(key_path, doc)
    with pytest.raises(WrongPassphrase):
        unwrap_key(key_path, PASSPHRASE)


def test_flipped_tag_byte_fails_authentication(key_path):
    doc = _load(key_path)
    ct = bytearray(base64.b64decode(doc["wrap"]["ciphertext"]))
    ct[-1] ^= 0x80  # the GCM tag is the last 16 bytes
    doc["wrap"]["ciphertext"] = base64.b64encode(bytes(ct)).decode()
    _save(key_path, doc)
    with pytest.raises(WrongPassphrase):
        unwrap_key(key_path, PASSPHRASE)


def test_flipped_nonce_fails_authentication(key_path):
    doc = _load(key_path)
    nonce = bytearray(base64.b64decode(doc["wrap"]["nonce"]))
    nonce[0] ^= 0xFF
    doc["wrap"]["nonce"] = base64.b64encode(bytes(nonce)).decode()
    _save(key_path, doc)
    with pytest.raises(WrongPassphrase):
        unwrap_key(key_path, PASSPHRASE)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda kdf: kdf.update(iterations=kdf["iterations"] + 1), id="iterations"),
        pytest.param(lambda kdf: kdf.update(memory_kib=kdf["memory_kib"] * 2), id="memory"),
        pytest.param(lambda kdf: kdf.update(lanes=kdf["lanes"] + 1), id="lanes"),
        pytest.param(lambda kdf: kdf.update(salt=base64.b64encode(os.urandom(16)).decode()), id="salt"),
    ],
)
def test_edited_kdf_params_fail(key_path, edit):
    doc = _load(key_path)
    edit(doc["kdf"])
    _save(key_path, doc)
    with pytest.raises(WrongPassphrase):
        unwrap_key(key_path, PASSPHRASE)


def test_edited_database_id_fails(key_path):
    # The id is bound into the AEAD: a key file cannot be relabelled for another database.
    doc = _load(key_path)
    doc["database_id"] = "00000000-0000-4000-8000-000000000000"
    _save(key_path, doc)
    with pytest.raises(WrongPassphrase):
        unwrap_key(key_path, PASSPHRASE)


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"{not json", id="malformed-json"),
        pytest.param(b"", id="empty"),
        pytest.param(b"\xff\xfe\x00garbage", id="binary"),
        pytest.param(b"[1, 2, 3]", id="json-list"),
        pytest.param(b"null", id="json-null"),
    ],
)
def test_malformed_key_file_is_damaged(key_path, content):
    key_path.write_bytes(content)
    with pytest.raises(KeyFileDamaged) as info:
        read_key_file(key_path)
    assert key_path.name in str(info.value)
    with pytest.raises(KeyFileDamaged):
        unwrap_key(key_path, PASSPHRASE)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda d: d.update(format="something-else"), id="format-tag"),
        pytest.param(lambda d: d.pop("format"), id="no-format"),
        pytest.param(lambda d: d.update(version=2), id="version"),
        pytest.param(lambda d: d["kdf"].update(name="pbkdf2"), id="kdf-name"),
        pytest.param(lambda d: d["kdf"].update(iterations="many"), id="iterations-not-int"),
        pytest.param(lambda d: d.pop("wrap"), id="no-wrap"),
        pytest.param(lambda d: d["wrap"].update(nonce="***not base64***"), id="nonce-not-b64"),
        pytest.param(lambda d: d["wrap"].pop("ciphertext"), id="no-ciphertext"),
        pytest.param(lambda d: d.pop("database_id"), id="no-database-id"),
    ],
)
def test_wrong_structure_is_damaged(key_path, edit):
    doc = _load(key_path)
    edit(doc)
    _save(key_path, doc)
    with pytest.raises(KeyFileDamaged):
        unwrap_key(key_path, PASSPHRASE)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda kdf: kdf.update(salt="***not base64***"), id="salt-not-b64"),
        pytest.param(lambda kdf: kdf.pop("salt"), id="no-salt"),
        pytest.param(lambda kdf: kdf.update(iterations=0), id="iterations-zero"),
        pytest.param(lambda kdf: kdf.update(lanes=0), id="lanes-zero"),
    ],
)
def test_damaged_kdf_section_is_reported_as_damaged_key_file(key_path, edit):
    """A key file whose KDF section cannot be used is damaged: a clear message, never a raw exception."""
    doc = _load(key_path)
    edit(doc["kdf"])
    _save(key_path, doc)
    with pytest.raises(KeyFileDamaged):
        unwrap_key(key_path, PASSPHRASE)


def test_missing_key_file(tmp_path):
    path = tmp_path / "nothing.lptdb.key"
    with pytest.raises(KeyFileMissing) as info:
        unwrap_key(path, PASSPHRASE)
    assert path.name in str(info.value)
    assert not path.exists()


def test_rewrap_changes_passphrase_but_not_data_key(key_path, data_key):
    new = "a different passphrase"
    rewrap_key(key_path, PASSPHRASE, new, KdfParams.fast())
    with pytest.raises(WrongPassphrase):
        unwrap_key(key_path, PASSPHRASE)
    key, database_id = unwrap_key(key_path, new)
    assert bytes(key) == data_key
    assert database_id == DB_ID
    assert not key_path.with_name(key_path.name + ".tmp").exists()


def test_rewrap_with_wrong_old_passphrase_changes_nothing(key_path):
    before = key_path.read_bytes()
    with pytest.raises(WrongPassphrase):
        rewrap_key(key_path, "not the passphrase", "a different passphrase", KdfParams.fast())
    assert key_path.read_bytes() == before


def test_rewrap_keeps_the_files_kdf_params_by_default(tmp_path, data_key):
    path = tmp_path / "k.key"
    params = KdfParams(iterations=2, memory_kib=8192, lanes=1)
    wrap_key(path, data_key, PASSPHRASE, DB_ID, params)
    rewrap_key(path, PASSPHRASE, "a different passphrase")
    assert read_key_file(path).params == params


def test_key_file_mode_is_0600(key_path):
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600


def test_key_file_mode_is_0600_after_rewrap(key_path):
    rewrap_key(key_path, PASSPHRASE, "a different passphrase", KdfParams.fast())
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600


def test_empty_passphrase_is_refused(tmp_path, data_key):
    path = tmp_path / "k.key"
    with pytest.raises(ValueError, match="Passphrase"):
        wrap_key(path, data_key, "", DB_ID, KdfParams.fast())
    assert not path.exists()


def test_read_key_file_reports_params(key_path):
    kf = read_key_file(key_path)
    assert kf.params == KdfParams.fast()
    assert kf.database_id == DB_ID
    assert len(kf.nonce) == 12
    assert len(kf.ciphertext) == KEY_BYTES + 16  # key + GCM tag


def test_wipe_zeroes_in_place():
    buf = bytearray(b"\x01" * 32)
    ref = buf
    wipe(buf)
    assert ref is buf
    assert buf == bytearray(32)


def test_calibrated_params_are_at_least_two_iterations():
    # A tiny target forces the floor; a small memory cost keeps the probe quick.
    params = KdfParams.calibrated(target_seconds=0.001, memory_kib=8192)
    assert params.iterations >= 2
    assert params.memory_kib == 8192


def test_calibrated_default_is_argon2id_strength():
    params = KdfParams.calibrated(target_seconds=0.05)
    assert params.iterations >= 2
    assert params.memory_kib >= 65536
    assert params.lanes >= 1


# -- every field out of bounds (issue 14, item 8) ------------------------------------------------------------
# Each of these once hung the open (a billion iterations, a million lanes), raised MemoryError (a terabyte of
# memory), leaked the library's words ("Nonce must be between 8 and 128 bytes") or was called a wrong passphrase
# (iterations of 5.7). Each must now be named as a damaged key file, at once, before anything is derived.
def _b64_of(size: int) -> str:
    return base64.b64encode(os.urandom(size)).decode()


OUT_OF_BOUNDS = [
    pytest.param(lambda d: d.update(version=True), "version", id="version-bool"),
    pytest.param(lambda d: d.update(version=1.0), "version", id="version-float"),
    pytest.param(lambda d: d.update(version=0), "version", id="version-zero"),
    pytest.param(lambda d: d.update(database_id=12), "database_id", id="database-id-number"),
    pytest.param(lambda d: d.update(database_id="x" * 10_000), "database_id", id="database-id-long"),
    pytest.param(lambda d: d.update(kdf=[]), "kdf", id="kdf-not-object"),
    pytest.param(lambda d: d["kdf"].update(iterations=1_000_000_000), "iterations", id="iterations-billion"),
    pytest.param(lambda d: d["kdf"].update(iterations=65), "iterations", id="iterations-just-over"),
    pytest.param(lambda d: d["kdf"].update(iterations=5.7), "iterations", id="iterations-fraction"),
    pytest.param(lambda d: d["kdf"].update(iterations=1.0), "iterations", id="iterations-float"),
    pytest.param(lambda d: d["kdf"].update(iterations=True), "iterations", id="iterations-bool"),
    pytest.param(lambda d: d["kdf"].update(iterations=-1), "iterations", id="iterations-negative"),
    pytest.param(lambda d: d["kdf"].update(iterations="3"), "iterations", id="iterations-text"),
    pytest.param(lambda d: d["kdf"].update(iterations=10**400), "iterations", id="iterations-huge"),
    pytest.param(lambda d: d["kdf"].pop("iterations"), "iterations", id="iterations-missing"),
    pytest.param(lambda d: d["kdf"].update(lanes=1_000_000), "lanes", id="lanes-million"),
    pytest.param(lambda d: d["kdf"].update(lanes=17), "lanes", id="lanes-just-over"),
    pytest.param(lambda d: d["kdf"].update(lanes=-4), "lanes", id="lanes-negative"),
    pytest.param(lambda d: d["kdf"].update(lanes=2.5), "lanes", id="lanes-fraction"),
    pytest.param(lambda d: d["kdf"].pop("lanes"), "lanes", id="lanes-missing"),
    pytest.param(lambda d: d["kdf"].update(memory_kib=2**30), "memory_kib", id="memory-terabyte"),
    pytest.param(lambda d: d["kdf"].update(memory_kib=1024 * 1024 + 1), "memory_kib", id="memory-just-over"),
    pytest.param(lambda d: d["kdf"].update(memory_kib=7), "memory_kib", id="memory-below-lanes"),
    pytest.param(lambda d: d["kdf"].update(memory_kib=8192.5), "memory_kib", id="memory-fraction"),
    pytest.param(lambda d: d["kdf"].update(memory_kib=None), "memory_kib", id="memory-null"),
    pytest.param(lambda d: d["kdf"].update(salt=_b64_of(15)), "salt", id="salt-short"),
    pytest.param(lambda d: d["kdf"].update(salt=_b64_of(17)), "salt", id="salt-long"),
    pytest.param(lambda d: d["kdf"].update(salt=_b64_of(300)), "salt", id="salt-300"),
    pytest.param(lambda d: d["kdf"].update(salt=16), "salt", id="salt-number"),
    pytest.param(lambda d: d.update(wrap="AES"), "wrap", id="wrap-not-object"),
    pytest.param(lambda d: d["wrap"].update(cipher="AES-128-CBC"), "cipher", id="cipher"),
    pytest.param(lambda d: d["wrap"].update(nonce=_b64_of(300)), "nonce", id="nonce-300"),
    pytest.param(lambda d: d["wrap"].update(nonce=_b64_of(11)), "nonce", id="nonce-short"),
    pytest.param(lambda d: d["wrap"].update(nonce=_b64_of(13)), "nonce", id="nonce-long"),
    pytest.param(lambda d: d["wrap"].update(nonce=""), "nonce", id="nonce-empty"),
    pytest.param(lambda d: d["wrap"].update(ciphertext=_b64_of(47)), "ciphertext", id="ciphertext-short"),
    pytest.param(lambda d: d["wrap"].update(ciphertext=_b64_of(49)), "ciphertext", id="ciphertext-long"),
    pytest.param(lambda d: d["wrap"].update(ciphertext=_b64_of(4096)), "ciphertext", id="ciphertext-4k"),
    pytest.param(lambda d: d["wrap"].update(ciphertext=[1, 2]), "ciphertext", id="ciphertext-list"),
]


@pytest.mark.parametrize(("edit", "field"), OUT_OF_BOUNDS)
def test_every_key_file_field_out_of_bounds_is_a_damaged_key_file(key_path, edit, field, caplog):
    import time

    doc = _load(key_path)
    edit(doc)
    _save(key_path, doc)
    before = key_path.read_bytes()
    started = time.perf_counter()
    with pytest.raises(KeyFileDamaged) as info:
        unwrap_key(key_path, PASSPHRASE)
    assert time.perf_counter() - started < 2.0  # refused before deriving anything
    assert "is damaged" in str(info.value)
    assert field in str(info.value) and field in caplog.text  # the field is named for the service desk
    assert "Nonce must be" not in str(info.value)
    assert key_path.read_bytes() == before


@pytest.mark.parametrize(("edit", "field"), OUT_OF_BOUNDS[:4] + OUT_OF_BOUNDS[6:9] + OUT_OF_BOUNDS[15:16]
                         + OUT_OF_BOUNDS[20:21] + OUT_OF_BOUNDS[31:32])
def test_open_with_an_out_of_bounds_key_file_changes_nothing(tmp_path, edit, field):
    """Through the whole open: a damaged key file is named at once and neither file is touched."""
    import hashlib

    from lpt_desktop.services.unlock import create_caseload, unlock

    path = tmp_path / "c.lptdb"
    create_caseload(path, PASSPHRASE, "Sam Jones", "LPT0007", kdf=KdfParams.fast()).close()
    kp = key_path_for(path)
    doc = _load(kp)
    edit(doc)
    _save(kp, doc)
    hashes = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in tmp_path.iterdir() if p.is_file()}
    with pytest.raises(KeyFileDamaged, match="is damaged"):
        unlock(path, PASSPHRASE)
    assert {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in tmp_path.iterdir() if p.is_file()} == hashes


def test_a_key_file_far_too_large_is_damaged(key_path):
    key_path.write_bytes(b" " * (1 << 20) + key_path.read_bytes())
    with pytest.raises(KeyFileDamaged, match="larger than a key file"):
        read_key_file(key_path)


def test_calibration_never_writes_more_iterations_than_the_reader_accepts(monkeypatch):
    from lpt_desktop.store import keyfile

    monkeypatch.setattr(keyfile, "_derive", lambda *_a: b"")  # an impossibly fast machine
    assert KdfParams.calibrated().iterations == keyfile.MAX_ITERATIONS


# -- the passes times the memory (each bounded alone, a file could still ask for 64 passes over 1 GiB) --------
@pytest.mark.parametrize(("iterations", "memory_kib"), [(16, 1024 * 1024), (64, 256 * 1024)])
def test_a_key_file_at_the_work_limit_is_accepted(key_path, iterations, memory_kib):
    from lpt_desktop.store import keyfile

    assert iterations * memory_kib == keyfile.MAX_WORK_KIB
    doc = _load(key_path)
    doc["kdf"].update(iterations=iterations, memory_kib=memory_kib, lanes=4)
    _save(key_path, doc)
    assert read_key_file(key_path).params == KdfParams(iterations, memory_kib, 4)  # read, not derived: seconds


@pytest.mark.parametrize(("iterations", "memory_kib"), [(17, 1024 * 1024), (64, 1024 * 1024), (64, 256 * 1024 + 1)])
def test_a_key_file_over_the_work_limit_is_damaged_at_once(key_path, iterations, memory_kib, caplog):
    import time

    doc = _load(key_path)
    doc["kdf"].update(iterations=iterations, memory_kib=memory_kib, lanes=16)
    _save(key_path, doc)
    started = time.perf_counter()
    with pytest.raises(KeyFileDamaged) as info:
        unwrap_key(key_path, PASSPHRASE)
    assert time.perf_counter() - started < 2.0  # refused before deriving anything
    assert str(info.value).startswith(f"The key file {key_path.name} is damaged or is not an LPT Desktop key file "
                                      f"('iterations' times 'memory_kib' is {iterations * memory_kib:,}, over ")
    assert "'iterations' times 'memory_kib'" in caplog.text


def test_calibration_never_writes_more_work_than_the_reader_accepts(monkeypatch):
    from lpt_desktop.store import keyfile

    monkeypatch.setattr(keyfile, "_derive", lambda *_a: b"")  # an impossibly fast machine
    p = KdfParams.calibrated()
    assert p.iterations * p.memory_kib <= keyfile.MAX_WORK_KIB
