"""The inputs of 经费奖补: an amount in yuan (≥ 0, at most two decimals, Decimal never float) and
the year (PLAN_YEARS)."""
from decimal import Decimal, InvalidOperation

from services import validation as v
from services.errors import Collector
from services.years import PLAN_YEARS

#: The largest award a grade may carry (Numeric(12, 2)).
MAX_AMOUNT = Decimal("9999999999.99")
CENT = Decimal("0.01")


def parse_amount(errors: Collector, data: dict, field: str, label: str) -> Decimal | None:
    """`data[field]` as a Decimal of yuan: required, a number (a JSON number or a string of
    digits), ≥ 0, ≤ MAX_AMOUNT, at most two decimals; None with the field named otherwise. A JSON
    float is read through its shortest repr, so 1234.5 is Decimal('1234.50'), never a binary
    approximation."""
    value = data.get(field)
    if value is None or (isinstance(value, str) and not value.strip()):
        errors.add(field, f"请填写{label}")
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        errors.add(field, f"{label}必须是数字（单位：元）")
        return None
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        errors.add(field, f"{label}必须是数字（单位：元）")
        return None
    if not amount.is_finite():
        errors.add(field, f"{label}必须是有限的数字")
        return None
    if amount < 0:
        errors.add(field, f"{label}不能为负数")
        return None
    if amount > MAX_AMOUNT:
        errors.add(field, f"{label}数额过大")
        return None
    if amount != amount.quantize(CENT):
        errors.add(field, f"{label}最多保留两位小数")
        return None
    return amount.quantize(CENT)


def parse_year(year) -> int:
    """A year of PLAN_YEARS (2000–2100); ValidationFailed naming `year` otherwise."""
    errors = Collector()
    value = v.integer(errors, {"year": year}, "year", "年度",
                      minimum=PLAN_YEARS.first, maximum=PLAN_YEARS.last)
    errors.raise_if_any()
    return value


def money(amount: Decimal | None) -> str | None:
    """An amount as the API writes it: a string with two decimals ("5000.00"), never a float."""
    return None if amount is None else str(Decimal(amount).quantize(CENT))
