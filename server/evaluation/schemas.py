"""The round and the scoring form as they sync (PROTOCOL.md §20.1, §20.2), and the organiser's
requests over HTTP (§20.4)."""

import marshmallow as ma
from marshmallow import validate

from server.core.edge import Schema
from server.core.fields import RecordSchema, UtcDateTime
from server.evaluation.models import (
    BALLOT_STATUSES,
    COMMENT_MAX,
    MAX_EVALUATORS,
    MAX_SUBJECTS,
    ROUND_STATUSES,
    TITLE_MAX,
)
from server.evaluation.scoring import GROUPS, PARTS

KEY = validate.Regexp(r"^(unit|member):[1-9][0-9]{0,9}$", error="evaluation.bad_subject_key")


def _id(**kwargs):
    return ma.fields.Integer(strict=True, validate=validate.Range(min=1, max=2**31 - 1), **kwargs)


class WeightsSchema(Schema):
    class Meta:
        unknown = ma.RAISE

    record = ma.fields.Integer(strict=True, required=True, validate=validate.Range(min=0, max=100))
    committee = ma.fields.Integer(strict=True, required=True, validate=validate.Range(min=0, max=100))
    members = ma.fields.Integer(strict=True, required=True, validate=validate.Range(min=0, max=100))
    residents = ma.fields.Integer(strict=True, required=True, validate=validate.Range(min=0, max=100))

    @ma.validates_schema
    def _sum(self, data, **kwargs):
        if sum(data.get(name, 0) for name in PARTS) != 100:
            raise ma.ValidationError("evaluation.weights_sum", "record")


class RoundRecordSchema(RecordSchema):
    """A community's evaluation round: its subjects with their year's record, its evaluators."""

    community_id = _id(required=True)
    year = ma.fields.Integer(strict=True, required=True, validate=validate.Range(min=2000, max=2100))
    title = ma.fields.String(required=True, validate=validate.Length(min=1, max=TITLE_MAX))
    status = ma.fields.String(validate=validate.OneOf(ROUND_STATUSES))
    organiser_id = _id(required=True)
    weights = ma.fields.Dict(required=True)
    subjects = ma.fields.List(ma.fields.Dict(), required=True, validate=validate.Length(max=MAX_SUBJECTS))
    evaluator_ids = ma.fields.List(_id(), required=True, validate=validate.Length(max=MAX_EVALUATORS))
    closes_on = ma.fields.Date(allow_none=True)
    created_at = UtcDateTime(allow_none=True)
    closed_at = UtcDateTime(allow_none=True)


class BallotRecordSchema(RecordSchema):
    """One evaluator's scoring form: a score 0–100 per subject of the round."""

    round_id = ma.fields.String(required=True, validate=validate.Length(min=1, max=36))
    evaluator_id = _id(required=True)
    group = ma.fields.String(required=True, validate=validate.OneOf(GROUPS))
    organiser_id = _id(required=True)
    scores = ma.fields.Dict(
        keys=ma.fields.String(validate=KEY),
        values=ma.fields.Integer(strict=True, validate=validate.Range(min=0, max=100)),
        allow_none=True,
        validate=validate.Length(max=MAX_SUBJECTS),
    )
    comment = ma.fields.String(allow_none=True, validate=validate.Length(max=COMMENT_MAX))
    status = ma.fields.String(validate=validate.OneOf(BALLOT_STATUSES))
    submitted_at = UtcDateTime(allow_none=True)


class EvaluatorsSchema(Schema):
    class Meta:
        unknown = ma.RAISE

    committee = ma.fields.List(_id(), load_default=list, validate=validate.Length(max=MAX_EVALUATORS))
    members = ma.fields.List(_id(), load_default=list, validate=validate.Length(max=MAX_EVALUATORS))
    residents = ma.fields.List(_id(), load_default=list, validate=validate.Length(max=MAX_EVALUATORS))


class EvaluationRoundCreateSchema(Schema):
    """Open a round: the community, the year evaluated, who evaluates, the weights."""

    class Meta:
        unknown = ma.RAISE

    community_id = _id(required=True)
    year = ma.fields.Integer(strict=True, required=True, validate=validate.Range(min=2000, max=2100))
    title = ma.fields.String(validate=validate.Length(min=1, max=TITLE_MAX))
    evaluators = ma.fields.Nested(EvaluatorsSchema, required=True)
    weights = ma.fields.Nested(WeightsSchema)
    closes_on = ma.fields.Date(allow_none=True)


def _query_id(**kwargs):
    return ma.fields.Integer(validate=validate.Range(min=1, max=2**31 - 1), **kwargs)


class EvaluationRoundArgsSchema(Schema):
    community_id = _query_id()


class CandidateArgsSchema(Schema):
    community_id = _query_id(required=True)


class PersonSchema(Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()


class CandidatesSchema(Schema):
    committee = ma.fields.List(ma.fields.Nested(PersonSchema))
    members = ma.fields.List(ma.fields.Nested(PersonSchema))
    residents = ma.fields.List(ma.fields.Nested(PersonSchema))


class EvaluationResultSchema(Schema):
    key = ma.fields.String()
    kind = ma.fields.String()
    name = ma.fields.String()
    unit_name = ma.fields.String(allow_none=True)
    hours = ma.fields.Float()
    services = ma.fields.Float()
    rating = ma.fields.Float(allow_none=True)
    record = ma.fields.Float()
    committee = ma.fields.Float(allow_none=True)
    members = ma.fields.Float(allow_none=True)
    residents = ma.fields.Float(allow_none=True)
    score = ma.fields.Float()
    grade = ma.fields.String()
    grade_label = ma.fields.String()


class RoundProgressSchema(Schema):
    group = ma.fields.String()
    evaluators = ma.fields.Integer()
    submitted = ma.fields.Integer()


class EvaluationRoundSchema(Schema):
    id = ma.fields.String()
    community_id = ma.fields.Integer()
    community_name = ma.fields.String()
    year = ma.fields.Integer()
    title = ma.fields.String()
    status = ma.fields.String()
    organiser_id = ma.fields.Integer()
    weights = ma.fields.Dict()
    closes_on = ma.fields.Date(allow_none=True)
    created_at = UtcDateTime()
    closed_at = UtcDateTime(allow_none=True)
    subjects = ma.fields.Integer(metadata={"description": "how many units and members are evaluated"})
    progress = ma.fields.List(ma.fields.Nested(RoundProgressSchema))


class EvaluationResultsSchema(Schema):
    round = ma.fields.Nested(EvaluationRoundSchema)
    results = ma.fields.List(ma.fields.Nested(EvaluationResultSchema))


round_record_schema = RoundRecordSchema()
ballot_record_schema = BallotRecordSchema()
