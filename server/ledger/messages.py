"""The catalog entries of the service record (merged into server/i18n.py's catalog by create_app):
its section of the monthly report (server/ledger/monthly.py)."""

MESSAGES = {
    "zh-CN": {
        "monthly.service.title": "志愿服务",
        "monthly.service.hours": "服务时长（小时）",
        "monthly.service.people": "服务人数",
        "monthly.service.entries": "服务次数",
        "monthly.service.rating": "居民评价（平均）",
        "monthly.service.by_kind": "按服务类型",
        "monthly.service.kind": "类型",
        "monthly.service.kind.activity": "志愿服务活动",
        "monthly.service.kind.wish": "微心愿",
        "monthly.service.kind.project": "服务项目",
    },
    "en": {
        "monthly.service.title": "Volunteer service",
        "monthly.service.hours": "Hours",
        "monthly.service.people": "People",
        "monthly.service.entries": "Services",
        "monthly.service.rating": "Residents' rating (mean)",
        "monthly.service.by_kind": "By kind",
        "monthly.service.kind": "Kind",
        "monthly.service.kind.activity": "Activities",
        "monthly.service.kind.wish": "Micro-wishes",
        "monthly.service.kind.project": "Service projects",
    },
}


def entries(locale: str) -> dict[str, str]:
    return MESSAGES[locale]
