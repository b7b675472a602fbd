"""Audience resolution (server/notices/audience.py): each targeting mix reaches exactly its people,
nobody outside it; places outside the author's jurisdiction are refused per field."""

import pytest

from server.auth.models import User
from server.errors import Invalid
from server.extensions import db
from server.notices import audience
from server.notices.audience import Targeting

EVERYBODY = (
    "root_admin",
    "hexi_admin",
    "worker_a",
    "worker_b",
    "steward",
    "staff",
    "resident",
    "volunteer",
    "r_hexi1",
    "r_hexi2",
    "r_wenfeng1",
    "r_wenfeng2",
    "r_qili",
    "wanjia_staff",
)

# (targeting by the world's names, the people reached)
CASES = [
    ({"compound_ids": ["hexi_xiaoqu"]}, {"r_hexi1", "r_hexi2", "worker_a", "steward", "wanjia_staff"}),
    ({"building_ids": ["b_wenfeng1"]}, {"r_wenfeng1", "worker_b"}),
    ({"building_ids": ["b_hexi2"]}, {"r_hexi2", "worker_a", "steward"}),
    ({"grid_ids": ["g1"]}, {"worker_a", "r_hexi1", "r_hexi2", "steward", "wanjia_staff"}),
    ({"grid_ids": ["g2"]}, {"worker_b", "r_wenfeng1"}),
    (
        {"org_unit_ids": ["hexi"]},
        {
            "hexi_admin",
            "worker_a",
            "worker_b",
            "volunteer",
            "steward",
            "wanjia_staff",
            "r_hexi1",
            "r_hexi2",
            "r_wenfeng1",
            "r_wenfeng2",
        },
    ),
    ({"org_unit_ids": ["hexi"], "roles": ["grid_worker"]}, {"worker_a", "worker_b"}),
    (
        {"org_unit_ids": ["hexi"], "roles": ["resident", "volunteer"]},
        {"r_hexi1", "r_hexi2", "r_wenfeng1", "r_wenfeng2", "volunteer"},
    ),
    ({"compound_ids": ["dihao"], "roles": ["resident"]}, {"resident"}),
    ({"compound_ids": ["dihao", "qilidian_yuan"]}, {"resident", "staff", "r_qili"}),
    ({"building_ids": ["b_wenfeng2"], "grid_ids": ["g3"]}, {"r_wenfeng2", "r_qili"}),
    ({"org_unit_ids": ["city"], "roles": ["admin"]}, {"root_admin", "hexi_admin"}),
    ({"org_unit_ids": ["dongcheng"]}, {"resident", "staff"}),
]


def _targeting(w, spec) -> Targeting:
    places = {k: [getattr(w, name) for name in v] for k, v in spec.items() if k != "roles"}
    return Targeting.of({**places, "roles": spec.get("roles", [])})


@pytest.mark.parametrize("spec, reached", CASES, ids=[str(c[0]) for c in CASES])
def test_a_targeting_reaches_exactly_its_people(app, aw, spec, reached):
    with app.app_context():
        got = set(audience.resolve(_targeting(aw, spec)))
    names = {getattr(aw, name): name for name in EVERYBODY}
    assert {names.get(i, i) for i in got} == reached


def test_roles_alone_mean_the_authors_jurisdiction(app, aw):
    with app.app_context():
        author = db.session.get(User, aw.hexi_admin)
        assert set(audience.resolve(Targeting.of({"roles": ["grid_worker"]}), author)) == {aw.worker_a, aw.worker_b}


def test_an_inactive_account_hears_nothing(app, aw):
    with app.app_context():
        db.session.get(User, aw.r_hexi1).active = False
        db.session.commit()
        assert aw.r_hexi1 not in audience.resolve(_targeting(aw, {"compound_ids": ["hexi_xiaoqu"]}))


@pytest.mark.parametrize(
    "spec, field",
    [
        ({"compound_ids": ["dihao"]}, "targeting.compound_ids"),
        ({"grid_ids": ["g4"]}, "targeting.grid_ids"),
        ({"grid_ids": ["hexi"]}, "targeting.grid_ids"),  # a community is not a grid
        ({"building_ids": ["b_qili1"]}, "targeting.building_ids"),
        ({"org_unit_ids": ["wenfeng"]}, "targeting.org_unit_ids"),  # the street above the author
    ],
)
def test_a_place_outside_the_authors_jurisdiction_is_refused_by_field(app, aw, spec, field):
    with app.app_context():
        author = db.session.get(User, aw.hexi_admin)
        with pytest.raises(Invalid) as refused:
            audience.check_scope(author, _targeting(aw, spec))
        assert list(refused.value.fields) == [field]


def test_nonexistent_ids_are_refused_like_foreign_ones(app, aw):
    with app.app_context():
        author = db.session.get(User, aw.root_admin)
        with pytest.raises(Invalid) as refused:
            audience.check_scope(author, Targeting.of({"compound_ids": [aw.dihao, 99999]}))
        assert "99999" in refused.value.fields["targeting.compound_ids"][0]
