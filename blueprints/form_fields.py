"""Form fields that read exactly the documented forms, with Chinese messages naming the field.

WTForms' own DateField takes 2026-1-1 through strptime, and its IntegerField answers in English;
these accept only YYYY-MM-DD and whole numbers written as digits (an optional leading minus).
"""
import re
from datetime import date

from wtforms import DateField, IntegerField

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_INT = re.compile(r"-?\d{1,9}")


class StrictDateField(DateField):
    """A date written exactly YYYY-MM-DD (what a browser's date input sends)."""

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0]:
            self.data = None
            return
        text = valuelist[0].strip()
        try:
            if not _DATE.fullmatch(text):
                raise ValueError
            self.data = date.fromisoformat(text)
        except ValueError:
            self.data = None
            raise ValueError("日期格式应为 YYYY-MM-DD，如 2026-06-30") from None


class StrictIntegerField(IntegerField):
    """A whole number written in digits (no 1.5, no 1e3), at most nine of them."""

    def process_formdata(self, valuelist):
        if not valuelist or valuelist[0] in ("", None):
            self.data = None
            return
        text = valuelist[0].strip()
        if not _INT.fullmatch(text):
            self.data = None
            raise ValueError("请填写整数")
        self.data = int(text)
