"""The round and the scoring forms as synced entities (PROTOCOL.md §20.1, §20.2): the server
writes the round; an evaluator writes their form's scores, comment and status."""

from server.evaluation.access import ballot_buckets, round_buckets
from server.evaluation.models import EvaluationBallot, EvaluationRound
from server.evaluation.rules import review_ballot
from server.evaluation.schemas import ballot_record_schema, round_record_schema
from server.sync import registry
from server.sync.review import BY_SERVER, SELF, SERVER, checked
from sync import Field, Rejection, Review

ROUND_FIELDS = tuple(
    Field(name, BY_SERVER, create_only=name in ("community_id", "year", "organiser_id"))
    for name in (
        "community_id",
        "year",
        "title",
        "status",
        "organiser_id",
        "weights",
        "subjects",
        "evaluator_ids",
        "closes_on",
        "created_at",
        "closed_at",
    )
)
BALLOT_FIELDS = (
    Field("round_id", BY_SERVER, create_only=True),
    Field("evaluator_id", BY_SERVER, create_only=True),
    Field("group", BY_SERVER, create_only=True),
    Field("organiser_id", BY_SERVER, create_only=True),
    Field("scores", SELF),
    Field("comment", SELF),
    Field("status", SELF | BY_SERVER),
    Field("submitted_at", SERVER),
)


def review_round(r: Review) -> Rejection | None:
    return checked(round_record_schema, r)


ROUND = registry.EntityBinding(
    "evaluation_round",
    ROUND_FIELDS,
    BY_SERVER,
    frozenset(),
    EvaluationRound,
    round_record_schema,
    round_buckets,
    review=review_round,
)
BALLOT = registry.EntityBinding(
    "evaluation_ballot",
    BALLOT_FIELDS,
    BY_SERVER,
    frozenset(),
    EvaluationBallot,
    ballot_record_schema,
    ballot_buckets,
    review=review_ballot,
)
