"""Scenario S1 (an offline day) through the scaled deployment: the worker's phone and the admin's
desk talk to nginx, which spreads them over three server processes (sticky per browser); the
admin's live progress crosses processes through Redis."""

import pytest

from tests.e2e.scaled import through_the_proxy  # noqa: F401  the fixture
from tests.e2e.test_scenarios import test_s1_an_offline_day_syncs_once_and_the_admin_sees_the_progress_live as s1

pytestmark = pytest.mark.scaled


def test_s1_through_nginx_three_servers_and_redis(
    through_the_proxy,  # noqa: F811
    app,
    phone,
    phone_page,
    desk,
    desk_page,
    db,
    world,
):
    s1(through_the_proxy, app, phone, phone_page, desk, desk_page, db, world)
