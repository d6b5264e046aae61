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
