"""Files (uploads, issued letters): a local folder by default, or an S3-compatible bucket
(``PORTAL_STORAGE_BACKEND=s3``), both behind the same small interface.

Keys are generated here, never taken from user input, so no file name can reach the file system or
the bucket. S3 credentials come from the standard AWS chain (environment, shared files, instance or
container role), never from the portal's configuration.
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import re
import secrets
import tempfile
from pathlib import Path
from typing import Any, BinaryIO, Protocol


class StorageError(Exception):
    pass


class Storage(Protocol):
    def save(self, data: bytes | BinaryIO, *, prefix: str) -> str: ...
    def open(self, key: str) -> BinaryIO: ...
    def read(self, key: str) -> bytes: ...
    def exists(self, key: str) -> bool: ...
    def delete(self, key: str) -> None: ...


KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]+/[0-9a-f]{4}/[0-9a-f]{32}")
SPOOL_BYTES = 8 * 1024 * 1024  # a file read from S3 is kept in memory up to this size, then on disk


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


class S3Storage:
    """Files as objects in one bucket of S3 or an S3-compatible store (MinIO, Ceph, R2…).

    Only keys of the shape ``new_key`` makes are accepted, so nothing else in the bucket can be
    read or deleted through the portal. Objects are written whole (S3 never shows a partial one).
    """

    def __init__(self, bucket: str, client: Any) -> None:
        self.bucket = bucket
        self.client = client

    @staticmethod
    def _checked(key: str) -> str:
        if not KEY_PATTERN.fullmatch(key):
            raise StorageError("invalid storage key")
        return key

    def _missing(self, error: Exception) -> bool:
        code = getattr(error, "response", {}).get("Error", {}).get("Code")
        return code in {"NoSuchKey", "404", "NotFound"}

    def save(self, data: bytes | BinaryIO, *, prefix: str) -> str:
        key = new_key(prefix)
        body: BinaryIO = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
        self.client.upload_fileobj(body, self.bucket, key, ExtraArgs={"ContentType": "application/octet-stream"})
        return key

    def open(self, key: str) -> BinaryIO:
        from botocore.exceptions import ClientError

        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self._checked(key))
        except ClientError as exc:
            if self._missing(exc):
                raise StorageError(f"no file stored under {key}") from exc
            raise
        spooled = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - returned open
        with response["Body"] as body:
            while chunk := body.read(1024 * 1024):
                spooled.write(chunk)
        spooled.seek(0)
        return spooled  # type: ignore[return-value]

    def read(self, key: str) -> bytes:
        with self.open(key) as handle:
            return handle.read()

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._checked(key))
        except ClientError as exc:
            if self._missing(exc):
                return False
            raise
        return True

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._checked(key))


@functools.lru_cache(maxsize=4)
def s3_client(endpoint_url: str | None, region: str | None, pid: int) -> Any:  # noqa: ARG001 - pid: one per process
    """One client per process and endpoint (making one costs tens of milliseconds; clients are
    thread-safe but must not cross a fork). Credentials: the standard AWS chain."""
    import boto3
    from botocore.config import Config

    config = Config(
        connect_timeout=5,
        read_timeout=30,
        retries={"max_attempts": 3, "mode": "standard"},
        s3={"addressing_style": "path"} if endpoint_url else {},
    )
    return boto3.session.Session().client("s3", endpoint_url=endpoint_url, region_name=region, config=config)


def get_storage(config: dict) -> Storage:
    if config.get("STORAGE_BACKEND", "local") == "s3":
        client = s3_client(config.get("S3_ENDPOINT_URL") or None, config.get("S3_REGION") or None, os.getpid())
        return S3Storage(config["S3_BUCKET"], client)
    return LocalStorage(config["STORAGE_PATH"])
