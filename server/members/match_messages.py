"""The catalog entries of matching (供需对接, PROTOCOL.md §21): its refusals (members.<code>), the
reasons a suggestion gives, what a confirmed match becomes and the notices it sends."""

REFUSALS = {
    "zh-CN": {
        "need_matched": "这条需求已经对接过了。",
        "need_not_open": "这条需求不在本社区的待办需求中（可能已办结或转办）。",
        "resource_not_in_community": "这项资源不属于本社区在册的驻区单位。",
        "outcome_not_for_item": "诉求可以转为服务项目或志愿活动，微心愿只能由单位认领。",
        "activity_required": "转为志愿活动需要填写活动的时间、地点和人数。",
        "no_unit_member": "这个单位还没有在册党员，无法代单位认领心愿。",
        "claimant_not_in_unit": "认领人必须是这个单位在册的党员。",
    },
    "en": {
        "need_matched": "This need has been matched already.",
        "need_not_open": "This need is not among the community's open needs (it may be resolved or referred).",
        "resource_not_in_community": "This resource is not one of a unit reporting to this community.",
        "outcome_not_for_item": (
            "A need becomes a service project or an activity; a micro-wish can only be claimed by the unit."
        ),
        "activity_required": "To make it an activity, give the activity's time, place and places.",
        "no_unit_member": "This unit has no reporting member yet to claim the wish for it.",
        "claimant_not_in_unit": "The claimant must be a reporting member of this unit.",
    },
}

WORDS = {
    "zh-CN": {
        "reason.skill": "技能：{skills}",
        "reason.grid": "同一网格",
        "reason.community": "同一社区",
        "reason.kind": "{kind}",
        "reason.available": "{slots}有空",
        "project_title": "对接：{summary}",
        "notice_title_unit": "社区请{unit}认领一条群众需求",
        "notice_title_grid": "您网格的群众需求已对接{unit}",
        "notice_body": "需求：{summary}\n对接资源：{resource}（{unit}）\n{outcome}",
        "notice_title_unit_wish": "社区请{unit}认领一个微心愿",
        "kind.need": "群众诉求",
        "kind.wish": "微心愿",
        "outcome.project": "已列入服务项目清单。",
        "outcome.activity": "已发布志愿活动：{title}。",
        "outcome.wish": "心愿已由{claimant}代表单位认领，请在认领期限内完成。",
        "activity_description": "群众需求：{summary}\n对接资源：{resource}（{unit}）",
    },
    "en": {
        "reason.skill": "Skills: {skills}",
        "reason.grid": "Same grid",
        "reason.community": "Same community",
        "reason.kind": "{kind}",
        "reason.available": "Free {slots}",
        "project_title": "Match: {summary}",
        "notice_title_unit": "The community asks {unit} to take on a resident's need",
        "notice_title_grid": "A need in your grid is matched with {unit}",
        "notice_body": "Need: {summary}\nResource: {resource} ({unit})\n{outcome}",
        "notice_title_unit_wish": "The community asks {unit} to take on a micro-wish",
        "kind.need": "Resident's need",
        "kind.wish": "Micro-wish",
        "outcome.project": "It is on the service projects list.",
        "outcome.activity": "A volunteer activity is published: {title}.",
        "outcome.wish": "{claimant} claimed the wish for the unit; please fulfil it before the claim lapses.",
        "activity_description": "Resident's need: {summary}\nResource: {resource} ({unit})",
    },
}


def entries(locale: str) -> dict[str, str]:
    return {
        **{f"members.{code}": text for code, text in REFUSALS[locale].items()},
        **{f"members.match.{key}": text for key, text in WORDS[locale].items()},
    }
