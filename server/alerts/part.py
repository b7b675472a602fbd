"""What alerts bring to the app (wired by create_app, server/core/parts.py): the admin's alerts,
sent through the notification service, which learns from here when an alert expires and who
watches its counts."""

from server.alerts import commands, dashboard, expiry, messages, monthly, publishing, routes
from server.core.parts import Part
from server.notices import deliveries


def _init(app) -> None:
    deliveries.register_broadcasts(expiries=publishing.expiries, author_of=publishing.author_of)


PART = Part(
    "alerts",
    blueprints=(routes.blp,),
    catalogs=(messages.entries,),
    jobs=publishing.JOBS,
    periodic=(publishing.PERIODIC, expiry.PERIODIC),
    commands=(commands.alerts_command,),
    init=_init,
    monthly=(monthly.alerts_section,),
    dashboard=(dashboard.alerts_section,),
)
