"""Matching's scoring (供需对接, PROTOCOL.md §21), pure and table-driven: a resource whose skills
are not what the need's category wants is no suggestion; else points for the skills, the same grid
(a grid the resource's unit serves, N对1) or only the same community, a kind of resource that
fits the category, and a weekly time the resource is available (a weekend more). Each suggestion
says why in reasons (a code and its parameters), rendered by the catalog ("技能：家电维修；同一网格；
周六上午有空")."""

from dataclasses import dataclass

from server.i18n import text_in
from server.ledger.vocab import SKILLS, SLOTS

# The skills each need category wants (any skill at all for "other"); defined here once.
CATEGORY_SKILLS: dict[str, tuple[str, ...]] = {
    "sanitation": ("environment",),
    "repair": ("repair",),
    "safety": ("repair", "environment"),
    "dispute": ("mediation", "legal", "psychology"),
    "help": ("elderly_care", "medical", "driving", "education"),
    "policy": ("publicity", "legal"),
    "other": SKILLS,
    "wish": SKILLS,  # a micro-wish whose words name no skill (wanted_skills below): any skill
}
# The kinds of resource that suit each category beside a service (场地 for a talk, 设备 for a fix).
CATEGORY_KINDS: dict[str, tuple[str, ...]] = {
    "sanitation": ("service", "equipment"),
    "repair": ("service", "equipment"),
    "safety": ("service", "equipment"),
    "dispute": ("service", "venue"),
    "help": ("service",),
    "policy": ("service", "venue"),
    "other": ("service", "venue", "equipment"),
    "wish": ("service", "equipment"),
}
# A micro-wish (微心愿) has no category: the skills it asks for are read from the wall's words.
SKILL_WORDS: dict[str, tuple[str, ...]] = {
    "medical": ("看病", "体检", "血压", "血糖", "药", "医", "doctor", "medicine"),
    "legal": ("法律", "律师", "合同", "维权", "lawyer", "legal"),
    "education": ("辅导", "补习", "作业", "功课", "学习", "读书", "tutor", "homework"),
    "repair": ("维修", "修理", "修", "坏了", "水管", "电器", "灯", "repair", "fix"),
    "elderly_care": ("老人", "助老", "陪伴", "照料", "理发", "elderly"),
    "culture": ("文艺", "唱歌", "跳舞", "书法", "绘画", "乐器", "运动", "图书"),
    "it": ("手机", "电脑", "网络", "智能", "网上", "phone", "computer"),
    "psychology": ("心理", "孤独", "焦虑", "谈心", "lonely"),
    "mediation": ("纠纷", "调解", "矛盾"),
    "environment": ("清理", "卫生", "垃圾", "绿化", "打扫"),
    "publicity": ("政策", "宣传", "咨询", "医保", "社保"),
    "driving": ("接送", "出行", "就医", "开车", "ride"),
}
POINTS = {"skill": 40, "grid": 30, "community": 10, "kind": 10, "available": 10, "weekend": 5}
WEEKEND = ("sat_morning", "sat_afternoon", "sun_morning", "sun_afternoon")  # residents are home
REASON_CODES = ("skill", "grid", "community", "kind", "available")
DEFAULT_LIMIT = 3
MAX_LIMIT = 10
SLOT_ORDER = {s: (s not in WEEKEND, i) for i, s in enumerate(SLOTS)}  # weekend first, then the week's order
MAX_SLOTS_NAMED = 2  # "周六上午、周日上午有空": the first two of the resource's times


@dataclass(frozen=True)
class Offer:
    """One resource as matching reads it: its unit, and the grids that unit serves."""

    id: int
    unit_id: int
    unit_name: str
    name: str
    kind: str
    skills: tuple[str, ...]
    availability: tuple[str, ...]
    grid_ids: frozenset[int]


@dataclass(frozen=True)
class Reason:
    code: str  # one of REASON_CODES
    params: dict


GRID, COMMUNITY = Reason("grid", {}), Reason("community", {})


def wish_category(words: str) -> str:
    """The category matching scores a micro-wish by: "wish.<skill>+<skill>" for the skills its
    words ask for ("想给孙子补习数学" → "wish.education"), or "wish" (any skill) when they name none."""
    lowered = words.lower()
    named = [s for s in SKILLS if any(w in lowered for w in SKILL_WORDS[s])]
    return "wish." + "+".join(named) if named else "wish"


def wanted_skills(category: str) -> tuple[str, ...] | None:
    """The skills a category wants; None for a category with no table entry."""
    if category.startswith("wish."):
        return tuple(category.removeprefix("wish.").split("+"))
    return CATEGORY_SKILLS.get(category)


def _kinds(category: str) -> tuple[str, ...]:
    return CATEGORY_KINDS["wish" if category.startswith("wish.") else category]


def score(category: str, grid_id: int | None, offer: Offer) -> tuple[int, list[Reason]] | None:
    """How well the offer suits a need of this category in this grid: (points, reasons), or None
    when it does not (no wanted skill, or a category with no table entry)."""
    return _placed(_suits(category, offer), grid_id, offer)


def _suits(category: str, offer: Offer) -> tuple[int, Reason, list[Reason]] | None:
    """What does not depend on the need's grid: the points, the skills' reason and the reasons after
    the place's; None when the offer does not suit the category."""
    wanted = wanted_skills(category)
    if wanted is None:
        return None
    matched = [s for s in offer.skills if s in wanted]
    if not matched:
        return None
    points, after = POINTS["skill"], []
    if offer.kind in _kinds(category):
        points += POINTS["kind"]
        after.append(Reason("kind", {"kind": offer.kind}))
    slots = sorted(set(offer.availability) & set(SLOTS), key=SLOT_ORDER.__getitem__)
    if slots:
        points += POINTS["available"] + (POINTS["weekend"] if slots[0] in WEEKEND else 0)
        after.append(Reason("available", {"slots": slots[:MAX_SLOTS_NAMED]}))
    return points, Reason("skill", {"skills": matched}), after


def _placed(suits, grid_id: int | None, offer: Offer) -> tuple[int, list[Reason]] | None:
    if suits is None:
        return None
    points, skill, after = suits
    if grid_id is not None and grid_id in offer.grid_ids:
        return points + POINTS["grid"], [skill, GRID, *after]
    return points + POINTS["community"], [skill, COMMUNITY, *after]


def candidates(category: str, offers: list[Offer]) -> list[Offer]:
    """The offers with a skill the category wants: the only ones score() may suggest for it."""
    wanted = set(wanted_skills(category) or ())
    return [o for o in offers if wanted.intersection(o.skills)]


def best(
    category: str, grid_id: int | None, offers: list[Offer], limit: int, memo: dict | None = None
) -> list[tuple[Offer, int, list]]:
    """The offers that suit, best first (then the lower resource id), at most `limit`. `memo`, kept
    across the grids of one answer, holds what does not depend on the grid."""
    memo = {} if memo is None else memo
    found = []
    for offer in offers:
        key = (category, offer.id)
        if key not in memo:
            memo[key] = _suits(category, offer)
        scored = _placed(memo[key], grid_id, offer)
        if scored is not None:
            found.append((offer, *scored))
    found.sort(key=lambda item: (-item[1], item[0].id))
    return found[:limit]


def reason_text(reason: Reason, locale: str) -> str:
    params = dict(reason.params)
    sep = "、" if locale == "zh-CN" else ", "
    if "skills" in params:
        params["skills"] = sep.join(text_in(locale, f"vocab.skill.{s}") for s in params["skills"])
    if "slots" in params:
        params["slots"] = sep.join(text_in(locale, f"vocab.slot.{s}") for s in params["slots"])
    if "kind" in params:
        params["kind"] = text_in(locale, f"members.resource_kind.{params['kind']}")
    return text_in(locale, f"members.match.reason.{reason.code}", **params)
