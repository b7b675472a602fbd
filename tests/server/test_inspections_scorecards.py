"""Monthly scorecards: the documented score, penalties and star thresholds (table-driven), months
in Xuchang time, company means, ranks within street and district, the 12-month trend, and who
sees what (a resident only their own compound; staff only their company)."""

from datetime import UTC, datetime

import pytest

from server.extensions import db
from server.inspections import scorecards
from server.inspections.models import Inspection
from tests.server.inspections_support import (
    DIHAO_RESIDENT,
    HEXI_ADMIN,
    HEXI_STEWARD,
    NOVEMBER,
    ROOT_ADMIN,
    WANJIA_STAFF,
    YUANHANG_STAFF,
    get,
    inspection,
    signed_in,
)


@pytest.mark.parametrize(
    ("score", "stars"),
    [(100, 5), (90, 5), (89.9, 4), (80, 4), (79.9, 3), (70, 3), (69.9, 2), (60, 2), (59.9, 1), (0, 1), (None, None)],
)
def test_star_thresholds(score, stars):
    assert scorecards.stars(score) == stars


@pytest.mark.parametrize(
    ("mean", "overdue", "reopenings", "score"),
    [
        (80.0, 0, 0, 80.0),
        (80.0, 1, 0, 78.0),  # 2 points per order that went overdue
        (80.0, 0, 1, 79.0),  # 1 point per reopening
        (80.0, 2, 3, 73.0),
        (3.0, 2, 0, 0.0),  # floored at 0
        (86.66666, 0, 0, 86.7),  # rounded to 0.1
        (None, 3, 3, None),  # no inspection, no score
    ],
)
def test_penalties(mean, overdue, reopenings, score):
    assert scorecards.compound_score(mean, overdue, reopenings) == score


def by_name(rows):
    return {row["name"]: row for row in rows}


def test_the_admins_scorecard_has_scores_penalties_stars_and_ranks(app, scored):
    root = signed_in(app, ROOT_ADMIN)
    card = get(root, "/api/scorecards?month=2026-11").get_json()
    assert card["month"] == "2026-11" and card["org_unit"]["id"] == scored.city
    rows = by_name(card["compounds"])
    hexi = rows["河西小区"]
    assert (hexi["inspections"], hexi["mean"], hexi["overdue"], hexi["reopenings"], hexi["score"], hexi["stars"]) == (
        2,
        80.0,
        1,
        1,
        77.0,
        3,
    )
    assert hexi["open_orders"] == 2 and hexi["street_name"] == "文峰街道" and hexi["district_name"] == "魏都区"
    assert (rows["文峰苑"]["score"], rows["文峰苑"]["stars"]) == (95.0, 5)
    assert (rows["帝豪花园"]["score"], rows["帝豪花园"]["stars"]) == (75.0, 3)  # 60 of 80 points
    assert (
        rows["七里店家属院"]["score"] is None
        and rows["七里店家属院"]["stars"] is None
        and rows["七里店家属院"]["rank_in_street"] is None
    )
    assert (rows["文峰苑"]["rank_in_street"], hexi["rank_in_street"], hexi["rank_in_district"]) == (1, 2, 2)
    assert (rows["帝豪花园"]["rank_in_street"], rows["帝豪花园"]["rank_in_district"]) == (1, 1)
    companies = by_name(card["companies"])
    wanjia = companies["许昌万家物业服务有限公司"]
    assert (
        wanjia["score"],
        wanjia["stars"],
        wanjia["compounds"],
        wanjia["compounds_scored"],
        wanjia["open_orders"],
    ) == (86.0, 4, 2, 2, 2)
    assert companies["远航物业服务有限公司"]["score"] == 75.0


def test_months_are_months_in_xuchang(app, scored):
    with app.app_context():
        # 30 November 16:30 UTC is 1 December 00:30 in Xuchang.
        inspection(scored.qilidian_yuan, scored.template_id, 88.0, datetime(2026, 11, 30, 16, 30, tzinfo=UTC))
        db.session.commit()
    root = signed_in(app, ROOT_ADMIN)
    assert by_name(get(root, "/api/scorecards?month=2026-11").get_json()["compounds"])["七里店家属院"]["score"] is None
    assert by_name(get(root, "/api/scorecards?month=2026-12").get_json()["compounds"])["七里店家属院"]["score"] == 88.0


def test_a_community_admin_sees_their_subtree_ranked_within_the_whole_street(app, scored):
    admin = signed_in(app, HEXI_ADMIN)
    card = get(admin, "/api/scorecards").get_json()  # default: this month, own unit
    assert card["month"] == "2026-11" and card["org_unit"]["id"] == scored.hexi
    assert sorted(by_name(card["compounds"])) == ["文峰苑", "河西小区"]
    assert get(admin, f"/api/scorecards?org_unit_id={scored.dihao_community}").status_code == 404
    assert get(admin, "/api/scorecards?month=2026-13").status_code == 422


def test_a_compound_card_has_a_twelve_month_trend(app, scored):
    root = signed_in(app, ROOT_ADMIN)
    card = get(root, f"/api/scorecards/compounds/{scored.hexi_xiaoqu}?month=2026-11").get_json()
    assert card["score"] == 77.0 and card["rank_in_street"] == 2
    trend = card["trend"]
    assert [p["month"] for p in trend][0] == "2025-12" and trend[-1]["month"] == "2026-11" and len(trend) == 12
    assert (trend[-2]["score"], trend[-2]["stars"], trend[-2]["inspections"]) == (50.0, 1, 1)
    assert trend[-1]["score"] == 77.0 and trend[0]["score"] is None


def test_a_company_card_for_its_staff_and_not_for_another_company(app, scored):
    staff = signed_in(app, WANJIA_STAFF)
    card = get(staff, f"/api/scorecards/companies/{scored.wanjia}").get_json()
    assert (card["score"], card["stars"], len(card["compounds"])) == (86.0, 4, 2)
    assert card["trend"][-2] == {"month": "2026-10", "score": 50.0, "stars": 1}
    assert get(staff, f"/api/scorecards/companies/{scored.yuanhang}").status_code == 404
    mine = get(staff, "/api/scorecards/mine").get_json()
    assert [c["name"] for c in mine["companies"]] == ["许昌万家物业服务有限公司"] and mine["compounds"] == []
    assert get(staff, "/api/scorecards").status_code == 403


def test_a_resident_sees_only_their_own_compound(app, scored):
    resident = signed_in(app, DIHAO_RESIDENT)
    mine = get(resident, "/api/scorecards/mine").get_json()
    assert mine["month"] == "2026-11" and mine["companies"] == []
    (card,) = mine["compounds"]
    orders, trend = card.pop("orders"), card.pop("trend")
    assert card == {
        "id": scored.dihao,
        "name": "帝豪花园",
        "company_id": scored.yuanhang,
        "company_name": "远航物业服务有限公司",
        "score": 75.0,
        "stars": 3,
        "inspections": 1,
        "mean": 75.0,
        "overdue": 0,
        "reopenings": 0,
        "deductions": 0.0,
        "open_orders": 1,
        "overdue_orders": 1,  # past its deadline on the 17th, counted in no score yet
    }
    assert [(o["item_text"], o["status"], o["overdue"], o["month"]) for o in orders] == [
        ("公共区域干净整洁", "open", True, "2026-11")
    ]
    assert [p["month"] for p in trend] == ["2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"]
    assert trend[-1]["score"] == 75.0 and trend[0]["score"] is None
    assert get(resident, f"/api/scorecards/compounds/{scored.dihao}").status_code == 200
    assert get(resident, f"/api/scorecards/compounds/{scored.hexi_xiaoqu}").status_code == 404
    assert get(resident, f"/api/scorecards/companies/{scored.wanjia}").status_code == 404
    assert get(resident, "/api/scorecards").status_code == 403
    assert get(resident, "/api/scorecards/export.xlsx").status_code == 403


def test_a_steward_sees_their_compounds(app, scored):
    steward = signed_in(app, HEXI_STEWARD)
    (card,) = get(steward, "/api/scorecards/mine").get_json()["compounds"]
    assert card["name"] == "河西小区"
    # 77 = the mean 80 less 2 for the month's order that went overdue and 1 for a reopening
    assert (card["score"], card["mean"], card["overdue"], card["reopenings"], card["deductions"]) == (
        77.0,
        80.0,
        1,
        1,
        3.0,
    )
    # overdue first; the one waiting for re-inspection is not overdue
    assert [(o["status"], o["overdue"], o["escalation_level"]) for o in card["orders"]] == [
        ("open", True, 1),
        ("responded", False, 0),
    ]
    assert card["open_orders"] == 2 and card["overdue_orders"] == 1
    assert card["trend"][-2] == {"month": "2026-10", "score": 50.0, "stars": 1, "inspections": 1}
    staff = signed_in(app, YUANHANG_STAFF)
    assert [c["open_orders"] for c in get(staff, "/api/scorecards/mine").get_json()["companies"]] == [1]


def test_a_deleted_or_unsubmitted_inspection_does_not_count(app, scored):
    with app.app_context():
        gone = inspection(scored.qilidian_yuan, scored.template_id, 99.0, NOVEMBER)
        planned = inspection(scored.qilidian_yuan, scored.template_id, None, NOVEMBER)
        db.session.flush()
        db.session.get(Inspection, gone).deleted = True
        db.session.get(Inspection, planned).status = "planned"
        db.session.commit()
        rows = by_name(scorecards.compound_rows("2026-11"))
    assert rows["七里店家属院"]["score"] is None
