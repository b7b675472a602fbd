"""The server's limits and vocabularies the PWA needs, gathered from where they are written (STYLE.md
rule 14): `scripts/export_constants.py` writes them to pwa/generated/constants.json, which the PWA
reads (pwa/js/constants.js); tests/server/test_client_constants.py fails when that file is stale.

Names only: nothing is defined here. A length written inside a schema is read from its validator,
so the schema stays its one home."""

import marshmallow as ma

from server.activities import models as activities
from server.activities.followups import SIGNUP_NAMESPACE
from server.activities.schemas import ActivityRecordSchema
from server.alerts.limits import BODY_MAX, TITLE_MAX
from server.auth.models import ROLES
from server.evaluation import models as evaluation
from server.evaluation import scoring
from server.inspections.models import INSPECTION_STATUSES, ITEM_RESULTS, SEVERITIES
from server.inspections.schemas import (
    MAX_ITEM_PHOTOS,
    InspectionAnswerSchema,
    InspectionRecordSchema,
    InspectionTemplateCategorySchema,
    InspectionTemplateInSchema,
    InspectionTemplateItemSchema,
    OrderRecordSchema,
)
from server.join import models as join
from server.join.schemas import RegisterSchema
from server.ledger import vocab
from server.members import models as members
from server.notices.limits import CATEGORIES, DELIVERY_STATES, NOTICE_LEVELS
from server.org.models import CARE_FLAGS, ORG_KINDS
from server.org.schemas import (
    CREDIT_CODE_LENGTH,
    RELATIONS,
    BuildingWriteSchema,
    CommitteeWriteSchema,
    CompanyListArgsSchema,
    CompanyWriteSchema,
    CompoundListArgsSchema,
    CompoundWriteSchema,
    HouseholdWriteSchema,
    OrgUnitCreateSchema,
    ResidentWriteSchema,
)
from server.tasks import need_models as needs
from server.tasks.models import (
    OUTCOMES,
    PRIORITIES,
    REPORT_CATEGORIES,
    REPORT_STATUSES,
    TARGET_KINDS,
    TASK_STATUSES,
    TASK_TYPES,
)
from server.tasks.schemas import (
    ANSWERS,
    CancelSchema,
    DismissSchema,
    FieldReportRecordSchema,
    TaskBulkSchema,
    TaskRecordSchema,
)
from server.tasks.views import OPEN
from server.wishes import models as wishes


def _validator(schema: type[ma.Schema], field: str, kind: type):
    (found,) = (v for v in schema().fields[field].validators if isinstance(v, kind))
    return found


def _max_length(schema: type[ma.Schema], field: str) -> int:
    """The most characters a schema's field takes (its Length validator)."""
    return _validator(schema, field, ma.validate.Length).max


def _choices(schema: type[ma.Schema], field: str) -> list[str]:
    """The values a schema's field takes (its OneOf validator)."""
    return list(_validator(schema, field, ma.validate.OneOf).choices)


def client_constants() -> dict:
    """Every server constant the PWA uses, by domain, as JSON values."""
    return {
        "roles": list(ROLES),
        "org": {
            "KINDS": list(ORG_KINDS),
            "CARE_FLAGS": list(CARE_FLAGS),
            "RELATIONS": list(RELATIONS),
            "UNIT_NAME_MAX": _max_length(OrgUnitCreateSchema, "name"),
            "COMPOUND_NAME_MAX": _max_length(CompoundWriteSchema, "name"),
            "ADDRESS_MAX": _max_length(CompoundWriteSchema, "address"),
            "BUILDING_NAME_MAX": _max_length(BuildingWriteSchema, "name"),
            "UNIT_MAX": _max_length(HouseholdWriteSchema, "unit"),
            "ROOM_MAX": _max_length(HouseholdWriteSchema, "room"),
            "RESIDENT_NAME_MAX": _max_length(ResidentWriteSchema, "name"),
            "COMPANY_NAME_MAX": _max_length(CompanyWriteSchema, "name"),
            "COMPANY_PHONE_MAX": _max_length(CompanyWriteSchema, "contact_phone"),
            "CREDIT_CODE_MAX": CREDIT_CODE_LENGTH,
            "COMMITTEE_NAME_MAX": _max_length(CommitteeWriteSchema, "name"),
            "CHAIR_MAX": _max_length(CommitteeWriteSchema, "chair_name"),
            "SEARCH_MAX": _max_length(CompoundListArgsSchema, "q"),
            "COMPANY_SEARCH_MAX": _max_length(CompanyListArgsSchema, "q"),
        },
        "alerts": {
            "TITLE_MAX": TITLE_MAX,
            "BODY_MAX": BODY_MAX,
            "LEVELS": list(NOTICE_LEVELS),
            "CATEGORIES": list(CATEGORIES),
            "DELIVERY_STATES": list(DELIVERY_STATES),
        },
        "tasks": {
            "TYPES": list(TASK_TYPES),
            "STATUSES": list(TASK_STATUSES),
            "OPEN_STATUSES": list(OPEN),
            "PRIORITIES": list(PRIORITIES),
            "TARGET_KINDS": list(TARGET_KINDS),
            "BULK_TARGET_KINDS": _choices(TaskBulkSchema, "target_kind"),
            "OUTCOMES": list(OUTCOMES),
            "CHECKLIST_ANSWERS": list(ANSWERS),
            "REPORT_CATEGORIES": list(REPORT_CATEGORIES),
            "REPORT_STATUSES": list(REPORT_STATUSES),
            "CARE_FLAGS": list(CARE_FLAGS),
            "TITLE_MAX": _max_length(TaskRecordSchema, "title"),
            "DESCRIPTION_MAX": _max_length(TaskRecordSchema, "description"),
            "NOTES_MAX": _max_length(TaskRecordSchema, "notes"),
            "UNABLE_REASON_MAX": _max_length(TaskRecordSchema, "unable_reason"),
            "CANCEL_REASON_MAX": _max_length(CancelSchema, "reason"),
            "REPORT_DESCRIPTION_MAX": _max_length(FieldReportRecordSchema, "description"),
            "DISMISS_REASON_MAX": _max_length(DismissSchema, "reason"),
        },
        "inspections": {
            "STATUSES": list(INSPECTION_STATUSES),
            "ITEM_RESULTS": list(ITEM_RESULTS),
            "SEVERITIES": list(SEVERITIES),
            "MAX_ITEM_PHOTOS": MAX_ITEM_PHOTOS,
            "ITEM_NOTE_MAX": _max_length(InspectionAnswerSchema, "note"),
            "NOTES_MAX": _max_length(InspectionRecordSchema, "notes"),
            "RESPONSE_TEXT_MAX": _max_length(OrderRecordSchema, "response_text"),
            "REVIEW_NOTE_MAX": _max_length(OrderRecordSchema, "review_note"),
            "TEMPLATE_NAME_MAX": _max_length(InspectionTemplateInSchema, "name"),
            "CATEGORY_NAME_MAX": _max_length(InspectionTemplateCategorySchema, "name"),
            "ITEM_TEXT_MAX": _max_length(InspectionTemplateItemSchema, "text"),
        },
        "wishes": {
            "STATUSES": list(wishes.WISH_STATUSES),
            "CARD_STATUSES": list(wishes.CARD_STATUSES),
            "TITLE_MAX": wishes.TITLE_MAX,
            "REASON_MAX": wishes.REASON_MAX,
            "PUBLIC_TEXT_MAX": wishes.PUBLIC_TEXT_MAX,
            "NOTE_MAX": wishes.NOTE_MAX,
            "COMMENT_MAX": wishes.COMMENT_MAX,
            "MAX_PHOTOS": wishes.MAX_PHOTOS,
        },
        "evaluation": {
            "GROUPS": list(scoring.GROUPS),
            "FORM_SCORES": [[name, score] for name, score in scoring.FORM_SCORES.items()],  # the buttons, best first
            "GRADE_FLOORS": [[floor, name] for floor, name in scoring.GRADES],
            "COMMENT_MAX": evaluation.COMMENT_MAX,
        },
        "needs": {
            "CATEGORIES": list(needs.NEED_CATEGORIES),
            "DEADLINE_HOURS": {name: list(hours) for name, hours in needs.NEED_DEADLINES.items()},
            "STATUSES": list(needs.NEED_STATUSES),
            "OPEN_STATUSES": list(needs.OPEN_NEED_STATUSES),
            "ESCALATION_REASONS": list(needs.ESCALATION_REASONS),
            "LOW_RATING_MAX": needs.LOW_RATING,  # a rating at or below it reopens the need
            "TEXT_MAX": needs.TEXT_MAX,
            "NOTE_MAX": needs.NOTE_MAX,
            "REFERRED_TO_MAX": needs.REFERRED_TO_MAX,
            "COMMENT_MAX": needs.COMMENT_MAX,
            "MAX_PHOTOS": needs.MAX_PHOTOS,
        },
        "join": {
            "REQUEST_STATUSES": list(join.REQUEST_STATUSES),
            "NAME_MAX": _max_length(RegisterSchema, "display_name"),
            "ADDRESS_PART_MAX": join.ADDRESS_PART_MAX,
            "NOTE_MAX": join.NOTE_MAX,
            "REASON_MAX": join.REASON_MAX,
        },
        "vocab": {
            "SKILLS": list(vocab.SKILLS),
            "SLOTS": list(vocab.SLOTS),
            "WORDS": {locale: vocab.words(locale) for locale in vocab.WORDS},  # the PWA's catalogs take them
        },
        "members": {
            "UNIT_KINDS": list(members.UNIT_KINDS),
            "RESOURCE_KINDS": list(members.RESOURCE_KINDS),
            "PROJECT_STATUSES": list(members.PROJECT_STATUSES),
            "CODE_KINDS": list(members.CODE_KINDS),
            "MAX_CODE_USES": members.CODE_MAX_USES,
            "MAX_CODE_DAYS": members.CODE_MAX_DAYS,
            "NAME_MAX": members.NAME_MAX,
            "PERSON_MAX": members.PERSON_MAX,
            "TEXT_MAX": members.TEXT_MAX,
            "NOTE_MAX": members.NOTE_MAX,
        },
        "activities": {
            "STATUSES": list(activities.ACTIVITY_STATUSES),
            "SIGNUP_STATUSES": list(activities.SIGNUP_STATUSES),
            "TITLE_MAX": activities.TITLE_MAX,
            "DESCRIPTION_MAX": activities.DESCRIPTION_MAX,
            "PLACE_MAX": activities.PLACE_MAX,
            "CAPACITY_MAX": activities.CAPACITY_MAX,
            "HOURS_MIN": _validator(ActivityRecordSchema, "hours", ma.validate.Range).min,
            "HOURS_MAX": int(activities.HOURS_MAX),
            "DURATION_HOURS_MAX": activities.LONGEST_HOURS,
            "SIGNUP_NAMESPACE": str(SIGNUP_NAMESPACE),
        },
    }
