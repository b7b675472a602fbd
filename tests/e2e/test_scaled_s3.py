"""Scenario S3 (an urgent alert) through the scaled deployment: the admin publishes through nginx
to one server process, the resident's open app hears it on another (Socket.IO over Redis), and an
RQ worker sends the Web Push to the stand-in push service, which decrypts it."""

import pytest

from tests.e2e.scaled import through_the_proxy  # noqa: F401  the fixture
from tests.e2e.test_alerts_ui import phone, resident  # noqa: F401  the scenario's own fixtures
from tests.e2e.test_alerts_ui import (
    test_s3_a_water_cut_reaches_the_open_app_and_the_push_handler_and_the_admin_sees_it_delivered as s3,
)

pytestmark = pytest.mark.scaled


def test_s3_through_nginx_three_servers_redis_and_a_worker(
    through_the_proxy,  # noqa: F811
    app,
    db,
    world,
    resident,  # noqa: F811
    standin,
    phone,  # noqa: F811
    desk,
    desk_page,
):
    s3(through_the_proxy, app, db, world, resident, standin, phone, desk, desk_page)
