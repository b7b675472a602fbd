"""The round's results as an XLSX workbook for the organisation departments (市、县组织部门):
a sheet of units and one of members, one row each — record, group means, score, grade — and a
sheet of the rules (weights and grade bounds). Audited (evaluation.export)."""

from server.audit.service import record as audit
from server.core import xlsx
from server.evaluation import scoring
from server.evaluation.service import results

COLUMNS = (
    ("name", "名称"),
    ("unit_name", "所在单位"),
    ("hours", "服务时长（小时）"),
    ("services", "服务次数"),
    ("rating", "居民评价（星）"),
    ("record", "记实得分"),
    ("committee", "两委评议"),
    ("members", "党员评议"),
    ("residents", "居民代表评议"),
    ("score", "综合得分"),
    ("grade_label", "评议等次"),
)
PART_NAMES = {"record": "记实得分", "committee": "两委评议", "members": "党员评议", "residents": "居民代表评议"}
GRADE_NAMES = {"excellent": "优秀", "competent": "合格", "basic": "基本合格", "failing": "不合格"}


def results_xlsx(user, round_id: str) -> tuple[bytes, str]:
    outcome = results(user, round_id)
    found, rows = outcome["round"], outcome["results"]
    book = xlsx.new_workbook()
    xlsx.sheet(book, "驻区单位", COLUMNS, [r for r in rows if r["kind"] == "unit"])
    xlsx.sheet(book, "在职党员", COLUMNS, [r for r in rows if r["kind"] == "member"])
    rules = [{"part": PART_NAMES[p], "weight": found["weights"].get(p, 0)} for p in scoring.PARTS]
    rules += [{"part": f"{GRADE_NAMES[name]}（不低于）", "weight": floor} for floor, name in scoring.GRADES]
    xlsx.sheet(book, "评议规则", (("part", "项目"), ("weight", "权重 / 分数线")), rules)
    data = xlsx.to_bytes(book)
    audit("evaluation.export", actor=user, round_id=found["id"], subjects=len(rows))
    return data, f"evaluation-{found['community_id']}-{found['year']}.xlsx"
