"""The field checks compiled once per record schema (server/core/field_checks.py) are never
looser than marshmallow: whatever value a check passes, the field deserializes without error.
Hypothesis writes values for every field of every synced entity — JSON of any shape (NUL, huge
integers, NaN, deep nesting), the field's own choices, texts around its length bounds, objects
with its nested schema's keys — derandomized, so every run checks the same examples."""

import marshmallow as ma
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.core.edge import check_value
from server.core.field_checks import compile_check
from server.sync.registry import bindings

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
    | st.sampled_from(["", "\x00", "a" * 64, "0" * 64, "2026-11-27", "todo", "done"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


def _near(field: ma.fields.Field):
    """Values close to what the field takes: its choices, texts around its lengths, its keys."""
    options = [JSON]
    for validator in field.validators:
        if isinstance(validator, ma.validate.OneOf):
            options.append(st.sampled_from(list(validator.choices)))
        if isinstance(validator, ma.validate.Length):
            for bound in (validator.min, validator.max, validator.equal):
                if bound is not None:
                    options.append(st.text(min_size=max(bound - 1, 0), max_size=bound + 1))
        if isinstance(validator, ma.validate.Range):
            options.append(st.sampled_from([v for v in (validator.min, validator.max) if v is not None] or [0]))
    if isinstance(field, ma.fields.List):
        options.append(st.lists(_near(field.inner), max_size=3))
    if isinstance(field, ma.fields.Nested) and not field.many:
        fields = field.schema.load_fields
        options.append(st.fixed_dictionaries({}, optional={name: _near(f) for name, f in fields.items()}))
        options.append(st.fixed_dictionaries({name: _near(f) for name, f in fields.items()}))
    return st.one_of(*options)


def _compiled_fields():
    for name, binding in sorted(bindings().items()):
        for field_name, field in binding.schema.load_fields.items():
            check = compile_check(field)
            if check is not None:
                yield f"{name}.{field_name}", field, check


def test_a_value_a_compiled_check_passes_is_one_marshmallow_takes(app):
    compiled = list(_compiled_fields())
    assert len(compiled) > 100  # most fields of the synced entities have a check
    passed = []

    @settings(
        derandomize=True, database=None, deadline=None, max_examples=3000, suppress_health_check=list(HealthCheck)
    )
    @given(st.data())
    def never_looser(data):
        label, field, check = data.draw(st.sampled_from(compiled))
        value = data.draw(_near(field))
        if check(value):
            passed.append(label)
            field.deserialize(value, label.split(".")[1], None)  # raises if the check was too loose

    never_looser()
    assert len(set(passed)) > 50  # the examples reached the checks' "valid" side for most fields


def test_a_task_record_is_checked_without_marshmallow_and_refused_values_get_its_messages(app):
    schema = bindings()["task"].schema
    checklist = schema._checks["checklist"]
    assert checklist([{"key": "k1", "text": "核对户籍信息"}])
    assert not checklist([{"key": "k1", "text": "核对户籍信息", "extra": 1}])  # unknown key
    assert not checklist([{"key": "k1"}])  # text is required
    assert not schema._checks["title"]("走访\x00")  # NUL, as the edge refuses it
    assert not schema._checks["title"]("x" * 121)
    assert schema.validate({"title": "走访\x00"})["title"] == ["field.nul"]
    assert schema.validate({"checklist": [{"key": "k1"}]})["checklist"] == {
        0: {"text": ["Missing data for required field."]}
    }


def test_fields_beyond_the_checks_get_none():
    assert compile_check(ma.fields.Email()) is None  # a validator of its own
    assert compile_check(ma.fields.String(validate=lambda value: True)) is None  # a custom validator
    assert compile_check(ma.fields.Date()) is None
    assert compile_check(ma.fields.List(ma.fields.DateTime())) is None
    text = ma.fields.String()
    text.pre_load = [check_value, str.strip]
    assert compile_check(text) is None  # a pre-load function it does not know


def test_values_checked_at_the_edge_are_not_walked_again_and_only_there():
    """A push's values were walked whole at the edge (server.core.edge.read_body): inside
    values_checked() the compiled checks skip check_value; outside it, NUL is refused as ever."""
    from server.core.edge import guard
    from server.core.field_checks import values_checked

    field = ma.fields.Raw()
    guard(field)  # as bound to any schema of the server
    check = compile_check(field)
    walked = []
    import server.core.field_checks as module

    original = module.check_value
    module.check_value = lambda value, depth=0: walked.append(value) or original(value, depth)
    try:
        assert check({"a": "b"}) is True and walked == [{"a": "b"}]
        walked.clear()
        with values_checked():
            assert check({"a": "b"}) is True
        assert walked == []
        with values_checked(False):
            assert check(["\x00"]) is False
        assert check(["\x00"]) is False  # the block's end restores the walk
    finally:
        module.check_value = original
