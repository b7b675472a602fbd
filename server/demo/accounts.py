"""The demo accounts: one per role, plus a second grid worker and a community admin.

The community admin (刘红梅) is admin of 河西社区 and of 学苑社区 (东城区, where 帝豪花园 is), so her
area holds every compound the other accounts work in: the grid workers' and the volunteer's
河西社区, the red steward's 帝豪花园 and 河西花园, 远航物业's compounds and the resident's home.

Phones and passwords are fixed so the README and the CLI can print them. The phones start
with 138; residents in the register get 139 numbers, so the two never collide (except the
resident account's own register entry, which is the same person).
"""

from datetime import UTC, datetime

from server.auth.models import ROLE_SCOPES, SCOPE_COLUMNS
from server.auth.passwords import hash_password

DEMO_CREATED_AT = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

# `scope` says the role's scope in Chinese, for people; SCOPE_REFS says it for the generator.
DEMO_ACCOUNTS = [
    {
        "phone": "13800000001",
        "password": "admin2026",
        "display_name": "张建国",
        "role": "admin",
        "scope": "许昌市(全市)",
    },
    {
        "phone": "13800000002",
        "password": "hexi2026",
        "display_name": "刘红梅",
        "role": "admin",
        "scope": "魏都区文峰街道河西社区、东城区祖师街道学苑社区",
    },
    {
        "phone": "13800000003",
        "password": "grid2026a",
        "display_name": "王志强",
        "role": "grid_worker",
        "scope": "河西社区第一网格",
    },
    {
        "phone": "13800000004",
        "password": "grid2026b",
        "display_name": "陈静",
        "role": "grid_worker",
        "scope": "河西社区第二网格",
    },
    {
        "phone": "13800000005",
        "password": "steward2026",
        "display_name": "赵卫东",
        "role": "red_steward",
        "scope": "帝豪花园、河西花园",
    },
    {
        "phone": "13800000006",
        "password": "wuye2026",
        "display_name": "周丽",
        "role": "property_staff",
        "scope": "远航物业服务有限公司",
    },
    {
        "phone": "13800000007",
        "password": "jumin2026",
        "display_name": "杨帆",
        "role": "resident",
        "scope": "帝豪花园1号楼1单元301",
    },
    {
        "phone": "13800000008",
        "password": "zhiyuan2026",
        "display_name": "孙磊",
        "role": "volunteer",
        "scope": "河西社区(双报到)",
    },
]
RESIDENT_ACCOUNT = DEMO_ACCOUNTS[6]
# The generator's reference(s) for each account's scope (two for the community admin and the red steward).
SCOPE_REFS = {
    "13800000001": ("city",),
    "13800000002": ("hexi_community", "dihao_community"),
    "13800000003": ("hexi_grid_1",),
    "13800000004": ("hexi_grid_2",),
    "13800000005": ("dihao", "hexi_garden"),
    "13800000006": ("yuanhang",),
    "13800000007": ("dihao_household",),
    "13800000008": ("hexi_community",),
}


def write_accounts(writer, refs: dict[str, int]) -> None:
    """Insert the users and their role assignments; `refs` maps SCOPE_REFS names to ids."""
    for account in DEMO_ACCOUNTS:
        user_id = writer.next_id("users")
        writer.add(
            "users",
            {
                "id": user_id,
                "phone": account["phone"],
                "display_name": account["display_name"],
                "password_hash": hash_password(account["password"]),
                "locale": "zh-CN",
                "active": True,
                "created_at": DEMO_CREATED_AT,
                "last_sign_in_at": None,
            },
        )
        for ref in SCOPE_REFS[account["phone"]]:
            row = dict.fromkeys(("org_unit_id", "compound_id", "company_id", "household_id"))
            row[SCOPE_COLUMNS[ROLE_SCOPES[account["role"]]]] = refs[ref]
            row.update(
                id=writer.next_id("role_assignments"),
                user_id=user_id,
                role=account["role"],
                granted_by_id=None,
                granted_at=DEMO_CREATED_AT,
            )
            writer.add("role_assignments", row)
