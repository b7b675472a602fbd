"""The catalog entries of matching (供需对接, PROTOCOL.md §21): its refusals (members.<code>), the
reasons a suggestion gives, the confirmed project's title and the notices it sends."""

REFUSALS = {
    "zh-CN": {
        "need_matched": "这条需求已经对接过了。",
        "need_not_open": "这条需求不在本社区的待办需求中（可能已办结或转办）。",
        "resource_not_in_community": "这项资源不属于本社区在册的驻区单位。",
    },
    "en": {
        "need_matched": "This need has been matched already.",
        "need_not_open": "This need is not among the community's open needs (it may be resolved or referred).",
        "resource_not_in_community": "This resource is not one of a unit reporting to this community.",
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
        "notice_body": "需求：{summary}\n对接资源：{resource}（{unit}）",
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
        "notice_body": "Need: {summary}\nResource: {resource} ({unit})",
    },
}


def entries(locale: str) -> dict[str, str]:
    return {
        **{f"members.{code}": text for code, text in REFUSALS[locale].items()},
        **{f"members.match.{key}": text for key, text in WORDS[locale].items()},
    }
