"""The figures of 接诉即办 (PROTOCOL.md §16.3): 响应率, 解决率 and 满意率 of one need, table-driven,
then summed per grid and community for an admin's jurisdiction, and who may ask."""

import io
import uuid
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from server.core import clock
from server.extensions import db
from server.tasks.need_models import Need
from server.tasks.need_stats import figures_of
from tests.server.tasks_support import HEXI_ADMIN, ROOT_ADMIN, WORKER_A, signed_in

T0 = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)  # received at; due a response by T0+2h, a resolution by T0+72h
NOW = T0 + timedelta(days=10)


def _h(hours):
    return T0 + timedelta(hours=hours)


def need(status="received", accepted=None, resolved=None, rating=None, escalated=False, grid=None, community=None):
    return SimpleNamespace(
        status=status,
        respond_by=_h(2),
        resolve_by=_h(72),
        accepted_at=None if accepted is None else _h(accepted),
        resolved_at=None if resolved is None else _h(resolved),
        rating=rating,
        escalated=escalated,
        grid_id=grid,
        community_id=community,
    )


# (case, the need, (response_due, responded_on_time, resolution_due, resolved_on_time, rated, satisfied))
CASES = [
    ("never answered, both deadlines past", need(), (1, 0, 1, 0, 0, 0)),
    ("answered in time, resolved in time, happy", need("resolved", 1, 30, 5), (1, 1, 1, 1, 1, 1)),
    ("answered late, resolved in time, rated 4", need("resolved", 3, 60, 4), (1, 0, 1, 1, 1, 1)),
    ("answered in time, resolved late, rated 3", need("resolved", 1, 80, 3), (1, 1, 1, 0, 1, 0)),
    ("reopened by a rating of 2", need("in_progress", 1, 30, 2, True), (1, 1, 1, 0, 1, 0)),
    ("referred away in time: no resolution due", need("referred", 1), (1, 1, 0, 0, 0, 0)),
    ("accepted, still open past its resolution", need("accepted", 2), (1, 1, 1, 0, 0, 0)),
]


@pytest.mark.parametrize(("case", "row", "expected"), CASES, ids=[c[0] for c in CASES])
def test_what_one_need_counts_for(case, row, expected):
    got = figures_of(row, NOW)
    keys = ("response_due", "responded_on_time", "resolution_due", "resolved_on_time", "rated", "satisfied")
    assert tuple(got[k] for k in keys) == expected, case


def test_nothing_is_due_before_its_deadline():
    early = figures_of(need(), _h(1))
    assert (early["response_due"], early["resolution_due"]) == (0, 0)
    answered = figures_of(need("accepted", 0.5), _h(1))  # answered early: counts at once
    assert (answered["response_due"], answered["responded_on_time"], answered["resolution_due"]) == (1, 1, 0)


@pytest.fixture
def stored(app, world):
    """Needs of 河西 (G1: four, G2: one, no grid: one) and 七里店 (G3: one), as the rules store them."""
    rows = [
        (world.g1, world.hexi, world.hh_hexi1[0], need("resolved", 1, 30, 5)),
        (world.g1, world.hexi, world.hh_hexi1[0], need("resolved", 3, 80, 2, True)),
        (world.g1, world.hexi, world.hh_hexi1[1], need("referred", 1)),
        (world.g1, world.hexi, world.hh_hexi1[1], need()),
        (world.g2, world.hexi, world.hh_wenfeng1[0], need("resolved", 1, 10, 4)),
        (None, world.hexi, world.hh_wenfeng2[0], need("accepted", 1)),
        (world.g3, world.qilidian, world.hh_qili1[0], need("resolved", 1, 5, 1)),
    ]
    with app.app_context():
        for grid, community, household, n in rows:
            db.session.add(
                Need(
                    id=str(uuid.uuid4()),
                    user_id=world.resident,
                    household_id=household,
                    category="repair",
                    text="x",
                    status=n.status,
                    grid_id=grid,
                    community_id=community,
                    respond_by=n.respond_by,
                    resolve_by=n.resolve_by,
                    accepted_at=n.accepted_at,
                    resolved_at=n.resolved_at,
                    rating=n.rating,
                    escalated=n.escalated,
                    created_at=T0,
                    version=1,
                    field_versions={},
                    field_writers={},
                )
            )
        db.session.commit()
    return world


def _stats(auth, **query):
    return auth.send("GET", "/api/needs/stats", query_string={"from": "2026-11-01T00:00:00Z", **query})


def test_figures_per_grid_and_community_of_the_jurisdiction(app, stored):
    admin = signed_in(app, HEXI_ADMIN)
    with clock.at(NOW):
        response = _stats(admin, to="2026-11-30T00:00:00Z")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    grids = {row["grid_id"]: row for row in body["grids"]}
    assert set(grids) == {stored.g1, stored.g2, None}  # 七里店 is not this admin's
    g1 = grids[stored.g1]
    assert (g1["count"], g1["response_due"], g1["responded_on_time"]) == (4, 4, 2)
    assert (g1["resolution_due"], g1["resolved_on_time"], g1["rated"], g1["satisfied"]) == (3, 1, 2, 1)
    assert (g1["response_rate"], g1["resolution_rate"], g1["satisfaction_rate"]) == (0.5, 0.3333, 0.5)
    assert g1["escalated"] == 1 and g1["grid_name"] == "河西社区第一网格"
    (hexi,) = body["communities"]
    assert hexi["community_name"] == "河西社区" and hexi["count"] == 6
    assert (hexi["response_rate"], hexi["resolution_rate"], hexi["satisfaction_rate"]) == (0.6667, 0.4, 0.6667)
    assert body["total"]["count"] == 6

    root = signed_in(app, ROOT_ADMIN)
    with clock.at(NOW):
        city = _stats(root, to="2026-11-30T00:00:00Z").get_json()
        grid_only = _stats(root, to="2026-11-30T00:00:00Z", unit=stored.g2).get_json()
        before = _stats(root, to="2026-11-02T00:00:00Z").get_json()
    assert [c["community_name"] for c in city["communities"]] == ["河西社区", "七里店社区"]
    assert city["total"]["count"] == 7 and city["total"]["satisfaction_rate"] == 0.5
    assert [g["grid_id"] for g in grid_only["grids"]] == [stored.g2] and grid_only["communities"][0]["count"] == 1
    assert before["total"]["count"] == 0 and before["total"]["response_rate"] is None


def test_who_may_ask_for_the_figures(app, stored):
    admin, worker = signed_in(app, HEXI_ADMIN), signed_in(app, WORKER_A)
    assert _stats(worker).status_code == 403
    outside = _stats(admin, unit=stored.qilidian)
    assert outside.status_code == 404 and "unit" in outside.get_json()["error"]["fields"]
    bad = _stats(admin, **{"from": "昨天", "unit": "x"})
    assert bad.status_code == 422
    errors = bad.get_json()["error"]["fields"]
    assert set(errors) >= {"from", "unit"} and all(errors.values())
    backwards = _stats(admin, to="2026-10-01T00:00:00Z")
    assert backwards.status_code == 422 and backwards.get_json()["error"]["fields"]["to"] == [
        "结束时间应晚于开始时间。"
    ]


def _export(auth, **query):
    return auth.send("GET", "/api/needs/export.xlsx", query_string=query)


def _sheet(response) -> list[tuple]:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    book = load_workbook(io.BytesIO(response.get_data()))
    return list(book.worksheets[0].iter_rows(values_only=True)), book


def test_the_needs_export_holds_the_jurisdictions_needs_for_the_filters(app, stored):
    """诉求 as a workbook (PROTOCOL.md §24.1): the open ones by default, all on asking, one unit's,
    never another jurisdiction's; labels in Chinese, the place spelled out, the filters on sheet 2."""
    admin = signed_in(app, HEXI_ADMIN)
    rows, book = _sheet(_export(admin))
    header, *body = rows
    assert header[:8] == ("编号", "接收时间", "类别", "诉求内容", "住户", "社区", "网格", "状态")
    # Open in 河西: G1's received one and the accepted one in no grid (七里店's is not this admin's).
    assert sorted(r[7] for r in body) == ["已受理", "已接收"]
    assert {r[5] for r in body} == {"河西社区"} and {r[2] for r in body} == {"设施维修"}
    assert sorted(r[4] for r in body) == ["文峰苑 2号楼 1单元 101", "河西小区 1号楼 1单元 102"]
    filters = dict(list(book.worksheets[1].iter_rows(values_only=True))[1:])
    assert filters["状态"] == "未办结" and filters["记录数"] == 2

    every, _book = _sheet(_export(admin, status="all"))
    assert len(every) - 1 == 6
    resolved, _book = _sheet(_export(admin, status="resolved", unit=stored.g1))
    assert [r[7] for r in resolved[1:]] == ["已办结", "已办结"] and {r[6] for r in resolved[1:]} == {"河西社区第一网格"}

    root = signed_in(app, ROOT_ADMIN)
    city, _book = _sheet(_export(root, status="all"))
    assert len(city) - 1 == 7


def test_the_needs_export_refuses_what_the_figures_refuse(app, stored):
    admin, worker = signed_in(app, HEXI_ADMIN), signed_in(app, WORKER_A)
    assert _export(worker).status_code == 403
    assert _export(admin, unit=stored.qilidian).status_code == 404
    bad = _export(admin, status="lost")
    assert bad.status_code == 422 and bad.get_json()["error"]["fields"]["status"]
