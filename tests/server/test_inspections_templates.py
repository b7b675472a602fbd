"""Checklist templates over HTTP: versions (a published one is frozen; editing makes the next,
and inspections keep theirs), validation with a message per field, who may manage and read."""

import copy

import pytest

from tests.server.inspections_support import (
    DIHAO_STEWARD,
    HEXI_ADMIN,
    ROOT_ADMIN,
    TEMPLATE,
    YUANHANG_STAFF,
    all_pass,
    signed_in,
    start,
    submit,
)


@pytest.fixture
def root(app, iw):
    return signed_in(app, ROOT_ADMIN)


def _new(admin, **changes):
    body = {**copy.deepcopy(TEMPLATE), "code": "property-v", **changes}
    return admin.send("POST", "/api/inspection-templates", json=body)


def test_a_draft_is_edited_in_place_and_a_published_version_makes_the_next(root):
    draft = _new(root).get_json()
    assert draft["version"] == 1 and draft["status"] == "draft" and draft["item_count"] == 4
    edited = root.send(
        "PATCH", f"/api/inspection-templates/{draft['id']}", json={"name": "物业服务检查（修订）"}
    ).get_json()
    assert edited["id"] == draft["id"] and edited["name"] == "物业服务检查（修订）"
    published = root.send("POST", f"/api/inspection-templates/{draft['id']}/publish").get_json()
    assert published["status"] == "published" and published["published_at"]
    next_version = root.send("PATCH", f"/api/inspection-templates/{draft['id']}", json={"name": "第二版"}).get_json()
    assert (
        next_version["id"] != draft["id"]
        and next_version["version"] == 2
        and next_version["status"] == "draft"
        and next_version["code"] == "property-v"
    )
    assert root.send("GET", f"/api/inspection-templates/{draft['id']}").get_json()["name"] == "物业服务检查（修订）"
    root.send("POST", f"/api/inspection-templates/{next_version['id']}/publish")
    versions = root.send("GET", "/api/inspection-templates?code=property-v").get_json()
    assert [(t["version"], t["status"]) for t in versions] == [(2, "published"), (1, "retired")]
    assert root.send("POST", f"/api/inspection-templates/{draft['id']}/publish").status_code == 422


def test_editing_a_template_does_not_change_past_inspections(app, root, iw):
    steward = signed_in(app, DIHAO_STEWARD)
    done = submit(steward, start(steward, iw.dihao, iw.template_id), answers=all_pass())
    changed = copy.deepcopy(TEMPLATE["categories"])
    changed[0]["items"][0]["text"] = "公共区域无垃圾、无积水"
    new = root.send("PATCH", f"/api/inspection-templates/{iw.template_id}", json={"categories": changed}).get_json()
    assert new["id"] != iw.template_id
    report = root.send("GET", f"/api/inspections/{done['record_id']}/report").get_json()
    assert report["template"]["id"] == iw.template_id and report["template"]["version"] == 1
    assert report["categories"][0]["items"][0]["text"] == "公共区域干净整洁"
    assert report["summary"]["score"] == 100.0


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"max_score": 90}, "max_score", "各项分值之和为 100，应等于满分 90。"),
        (
            {
                "categories": [
                    {
                        "code": "a",
                        "name": "甲",
                        "items": [
                            {"code": "x", "text": "一", "weight": 50, "severity": "minor"},
                            {"code": "x", "text": "二", "weight": 50, "severity": "minor"},
                        ],
                    }
                ]
            },
            "categories.0.items.1.code",
            "检查项编号“x”重复。",
        ),
        (
            {
                "categories": [
                    {
                        "code": "a",
                        "name": "甲",
                        "items": [{"code": "x", "text": "一", "weight": 0, "severity": "minor"}],
                    }
                ],
                "max_score": 0.5,
            },
            "categories.0.items.0.weight",
            "分值必须大于 0。",
        ),
        (
            {
                "categories": [
                    {
                        "code": "a",
                        "name": "甲",
                        "items": [{"code": "x", "text": "一", "weight": 100, "severity": "urgent"}],
                    }
                ]
            },
            "categories.0.items.0.severity",
            None,
        ),
        ({"severity_deadlines": {"critical": 0, "major": 72, "minor": 168}}, "severity_deadlines.critical", None),
    ],
)
def test_a_bad_template_is_refused_with_a_message_on_the_field(root, change, field, message):
    response = _new(root, **change)
    assert response.status_code == 422, response.get_json()
    fields = response.get_json()["error"]["fields"]
    flat = _flatten(fields)
    assert field in flat, fields
    if message:
        assert flat[field] == [message]


def _flatten(fields, prefix="") -> dict:
    """webargs nests messages ({"categories": {"0": {"items": …}}}); the rules give dotted paths."""
    out = {}
    for key, value in fields.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, name + "."))
        else:
            out[name] = value
    return out


def test_only_admins_manage_templates_and_others_read_published_ones(app, root, iw):
    staff = signed_in(app, YUANHANG_STAFF)
    assert _new(staff).status_code == 403
    draft = _new(root, code="draft-only").get_json()
    listed = {t["id"] for t in staff.send("GET", "/api/inspection-templates").get_json()}
    assert iw.template_id in listed and draft["id"] not in listed
    assert staff.send("GET", f"/api/inspection-templates/{draft['id']}").status_code == 404
    hexi = signed_in(app, HEXI_ADMIN)
    response = _new(hexi, code="city-wide")
    assert (
        response.status_code == 403
        and response.get_json()["error"]["message"] == "只有市级管理员可以设置全市通用的检查表。"
    )
    assert _new(hexi, code="hexi-own", org_unit_id=iw.hexi).status_code == 201
    assert _new(hexi, code="dihao-not-mine", org_unit_id=iw.dihao_community).status_code == 404


def test_a_template_is_revalidated_by_its_etag(app, iw):
    steward = signed_in(app, DIHAO_STEWARD)
    first = steward.send("GET", f"/api/inspection-templates/{iw.template_id}")
    assert first.status_code == 200 and first.headers["ETag"].startswith('W/"')
    again = steward.send(
        "GET", f"/api/inspection-templates/{iw.template_id}", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304


def test_editing_a_published_version_again_goes_to_the_same_next_draft(root, iw):
    first = root.send("PATCH", f"/api/inspection-templates/{iw.template_id}", json={"name": "第二版"}).get_json()
    second = root.send(
        "PATCH", f"/api/inspection-templates/{iw.template_id}", json={"description": "补充说明"}
    ).get_json()
    assert first["id"] == second["id"] and second["version"] == 2
    assert second["name"] == "第二版" and second["description"] == "补充说明"


def test_a_retired_version_cannot_change(root, iw):
    assert root.send("POST", f"/api/inspection-templates/{iw.template_id}/retire").get_json()["status"] == "retired"
    response = root.send("PATCH", f"/api/inspection-templates/{iw.template_id}", json={"name": "改"})
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "template_frozen"
