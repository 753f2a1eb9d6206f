"""The local storage backend."""

from __future__ import annotations

import io

import pytest

from portal.storage import LocalStorage, StorageError, sha256_of


def test_files_round_trip_under_generated_keys(tmp_path):
    storage = LocalStorage(tmp_path)
    key = storage.save(b"constitution", prefix="documents")
    assert key.startswith("documents/")
    assert storage.read(key) == b"constitution"
    assert storage.exists(key)
    streamed = storage.save(io.BytesIO(b"x" * 3_000_000), prefix="letters")
    assert sha256_of(storage.read(streamed)) == sha256_of(b"x" * 3_000_000)
    storage.delete(key)
    assert not storage.exists(key)


def test_a_key_cannot_climb_out_of_the_folder(tmp_path):
    storage = LocalStorage(tmp_path / "files")
    (tmp_path / "secret.txt").write_text("no")
    with pytest.raises(StorageError):
        storage.read("../secret.txt")


def test_user_supplied_prefixes_are_cleaned(tmp_path):
    key = LocalStorage(tmp_path).save(b"a", prefix="../../etc")
    assert key.startswith("etc/")
    assert (tmp_path / key).is_file()


def test_no_temporary_files_are_left_behind(tmp_path):
    storage = LocalStorage(tmp_path)
    key = storage.save(b"data", prefix="x")
    leftovers = [p for p in (tmp_path / key).parent.iterdir() if p.name.startswith(".upload-")]
    assert leftovers == []
