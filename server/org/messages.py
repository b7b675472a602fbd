"""The catalog entries of managing the org tree and places (merged into server/i18n.py's catalog by
create_app): the refusals (org.<code>, PROTOCOL.md §25) and the field messages of its schemas."""

REFUSALS = {
    "zh-CN": {
        "outside_jurisdiction": "该单位或场所不在您的管辖范围内。",
        "wrong_parent_kind": "“{kind}”只能建在“{parent}”之下。",
        "not_movable": "只能调整您管辖范围以内的下级单位。",
        "unit_merged": "该网格已并入其他网格，不能再修改。",
        "merge_grids_only": "只能把网格并入同一社区的另一个网格。",
        "merge_self": "不能把网格并入它自己。",
        "code_taken": "该编码已被其他单位使用。",
        "name_taken": "同一上级下已有同名单位。",
        "covered_elsewhere": "该场所已划入“{grid}”；如要调整，请选择“移入本网格”。",
        "already_covered": "该场所已在本网格内。",
        "place_outside_community": "只能划入本社区的小区和楼栋。",
        "compound_not_empty": "该小区下还有楼栋，不能删除。",
        "building_not_empty": "该楼栋下还有住户，不能删除。",
        "household_not_empty": "该户还有居民登记，不能删除。",
        "household_has_accounts": "该户有居民账号绑定，请先撤销这些账号的居民角色。",
        "building_name_taken": "该小区已有同名楼栋。",
        "household_taken": "该楼栋已有这个单元和房号。",
        "company_in_use": "该企业还在服务小区，不能删除。",
        "company_name_taken": "已有同名的物业服务企业。",
        "credit_code_taken": "该统一社会信用代码已被其他企业使用。",
        "company_spans": "该企业服务的小区不全在您的管辖范围内，须由管辖其全部小区的管理员修改。",
        "compound_covered": "该小区已划入网格，请先从网格中移出，再调整所属社区。",
        "community_required": "请选择一个社区。",
        "term_order": "任期届满日期不能早于成立日期。",
        "place_in_use": "还有任务、诉求等记录关联到这里，不能删除。",
    },
    "en": {
        "outside_jurisdiction": "This unit or place is outside your jurisdiction.",
        "wrong_parent_kind": "A {kind} can only be created under a {parent}.",
        "not_movable": "You can only change units below the top of your jurisdiction.",
        "unit_merged": "This grid was merged into another grid and can no longer be changed.",
        "merge_grids_only": "A grid can only be merged into another grid of the same community.",
        "merge_self": "A grid cannot be merged into itself.",
        "code_taken": "Another unit has this code.",
        "name_taken": "A unit with this name exists under the same parent.",
        "covered_elsewhere": "This place is in “{grid}”; choose “move into this grid” to move it.",
        "already_covered": "This place is in this grid already.",
        "place_outside_community": "A grid covers only compounds and buildings of its community.",
        "compound_not_empty": "This compound still has buildings and cannot be deleted.",
        "building_not_empty": "This building still has households and cannot be deleted.",
        "household_not_empty": "Residents are registered in this household; it cannot be deleted.",
        "household_has_accounts": "Accounts are residents of this household; revoke their resident roles first.",
        "building_name_taken": "This compound has a building with this name.",
        "household_taken": "This building has a household with this unit and room.",
        "company_in_use": "This company still manages compounds and cannot be deleted.",
        "company_name_taken": "A property company with this name exists.",
        "credit_code_taken": "Another company has this unified social credit code.",
        "company_spans": (
            "This company manages compounds outside your jurisdiction; an admin over all of them must change it."
        ),
        "compound_covered": "This compound is in a grid; take it out of the grid before changing its community.",
        "community_required": "Choose a community.",
        "term_order": "The end of the term cannot be before the committee was established.",
        "place_in_use": "Tasks, needs or other records still refer to this; it cannot be deleted.",
    },
}

FIELDS = {
    "zh-CN": {
        "field.credit_code": "统一社会信用代码应为 18 位（数字和大写字母），且校验位正确。",
        "field.kind": "单位类型不正确。",
        "field.one_place": "请选择一个小区或一栋楼（二选一）。",
    },
    "en": {
        "field.credit_code": (
            "A unified social credit code has 18 digits or capital letters and a valid check character."
        ),
        "field.kind": "Unknown kind of unit.",
        "field.one_place": "Choose one compound or one building (not both).",
    },
}

KINDS = {
    "zh-CN": {
        "city": "市",
        "district": "区",
        "street": "街道",
        "community": "社区",
        "grid": "网格",
        "courtyard": "院落",
    },
    "en": {
        "city": "city",
        "district": "district",
        "street": "street",
        "community": "community",
        "grid": "grid",
        "courtyard": "courtyard",
    },
}


def entries(locale: str) -> dict[str, str]:
    return {
        **{f"org.{code}": text for code, text in REFUSALS[locale].items()},
        **{f"org.kind.{kind}": text for kind, text in KINDS[locale].items()},
        **FIELDS[locale],
    }
