"""The rules every input shares, in one place: integer range, strict dates, control characters.

Also the other side of the text rule: exports (Excel, Word) write whatever is already stored,
dropping the characters their format cannot hold (`for_export`).
"""
import re
from datetime import date

# PostgreSQL's `integer`: ids, years, counts. A number outside it can name no stored row.
INT_MIN = -(2**31)
INT_MAX = 2**31 - 1

# Exactly YYYY-MM-DD: Python's fromisoformat also takes "20260101" and "2026-W01-1".
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")

# C0 control characters other than tab, LF and CR, and lone surrogates (not storable as UTF-8).
FORBIDDEN_TEXT_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")

# What XML 1.0 (xlsx, docx) cannot hold at all.
NOT_IN_XML_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

CONTROL_MESSAGE = "不能包含控制字符（制表符和换行以外）"


def has_forbidden_chars(value: str) -> bool:
    """True when `value` holds a character no text input may carry (see FORBIDDEN_TEXT_RE)."""
    return FORBIDDEN_TEXT_RE.search(value) is not None


def without_forbidden_chars(value: str) -> str:
    """`value` with what no text input may carry taken out, for a person to check and post again:
    Word's line and page breaks (VT, FF) become LF, other such characters are dropped."""
    return FORBIDDEN_TEXT_RE.sub("", value.replace("\x0b", "\n").replace("\x0c", "\n"))


def normalise_newlines(value: str) -> str:
    """CRLF (browsers post textareas so) stored as LF."""
    return value.replace("\r\n", "\n")


def in_int_range(number: int) -> bool:
    return INT_MIN <= number <= INT_MAX


def parse_date(value: str) -> date | None:
    """The date written exactly as YYYY-MM-DD, or None (wrong form or no such day)."""
    if not isinstance(value, str) or not DATE_RE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def for_export(value):
    """A cell or run value as an export writes it: text without what xlsx/docx cannot hold."""
    if isinstance(value, str):
        return NOT_IN_XML_RE.sub("", value)
    return value


#: A cell starting with one of these would run as a formula in a spreadsheet (CONVENTIONS).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def for_spreadsheet(value):
    """A cell as every Excel export writes it: `for_export`, then a leading apostrophe on text a
    spreadsheet would run as a formula; numbers, dates and None pass unchanged."""
    value = for_export(value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
