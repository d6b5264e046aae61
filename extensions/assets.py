"""Static files under content-hashed names, cached for a year and sent compressed.

`url_for("static", filename="css/app.css")` (and every blueprint's static endpoint, Bootstrap-Flask's
included) builds `/static/css/app.<12 hex digits>.css`: the digits are the start of the file's
SHA-256, so a changed file gets a new URL and the old one may be cached forever
(`Cache-Control: public, max-age=31536000, immutable`). A request for the plain name, or for a digest
that is no longer current (a page rendered before a deploy), gets the current file with
`Cache-Control: no-cache` and an ETag (the browser revalidates). Names in `UNHASHED` (a service worker
must keep its URL) are never rewritten.

Text files (CSS, JS, JSON, SVG, manifests) are compressed once per file version, brotli (quality 9)
or gzip (level 9) as the request's Accept-Encoding allows, and kept in memory; the response carries
its own Content-Encoding, so Flask-Compress (which compresses the pages) leaves it alone.
"""
import gzip
import hashlib
import mimetypes
import os
import re
import threading
from dataclasses import dataclass, field

from flask import Flask, Response, abort, request
from werkzeug.security import safe_join

__all__ = ["StaticAssets", "hashed_name", "UNHASHED", "IMMUTABLE", "REVALIDATE"]

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
DIGEST_LENGTH = 12
#: File names (the last path segment) that keep their URL: a service worker's URL is its identity.
UNHASHED = frozenset({"sw.js", "service-worker.js"})
HASHED = re.compile(rf"^(?P<stem>.+)\.(?P<digest>[0-9a-f]{{{DIGEST_LENGTH}}})(?P<ext>\.[A-Za-z0-9]+)$")
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml",
                "application/manifest+json", "image/x-icon", "image/vnd.microsoft.icon")
#: Files above this size are read from disk each time and sent uncompressed (none such today).
MEMORY_LIMIT = 8 * 1024 * 1024

mimetypes.add_type("application/manifest+json", ".webmanifest")
mimetypes.add_type("text/javascript", ".js")
mimetypes.add_type("text/javascript", ".mjs")


@dataclass
class _Version:
    """One version of one file: its digest, bytes and compressed forms (made on first need)."""

    mtime_ns: int
    size: int
    digest: str
    data: bytes | None
    encoded: dict = field(default_factory=dict)


_versions: dict[str, _Version] = {}
_lock = threading.Lock()


def _version(path: str) -> _Version | None:
    """The current version of the file at `path` (None when it is not a file)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    if not os.path.isfile(path):
        return None
    known = _versions.get(path)
    if known and known.mtime_ns == st.st_mtime_ns and known.size == st.st_size:
        return known
    with open(path, "rb") as fh:
        data = fh.read()
    version = _Version(st.st_mtime_ns, st.st_size, hashlib.sha256(data).hexdigest()[:DIGEST_LENGTH],
                       data if len(data) <= MEMORY_LIMIT else None)
    with _lock:
        _versions[path] = version
    return version


def hashed_name(folder: str, filename: str) -> str:
    """`filename` with the content digest before its extension (`js/app.js` → `js/app.1a2b….js`);
    unchanged for a name in UNHASHED, a name without an extension or a file that does not exist."""
    base = filename.rsplit("/", 1)[-1]
    if base in UNHASHED or "." not in base:
        return filename
    path = safe_join(folder, filename)
    version = _version(path) if path else None
    if version is None:
        return filename
    stem, ext = filename.rsplit(".", 1)
    return f"{stem}.{version.digest}.{ext}"


def _encoded(version: _Version, encoding: str) -> bytes:
    body = version.encoded.get(encoding)
    if body is None:
        if encoding == "br":
            import brotli

            body = brotli.compress(version.data, quality=9)
        else:
            body = gzip.compress(version.data, compresslevel=9, mtime=0)
        with _lock:
            version.encoded[encoding] = body
    return body


def _choose_encoding() -> str | None:
    accepted = request.accept_encodings
    for encoding in ("br", "gzip"):
        if accepted[encoding]:
            return encoding
    return None


def serve(folder: str | None, filename: str) -> Response:
    """The response for `filename` under `folder`: 404 when missing, immutable when asked by its
    current digest, revalidated otherwise; compressed when the type and the client allow."""
    if not folder:
        abort(404)
    path = safe_join(folder, filename)
    version = _version(path) if path else None
    immutable = False
    if version is None:
        match = HASHED.match(filename)
        path = safe_join(folder, match["stem"] + match["ext"]) if match else None
        version = _version(path) if path else None
        if version is None:
            abort(404)
        immutable = match["digest"] == version.digest
    mimetype = mimetypes.guess_type(path)[0] or "application/octet-stream"
    data = version.data
    if data is None:
        with open(path, "rb") as fh:
            data = fh.read()
    encoding = None
    if version.data is not None and mimetype.startswith(COMPRESSIBLE) and len(data) > 500:
        encoding = _choose_encoding()
    body = _encoded(version, encoding) if encoding else data
    response = Response(body, mimetype=mimetype)
    if mimetype.startswith("text/") or mimetype.endswith(("javascript", "json")):
        response.charset = "utf-8"
    response.headers["Vary"] = "Accept-Encoding"
    if encoding:
        response.headers["Content-Encoding"] = encoding
    response.headers["Cache-Control"] = IMMUTABLE if immutable else REVALIDATE
    response.set_etag(version.digest + (f"-{encoding}" if encoding else ""))
    return response.make_conditional(request)


class StaticAssets:
    """Installs hashed URLs and the serving view on every static endpoint of an app."""

    def init_app(self, app: Flask) -> None:
        """Call after every blueprint is registered (their static endpoints must exist)."""
        folders: dict[str, str | None] = {}
        for rule in app.url_map.iter_rules():
            endpoint = rule.endpoint
            if endpoint == "static":
                folders[endpoint] = app.static_folder
            elif endpoint.endswith(".static"):
                blueprint = app.blueprints.get(endpoint.rsplit(".", 1)[0])
                folders[endpoint] = blueprint.static_folder if blueprint else None
        for endpoint, folder in folders.items():
            app.view_functions[endpoint] = _view(folder)

        @app.url_defaults
        def _hash_static(endpoint, values):
            folder = folders.get(endpoint)
            filename = values.get("filename")
            if folder and filename and not HASHED.match(filename):
                values["filename"] = hashed_name(folder, filename)

        app.extensions["static_assets"] = self


def _view(folder: str | None):
    def static(filename):
        return serve(folder, filename)

    return static
