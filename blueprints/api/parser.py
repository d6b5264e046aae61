"""The parser of every API body: JSON numbers are bounded while the body is parsed.

Python refuses to turn more than 4,300 digits into an int with a ValueError that webargs does not
expect (a 500). Here an integer literal longer than MAX_INT_DIGITS digits — far beyond any id,
count or year the API takes — parses as `OUT_OF_RANGE`, a value no field accepts: the field's own
check then answers 422 naming it (`Int`: 必须是整数), and a body made of it alone is a 422 `body`.
"""
import json

from flask_smorest import Blueprint
from webargs import core
from webargs.flaskparser import FlaskParser

MAX_INT_DIGITS = 20  # int64 has 19 digits; anything longer is out of every range


class OutOfRange:
    """An integer literal too long to be any value of the API (never equal to a number)."""

    def __repr__(self):
        return "<integer out of range>"

    def __int__(self):
        raise ValueError("integer out of range")


OUT_OF_RANGE = OutOfRange()


def _bounded_int(literal: str):
    digits = literal.lstrip("-")
    return OUT_OF_RANGE if len(digits) > MAX_INT_DIGITS else int(literal)


def loads(text):
    """json.loads with integers bounded (see the module)."""
    return json.loads(text, parse_int=_bounded_int)


class BoundedJSONParser(FlaskParser):
    """FlaskParser whose JSON bodies are read by `loads`."""

    def _raw_load_json(self, req):
        if not core.is_json(req.mimetype):
            return core.missing
        data = req.get_data(cache=True)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise json.JSONDecodeError(f"Bytes decoding error : {exc.reason}", doc=str(exc.object),
                                       pos=exc.start) from exc
        return loads(text)


def install() -> None:
    """Every flask-smorest Blueprint of the API parses with BoundedJSONParser."""
    Blueprint.ARGUMENTS_PARSER = BoundedJSONParser()
