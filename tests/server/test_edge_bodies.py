"""The edge reads JSON bodies with orjson where it can (server/core/edge.py read_body): whatever
the body, the value (or the refusal) is the json module's, nesting bounded, and a body said to be
checked holds nothing check_value refuses, so its mutations are not walked again."""

import json

import marshmallow as ma
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.core.edge import MAX_DEPTH, check_value, read_body


def _reference(text: str):
    """What the edge answered before orjson: json.loads, NaN and Infinity refused, then the walk."""

    def constant(name):
        raise json.JSONDecodeError(f"{name} is not JSON", name, 0)

    value = json.loads(text, parse_constant=constant)
    try:
        check_value(value)
        clean = True
    except ma.ValidationError as exc:
        if exc.messages == ["field.too_deep"]:
            raise json.JSONDecodeError("nested too deeply", text, 0) from None
        clean = False
    return value, clean


def _same(text: str) -> None:
    try:
        expected, clean = _reference(text)
    except (json.JSONDecodeError, RecursionError):
        with pytest.raises(json.JSONDecodeError):
            read_body(text.encode("utf-8", "surrogatepass"))
        return
    value, checked = read_body(text.encode("utf-8", "surrogatepass"))
    assert value == expected and type(value) is type(expected)
    assert json.dumps(value, sort_keys=True) == json.dumps(expected, sort_keys=True)  # ints stay ints
    if checked:
        assert clean, text  # never "checked" when the walk refuses something


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(
    "text",
    [
        '{"title": "走访"}',
        '{"title": "走\\u0000访"}',  # NUL: the fields' business, not checked
        '{"text": "a backslash then u0000: \\\\u0000"}',  # no NUL, but read the slow way
        '{"score": 1180591620717411303424}',  # 2**70: orjson would make it a float
        '{"score": 18446744073709551615}',
        '{"score": -9223372036854775809}',
        '{"score": 9223372036854775807}',
        '{"score": 123456789012345678}',
        '{"x": 1e400}',
        '{"x": NaN}',
        '{"x": -Infinity}',
        '["\\ud800"]',  # a lone surrogate: the json module takes it
        '{"a": 1, "a": 2}',
        "\ufeff{}",
        _nested(MAX_DEPTH),
        _nested(MAX_DEPTH + 1),
        _nested(1100),
        '{"a": ' * (MAX_DEPTH + 1) + "1" + "}" * (MAX_DEPTH + 1),
        "[1, 2,]",
        "",
    ],
)
def test_a_body_reads_as_the_json_module_reads_it(text):
    _same(text)


def test_a_clean_body_is_checked_and_one_with_a_nul_or_a_huge_integer_is_not():
    assert read_body(b'{"mutations": [{"fields": {"title": "\\u8d70\\u8bbf", "n": 5}}]}')[1] is True
    assert read_body(b'{"fields": {"title": "a\\u0000b"}}')[1] is False
    assert read_body(b'{"fields": {"n": 9223372036854775808}}')[1] is False
    assert read_body(_nested(MAX_DEPTH).encode())[1] is True


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_any_body_reads_as_the_json_module_reads_it(value):
    _same(json.dumps(value, ensure_ascii=False))
    _same(json.dumps(value))
