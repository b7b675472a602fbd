"""Matching's shapes (供需对接, PROTOCOL.md §21): the suggestions' query, the confirmation (and the
activity it may become), and what both answer."""

import marshmallow as ma
from marshmallow import validate

from server.core.edge import Schema
from server.core.fields import UtcDateTime
from server.members.match_rules import DEFAULT_LIMIT, MAX_LIMIT, REASON_CODES
from server.members.models import MATCH_OUTCOMES, OUTCOMES_OF

NEED_ID = validate.Regexp(r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$")


def _need_id(**kwargs):
    return ma.fields.String(validate=NEED_ID, metadata={"description": "a need's id (UUID)"}, **kwargs)


class SuggestionArgsSchema(Schema):
    need_id = _need_id(load_default=None)
    limit = ma.fields.Integer(load_default=DEFAULT_LIMIT, validate=validate.Range(min=1, max=MAX_LIMIT))


def _row_id(**kwargs):
    return ma.fields.Integer(strict=True, validate=validate.Range(min=1, max=2**31 - 1), **kwargs)


class MatchActivitySchema(Schema):
    """The activity a match becomes, as the admin checked the form the screen prefilled. Its fields
    are an activity's (§18.1) and are judged by the activity's own rules: a refusal names
    `activity.<field>` (e.g. `activity.ends_at`, code `bad_times`)."""

    title = ma.fields.String(required=True)
    description = ma.fields.String(allow_none=True, load_default=None)
    place = ma.fields.String(required=True)
    starts_at = UtcDateTime(required=True)
    ends_at = UtcDateTime(required=True)
    capacity = ma.fields.Integer(strict=True, required=True)
    hours = ma.fields.Float(required=True, allow_nan=False)
    organiser_id = _row_id(allow_none=True, load_default=None)


class ConfirmInSchema(Schema):
    need_id = _need_id(required=True)
    resource_id = _row_id(required=True)
    outcome = ma.fields.String(
        load_default="project",
        validate=validate.OneOf(MATCH_OUTCOMES),
        metadata={
            "description": "what the match becomes: "
            + "; ".join(f"for a {kind}: {' | '.join(outcomes)}" for kind, outcomes in OUTCOMES_OF.items())
        },
    )
    activity = ma.fields.Nested(
        MatchActivitySchema, allow_none=True, load_default=None, metadata={"description": "required for `activity`"}
    )
    claimant_id = _row_id(
        allow_none=True,
        load_default=None,
        metadata={"description": "`wish`: the unit's member who claims it (default: its secretary, else a member)"},
    )


class SuggestionSchema(Schema):
    resource_id = ma.fields.Integer()
    resource_name = ma.fields.String()
    kind = ma.fields.String()
    unit_id = ma.fields.Integer()
    unit_name = ma.fields.String()
    score = ma.fields.Integer()
    # Plain objects, not a nested schema: 500 needs' suggestions are dumped in one answer (§21.3).
    reasons = ma.fields.List(
        ma.fields.Dict(),
        metadata={
            "description": "{code, params, text}: code "
            + " | ".join(REASON_CODES)
            + "; params {skills: [code]} | {kind: code} | {slots: [code]} | {}; text in the caller's language"
        },
    )
    reason_text = ma.fields.String(
        metadata={"description": "the reasons in one line: 技能：家电维修；同一网格；周六上午有空"}
    )


class OpenNeedSchema(Schema):
    id = ma.fields.String(metadata={"description": "the need's id, or the wish card's"})
    kind = ma.fields.String(metadata={"description": "need (诉求) | wish (微心愿 on the wall)"})
    kind_text = ma.fields.String()
    outcomes = ma.fields.List(ma.fields.String(), metadata={"description": "what a match of it may become"})
    category = ma.fields.String()
    category_text = ma.fields.String()
    grid_id = ma.fields.Integer(allow_none=True)
    grid_name = ma.fields.String(allow_none=True)
    summary = ma.fields.String()
    created_at = UtcDateTime(allow_none=True)


class NeedSuggestionsSchema(Schema):
    need = ma.fields.Nested(OpenNeedSchema)
    suggestions = ma.fields.List(ma.fields.Nested(SuggestionSchema), metadata={"description": "best first"})


class CountsSchema(Schema):
    needs = ma.fields.Integer(metadata={"description": "open needs not matched yet (群众需求清单)"})
    resources = ma.fields.Integer(metadata={"description": "the active units' resources (单位资源清单)"})
    projects = ma.fields.Integer(metadata={"description": "open service projects (服务项目清单)"})


class MatchingSchema(Schema):
    community = ma.fields.Dict(metadata={"description": "{id, name}"})
    counts = ma.fields.Nested(CountsSchema)
    needs = ma.fields.List(ma.fields.Nested(NeedSuggestionsSchema))


class ConfirmedSchema(Schema):
    outcome = ma.fields.String()
    project_id = ma.fields.Integer(allow_none=True, metadata={"description": "`project`: the project made"})
    activity_id = ma.fields.String(allow_none=True, metadata={"description": "`activity`: the activity published"})
    card_id = ma.fields.String(allow_none=True, metadata={"description": "`wish`: the card claimed"})
    claimant_id = ma.fields.Integer(allow_none=True, metadata={"description": "`wish`: who claimed it"})
    need_id = ma.fields.String()
    resource_id = ma.fields.Integer()
    unit_id = ma.fields.Integer()
    title = ma.fields.String(metadata={"description": "the project's or the activity's title, or the wish's"})
    status = ma.fields.String(metadata={"description": "the project's, the activity's or the card's status"})
    score = ma.fields.Integer()
    notified = ma.fields.List(ma.fields.Integer(), metadata={"description": "the accounts told"})
