"""Shapes of the inspection management endpoints (server/inspections/management.py): plans,
spot-check draws and scorecards."""

import marshmallow as ma
from marshmallow import validate

from server.api import PageArgsSchema
from server.core.edge import MONTH_PATTERN, Schema
from server.core.fields import UtcDateTime
from server.inspections.models import PLAN_PERIODS

MONTH = validate.Regexp(MONTH_PATTERN, error="inspection.bad_month")


def _id(strict: bool = True, **kwargs):
    """An id; in a query string (text), `strict=False`."""
    return ma.fields.Integer(strict=strict, validate=validate.Range(min=1), **kwargs)


# --- plans ---------------------------------------------------------------------------------------


class PlanSchema(Schema):
    id = ma.fields.Integer(dump_only=True)
    compound_id = _id(required=True)
    template_code = ma.fields.String(required=True, validate=validate.Length(min=1, max=40))
    period = ma.fields.String(
        load_default="monthly", validate=validate.OneOf(PLAN_PERIODS), metadata={"description": "monthly or quarterly"}
    )
    steward_id = _id(
        allow_none=True, metadata={"description": "omit or null: the compound's red steward at each period"}
    )
    starts_on = ma.fields.Date(allow_none=True, metadata={"description": "default: today (Xuchang)"})
    active = ma.fields.Boolean(dump_only=True)
    created_by_id = ma.fields.Integer(dump_only=True, allow_none=True)
    created_at = UtcDateTime(dump_only=True)


class PlanUpdateSchema(Schema):
    period = ma.fields.String(validate=validate.OneOf(PLAN_PERIODS))
    steward_id = _id(allow_none=True)
    starts_on = ma.fields.Date()
    active = ma.fields.Boolean(metadata={"description": "false deactivates the plan (no new inspections)"})


class PlanListArgsSchema(PageArgsSchema):
    org_unit_id = _id(strict=False)
    active = ma.fields.Boolean()


class GenerateResultSchema(Schema):
    plans = ma.fields.Integer(metadata={"description": "active plans due this period"})
    created = ma.fields.Integer()
    existing = ma.fields.Integer(metadata={"description": "made before (the generator is idempotent)"})
    skipped = ma.fields.List(ma.fields.Dict(), metadata={"description": "[{plan_id, reason}]"})


# --- spot-check draws ----------------------------------------------------------------------------


class DrawCreateSchema(Schema):
    org_unit_id = _id(required=True)
    template_id = _id(required=True, metadata={"description": "a published template version"})
    k = ma.fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=500))
    seed = ma.fields.String(
        validate=validate.Regexp(r"^[^\x00-\x1f\x7f]{1,64}$"),
        metadata={
            "description": (
                "any text of 1–64 characters (no control characters), hashed as UTF-8; omitted: a random one (secrets)"
            )
        },
    )
    company_id = _id(metadata={"description": "only this company's compounds"})
    exclude_inspected_this_month = ma.fields.Boolean(load_default=False)
    due_at = UtcDateTime(metadata={"description": "default: 7 days after the draw"})


class DrawPopulationArgsSchema(Schema):
    org_unit_id = _id(strict=False, required=True)
    company_id = _id(strict=False, metadata={"description": "only this company's compounds"})
    exclude_inspected_this_month = ma.fields.Boolean(load_default=False)


class DrawPopulationSchema(Schema):
    org_unit_id = ma.fields.Integer()
    size = ma.fields.Integer(
        metadata={
            "description": "how many compounds a draw with these filters chooses from now; k ≥ size draws them all"
        }
    )


class DrawInspectionSchema(Schema):
    id = ma.fields.String()
    compound_id = ma.fields.Integer()
    status = ma.fields.String()
    score = ma.fields.Float(allow_none=True)


class DrawSchema(Schema):
    id = ma.fields.Integer()
    org_unit_id = ma.fields.Integer()
    template_id = ma.fields.Integer()
    k = ma.fields.Integer()
    seed = ma.fields.String()
    method = ma.fields.String(
        metadata={"description": "sha256-rank/v1: rank by SHA-256(seed + ':' + compound id), take the first k"}
    )
    filters = ma.fields.Dict()
    population = ma.fields.List(ma.fields.Integer(), metadata={"description": "compound ids, ascending"})
    picked = ma.fields.List(ma.fields.Integer(), metadata={"description": "in the order drawn"})
    due_at = UtcDateTime(allow_none=True)
    drawn_by_id = ma.fields.Integer()
    drawn_at = UtcDateTime()
    inspections = ma.fields.List(ma.fields.Nested(DrawInspectionSchema))


class DrawVerifySchema(Schema):
    id = ma.fields.Integer()
    method = ma.fields.String()
    seed = ma.fields.String()
    k = ma.fields.Integer()
    picked = ma.fields.List(ma.fields.Integer())
    redrawn = ma.fields.List(ma.fields.Integer())
    matches = ma.fields.Boolean(metadata={"description": "the recorded seed and population give the recorded picks"})
    population_size = ma.fields.Integer()
    population_unchanged = ma.fields.Boolean(
        metadata={"description": "the subtree, filtered alike, still has that population"}
    )
    keys = ma.fields.List(ma.fields.Dict(), metadata={"description": "[{compound_id, key}] of the picks"})


class DrawListArgsSchema(PageArgsSchema):
    org_unit_id = _id(strict=False)


# --- scorecards ----------------------------------------------------------------------------------


class MonthArgsSchema(Schema):
    month = ma.fields.String(validate=MONTH, metadata={"description": "YYYY-MM (Xuchang time); default: this month"})


class ScorecardArgsSchema(MonthArgsSchema):
    org_unit_id = _id(strict=False, metadata={"description": "default: your own unit"})


class CompoundRowSchema(Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    company_id = ma.fields.Integer(allow_none=True)
    company_name = ma.fields.String(allow_none=True)
    community_id = ma.fields.Integer()
    community_name = ma.fields.String()
    street_id = ma.fields.Integer(allow_none=True)
    street_name = ma.fields.String(allow_none=True)
    district_id = ma.fields.Integer(allow_none=True)
    district_name = ma.fields.String(allow_none=True)
    inspections = ma.fields.Integer()
    mean = ma.fields.Float(
        allow_none=True, metadata={"description": "mean inspection score, % of the template's maximum"}
    )
    overdue = ma.fields.Integer(metadata={"description": "orders of the month that went overdue (−2 each)"})
    reopenings = ma.fields.Integer(metadata={"description": "reopenings of the month's orders (−1 each)"})
    score = ma.fields.Float(allow_none=True)
    stars = ma.fields.Integer(allow_none=True)
    rank_in_street = ma.fields.Integer(allow_none=True)
    rank_in_district = ma.fields.Integer(allow_none=True)
    open_orders = ma.fields.Integer()


class CompanyRowSchema(Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    score = ma.fields.Float(allow_none=True)
    stars = ma.fields.Integer(allow_none=True)
    compounds = ma.fields.Integer()
    compounds_scored = ma.fields.Integer()
    open_orders = ma.fields.Integer()


class OrgRefSchema(Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    kind = ma.fields.String()


class ScorecardSchema(Schema):
    month = ma.fields.String()
    org_unit = ma.fields.Nested(OrgRefSchema)
    compounds = ma.fields.List(ma.fields.Nested(CompoundRowSchema))
    companies = ma.fields.List(ma.fields.Nested(CompanyRowSchema))


class TrendPointSchema(Schema):
    month = ma.fields.String()
    score = ma.fields.Float(allow_none=True)
    stars = ma.fields.Integer(allow_none=True)
    inspections = ma.fields.Integer()


class CompanyTrendPointSchema(Schema):
    month = ma.fields.String()
    score = ma.fields.Float(allow_none=True)
    stars = ma.fields.Integer(allow_none=True)


class CompoundCardSchema(CompoundRowSchema):
    month = ma.fields.String()
    trend = ma.fields.List(
        ma.fields.Nested(TrendPointSchema), metadata={"description": "the last 12 months, oldest first"}
    )


class CompanyCardSchema(Schema):
    month = ma.fields.String()
    id = ma.fields.Integer()
    name = ma.fields.String()
    score = ma.fields.Float(allow_none=True)
    stars = ma.fields.Integer(allow_none=True)
    open_orders = ma.fields.Integer()
    compounds = ma.fields.List(ma.fields.Nested(CompoundRowSchema))
    trend = ma.fields.List(
        ma.fields.Nested(CompanyTrendPointSchema), metadata={"description": "the last 12 months, oldest first"}
    )


class OpenOrderSchema(Schema):
    id = ma.fields.String()
    item_text = ma.fields.String()
    category_name = ma.fields.String()
    status = ma.fields.String(metadata={"description": "open | responded (waiting for re-inspection) | reopened"})
    deadline_at = UtcDateTime()
    overdue = ma.fields.Boolean(metadata={"description": "past its deadline and not waiting for re-inspection"})
    escalation_level = ma.fields.Integer(metadata={"description": "0 none, 1 reported to the community, 2 the street"})
    month = ma.fields.String(allow_none=True, metadata={"description": "the month of its inspection (YYYY-MM)"})


class CompoundSummarySchema(Schema):
    """A resident's (or steward's) compound this month, explained by the README's rules."""

    id = ma.fields.Integer()
    name = ma.fields.String()
    company_id = ma.fields.Integer(allow_none=True)
    company_name = ma.fields.String(allow_none=True)
    score = ma.fields.Float(
        allow_none=True, metadata={"description": "mean − deductions, at least 0; null: no inspection"}
    )
    stars = ma.fields.Integer(allow_none=True)
    inspections = ma.fields.Integer(metadata={"description": "inspections submitted this month"})
    mean = ma.fields.Float(allow_none=True, metadata={"description": "their mean score out of 100"})
    overdue = ma.fields.Integer(metadata={"description": "this month's orders that went overdue (−2 each)"})
    reopenings = ma.fields.Integer(metadata={"description": "reopenings of this month's orders (−1 each)"})
    deductions = ma.fields.Float()
    open_orders = ma.fields.Integer(metadata={"description": "orders not closed now, of any month"})
    overdue_orders = ma.fields.Integer(metadata={"description": "of those, overdue now"})
    orders = ma.fields.List(
        ma.fields.Nested(OpenOrderSchema), metadata={"description": "the open orders, overdue first (at most 20)"}
    )
    trend = ma.fields.List(
        ma.fields.Nested(TrendPointSchema), metadata={"description": "the last 6 months, oldest first"}
    )


class MyScorecardsSchema(Schema):
    month = ma.fields.String()
    compounds = ma.fields.List(
        ma.fields.Nested(CompoundSummarySchema),
        metadata={"description": "a resident's own compound; a steward's compounds"},
    )
    companies = ma.fields.List(
        ma.fields.Nested(CompanyRowSchema), metadata={"description": "property staff: their company"}
    )
