"""Flask-Login callbacks: a session cookie carries a server-side session token."""
from server.auth.service import user_for_session
from server.errors import Unauthorized
from server.extensions import login
from server.i18n import _


@login.user_loader
def load_user(token: str):
    return user_for_session(token)


@login.unauthorized_handler
def unauthorized():
    raise Unauthorized(_("error.unauthorized"))
