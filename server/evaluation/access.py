"""Who holds a round and a scoring form, as sync buckets (PROTOCOL.md §20): a round in the
user buckets of its organiser and evaluators and the org buckets above its community; a scoring
form in its evaluator's and its organiser's user buckets only — nobody else, and never the
people it scores, ever pulls an individual score."""

from server.core.fields import is_row_id
from server.sync.buckets import org_buckets


def _users(*ids) -> list[str]:
    # Only row ids, checked before anything else: a pushed value may be any JSON (a list is not
    # even hashable), and buckets are found before the record's schema has checked it.
    return [f"user:{i}" for i in dict.fromkeys(i for i in ids if is_row_id(i))]


def round_buckets(values) -> list[str]:
    org = org_buckets(values.get("community_id"))
    evaluators = values.get("evaluator_ids")
    evaluators = evaluators if isinstance(evaluators, list) else []
    return [*_users(values.get("organiser_id"), *evaluators), *org] if org else []


def ballot_buckets(values) -> list[str]:
    return _users(values.get("evaluator_id"), values.get("organiser_id"))
