"""Drill-down from a dashboard (PROTOCOL.md §26.1): every figure's link, opened as the PWA's list
screen opens it (its address's filters turned into the list API's query), lists exactly as many
records as the figure counted — per child unit and in total, on a street's and a community's
dashboard; and a filter never reaches outside the caller's jurisdiction."""

from urllib.parse import parse_qsl

import pytest

from server.core import clock
from tests.server.tasks_support import HEXI_ADMIN, signed_in
from tests.server.test_dashboard import NOW, STREET_ADMIN, _get, _sections, records  # noqa: F401 (the fixture)

# The list screen's API and how each of its address's filters becomes a query argument (the screens:
# pwa/js/ui/admin-tasks.js, admin-reports.js, admin-needs.js).
LISTS = {
    "#/admin/tasks": (
        "/api/tasks",
        {"grid": "grid_id", "unit": "org_unit_id", "status": "status", "open": "open", "overdue": "overdue",
         "created": "created_in", "finished": "finished_in"},
    ),
    "#/admin/reports": (
        "/api/field-reports",
        {"grid": "grid_id", "unit": "org_unit_id", "status": "status", "period": "period"},
    ),
    "#/admin/needs": ("/api/needs", {"grid": "unit", "unit": "unit", "period": "period"}),
}  # fmt: skip
COUNTED = {"tasks": None, "reports": None, "needs": ("count",)}  # the figures that count records (not rates)


def _listed(auth, link: str) -> int:
    screen, _sep, query = link.partition("?")
    api, names = LISTS[screen]
    args = {
        names[key]: ("true" if value == "1" and key in ("open", "overdue") else value)
        for key, value in parse_qsl(query)
    }
    with clock.at(NOW):
        response = auth.send("GET", api, query_string={**args, "per_page": 1})
    assert response.status_code == 200, (link, response.get_json())
    return response.get_json()["total"]


@pytest.mark.parametrize(
    ("phone", "unit", "period"), [(STREET_ADMIN, "wenfeng", "2026-11"), (HEXI_ADMIN, "hexi", "30d")]
)
def test_every_figure_that_counts_records_links_to_a_list_of_as_many(app, records, phone, unit, period):  # noqa: F811
    w, _kept = records
    auth = signed_in(app, phone)
    body = _get(auth, getattr(w, unit), period).get_json()
    checked = 0
    for key, figures in COUNTED.items():
        section = _sections(body)[key]
        for figure in figures or section["figures"]:
            places = [("total", section["total"], section["links"]["total"])] + [
                (child, section["units"][child], section["links"]["units"][child]) for child in section["units"]
            ]
            for place, counts, links in places:
                assert _listed(auth, links[figure]) == counts[figure], (key, figure, place, links[figure])
                checked += counts[figure] > 0
    assert checked > 20  # most links lead to some records: the comparison means something


def test_a_figure_of_the_whole_unit_links_to_the_unit_not_the_jurisdiction(app, records):  # noqa: F811
    w, _kept = records
    body = _get(signed_in(app, STREET_ADMIN), w.hexi, "30d").get_json()
    links = {s["key"]: s["links"]["total"] for s in body["sections"] if "links" in s}
    assert links["tasks"]["open"] == f"#/admin/tasks?unit={w.hexi}&open=1"
    assert links["reports"]["new"] == f"#/admin/reports?unit={w.hexi}&period=30d&status=new"
    assert links["needs"]["count"] == f"#/admin/needs?unit={w.hexi}&period=30d"
    grid = _sections(body)["needs"]["links"]["units"][str(w.g1)]["count"]
    assert grid == f"#/admin/needs?grid={w.g1}&period=30d"


def test_a_filter_does_not_reach_another_community(app, records):  # noqa: F811
    """河西's admin asking for 七里店's records by a filter: 404 for a unit, nothing for a grid."""
    w, kept = records
    hexi = signed_in(app, HEXI_ADMIN)
    with clock.at(NOW):
        for api, args in (
            ("/api/needs", {"unit": w.qilidian}),
            ("/api/needs", {"unit": w.g3}),
            ("/api/field-reports", {"org_unit_id": w.qilidian, "status": "all"}),
            ("/api/tasks", {"org_unit_id": w.qilidian}),
        ):
            response = hexi.send("GET", api, query_string=args)
            assert response.status_code == 404, (api, args)
        assert (
            hexi.send("GET", "/api/field-reports", query_string={"grid_id": w.g3, "status": "all"}).get_json()["total"]
            == 0
        )
        assert hexi.send("GET", "/api/tasks", query_string={"grid_id": w.g3}).get_json()["total"] == 0
        assert any(r[0] == w.g3 for r in kept["reports"]) and any(t[0] == w.g3 for t in kept["tasks"])
        mine = hexi.send("GET", "/api/needs", query_string={"per_page": 200}).get_json()
    assert mine["total"] == sum(n.community_id == w.hexi for n in kept["needs"])
    assert {n["community_id"] for n in mine["items"]} == {w.hexi}


@pytest.mark.parametrize("api", ["/api/needs", "/api/field-reports", "/api/tasks"])
def test_a_bad_period_on_a_list_is_422(app, records, api):  # noqa: F811
    name = "created_in" if api == "/api/tasks" else "period"
    response = signed_in(app, HEXI_ADMIN).send("GET", api, query_string={name: "2026-13"})
    assert response.status_code == 422
    assert name in response.get_json()["error"]["fields"]


def test_the_needs_list_is_for_admins(app, records):  # noqa: F811
    response = signed_in(app, "13800000007").send("GET", "/api/needs")
    assert response.status_code == 403
