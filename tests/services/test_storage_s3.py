"""The S3-compatible storage backend, against moto's in-memory S3: the same interface as the local
folder, keys made by the portal (never from a file's name), and a missing file reported as such."""

from __future__ import annotations

import io
import os

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from portal.config import ConfigError, load_config
from portal.storage import KEY_PATTERN, LocalStorage, S3Storage, StorageError, get_storage, s3_client, sha256_of

BUCKET = "portal-files-test"


@pytest.fixture
def aws(monkeypatch):  # noqa: ANN001, ANN201
    """Fake credentials from the standard AWS environment variables (as in production, where they
    come from the environment or the instance's role), and moto answering every S3 call."""
    for name in list(os.environ):
        if name.startswith("AWS_") and name != "AWS_CA_BUNDLE":
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-2")
    s3_client.cache_clear()
    with mock_aws():
        boto3.client("s3", region_name="eu-west-2").create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
        )
        yield boto3.client("s3", region_name="eu-west-2")
    s3_client.cache_clear()


@pytest.fixture
def storage(aws) -> S3Storage:  # noqa: ANN001
    return get_storage({"STORAGE_BACKEND": "s3", "S3_BUCKET": BUCKET, "S3_REGION": "eu-west-2"})  # type: ignore[return-value]


def bucket_keys(aws) -> list[str]:  # noqa: ANN001
    return sorted(item["Key"] for item in aws.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def test_files_are_stored_read_and_deleted_under_keys_the_portal_makes(storage, aws):
    assert isinstance(storage, S3Storage)
    key = storage.save(b"constitution", prefix="documents")
    assert key.startswith("documents/") and KEY_PATTERN.fullmatch(key)
    assert bucket_keys(aws) == [key]
    assert storage.read(key) == b"constitution"
    assert storage.exists(key)
    with storage.open(key) as handle:
        assert handle.read() == b"constitution"
    storage.delete(key)
    assert not storage.exists(key)
    assert bucket_keys(aws) == []


def test_a_large_stream_is_uploaded_in_parts_and_read_back_whole(storage, aws):
    data = os.urandom(1024) * (9 * 1024)  # 9 MB: past boto3's 8 MB multipart threshold and the spool
    key = storage.save(io.BytesIO(data), prefix="letters")
    assert aws.head_object(Bucket=BUCKET, Key=key)["ContentLength"] == len(data)
    with storage.open(key) as handle:
        assert handle._rolled  # spooled to a temporary file, not held in memory  # noqa: SLF001
        assert sha256_of(handle.read()) == sha256_of(data)


def test_the_key_never_comes_from_the_prefix_or_a_file_name(storage, aws):
    key = storage.save(b"a", prefix="../../etc/passwd Our constitution.pdf")
    assert key.startswith("etcpasswdOurconstitutionpdf/")
    assert ".." not in key and " " not in key and ".pdf" not in key
    assert storage.save(b"b", prefix="../..").startswith("files/")
    assert len({storage.save(b"same", prefix="documents") for _ in range(5)}) == 5
    assert len(bucket_keys(aws)) == 7


def test_a_missing_file_is_a_storage_error(storage):
    key = storage.save(b"x", prefix="documents")
    storage.delete(key)
    with pytest.raises(StorageError, match="no file stored under"):
        storage.read(key)
    with pytest.raises(StorageError, match="no file stored under"):
        storage.open("documents/0000/00000000000000000000000000000000")
    storage.delete(key)  # deleting what is gone is not an error (as with the local folder)


@pytest.mark.parametrize(
    "key",
    ["../secret.txt", "documents/../../secret", "/documents/abcd/" + "0" * 32, "documents/abcd/" + "0" * 31, ""],
)
def test_only_keys_the_portal_makes_reach_the_bucket(storage, aws, key):
    aws.put_object(Bucket=BUCKET, Key="secret.txt", Body=b"no")
    for operation in (storage.read, storage.exists, storage.delete):
        with pytest.raises(StorageError, match="invalid storage key"):
            operation(key)
    assert bucket_keys(aws) == ["secret.txt"]


def test_an_unreachable_bucket_is_an_error_not_a_missing_file(aws):
    storage = get_storage({"STORAGE_BACKEND": "s3", "S3_BUCKET": "no-such-bucket", "S3_REGION": "eu-west-2"})
    with pytest.raises(ClientError) as raised:
        storage.read("documents/abcd/" + "0" * 32)
    assert raised.value.response["Error"]["Code"] == "NoSuchBucket"
    with pytest.raises(ClientError):
        storage.save(b"x", prefix="documents")


def test_one_client_per_process_and_endpoint_with_path_style_for_other_stores(aws):
    config = {"STORAGE_BACKEND": "s3", "S3_BUCKET": BUCKET, "S3_REGION": "eu-west-2"}
    assert get_storage(config).client is get_storage(config).client
    minio = get_storage({**config, "S3_ENDPOINT_URL": "http://minio.internal:9000"}).client
    assert minio is not get_storage(config).client
    assert minio.meta.endpoint_url == "http://minio.internal:9000"
    assert minio.meta.config.s3 == {"addressing_style": "path"}
    assert minio.meta.region_name == "eu-west-2"


def test_the_backend_is_chosen_by_configuration(tmp_path, aws):
    local = load_config(tmp_path, environ={})
    assert local["STORAGE_BACKEND"] == "local"
    assert isinstance(get_storage(local), LocalStorage)
    environ = {
        "PORTAL_STORAGE_BACKEND": "s3",
        "PORTAL_S3_BUCKET": BUCKET,
        "PORTAL_S3_REGION": "eu-west-2",
        "PORTAL_S3_ENDPOINT_URL": "https://s3.eu-west-2.amazonaws.com",
    }
    s3 = load_config(tmp_path, environ=environ)
    storage = get_storage(s3)
    assert isinstance(storage, S3Storage) and storage.bucket == BUCKET
    assert storage.client.meta.endpoint_url == "https://s3.eu-west-2.amazonaws.com"


def test_the_portal_will_not_start_with_an_unknown_backend_or_no_bucket(tmp_path):
    with pytest.raises(ConfigError, match="PORTAL_STORAGE_BACKEND must be local or s3, not 'ftp'"):
        load_config(tmp_path, environ={"PORTAL_STORAGE_BACKEND": "ftp"})
    with pytest.raises(ConfigError, match="PORTAL_S3_BUCKET is not set"):
        load_config(tmp_path, environ={"PORTAL_STORAGE_BACKEND": "s3"})


def test_no_credentials_are_settings():
    from portal.config import SETTINGS

    names = {setting.name for setting in SETTINGS}
    assert {"STORAGE_BACKEND", "S3_BUCKET", "S3_ENDPOINT_URL", "S3_REGION"} <= names
    assert not [name for name in names if "S3" in name and ("KEY" in name or "SECRET" in name)]
