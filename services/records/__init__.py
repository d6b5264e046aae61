"""A representative's 履职档案 and a Home's 台账 — the public surface of services/records/.

annual.py computes the record figures of one or many representatives in a fixed number of
queries; ledger.py a Home's verified activities of a year with photo thumbnails; documents.py
both as Word documents.
"""
from services.records.annual import (
    MONTHS,
    get_representative,
    record_of,
    records_for,
)
from services.records.documents import (
    ledger_docx,
    record_docx,
)
from services.records.ledger import (
    ledger_of,
)

__all__ = [
    "MONTHS",
    "get_representative",
    "ledger_docx",
    "ledger_of",
    "record_docx",
    "record_of",
    "records_for",
]
