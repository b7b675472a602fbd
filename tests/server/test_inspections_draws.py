"""Random spot checks (随机抽查): reproducible draws (same seed and population, same picks),
a complete record that can be verified, uniform over the population, and one random
inspection per compound drawn, within the admin's subtree only."""

import hashlib
from datetime import UTC, datetime

import pytest

from server.core import clock
from server.extensions import db
from server.inspections import draws
from server.inspections.models import Inspection
from tests.server.inspections_support import (
    DIHAO_ADMIN,
    HEXI_ADMIN,
    ROOT_ADMIN,
    signed_in,
)
from tests.server.tasks_support import pull_all

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
# χ² critical value for 19 degrees of freedom at p = 0.001.
CHI2_19_P001 = 43.82


def test_the_same_seed_and_population_give_the_same_draw():
    population = list(range(1, 51))
    assert draws.draw("街道抽查-2026-11", population, 5) == draws.draw(
        "街道抽查-2026-11", list(reversed(population)), 5
    )
    assert draws.draw("seed-a", population, 5) != draws.draw("seed-b", population, 5)
    assert len(set(draws.draw("seed-a", population, 50))) == 50  # k = N: everyone, each once


def test_the_method_is_sha256_ranking_that_anyone_can_redo():
    population = [7, 11, 12, 40]
    keys = {c: hashlib.sha256(f"public-seed:{c}".encode()).hexdigest() for c in population}
    assert draws.draw("public-seed", population, 2) == sorted(population, key=keys.get)[:2]


def test_draws_are_uniform_over_the_population():
    """Over 4,000 fixed seeds, each of 20 compounds is drawn in k = 3 about equally often
    (χ² goodness of fit, deterministic: the seeds are fixed) and is first equally often."""
    population = list(range(101, 121))
    picks = {c: 0 for c in population}
    firsts = {c: 0 for c in population}
    runs = 4000
    for n in range(runs):
        drawn = draws.draw(f"fixed-{n}", population, 3)
        firsts[drawn[0]] += 1
        for c in drawn:
            picks[c] += 1
    for counts, expected in ((picks, runs * 3 / 20), (firsts, runs / 20)):
        chi2 = sum((observed - expected) ** 2 / expected for observed in counts.values())
        assert chi2 < CHI2_19_P001, (chi2, counts)


@pytest.fixture
def root(app, iw):
    return signed_in(app, ROOT_ADMIN)


def draw(admin, at=NOW, **body):
    with clock.at(at):
        return admin.send("POST", "/api/spot-checks", json=body)


def test_a_draw_is_recorded_completely_and_makes_one_random_inspection_per_pick(app, root, iw):
    response = draw(root, org_unit_id=iw.wenfeng, template_id=iw.template_id, k=2, seed="2026年11月抽查")
    assert response.status_code == 201, response.get_json()
    made = response.get_json()
    population = [iw.hexi_xiaoqu, iw.wenfeng_yuan, iw.qilidian_yuan]
    assert made["population"] == population and made["method"] == "sha256-rank/v1" and made["seed"] == "2026年11月抽查"
    assert made["picked"] == draws.draw("2026年11月抽查", population, 2)
    assert made["drawn_by_id"] == iw.root_admin and made["drawn_at"].startswith("2026-11-20T03:00")
    assert made["due_at"].startswith("2026-11-27T03:00") and made["filters"] == {"exclude_inspected_this_month": False}
    assert sorted(i["compound_id"] for i in made["inspections"]) == sorted(made["picked"])
    with app.app_context():
        rows = db.session.scalars(db.select(Inspection)).all()
        assert {(r.kind, r.draw_id, r.status, r.template_id) for r in rows} == {
            ("random", made["id"], "planned", iw.template_id)
        }
    again = root.send("GET", f"/api/spot-checks/{made['id']}").get_json()
    assert again == made
    verified = root.send("GET", f"/api/spot-checks/{made['id']}/verify").get_json()
    assert (
        verified["matches"] is True
        and verified["population_unchanged"] is True
        and verified["redrawn"] == made["picked"]
    )
    assert verified["keys"][0]["key"] == hashlib.sha256(f"2026年11月抽查:{made['picked'][0]}".encode()).hexdigest()
    listed = root.send("GET", "/api/spot-checks").get_json()
    assert [d["id"] for d in listed["items"]] == [made["id"]]


def test_the_inspections_of_a_draw_reach_the_stewards_through_sync(app, iw):
    admin = signed_in(app, DIHAO_ADMIN)
    made = draw(admin, org_unit_id=iw.dihao_community, template_id=iw.template_id, k=1).get_json()
    assert made["picked"] == [iw.dihao] and len(made["seed"]) == 32  # generated: secrets.token_hex(16)
    steward = signed_in(app, "13800000020")
    pulled = [c for c in pull_all(steward) if c["entity"] == "inspection"]
    assert [c["data"]["draw_id"] for c in pulled] == [made["id"]]
    assert pulled[0]["data"]["steward_id"] == iw.dihao_steward and pulled[0]["data"]["kind"] == "random"


def test_a_tampered_record_fails_verification(app, root, iw):
    made = draw(root, org_unit_id=iw.city, template_id=iw.template_id, k=2, seed="s").get_json()
    with app.app_context():
        row = db.session.get(draws.SpotCheckDraw, made["id"])
        row.picked = list(reversed(row.picked))
        db.session.commit()
    assert root.send("GET", f"/api/spot-checks/{made['id']}/verify").get_json()["matches"] is False


def test_filters_narrow_the_population_and_are_recorded(app, root, iw):
    by_company = draw(
        root, org_unit_id=iw.city, template_id=iw.template_id, k=1, seed="x", company_id=iw.wanjia
    ).get_json()
    assert (
        by_company["population"] == [iw.hexi_xiaoqu, iw.wenfeng_yuan]
        and by_company["filters"]["company_id"] == iw.wanjia
    )
    with app.app_context():
        inspected = db.session.scalar(db.select(Inspection).where(Inspection.compound_id == by_company["picked"][0]))
        inspected.status, inspected.submitted_at, inspected.score = "submitted", NOW, 90.0
        db.session.commit()
    fresh = draw(
        root,
        org_unit_id=iw.city,
        template_id=iw.template_id,
        k=1,
        seed="x",
        company_id=iw.wanjia,
        exclude_inspected_this_month=True,
    ).get_json()
    assert fresh["population"] == sorted({iw.hexi_xiaoqu, iw.wenfeng_yuan} - set(by_company["picked"]))
    verified = root.send("GET", f"/api/spot-checks/{fresh['id']}/verify").get_json()
    assert verified["matches"] and verified["population_unchanged"]


def test_bad_draws_are_refused_with_field_messages(app, root, iw):
    too_many = draw(root, org_unit_id=iw.wenfeng, template_id=iw.template_id, k=4)
    assert too_many.status_code == 422 and "k" in too_many.get_json()["error"]["fields"]
    assert draw(root, org_unit_id=iw.wenfeng, template_id=iw.template_id, k=0).status_code == 422
    assert draw(root, org_unit_id=iw.wenfeng, template_id=999, k=1).status_code == 422
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(draws.SpotCheckDraw)) == 0


def test_draws_stay_inside_the_admins_subtree(app, root, iw):
    hexi_admin = signed_in(app, HEXI_ADMIN)
    assert draw(hexi_admin, org_unit_id=iw.dihao_community, template_id=iw.template_id, k=1).status_code == 404
    own = draw(hexi_admin, org_unit_id=iw.hexi, template_id=iw.template_id, k=2).get_json()
    assert sorted(own["population"]) == [iw.hexi_xiaoqu, iw.wenfeng_yuan]
    others = draw(root, org_unit_id=iw.dihao_community, template_id=iw.template_id, k=1).get_json()
    assert hexi_admin.send("GET", f"/api/spot-checks/{others['id']}").status_code == 404
    assert hexi_admin.send("GET", f"/api/spot-checks/{others['id']}/verify").status_code == 404
    assert [d["id"] for d in hexi_admin.send("GET", "/api/spot-checks").get_json()["items"]] == [own["id"]]
    assert root.send("GET", f"/api/spot-checks?org_unit_id={iw.dihao_community}").get_json()["total"] == 1
    assert hexi_admin.send("GET", f"/api/spot-checks?org_unit_id={iw.dihao_community}").status_code == 404
    steward = signed_in(app, "13800000005")
    assert draw(steward, org_unit_id=iw.hexi, template_id=iw.template_id, k=1).status_code == 403


def test_the_population_a_draw_would_choose_from_is_counted_before_drawing(app, root, iw):
    def size(admin, **args):
        query = "&".join(f"{k}={v}" for k, v in args.items())
        with clock.at(NOW):
            return admin.send("GET", f"/api/spot-checks/population?{query}")

    assert size(root, org_unit_id=iw.wenfeng).get_json() == {"org_unit_id": iw.wenfeng, "size": 3}
    assert size(root, org_unit_id=iw.city, company_id=iw.wanjia).get_json()["size"] == 2
    # The count is the population the draw then records.
    made = draw(root, org_unit_id=iw.city, template_id=iw.template_id, k=1, seed="x", company_id=iw.wanjia).get_json()
    assert len(made["population"]) == 2
    with app.app_context():
        inspected = db.session.scalar(db.select(Inspection).where(Inspection.compound_id == made["picked"][0]))
        inspected.status, inspected.submitted_at = "submitted", NOW
        db.session.commit()
    fresh = size(root, org_unit_id=iw.city, company_id=iw.wanjia, exclude_inspected_this_month="true")
    assert fresh.get_json()["size"] == 1
    # Outside the admin's jurisdiction: not found; not an admin: refused; no unit: per field.
    assert size(signed_in(app, HEXI_ADMIN), org_unit_id=iw.dihao_community).status_code == 404
    assert size(signed_in(app, "13800000020"), org_unit_id=iw.dihao_community).status_code == 403
    missing = size(root)
    assert missing.status_code == 422 and "org_unit_id" in missing.get_json()["error"]["fields"]
