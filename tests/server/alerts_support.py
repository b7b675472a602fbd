"""Shared setup of the alerts tests: the test world plus residents in more buildings and the
staff of 万家物业, so that a notice has neighbours who must not hear it (`aw`, tests/server/conftest.py)."""

import itertools
from types import SimpleNamespace

from server.extensions import db
from tests.conftest import AuthActions
from tests.factories import PASSWORD, build_world, user

_addresses = itertools.count(1)


def signed_in(app, phone) -> AuthActions:
    """Signed in from an address of its own: the tests sign in more people than the per-address
    login limit allows in a minute."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = f"10.9.{next(_addresses) % 250}.{next(_addresses) % 250}"
    auth = AuthActions(client)
    response = auth.login(phone, PASSWORD)
    assert response.status_code == 200, response.get_json()
    return auth


def alerts_world() -> SimpleNamespace:
    """tests/factories.build_world plus: residents of 河西小区 1号楼 and 2号楼, 文峰苑 1号楼 and
    2号楼, 七里店家属院; a staff member of 万家物业 (河西小区 and 文峰苑). In an app context."""
    w = build_world()
    from server.org.models import Household

    def household_of(building_id):
        return db.session.scalar(
            db.select(Household.id).where(Household.building_id == building_id).order_by(Household.id)
        )

    extra = {
        "r_hexi1": user("河西1号楼居民", [("resident", "household_id", household_of(w.b_hexi1))], phone="13900000001"),
        "r_hexi2": user("河西2号楼居民", [("resident", "household_id", household_of(w.b_hexi2))], phone="13900000002"),
        "r_wenfeng1": user(
            "文峰1号楼居民", [("resident", "household_id", household_of(w.b_wenfeng1))], phone="13900000003"
        ),
        "r_wenfeng2": user(
            "文峰2号楼居民", [("resident", "household_id", household_of(w.b_wenfeng2))], phone="13900000004"
        ),
        "r_qili": user("七里店居民", [("resident", "household_id", household_of(w.b_qili1))], phone="13900000005"),
        "wanjia_staff": user("万家物业员工", [("property_staff", "company_id", w.wanjia)], phone="13900000006"),
    }
    db.session.commit()
    return SimpleNamespace(**vars(w), **{k: v.id for k, v in extra.items()})
