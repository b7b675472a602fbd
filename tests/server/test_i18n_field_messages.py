"""Every message marshmallow can give about a field of a server schema reaches a zh-CN user in
Chinese: the default message of each field class in use and of each validator, as the field
or validator formats it (server/i18n.py translates catalog keys and these English defaults)."""

import re

import marshmallow as ma
from marshmallow import class_registry

from server.core.edge import Schema
from server.i18n import translate_field_message

CHINESE = re.compile(r"[\u4e00-\u9fff]")
SENTINEL = "\x01不可能的值"  # outside every OneOf, Equal and pattern of the server


def _fields():
    """Every field (and inner field) of every schema the server declares."""
    stack = []
    for name, classes in class_registry._registry.items():
        if "." in name and name.startswith("server.") and issubclass(classes[0], Schema):
            stack.extend(classes[0]().fields.values())
    while stack:
        field = stack.pop()
        yield field
        if isinstance(field, ma.fields.List):
            stack.append(field.inner)
        elif isinstance(field, ma.fields.Tuple):
            stack.extend(field.tuple_fields)
        elif isinstance(field, ma.fields.Dict):
            stack.extend(inner for inner in (field.key_field, field.value_field) if inner is not None)


class _Filled(dict):
    """Placeholders of a field's message: the field's own constants (OBJ_TYPE, AWARENESS); a
    message whose constant the field lacks is never said (KeyError)."""

    def __init__(self, field):
        super().__init__()
        self.field = field

    def __missing__(self, key):
        if key == "input":
            return "x"
        return str(getattr(self.field, key.upper()))


def _validator_messages(validator) -> list[str]:
    """What a validator says about values it refuses (formatted as it formats them)."""
    probes = [SENTINEL, "", "x" * 5000, -(2**70), 2**70, [], [SENTINEL] * 5000]
    said = []
    for probe in probes:
        try:
            validator(probe)
        except ma.ValidationError as error:
            said.extend(error.messages if isinstance(error.messages, list) else [str(error.messages)])
        except (TypeError, ValueError, AttributeError):
            continue
    return said


def _messages() -> set[str]:
    messages = set(ma.Schema._default_error_messages.values())
    for field in _fields():
        for key, message in field.error_messages.items():
            if key == "format" or not isinstance(message, str):  # "format": said when dumping, never to a client
                continue
            try:
                messages.add(message.format_map(_Filled(field)))
            except AttributeError:
                continue
        for validator in field.validators:
            if isinstance(validator, ma.validate.Validator):
                messages.update(_validator_messages(validator))
    return {m for m in messages if isinstance(m, str)}


def test_every_field_message_has_a_chinese_translation(app):
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        untranslated = sorted(m for m in _messages() if not CHINESE.search(translate_field_message(m)))
    assert untranslated == [], "\n".join(untranslated)
