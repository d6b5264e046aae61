"""Stored files (activity attachments) behind one small interface, local or S3-compatible.

`get_storage()` gives the app's store: the local folder UPLOAD_DIR by default, or an S3-compatible
object store (AWS S3, MinIO, SeaweedFS, Ceph …) when STORAGE_URL is set, so that several web hosts
serve the same files. Both stores speak the same language:

    save(key, data, content_type)   bytes or a binary stream, written whole or not at all
    open(key) / read(key)           a binary stream / all the bytes; MissingObject if absent
    exists(key) · delete(key)       delete of an absent key is not an error
    iter_keys()                     every stored key (for backups and moves between stores)
    send(key, mimetype, …)          a Flask response that streams the object; 404 if absent

A key is a relative path of letters, digits, '.', '_', '-' and '/' (no '..', no leading '/'); the
local store keeps key `a/b.pdf` at UPLOAD_DIR/a/b.pdf, the object store as object `a/b.pdf` of
STORAGE_BUCKET. The bucket is created by the operator (docs/deployment.md), never by the app.
"""
import contextlib
import errno
import logging
import os
import re
import tempfile
from typing import BinaryIO

from flask import current_app, send_file
from werkzeug.exceptions import NotFound

from services.errors import ServiceError

log = logging.getLogger("rephome.storage")

_KEY = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$")
_EXTENSION = "rephome_storage"
_CHUNK = 1024 * 1024


class StorageError(ServiceError):
    """The store could not be reached or refused the operation: 503 `service_unavailable`.

    `str(error)` is the technical detail (logs, CLI); `error.message` is what users read.
    """

    status = 503
    code = "service_unavailable"

    def __init__(self, detail: str = ""):
        super().__init__("文件存储暂时不可用，请稍后再试")
        self.detail = detail

    def __str__(self):
        return self.detail or self.message


class MissingObject(StorageError, FileNotFoundError):
    """No object is stored under that key (404)."""

    status = 404
    code = "not_found"

    def __init__(self, key: str = ""):
        super().__init__(f"no object {key!r}")
        self.message = "文件不存在"


class StoreNotWritable(StorageError, OSError):
    """The upload folder is full, read-only or not writable by the app (503, and /healthz says so)."""


#: OSError numbers that mean "the store cannot take a write now", not "this request is wrong".
NOT_WRITABLE = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM,
                          errno.EIO})


def check_key(key: str) -> str:
    """The key itself when it is a safe relative path, else ValueError."""
    if not isinstance(key, str) or not _KEY.match(key) or len(key) > 512:
        raise ValueError(f"bad storage key: {key!r}")
    return key


def _chunks(data: bytes | BinaryIO):
    if isinstance(data, (bytes, bytearray, memoryview)):
        yield bytes(data)
        return
    while True:
        chunk = data.read(_CHUNK)
        if not chunk:
            return
        yield chunk


class LocalStorage:
    """Files under one folder (UPLOAD_DIR): the default, for a single web host."""

    kind = "local"

    def __init__(self, root: str):
        self.root = os.path.abspath(root)

    def path(self, key: str) -> str:
        """Where the key's bytes are on disk."""
        return os.path.join(self.root, *check_key(key).split("/"))

    def save(self, key: str, data: bytes | BinaryIO, content_type: str | None = None) -> None:
        """Write to a temporary file beside the target, then rename: never a half-written file.

        A folder that is full, read-only or not ours raises StoreNotWritable (503).
        """
        try:
            self._write(key, data)
        except OSError as exc:
            if exc.errno in NOT_WRITABLE:
                log.warning("upload folder %s refused a write: %s", self.root, exc)
                raise StoreNotWritable(f"upload folder {self.root} refused a write: {exc}") from exc
            raise

    def _write(self, key: str, data: bytes | BinaryIO) -> None:
        path = self.path(key)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as fh:
                for chunk in _chunks(data):
                    fh.write(chunk)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.remove(tmp)
            raise

    def open(self, key: str) -> BinaryIO:
        try:
            return open(self.path(key), "rb")  # noqa: SIM115 (the caller closes it)
        except FileNotFoundError:
            raise MissingObject(key) from None

    def read(self, key: str) -> bytes:
        with self.open(key) as fh:
            return fh.read()

    def exists(self, key: str) -> bool:
        return os.path.isfile(self.path(key))

    def delete(self, key: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.remove(self.path(key))

    def iter_keys(self):
        if not os.path.isdir(self.root):
            return
        for folder, _dirs, files in os.walk(self.root):
            for name in sorted(files):
                if name.startswith(".upload-"):
                    continue  # a save in progress
                rel = os.path.relpath(os.path.join(folder, name), self.root)
                yield rel.replace(os.sep, "/")

    def send(self, key: str, *, mimetype: str, as_attachment: bool = False,
             download_name: str | None = None):
        """The file as a response (conditional requests and ranges included); 404 if absent."""
        path = self.path(key)
        if not os.path.isfile(path):
            raise NotFound()
        return send_file(path, mimetype=mimetype, as_attachment=as_attachment,
                         download_name=download_name, max_age=0)


class S3Storage:
    """Objects in one bucket of an S3-compatible store: what several web hosts share."""

    kind = "s3"

    def __init__(self, endpoint: str, bucket: str, access_key: str = "", secret_key: str = "",
                 region: str = "us-east-1"):
        import boto3
        from botocore.config import Config as BotoConfig

        self.endpoint = endpoint
        self.bucket = bucket
        self.client = boto3.session.Session().client(
            "s3", endpoint_url=endpoint, region_name=region or "us-east-1",
            aws_access_key_id=access_key or None, aws_secret_access_key=secret_key or None,
            config=BotoConfig(
                s3={"addressing_style": "path"},  # works on every S3-compatible store
                # Only the checksums S3 itself requires: stores other than AWS may not know the rest.
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
                connect_timeout=5, read_timeout=60,
                retries={"max_attempts": 3, "mode": "standard"}))

    def _call(self, method: str, key: str | None = None, **kw):
        from botocore.exceptions import BotoCoreError, ClientError

        if key is not None:
            kw["Key"] = check_key(key)
        try:
            return getattr(self.client, method)(Bucket=self.bucket, **kw)
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", ""))
            if code in {"404", "NoSuchKey", "NotFound"} and key is not None:
                raise MissingObject(key) from None
            log.warning("object store refused %s of %s: %s", method, key, exc)
            raise StorageError(f"object store refused {method} ({code}): {exc}") from exc
        except BotoCoreError as exc:
            log.warning("object store unreachable (%s of %s): %s", method, key, exc)
            raise StorageError(f"object store unreachable ({method}): {exc}") from exc

    def save(self, key: str, data: bytes | BinaryIO, content_type: str | None = None) -> None:
        """One PUT (an object appears whole or not at all)."""
        body = bytes(data) if isinstance(data, (bytes, bytearray, memoryview)) else data.read()
        extra = {"ContentType": content_type} if content_type else {}
        self._call("put_object", key, Body=body, **extra)

    def _get(self, key: str):
        return self._call("get_object", key)

    def open(self, key: str) -> BinaryIO:
        return self._get(key)["Body"]

    def read(self, key: str) -> bytes:
        body = self.open(key)
        try:
            return body.read()
        finally:
            body.close()

    def exists(self, key: str) -> bool:
        try:
            self._call("head_object", key)
        except MissingObject:
            return False
        return True

    def delete(self, key: str) -> None:
        self._call("delete_object", key)  # S3 answers 204 for an absent key too

    def iter_keys(self):
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket):
                for item in page.get("Contents", ()):
                    yield item["Key"]
        except (ClientError, BotoCoreError) as exc:
            raise StorageError(f"object store refused listing: {exc}") from exc

    def send(self, key: str, *, mimetype: str, as_attachment: bool = False,
             download_name: str | None = None):
        """Stream the object through the app (access was checked here; the bucket stays private)."""
        try:
            obj = self._get(key)
        except MissingObject:
            raise NotFound() from None
        response = send_file(obj["Body"], mimetype=mimetype, as_attachment=as_attachment,
                             download_name=download_name, max_age=0)
        if obj.get("ContentLength") is not None:
            response.content_length = obj["ContentLength"]
        return response


def storage_from_config(config) -> LocalStorage | S3Storage:
    """The store the settings describe: S3Storage when STORAGE_URL is set, else LocalStorage."""
    url = (config.get("STORAGE_URL") or "").strip()
    if not url:
        return LocalStorage(config["UPLOAD_DIR"])
    bucket = (config.get("STORAGE_BUCKET") or "").strip()
    if not bucket:
        raise StorageError("STORAGE_URL is set but STORAGE_BUCKET is empty")
    return S3Storage(url, bucket, config.get("STORAGE_ACCESS_KEY") or "",
                     config.get("STORAGE_SECRET_KEY") or "", config.get("STORAGE_REGION") or "")


def get_storage(app=None) -> LocalStorage | S3Storage:
    """The app's store, built once per process from its settings on first use."""
    app = app or current_app._get_current_object()
    store = app.extensions.get(_EXTENSION)
    if store is None:
        store = app.extensions[_EXTENSION] = storage_from_config(app.config)
    return store


def set_storage(app, store) -> None:
    """Put another store in place (tests; moving files between stores)."""
    if store is None:
        app.extensions.pop(_EXTENSION, None)
    else:
        app.extensions[_EXTENSION] = store
