"""The score of an inspection (server/inspections/scoring.py, PROTOCOL.md §12.1), table-driven:
max_score × Σ weight(pass) / Σ weight(pass + fail), N/A on neither side, all N/A: no score."""

import pytest

from server.inspections.scoring import score
from tests.server.inspections_support import TEMPLATE

CATEGORIES = TEMPLATE["categories"]  # env.clean 40, env.bins 20, fire.exits 30, fire.lift 10


def _answers(clean, bins, exits, lift):
    return {
        code: {"result": result}
        for code, result in zip(("env.clean", "env.bins", "fire.exits", "fire.lift"), (clean, bins, exits, lift))
    }


@pytest.mark.parametrize(
    "results, max_score, expected, failed",
    [
        (("pass", "pass", "pass", "pass"), 100, 100.0, ()),
        (("fail", "fail", "fail", "fail"), 100, 0.0, ("env.clean", "env.bins", "fire.exits", "fire.lift")),
        (("fail", "pass", "pass", "pass"), 100, 60.0, ("env.clean",)),
        (("pass", "pass", "fail", "na"), 100, 66.7, ("fire.exits",)),  # 60 / 90
        (("na", "na", "pass", "fail"), 100, 75.0, ("fire.lift",)),  # 30 / 40
        (("na", "na", "na", "na"), 100, None, ()),
        (("pass", "fail", "pass", "pass"), 10, 8.0, ("env.bins",)),  # a template scored out of 10
    ],
)
def test_score(results, max_score, expected, failed):
    result = score(CATEGORIES, max_score, _answers(*results))
    assert result.score == expected
    assert result.failed == failed
