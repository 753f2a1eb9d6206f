"""Files (uploads, issued letters): a local folder by default, behind an interface that an
S3-compatible backend can implement.

Keys are generated here, never taken from user input, so no file name can reach the file system.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import tempfile
from pathlib import Path
from typing import BinaryIO, Protocol


class StorageError(Exception):
    pass


class Storage(Protocol):
    def save(self, data: bytes | BinaryIO, *, prefix: str) -> str: ...
    def open(self, key: str) -> BinaryIO: ...
    def read(self, key: str) -> bytes: ...
    def exists(self, key: str) -> bool: ...
    def delete(self, key: str) -> None: ...


def new_key(prefix: str) -> str:
    safe_prefix = "".join(ch for ch in prefix if ch.isalnum() or ch in "-_") or "files"
    return f"{safe_prefix}/{secrets.token_hex(2)}/{secrets.token_hex(16)}"


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class LocalStorage:
    """Files in a folder outside the web root; writes are atomic (temporary file, then rename)."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root).resolve()

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root not in path.parents:
            raise StorageError("invalid storage key")
        return path

    def save(self, data: bytes | BinaryIO, *, prefix: str) -> str:
        key = new_key(prefix)
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                if isinstance(data, bytes | bytearray):
                    out.write(data)
                else:
                    while chunk := data.read(1024 * 1024):
                        out.write(chunk)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return key

    def open(self, key: str) -> BinaryIO:
        try:
            return self._path(key).open("rb")
        except FileNotFoundError as exc:
            raise StorageError(f"no file stored under {key}") from exc

    def read(self, key: str) -> bytes:
        with self.open(key) as handle:
            return handle.read()

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


def get_storage(config: dict) -> Storage:
    return LocalStorage(config["STORAGE_PATH"])
