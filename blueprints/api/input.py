"""Input fields that parse strictly, and field errors that wait for the service's own.

- `Int`: an integer as JSON writes it (1.5, true and "1e3" are refused) within PostgreSQL's
  integer, so a huge id is a 422 naming its field, like an id that does not exist;
- `Day`: a date written exactly YYYY-MM-DD;
- deferred errors: when a body's types are wrong, the schema keeps its messages (`defer`) and the
  view still runs with the fields that parsed, so the service names its own bad fields too; the
  request then ends in one 422 naming every bad field (blueprints/errors/pending.py). Nothing is
  written meanwhile: `util.commit` and an after_request check refuse while errors are pending;
- a PATCH whose body changes nothing is a 422 `body`.
"""
from flask import has_request_context, request
from marshmallow import ValidationError, fields, missing, validate

from blueprints.errors.pending import defer
from services.input_rules import INT_MAX, INT_MIN, parse_date


class Int(fields.Integer):
    """Integer in [-2^31, 2^31-1]; query strings may write it in decimal digits."""

    default_error_messages = {"invalid": "必须是整数", "range": "超出允许范围"}

    def __init__(self, *args, **kwargs):
        validators = kwargs.pop("validate", None)
        if validators is None:
            validators = []
        elif callable(validators):
            validators = [validators]
        bound = validate.Range(min=INT_MIN, max=INT_MAX, error="超出允许范围")
        super().__init__(*args, validate=[bound, *validators], **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            raise self.make_error("invalid")
        if isinstance(value, float):
            if not value.is_integer():
                raise self.make_error("invalid")
            value = int(value)
        elif isinstance(value, str):
            text = value.strip()
            digits = text[1:] if text[:1] in "+-" else text
            if not (digits.isascii() and digits.isdigit()) or len(digits) > 12:
                raise self.make_error("invalid" if not digits.isdigit() else "range")
            value = int(text)
        elif not isinstance(value, int):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class Day(fields.Date):
    """A date written exactly YYYY-MM-DD."""

    def _deserialize(self, value, attr, data, **kwargs):
        parsed = parse_date(value)
        if parsed is None:
            raise self.make_error("invalid")
        return parsed


def partial_of(schema_cls):
    """`schema_cls` with no field required: the body of a PATCH (documented so, too)."""
    def __init__(self, *args, **kwargs):
        kwargs["partial"] = True
        schema_cls.__init__(self, *args, **kwargs)

    name = schema_cls.__name__.replace("InputSchema", "PatchSchema")
    return type(name, (schema_cls,), {"__init__": __init__, "__doc__": __init__.__doc__})


def load_deferring(schema, load, data, kwargs):
    """schema.load, keeping field errors for later instead of raising (see the module doc)."""
    try:
        result = load(data, **kwargs)
    except ValidationError as err:
        messages = err.messages
        if (not has_request_context() or not isinstance(messages, dict)
                or "_schema" in messages or not isinstance(err.valid_data, dict)):
            raise
        defer(messages)
        result = dict(err.valid_data)
        for name, field in schema.fields.items():
            key = field.data_key or name
            if key in messages and field.load_default is not missing:
                default = field.load_default
                result[field.attribute or name] = default() if callable(default) else default
        return result
    if has_request_context() and request.method == "PATCH" and not result:
        raise ValidationError({"_schema": ["没有要修改的字段"]})  # → 422 `body`
    return result


class Year(Int):
    """A calendar year within a named range of services.years (`FILTER_YEARS`, `PLAN_YEARS`),
    checked when read, as the range may follow the calendar; outside it the range's message."""

    def __init__(self, years, *args, **kwargs):
        def within(value):
            if value not in years:
                raise ValidationError(years.message())
        kwargs.setdefault("metadata", {}).setdefault(
            "description", f"年份（{years.first}年至{'明年' if years.name == 'filter' else years.last}）")
        super().__init__(*args, validate=within, **kwargs)
