"""The checks every import kind shares: a row's field checks (`Check`), comparing stored values
with cells, and the units looked up by name once per import."""
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from extensions import db
from models import Unit
from services.imports.reading import Context, Row, fold
from services.validation import EMAIL_RE, normalize_mobile


@dataclass(frozen=True)
class KindSpec:
    columns: list
    process: Callable


class Check:
    """The checks of one row; each problem is reported under its column's header."""

    def __init__(self, ctx: Context, row: Row):
        self.ctx, self.row, self.ok = ctx, row, True

    def bad(self, field_name: str, message: str) -> None:
        self.ctx.refuse(self.row, field_name, message)
        self.ok = False

    def text(self, field_name: str, label: str, max_len: int, *, required=False) -> str:
        value = self.row.values.get(field_name, "")
        if required and not value:
            self.bad(field_name, f"请填写{label}")
        elif len(value) > max_len:
            self.bad(field_name, f"{label}不能超过{max_len}个字符（当前{len(value)}个）")
        return value

    def mobile(self, field_name: str = "mobile", *, required=False) -> str:
        value = self.text(field_name, "手机号", 30, required=required)
        if not value:
            return ""
        normalised = normalize_mobile(value)
        if normalised is None:
            self.bad(field_name, "手机号应为11位中国大陆手机号")
            return ""
        return normalised

    def email(self, field_name: str = "email") -> str:
        value = self.text(field_name, "电子信箱", 120)
        if value and not EMAIL_RE.match(value):
            self.bad(field_name, "电子信箱格式不正确")
        return value

    def unique(self, key, field_name: str, label: str) -> None:
        """Refuse a row whose key an earlier row of the file already has."""
        first = self.ctx.seen.setdefault(key, self.row.number)
        if first != self.row.number:
            self.bad(field_name, f"{label}与第{first}行重复")


def same(stored, value) -> bool:
    """A stored text equals a cell when both read the same once full-width ASCII is folded (a name
    stored with full-width brackets is not "changed" by a file with ASCII ones, nor the reverse)."""
    if isinstance(stored, str) and isinstance(value, str):
        return fold(stored) == fold(value)
    return stored == value


def units_by_name(ctx: Context) -> dict:
    """Every unit by its folded name (`fold`; look a cell up folded too), loaded once per import
    (a province has hundreds)."""
    if "units" not in ctx.cache:
        ctx.cache["units"] = {fold(u.name): u for u in db.session.scalars(sa.select(Unit))}
    return ctx.cache["units"]


def apply_values(obj, values: dict, write: bool) -> dict:
    """The given (non-blank) values that differ from the stored ones (field → (before, after));
    they are set when writing."""
    changed = {k: (getattr(obj, k), v) for k, v in values.items() if v not in ("", None)
               and not same(getattr(obj, k), v)}
    if write:
        for key, (_before, value) in changed.items():
            setattr(obj, key, value)
    return changed
