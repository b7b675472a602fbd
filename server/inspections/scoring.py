"""The score of an inspection (PROTOCOL.md §12.1, DESIGN.md S2).

    score = max_score × Σ weight(pass) / Σ weight(pass + fail), rounded to 0.1

Items answered "not applicable" (na) leave the sum on both sides: a compound without lifts is
not marked down for its lifts, nor given their points. Every item N/A: no score (None), and the
inspection does not count in a scorecard's average. An item's weight is its points; a
template's weights add up to its max_score (templates.py checks it).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Score:
    score: float | None
    passed_weight: float
    applicable_weight: float
    failed: tuple[str, ...]  # item codes, in template order


def items_of(categories: list[dict]) -> dict[str, dict]:
    """item code → the item with its category's name, in template order."""
    return {
        item["code"]: {**item, "category_code": category["code"], "category_name": category["name"]}
        for category in categories or []
        for item in category.get("items", [])
    }


def score(categories: list[dict], max_score: float, answers: dict) -> Score:
    """The score of complete answers ({code: {"result": "pass" | "fail" | "na", …}})."""
    passed = applicable = 0.0
    failed = []
    for code, item in items_of(categories).items():
        result = (answers.get(code) or {}).get("result")
        if result == "na" or result is None:
            continue
        applicable += item["weight"]
        if result == "pass":
            passed += item["weight"]
        else:
            failed.append(code)
    value = None if applicable == 0 else round(max_score * passed / applicable, 1)
    return Score(value, passed, applicable, tuple(failed))
