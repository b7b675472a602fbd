"""Flask-Login callbacks: a session cookie carries a server-side session token."""

from server.auth.service import user_for_session
from server.errors import Unauthorized
from server.extensions import login
from server.i18n import _


def init_login() -> None:
    """Tell Flask-Login how a session cookie becomes a user, and what an anonymous call gets."""
    login.user_loader(load_user)
    login.unauthorized_handler(unauthorized)


def load_user(token: str):
    return user_for_session(token)


def unauthorized():
    raise Unauthorized(_("error.unauthorized"))
