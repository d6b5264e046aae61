"""Multipart part headers in the encodings phones and old browsers really send (every upload).

Werkzeug decodes each part's header lines as strict UTF-8; a raw GBK file name (some Android
browsers, Windows tools, older WeChat builds) then fails the whole form, which Flask treats as an
empty one ("请选择要上传的附件", the CSRF token lost with it). Here a header line is decoded as
UTF-8 and, when that fails, as GB18030 (a superset of GBK and GB2312), with undecodable bytes
replaced — so the form always parses and the name arrives as the person wrote it. Every upload
(attachments, imports, documents) goes through `MultipartRequest`, installed as the app's
request class; nothing else about the parsing changes (limits, streaming, part counts).

The parser is werkzeug's own code, run with `LenientMultipartDecoder` in place of its
`MultipartDecoder` (its two functions that name the classes are re-bound to a copy of their
module's globals, so no code is copied and werkzeug's module is left untouched).
tests/platform/test_multipart_names.py sends a raw GBK name and fails if an upgrade of werkzeug
changes these names.
"""
import types

from flask import Request
from werkzeug import formparser
from werkzeug.datastructures import Headers
from werkzeug.sansio import multipart

#: Encodings tried, in order, for a part's header line; the last one replaces what it cannot read.
HEADER_ENCODINGS = ("utf-8", "gb18030")


def decode_header_line(raw: bytes) -> str:
    """A part header line's text: UTF-8, else GB18030 (undecodable bytes replaced); never raises."""
    for encoding in HEADER_ENCODINGS[:-1]:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode(HEADER_ENCODINGS[-1], "replace")


class LenientMultipartDecoder(multipart.MultipartDecoder):
    """werkzeug's MultipartDecoder with part header lines read by `decode_header_line`."""

    def _parse_headers(self, data) -> Headers:
        headers: list[tuple[str, str]] = []
        data = multipart.HEADER_CONTINUATION_RE.sub(b" ", data)
        for line in data.splitlines():
            line = line.strip(b" \t")
            if line != b"":
                name, _, value = decode_header_line(line).partition(":")
                headers.append((name.strip(" \t"), value.strip(" \t")))
        return Headers(headers)


def _with_globals(function, **names):
    """`function` re-bound to its module's globals with `names` replaced (the module is untouched)."""
    return types.FunctionType(function.__code__, {**function.__globals__, **names}, function.__name__,
                              function.__defaults__, function.__closure__)


class LenientMultiPartParser(formparser.MultiPartParser):
    """werkzeug's MultiPartParser decoding part headers with `LenientMultipartDecoder`."""

    parse = _with_globals(formparser.MultiPartParser.parse, MultipartDecoder=LenientMultipartDecoder)


class LenientFormDataParser(formparser.FormDataParser):
    """werkzeug's FormDataParser whose multipart bodies go through `LenientMultiPartParser`."""

    _parse_multipart = _with_globals(formparser.FormDataParser._parse_multipart,
                                     MultiPartParser=LenientMultiPartParser)


class MultipartRequest(Request):
    """Flask's Request with lenient multipart part headers (see the module's docstring)."""

    form_data_parser_class = LenientFormDataParser
