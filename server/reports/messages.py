"""The catalog entries of the monthly report page (merged into server/i18n.py's catalog by create_app)."""

MESSAGES = {
    "zh-CN": {
        "monthly.title": "{community} {month} 月度工作报告",
        "monthly.community": "社区",
        "monthly.month": "月份",
        "monthly.generated_at": "生成时间",
        "monthly.partial": "本月尚未结束，数字截至 {time}。",
        "monthly.actions": "报告操作",
        "monthly.show": "查看",
        "monthly.print": "打印",
        "monthly.back": "返回红格",
        "monthly.none": "本月没有记录。",
        "monthly.signatures": "联席会议签字",
        "monthly.sign.community": "社区党组织：",
        "monthly.sign.company": "物业服务企业：",
        "monthly.sign.committee": "业主委员会：",
        "monthly.choose": "社区月度报告",
        "monthly.choose_explain": (
            "选择社区和月份，生成供社区、物业服务企业和业主委员会联席会议使用的月度报告，可直接打印（A4）。"
        ),
        "monthly.no_communities": "您的管辖范围内没有社区。",
        "monthly.month_invalid": "月份格式应为 YYYY-MM，例如 2026-11。",
        "monthly.month_future": "不能查看尚未开始的月份。",
        "dashboard.period_invalid": "统计期间应为 30d、7d、month 或已开始的月份（YYYY-MM）。",
    },
    "en": {
        "monthly.title": "{community}: monthly report {month}",
        "monthly.community": "Community",
        "monthly.month": "Month",
        "monthly.generated_at": "Generated",
        "monthly.partial": "The month has not ended: figures as of {time}.",
        "monthly.actions": "Report actions",
        "monthly.show": "Show",
        "monthly.print": "Print",
        "monthly.back": "Back to Redgrid",
        "monthly.none": "Nothing this month.",
        "monthly.signatures": "Joint meeting signatures",
        "monthly.sign.community": "Community Party organisation:",
        "monthly.sign.company": "Property company:",
        "monthly.sign.committee": "Owners' committee:",
        "monthly.choose": "Community monthly report",
        "monthly.choose_explain": (
            "Choose a community and a month for the report of the joint meeting of the community, the property co"
            "mpanies and the owners' committee, ready to print (A4)."
        ),
        "monthly.no_communities": "There is no community in your jurisdiction.",
        "monthly.month_invalid": "A month is written YYYY-MM, e.g. 2026-11.",
        "monthly.month_future": "That month has not begun.",
        "dashboard.period_invalid": "A period is 30d, 7d, month or a month begun (YYYY-MM).",
    },
}


def entries(locale: str) -> dict[str, str]:
    return MESSAGES[locale]
