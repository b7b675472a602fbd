"""Scaled setup: several gunicorn processes on one database (and Redis) share sessions.

A phone signs in through one process and is served by another; signing out anywhere ends the
session everywhere. This is what lets a reverse proxy spread requests over processes.
"""

import http.cookiejar
import json
import os
import sys
import urllib.request
from contextlib import contextmanager

from tests.factories import PASSWORD
from tests.processes import free_port, process_env, serving


@contextmanager
def gunicorn(database_url: str):
    """One `gunicorn 'server:create_app()'` process, as the Dockerfile runs it."""
    port = free_port()
    env = process_env(database_url, REDIS_URL=os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15")
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "1",
        "--worker-class",
        "gthread",
        "--threads",
        "4",
        "--no-control-socket",
        "server:create_app()",
    ]
    with serving(command, env, port) as base:
        yield base


class Phone:
    """A browser-like client: one cookie jar, whichever server it talks to."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.csrf = None

    def copy(self) -> "Phone":
        """Another client holding the same cookies (as if they were copied off the phone)."""
        twin = Phone()
        for cookie in self.jar:
            twin.jar.set_cookie(cookie)
        twin.csrf = self.csrf
        return twin

    def call(self, base, method, path, body=None):
        headers = {"Content-Type": "application/json", "Accept-Language": "zh-CN"}
        if self.csrf:
            headers["X-CSRFToken"] = self.csrf
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(base + path, data=data, method=method, headers=headers)
        try:
            with self.opener.open(request, timeout=10) as response:
                raw = response.read()
                return response.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")


def test_a_session_opened_on_one_process_is_served_and_ended_by_another(app, world):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    with gunicorn(url) as first, gunicorn(url) as second:
        phone = Phone()
        phone.csrf = phone.call(first, "GET", "/api/csrf")[1]["csrf_token"]
        status, me = phone.call(first, "POST", "/api/auth/login", {"phone": "13800000003", "password": PASSWORD})
        assert status == 200 and me["user"]["display_name"] == "网格员甲"
        phone.csrf = me["csrf_token"]
        status, me_there = phone.call(second, "GET", "/api/me")
        assert status == 200 and me_there["roles"] == me["roles"]
        copied = phone.copy()
        assert phone.call(second, "POST", "/api/auth/logout")[0] == 204
        # The cookie still exists in the copy; the server-side session behind it does not.
        status, body = copied.call(first, "GET", "/api/me")
        assert status == 401 and body["error"]["message"] == "请先登录。"
