"""The vocabularies the domains share (PROTOCOL.md §17.1): the skills (特长) a member offers, a
unit's resource serves, a service project or an activity wants, and the weekly times (可服务时间)
a member, a resource or a project has. Codes stored in plain columns and synced fields; matching
(§21) compares them. They sit under the domains so that members, matching and activities read one
list, and their words are written here once, in both languages ("vocab.skill.<code>",
"vocab.slot.<code>"); the PWA reads codes and words from pwa/generated/constants.json."""

SKILLS = (
    "medical",  # 医疗健康
    "legal",  # 法律咨询
    "education",  # 教育辅导
    "repair",  # 家电维修
    "elderly_care",  # 助老服务
    "culture",  # 文体活动
    "it",  # 信息技术
    "psychology",  # 心理疏导
    "mediation",  # 矛盾调解
    "environment",  # 环境整治
    "publicity",  # 政策宣传
    "driving",  # 驾驶出行
)
SLOTS = (  # weekly availability
    "weekday_day",  # 工作日白天
    "weekday_evening",  # 工作日晚上
    "sat_morning",  # 周六上午
    "sat_afternoon",  # 周六下午
    "sun_morning",  # 周日上午
    "sun_afternoon",  # 周日下午
)

WORDS = {
    "zh-CN": {
        "skill.medical": "医疗健康",
        "skill.legal": "法律咨询",
        "skill.education": "教育辅导",
        "skill.repair": "家电维修",
        "skill.elderly_care": "助老服务",
        "skill.culture": "文体活动",
        "skill.it": "信息技术",
        "skill.psychology": "心理疏导",
        "skill.mediation": "矛盾调解",
        "skill.environment": "环境整治",
        "skill.publicity": "政策宣传",
        "skill.driving": "驾驶出行",
        "slot.weekday_day": "工作日白天",
        "slot.weekday_evening": "工作日晚上",
        "slot.sat_morning": "周六上午",
        "slot.sat_afternoon": "周六下午",
        "slot.sun_morning": "周日上午",
        "slot.sun_afternoon": "周日下午",
    },
    "en": {
        "skill.medical": "Health care",
        "skill.legal": "Legal advice",
        "skill.education": "Tutoring",
        "skill.repair": "Appliance repair",
        "skill.elderly_care": "Help for the elderly",
        "skill.culture": "Culture and sports",
        "skill.it": "IT",
        "skill.psychology": "Counselling",
        "skill.mediation": "Mediation",
        "skill.environment": "Clean-ups",
        "skill.publicity": "Explaining policy",
        "skill.driving": "Driving",
        "slot.weekday_day": "Weekdays, daytime",
        "slot.weekday_evening": "Weekday evenings",
        "slot.sat_morning": "Saturday mornings",
        "slot.sat_afternoon": "Saturday afternoons",
        "slot.sun_morning": "Sunday mornings",
        "slot.sun_afternoon": "Sunday afternoons",
    },
}

# A field's messages when a phone sends a list of codes the vocabulary does not hold.
FIELD_MESSAGES = {
    "zh-CN": {"unknown_skill": "不是技能表中的一项，请从列表中选择。", "repeated": "每一项只能选一次。"},
    "en": {
        "unknown_skill": "Not one of the listed skills; choose from the list.",
        "repeated": "Choose each only once.",
    },
}


def words(locale: str) -> dict[str, str]:
    """The codes' words as catalog entries ("vocab.skill.medical": "医疗健康")."""
    return {f"vocab.{key}": text for key, text in WORDS[locale].items()}


def entries(locale: str) -> dict[str, str]:
    return {**words(locale), **{f"vocab.{key}": text for key, text in FIELD_MESSAGES[locale].items()}}
