"""How a subject's evaluation is scored (README "December evaluation"; PROTOCOL.md §20.3). Pure:
facts and scores in, a score and grade out.

Record score (记实, 0–100), from the year's service record:
    hours part    min(hours / 24, 1)          24 h a year: two hours a month
    services part min(services / 6, 1)        activities, wishes and projects counted
    rating part   (mean rating − 1) / 4       the residents' 1–5 stars, 1 → 0, 5 → 1
  record = 100 × (0.5 × hours + 0.25 × services + 0.25 × rating); without any rating, the
  rating's quarter is shared in proportion: 100 × (2/3 × hours + 1/3 × services).
  A unit's hours and services are its members' averages (every member counted, those with none
  too), its rating the mean of all its members' ratings.

Combined score: the weighted mean of the record score and the mean score each evaluator group
gave (两委 committee, 党员 members, 居民代表 residents), over the parts that have a value (a group
nobody in which scored the subject drops out, and the others' weights grow in proportion).
Default weights: record 40, committee 30, members 15, residents 15.

Grade: ≥ 90 优秀 (excellent), ≥ 75 合格 (competent), ≥ 60 基本合格 (basically competent), below
不合格 (not competent). Scores are rounded to one decimal before the grade is read.
"""

from collections.abc import Mapping

HOURS_TARGET = 24.0
SERVICES_TARGET = 6
PARTS = ("record", "committee", "members", "residents")
GROUPS = ("committee", "members", "residents")
DEFAULT_WEIGHTS = {"record": 40, "committee": 30, "members": 15, "residents": 15}
GRADES = ((90, "excellent"), (75, "competent"), (60, "basic"), (0, "failing"))  # 优秀 合格 基本合格 不合格
# The scoring form's four buttons and the score each stands for (an API client may send any 0–100).
FORM_SCORES = {"excellent": 95, "competent": 82, "basic": 67, "failing": 45}


def record_score(hours: float, services: float, rating: float | None) -> float:
    """The record score of one member (or a unit's averages), 0–100."""
    hours_part = min(max(hours, 0) / HOURS_TARGET, 1.0)
    services_part = min(max(services, 0) / SERVICES_TARGET, 1.0)
    if rating is None:
        return round(100 * (2 / 3 * hours_part + 1 / 3 * services_part), 1)
    rating_part = min(max((rating - 1) / 4, 0.0), 1.0)
    return round(100 * (0.5 * hours_part + 0.25 * services_part + 0.25 * rating_part), 1)


def mean(values) -> float | None:
    values = list(values)
    return round(sum(values) / len(values), 1) if values else None


def combined(parts: Mapping[str, float | None], weights: Mapping[str, float] = DEFAULT_WEIGHTS) -> float:
    """The weighted mean of the parts that have a value (the record always has one)."""
    present = {name: value for name, value in parts.items() if value is not None and weights.get(name, 0) > 0}
    total = sum(weights[name] for name in present)
    if not total:
        return 0.0
    return round(sum(weights[name] * value for name, value in present.items()) / total, 1)


def grade(score: float) -> str:
    return next(name for floor, name in GRADES if round(score, 1) >= floor)
