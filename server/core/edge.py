"""The edge of the API: input is bounded here, once, before any domain rule sees it.

Every marshmallow schema of the server derives from `Schema`; when a field is bound to it, the
field gains the checks that keep a request from reaching the database with values that only the
database would refuse (an answer 500, which a phone retries forever, PROTOCOL.md §6.4):
- text without NUL characters (PostgreSQL refuses them, SQLite would store them: the two
  databases must behave the same);
- integers inside the range of the column type (PostgreSQL `integer` ends at 2³¹−1; a field that
  holds a sequence number or a byte count is a `BigInteger`, which ends at 2⁶³−1), and no
  fractions passed off as integers (`limit=1.5`);
- dates and instants between the years 1900 and 2999 (year 1 and 9999 overflow when moved to
  UTC; years before 1000 are written back in a form that does not parse again);
- free-form values (`Raw`, `Dict`, lists) without NUL, nested at most MAX_DEPTH deep, with no
  integer beyond 64 bits.
JSON bodies are parsed with the same depth bound (a body nested thousands deep would raise
RecursionError), and `<int:…>` in URLs ends at 2³¹−1 (beyond it the path names nothing: 404).
"""

import json
import re
from datetime import date, datetime

import flask_smorest
import marshmallow as ma
import orjson
from flask import g
from flask.json.provider import DefaultJSONProvider
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

from server.core.instants import iso

__all__ = [
    "INT_MAX",
    "BIGINT_MAX",
    "MAX_DEPTH",
    "MONTH_PATTERN",
    "BigInteger",
    "Blueprint",
    "Schema",
    "check_value",
    "body_values_checked",
    "loads",
    "read_body",
    "register_edge",
]

INT_MAX = 2**31 - 1  # PostgreSQL integer
BIGINT_MAX = 2**63 - 1  # PostgreSQL bigint, SQLite's integer
MAX_DEPTH = 32  # nesting of a JSON body or a free-form value (a checklist answer is 4 deep)
FIRST_YEAR, LAST_YEAR = 1900, 2999
MONTH_PATTERN = r"^(19\d\d|2\d\d\d)-(0[1-9]|1[0-2])$"  # YYYY-MM of the years FIRST_YEAR..LAST_YEAR
NO_NUL = r"^[^\u0000]*$"  # documented as the pattern of every text field (OpenAPI)
_YEAR = re.compile(r"^\s*([+-]?\d+)-")


class BigInteger(ma.fields.Integer):
    """An integer of a bigint column: a sequence number, a byte count."""


def check_value(value, depth: int = 0) -> None:
    """Refuse NUL in any text, nesting beyond MAX_DEPTH and integers beyond 64 bits, anywhere in
    a value (raises ValidationError with a catalog key as its message)."""
    if type(value) is str:  # the common case (every text field), without the walk
        if "\x00" in value:
            raise ma.ValidationError("field.nul")
        return value
    stack = [(value, depth)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                raise ma.ValidationError("field.nul")
        elif isinstance(item, bool) or item is None or isinstance(item, float):
            continue
        elif isinstance(item, int):
            if not -BIGINT_MAX - 1 <= item <= BIGINT_MAX:
                raise ma.ValidationError("field.number_range")
        elif isinstance(item, (list, tuple, dict)):
            if level >= MAX_DEPTH:
                raise ma.ValidationError("field.too_deep")
            if isinstance(item, dict):
                stack.extend((key, level + 1) for key in item)
                stack.extend((child, level + 1) for child in item.values())
            else:
                stack.extend((child, level + 1) for child in item)
    return value


def _integral(value):
    """`1.5` is not an integer (marshmallow would take it as 1)."""
    if isinstance(value, float) and not value.is_integer():
        raise ma.ValidationError("Not a valid integer.")
    return value


def _calendar_year(value):
    """Dates and instants of years FIRST_YEAR..LAST_YEAR only, checked before parsing (moving
    9999-12-31T23:00-08:00 to UTC overflows)."""
    if isinstance(value, str):
        match = _YEAR.match(value)
        if match and not FIRST_YEAR <= int(match.group(1)) <= LAST_YEAR:
            raise ma.ValidationError("field.year_range")
    elif isinstance(value, (date, datetime)) and not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ma.ValidationError("field.year_range")
    return value


def guard(field: ma.fields.Field) -> None:
    """Give a bound field the edge checks for its type, and its inner fields theirs.

    Trap: marshmallow copies a schema's declared fields into each instance with copy.copy, so the
    copy shares the declared field's lists of validators and pre_load functions; appending to them
    would add the checks again for every schema instance (every request, in webargs and nested
    schemas) and a server would slow down as it runs. The checks go into new lists."""
    if getattr(field, "_redgrid_guarded", False):
        return
    field._redgrid_guarded = True
    if isinstance(field, ma.fields.Integer):
        top = BIGINT_MAX if isinstance(field, BigInteger) else INT_MAX
        field.pre_load = [*field.pre_load, _integral]
        field.validators = [*field.validators, ma.validate.Range(min=-top - 1, max=top)]
    elif isinstance(field, ma.fields.String):
        field.pre_load = [*field.pre_load, check_value]
        if "pattern" not in field.metadata and not any(isinstance(v, ma.validate.Regexp) for v in field.validators):
            field.metadata = {**field.metadata, "pattern": NO_NUL}
    elif isinstance(field, (ma.fields.DateTime, ma.fields.Date)):
        field.pre_load = [*field.pre_load, _calendar_year]
    elif isinstance(field, (ma.fields.Raw, ma.fields.Dict, ma.fields.List, ma.fields.Tuple)) and not isinstance(
        field, ma.fields.Nested
    ):
        field.pre_load = [*field.pre_load, check_value]
    for inner in _inner_fields(field):
        guard(inner)


def _inner_fields(field):
    if isinstance(field, ma.fields.List):
        yield field.inner
    elif isinstance(field, ma.fields.Tuple):
        yield from field.tuple_fields
    elif isinstance(field, ma.fields.Dict):
        for inner in (field.key_field, field.value_field):
            if inner is not None:
                yield inner


class Schema(ma.Schema):
    """The base of every schema of the server: each bound field is guarded (see the module)."""

    def on_bind_field(self, field_name: str, field_obj: ma.fields.Field) -> None:
        guard(field_obj)


def _no_constant(name: str):
    """NaN, Infinity and -Infinity are not JSON (RFC 8259; a browser's JSON.stringify writes
    null): refused like any other malformed body, so that no stored value holds them."""
    raise json.JSONDecodeError(f"{name} is not JSON", name, 0)


# What only the json module and check_value's whole walk can judge: a NUL (in JSON text only
# ever the escape \u0000, or a backslash then "u0000" that is no NUL) and an integer of 19
# digits or more (bigint ends at 2⁶³−1; orjson reads larger ones as floats). A body with neither
# is read by orjson and checked for its nesting alone.
_NEEDS_WALK = re.compile(rb"\\u0000|\d{19}")


def loads(text):
    """json.loads with nesting bounded by MAX_DEPTH and without NaN/Infinity; either raises
    json.JSONDecodeError."""
    return read_body(text)[0]


def read_body(text) -> tuple[object, bool]:
    """`loads`, and whether every value in the body is known free of what check_value refuses
    (NUL, integers beyond 64 bits; the nesting is checked either way): then no part of it needs
    checking again (a push's mutations, server/sync/wire.py).

    orjson reads the common body (a push of 200 records: a tenth of the time of the json module
    and check_value's walk); whatever it refuses (NaN, Infinity, integers beyond its range, lone
    surrogates, invalid UTF-8, nesting beyond 1,024) is read again by the json module, whose
    answer (a value or the error) is the reference."""
    raw = text.encode("utf-8") if isinstance(text, str) else bytes(text)
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return _loads_slowly(raw), False
    if _NEEDS_WALK.search(raw):
        # Read again: orjson reads an integer beyond 64 bits as a float, which no check would refuse.
        return _loads_slowly(raw), False
    if isinstance(value, (dict, list)) and _too_deep(value, 0):
        raise json.JSONDecodeError("nested too deeply", raw.decode("utf-8"), 0)
    return value, True


def _too_deep(value, level: int) -> bool:
    """check_value's nesting rule alone: a dict or list at level MAX_DEPTH or below it."""
    if level >= MAX_DEPTH:
        return True
    for child in value.values() if type(value) is dict else value:
        if type(child) in (dict, list) and _too_deep(child, level + 1):
            return True
    return False


def _loads_slowly(raw: bytes):
    text = raw.decode("utf-8")
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise json.JSONDecodeError("nested too deeply", text, 0) from None
    return _checked(value, text)


def _checked(value, text: str):
    try:
        check_value(value)
    except ma.ValidationError as exc:
        if exc.messages == ["field.too_deep"]:
            raise json.JSONDecodeError("nested too deeply", text, 0) from None
        # NUL and huge integers are the fields' business: each field says which is wrong
    return value


def body_values_checked() -> bool:
    """The request's JSON body was read by the edge (EdgeParser) and holds no NUL and no integer
    beyond 64 bits anywhere, its nesting within MAX_DEPTH (read_body)."""
    return bool(g.get(_CHECKED_BODY, False))


_CHECKED_BODY = "redgrid_body_values_checked"


class EdgeParser(FlaskParser):
    """webargs' parser with JSON bodies read by `loads` (bounded nesting)."""

    def _raw_load_json(self, req):
        if not is_json_request(req):
            return ma.missing
        value, checked = read_body(req.get_data(cache=True))
        setattr(g, _CHECKED_BODY, checked)
        return value


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint whose arguments are parsed at the edge; each operation's doc
    notes what the API's error documentation needs (server/api.py): whether it needs a session
    and whether its path names a record."""

    ARGUMENTS_PARSER = EdgeParser()

    def add_url_rule(self, rule, endpoint=None, view_func=None, provide_automatic_options=None, **options):
        super().add_url_rule(rule, endpoint, view_func, provide_automatic_options, **options)
        facts = {
            "signed_in": _decorated_by(view_func, "login_required."),
            "throttled": _decorated_by(view_func, "RouteLimit."),  # flask-limiter's limit()
            "names_a_record": "<" in rule,
        }
        for method, doc in self._docs[self._endpoints[-1]].items():
            if method != "parameters":
                doc["edge"] = facts


def _decorated_by(view, qualname_prefix: str) -> bool:
    """Whether a decorator whose inner function's qualified name starts with the prefix wraps the
    view, anywhere among its decorators."""
    while view is not None:
        code = getattr(view, "__code__", None)  # functools.wraps copies __qualname__, not the code's
        if code is not None and code.co_qualname.startswith(qualname_prefix):
            return True
        view = getattr(view, "__wrapped__", None)
    return False


class EdgeJSONProvider(DefaultJSONProvider):
    """Flask's JSON provider with bodies read by `loads` (request.get_json), and instants written
    in the one text of the API (server/core/instants.py; Flask's default is an HTTP date)."""

    @staticmethod
    def default(value):
        if isinstance(value, datetime):
            return iso(value)
        if isinstance(value, date):
            return value.isoformat()
        return DefaultJSONProvider.default(value)

    def loads(self, s, **kwargs):
        return loads(s)


class BoundedIntConverter(IntegerConverter):
    """`<int:…>` in a URL: 0..2³¹−1 (every id column is an integer); beyond it, 404 whatever the
    method (a converter that merely refused the value let werkzeug answer 405 for PATCH and
    DELETE when another rule matched the path)."""

    def to_python(self, value: str):
        number = super().to_python(value)
        if number > INT_MAX:
            raise NotFound()
        return number


def register_edge(app) -> None:
    """Bound URL integers and JSON bodies for the whole app (before any route is added)."""
    app.url_map.converters["int"] = BoundedIntConverter
    app.json = EdgeJSONProvider(app)
