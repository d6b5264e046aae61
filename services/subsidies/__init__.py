"""经费奖补 (SPEC §5.12) — the public surface of services/subsidies/.

fields.py reads amounts (Decimal, two decimals) and years; listing.py the Homes a year's award
goes to (published, window ended, every objection decided) with amounts and payments;
operations.py the office's writes (rates, payment, reversal 红冲), each audited; documents.py the
Word 拨付通知 of one Home.
"""
from services.subsidies.documents import notice_docx, notice_filename, yuan
from services.subsidies.fields import MAX_AMOUNT, money, parse_year
from services.subsidies.listing import (
    SubsidyList,
    SubsidyRow,
    ineligibility,
    rates_fixed,
    subsidy_list,
)
from services.subsidies.operations import (
    rates_of,
    record_payment,
    require_office,
    reverse_payment,
    set_rates,
)

__all__ = [
    "MAX_AMOUNT",
    "SubsidyList",
    "SubsidyRow",
    "ineligibility",
    "money",
    "notice_docx",
    "notice_filename",
    "parse_year",
    "rates_fixed",
    "rates_of",
    "record_payment",
    "require_office",
    "reverse_payment",
    "set_rates",
    "subsidy_list",
    "yuan",
]
