"""Which push endpoints the server will ever POST to (issue 12, item 4: server-side request forgery).

A subscription's endpoint is a URL the browser hands us, so a resident can hand us any URL. We
post only to https on port 443 of the known push services' hosts (REDGRID_PUSH_ENDPOINT_HOSTS),
by name: no IP literals, no user info, no other port, nothing a URL parser might read two ways.
The same rule is checked when a subscription is saved (schemas.py) and again before every post
(sender.py): a row stored before this rule, or before the list changed, is never posted to.

The one exception is the tests' stand-in push service (tests/support/push_service.py): plain
http to 127.0.0.1 / ::1 / localhost, any port, and only with TESTING or REDGRID_PUSH_ALLOW_INSECURE.
"""

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

__all__ = ["DEFAULT_PUSH_HOSTS", "EndpointPolicy", "policy_from_config", "parse_hosts"]

# The push services of the browsers people use (checked 2026-12 against the services' own docs
# and Chromium's and Firefox's sources). "*." means any subdomain (not the bare name): WNS and
# Apple hand out per-region hosts (wns2-par02p.notify.windows.com, web.push.apple.com).
DEFAULT_PUSH_HOSTS = (
    "fcm.googleapis.com",  # Chrome, Edge on Android, Samsung Internet, Opera, Brave, …
    "*.push.services.mozilla.com",  # Firefox: updates.push.services.mozilla.com
    "*.push.apple.com",  # Safari (macOS 13+, iOS 16.4+ home-screen apps): web.push.apple.com
    "*.notify.windows.com",  # Edge on Windows (WNS): wns2-*.notify.windows.com
)

_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOST = re.compile(rf"^{_LABEL}(?:\.{_LABEL})+$")  # a lowercase DNS name of two labels or more
_ENTRY = re.compile(rf"^(?:\*\.)?{_LABEL}(?:\.{_LABEL})+$")
_LOOPBACK_NAMES = ("localhost",)


def parse_hosts(value: str | None) -> tuple[str, ...]:
    """The host list from REDGRID_PUSH_ENDPOINT_HOSTS (commas or spaces); unset: the defaults.
    A malformed entry stops the start: a typo must not quietly stop every push (or allow more)."""
    if value is None or not value.strip():
        return DEFAULT_PUSH_HOSTS
    hosts = tuple(entry.strip().lower() for entry in re.split(r"[,\s]+", value) if entry.strip())
    for entry in hosts:
        if not _ENTRY.match(entry) or _is_ip(entry):
            raise ValueError(f"REDGRID_PUSH_ENDPOINT_HOSTS: {entry!r} is not a host name or *.domain")
    return hosts


@dataclass(frozen=True)
class EndpointPolicy:
    hosts: tuple[str, ...] = DEFAULT_PUSH_HOSTS
    allow_insecure: bool = False  # http to this machine: the tests' stand-in only

    def problem(self, endpoint: str) -> str | None:
        """None when the server may post to `endpoint`; else the catalog key that says why not."""
        # Printable ASCII without spaces or backslashes: what urlsplit and aiohttp's yarl read alike.
        if (
            not isinstance(endpoint, str)
            or not endpoint.isascii()
            or not endpoint.isprintable()
            or " " in endpoint
            or "\\" in endpoint
        ):
            return "push.endpoint_invalid"
        try:
            parts = urlsplit(endpoint)
            host, port = parts.hostname, parts.port
        except ValueError:
            return "push.endpoint_invalid"
        if not host or "@" in parts.netloc:  # user info: "https://fcm.googleapis.com@10.0.0.5/"
            return "push.endpoint_invalid"
        if self.allow_insecure and parts.scheme == "http" and _is_loopback(host):
            return None
        if parts.scheme != "https":
            return "push.endpoint_not_https"
        if _is_ip(host) or not _HOST.match(host) or not self.knows(host):
            return "push.endpoint_unknown_service"
        if port not in (None, 443):
            return "push.endpoint_port"
        return None

    def allows(self, endpoint: str) -> bool:
        return self.problem(endpoint) is None

    def knows(self, host: str) -> bool:
        """Whether `host` is on the list: by name, or under a "*." entry's domain."""
        return any(host == entry or (entry.startswith("*.") and host.endswith(entry[1:])) for entry in self.hosts)


def policy_from_config(config) -> EndpointPolicy:
    """The policy of an app's config (PUSH_ENDPOINT_HOSTS, TESTING, PUSH_ALLOW_INSECURE)."""
    return EndpointPolicy(
        tuple(config.get("PUSH_ENDPOINT_HOSTS") or DEFAULT_PUSH_HOSTS),
        bool(config.get("TESTING") or config.get("PUSH_ALLOW_INSECURE")),
    )


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _is_loopback(host: str) -> bool:
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
