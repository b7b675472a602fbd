"""The catalog entries of the duplicate finder and merge (server/org/duplicates.py), merged into
server/i18n.py's catalog by create_app."""

MESSAGES = {
    "zh-CN": {
        "duplicates.rule.same_name_phone": "姓名相同，电话相同",
        "duplicates.rule.same_name_household": "同一户内姓名相同",
        "duplicates.rule.same_phone_similar": "电话相同，姓名仅差一个字",
        "duplicates.years_apart": "（出生年份相差一年以上，请仔细核对）",
        "duplicates.same_resident": "不能把一位居民与自己合并。",
        "duplicates.already_merged": "其中一条居民信息已合并到其他记录，请刷新后重试。",
        "duplicates.choose_one": "请选择“keep”（保留的记录）或“merge”（被合并的记录）。",
    },
    "en": {
        "duplicates.rule.same_name_phone": "Same name, same phone",
        "duplicates.rule.same_name_household": "Same name in the same household",
        "duplicates.rule.same_phone_similar": "Same phone, names one character apart",
        "duplicates.years_apart": " (birth years more than a year apart: check carefully)",
        "duplicates.same_resident": "A resident cannot be merged with themselves.",
        "duplicates.already_merged": "One of these entries was merged into another already: refresh and try again.",
        "duplicates.choose_one": "Choose “keep” (the entry kept) or “merge” (the entry merged into it).",
    },
}


def entries(locale: str) -> dict[str, str]:
    return MESSAGES[locale]
