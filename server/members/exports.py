"""报到管理 as a workbook (PROTOCOL.md §24.1): the units and the members of a community as its
admin's screen lists them (service.community_overview: the same scope, the same rows), one sheet
each, with the members' phones — audited (members.overview_export)."""

from server.audit.service import record as audit
from server.core import clock, xlsx
from server.extensions import db
from server.i18n import _
from server.members import service

UNIT_COLUMNS = ("name", "kind", "party_org", "contact_name", "contact_phone", "grids", "member_count", "created_at")
MEMBER_COLUMNS = ("display_name", "unit_name", "unit_role", "branch", "phone", "skills", "availability", "created_at")


def _words(prefix: str, codes) -> str:
    return "、".join(_(f"{prefix}.{code}") for code in codes or ())


def overview_xlsx(user, community_id: int):
    """GET /api/members/communities/<id>/export.xlsx: sheets 报到单位 and 报到党员."""
    data = service.community_overview(user, community_id)
    units = [
        {
            **u,
            "kind": _(f"members.unit_kind.{u['kind']}") if u.get("kind") else None,
            "grids": "、".join(g["name"] for g in u["grids"]),
        }
        for u in data["units"]
    ]
    members = [
        {
            **m,
            "unit_name": m["unit_name"] or _("members.export.no_unit"),
            "unit_role": _(f"members.unit_role.{m['unit_role']}") if m.get("unit_role") else None,
            "skills": "、".join(filter(None, [_words("vocab.skill", m["skills"]), m.get("skills_note")])),
            "availability": _words("vocab.slot", m["availability"]),
        }
        for m in data["members"]
    ]
    workbook = xlsx.new_workbook()
    taken: set[str] = set()
    for title, columns, rows in (
        (_("members.export.units"), UNIT_COLUMNS, units),
        (_("members.export.members"), MEMBER_COLUMNS, members),
    ):
        headers = [(key, _(f"members.export.col.{key}")) for key in columns]
        xlsx.sheet(workbook, xlsx.sheet_title(title, taken), headers, xlsx.rows_local(rows), width=16)
    facts = [
        {"what": _("members.export.community"), "value": data["community"]["name"]},
        {"what": _("export.exported_at"), "value": xlsx.local(clock.utcnow())},
    ]
    xlsx.sheet(
        workbook, xlsx.sheet_title(_("export.filters"), taken), (("what", _("export.filter")), ("value", "")), facts, 24
    )
    audit("members.overview_export", actor=user, community_id=community_id)
    db.session.commit()
    return xlsx.download(workbook, _("members.export.filename", community=data["community"]["name"]))
