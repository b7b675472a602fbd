"""Field checks compiled once per schema: a plain function per field that answers "valid" for
the values marshmallow would accept without building anything, so that a push of 200 records
does not walk marshmallow's deserialization machinery (pre-load loop, type dispatch, nested
schema loads, error collection) for every field of every record.

A compiled check only ever says True where `field.deserialize(value)` succeeds; anything else
(False) sends the value to marshmallow, which gives the exact messages. So a check may be
stricter than the field, never looser: it knows the plain field types (String, Integer, Float,
Boolean, List, Dict, Raw, Nested of a schema without hooks) and the validators it calls as they
are (Length, OneOf, Range, Regexp). A field with anything else (another type, a custom validator
or pre-load function, a Date) gets no check and is always deserialized.
"""

import math
from collections.abc import Callable, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import marshmallow as ma

from server.core.edge import BIGINT_MAX, _calendar_year, _integral, check_value

__all__ = ["compile_check", "values_checked"]

Check = Callable[[Any], bool]

# Validators called as they are (their own __call__ decides): exact types, not subclasses.
_VALIDATORS = (ma.validate.Length, ma.validate.OneOf, ma.validate.Range, ma.validate.Regexp)
# The edge's pre-load functions (server.core.edge.guard); check_value is run, the others are
# implied by the type checks below (an int is integral; Date fields get no check).
_PRE_LOADS = (check_value, _integral, _calendar_year)


# Set while values already checked whole at the edge are validated (server.core.edge.read_body:
# a push's records): check_value would find nothing, and the fields skip it.
_values_checked: ContextVar[bool] = ContextVar("redgrid_values_checked", default=False)


@contextmanager
def values_checked(checked: bool = True):
    """Within this block, the values validated were checked by check_value already (when
    `checked`): the compiled checks do not walk them again."""
    token = _values_checked.set(checked)
    try:
        yield
    finally:
        _values_checked.reset(token)


def compile_check(field: ma.fields.Field) -> Check | None:
    """A check for `field` (see the module), or None when the field is beyond it."""
    if field.post_load or any(f not in _PRE_LOADS for f in field.pre_load):
        return None
    if any(type(v) not in _VALIDATORS for v in field.validators):
        return None
    of_type = _type_check(field)
    if of_type is None:
        return None
    validators, allow_none = tuple(field.validators), field.allow_none
    checks_value = check_value in field.pre_load

    def check(value) -> bool:
        if value is None:
            return allow_none
        try:
            if checks_value and not _values_checked.get():
                check_value(value)
            if not of_type(value):
                return False
            for validator in validators:
                validator(value)
        except (ma.ValidationError, TypeError, ValueError):
            return False
        return True

    return check


def _type_check(field: ma.fields.Field) -> Check | None:
    kind = type(field)
    if kind is ma.fields.String:
        return lambda value: isinstance(value, str)
    if issubclass(kind, ma.fields.Integer) and _plain_subclass(kind, ma.fields.Integer):
        return lambda value: type(value) is int
    if kind is ma.fields.Float and not field.allow_nan:
        return lambda value: (
            (type(value) is float and math.isfinite(value))
            or (type(value) is int and -BIGINT_MAX <= value <= BIGINT_MAX)
        )
    if kind is ma.fields.Boolean:
        truthy, falsy = field.truthy, field.falsy  # empty truthy: any value is taken as bool(value)
        return lambda value: type(value) is bool and (not truthy or value in truthy or value in falsy)
    if kind is ma.fields.Raw:
        return lambda value: True
    if kind is ma.fields.List:
        inner = compile_check(field.inner)
        if inner is None:
            return None
        return lambda value: isinstance(value, list) and all(inner(item) for item in value)
    if kind is ma.fields.Dict:
        keys = compile_check(field.key_field) if field.key_field is not None else _anything
        values = compile_check(field.value_field) if field.value_field is not None else _anything
        if keys is None or values is None:
            return None
        return lambda value: isinstance(value, Mapping) and all(keys(k) and values(v) for k, v in value.items())
    if kind is ma.fields.Nested:
        return _nested_check(field)
    return None


def _anything(_value) -> bool:
    return True


def _plain_subclass(kind: type, base: type) -> bool:
    """`kind` is `base` or a subclass that changes none of its loading (server.core.edge.BigInteger)."""
    loading = ("_deserialize", "_validated", "_format_num", "_validate", "deserialize")
    return all(getattr(kind, name) is getattr(base, name) for name in loading)


def _nested_check(field: ma.fields.Nested) -> Check | None:
    """One object loaded by a schema without hooks, unknown keys refused, no data keys."""
    if field.many or field.unknown not in (None, ma.RAISE):
        return None
    schema = field.schema
    if not isinstance(schema, ma.Schema) or schema.many or schema.unknown != ma.RAISE:
        return None
    if any(schema._hooks.values()):
        return None
    fields = schema.load_fields
    if any(f.data_key not in (None, name) for name, f in fields.items()):
        return None
    checks = {name: compile_check(f) for name, f in fields.items()}
    if any(check is None for check in checks.values()):
        return None
    required = tuple(name for name, f in fields.items() if f.required)

    def nested(value) -> bool:
        if not isinstance(value, Mapping) or any(name not in value for name in required):
            return False
        for name, item in value.items():
            check = checks.get(name)
            if check is None or not check(item):
                return False
        return True

    return nested
