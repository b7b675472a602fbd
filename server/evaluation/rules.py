"""The rules of a scoring form (PROTOCOL.md §20.2), run by the sync engine after the merge: only
its evaluator fills it, only while the round is open, with scores only for the round's subjects
and never for themselves or their own unit; submitting needs a score for every other subject.
The server makes the forms when a round opens (server/evaluation/service.py)."""

from sqlalchemy import select

from server.core import clock
from server.core.fields import iso
from server.evaluation.models import EvaluationRound
from server.evaluation.schemas import ballot_record_schema
from server.extensions import db
from server.sync.actors import SYSTEM
from server.sync.review import Refusals, checked
from sync import Rejection, Review

MESSAGES = {
    "not_evaluator": "only its evaluator fills a scoring form",
    "round_closed": "the evaluation round is closed",
    "unknown_subject": "a score for someone this round does not evaluate",
    "own_subject": "nobody scores themselves or their own unit",
    "incomplete": "a submitted form scores every subject",
}
refuse = Refusals("evaluation", MESSAGES)


def own_keys(subjects: list[dict], account_id: int) -> set[str]:
    """The subjects an evaluator may not score: themselves and any unit they belong to."""
    return {s["key"] for s in subjects if account_id in (s.get("account_ids") or [])}


def review_ballot(r: Review) -> Rejection | None:
    refused = checked(ballot_record_schema, r)
    if refused or r.current is None or SYSTEM in r.roles:
        return refused  # the server makes and closes forms
    sent, values = r.mutation.fields, r.merged.values
    if r.user_id != values.get("evaluator_id"):
        return refuse("not_evaluator", *sent)  # the organiser holds it, but it is not theirs to fill
    status, subjects = db.session.execute(
        select(EvaluationRound.status, EvaluationRound.subjects).where(EvaluationRound.id == values["round_id"])
    ).one()
    if status != "open":
        return refuse("round_closed", *sent)
    scores = values.get("scores") or {}
    keys = {s["key"] for s in subjects}
    if set(scores) - keys:
        return refuse("unknown_subject", "scores")
    if set(scores) & own_keys(subjects, r.user_id):
        return refuse("own_subject", "scores")
    if values.get("status") == "submitted":
        if keys - own_keys(subjects, r.user_id) - set(scores):
            return refuse("incomplete", "scores")
        r.set("submitted_at", iso(clock.now()))
    return None
