"""VAPID (RFC 8292): the server's key pair, and the signed JWT each push carries.

The private key is 32 raw bytes, base64url (what `py_vapid.Vapid.from_string` reads); the public
key is the 65-byte uncompressed P-256 point, base64url, which the PWA passes to
`pushManager.subscribe({applicationServerKey})`.
"""

import base64
import threading
import time
from collections.abc import Callable
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid

JWT_LIFETIME = 12 * 3600  # RFC 8292 §2: exp at most 24 h ahead; 12 h is what pywebpush uses
JWT_MARGIN = 600  # a token is replaced this long before it expires (clock skew, slow queues)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def generate_private_key() -> str:
    """A new VAPID private key: 32 raw bytes, base64url."""
    number = ec.generate_private_key(ec.SECP256R1()).private_numbers().private_value
    return b64url(number.to_bytes(32, "big"))


def public_key_of(private_key: str) -> str:
    """The applicationServerKey for this private key: the uncompressed point, base64url."""
    point = Vapid.from_string(private_key).public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64url(point)


class VapidSigner:
    """Signs one JWT per audience (push-service origin) and reuses it until shortly before exp."""

    def __init__(
        self,
        private_key: str,
        subject: str,
        *,
        lifetime: int = JWT_LIFETIME,
        margin: int = JWT_MARGIN,
        clock: Callable[[], float] = time.time,
    ):
        self.vapid = Vapid.from_string(private_key)
        self.subject = subject
        self.lifetime = lifetime
        self.margin = margin
        self.clock = clock
        self.signed = 0  # how many JWTs were made (tests and the bench read it)
        self._cache: dict[str, tuple[float, dict]] = {}
        self._lock = threading.Lock()

    def headers_for(self, endpoint: str) -> dict:
        """The Authorization header for a push to `endpoint` ("vapid t=<jwt>,k=<public key>")."""
        parts = urlsplit(endpoint)
        audience = f"{parts.scheme}://{parts.netloc}"
        now = self.clock()
        with self._lock:
            cached = self._cache.get(audience)
            if cached and cached[0] - self.margin > now:
                return cached[1]
            exp = int(now) + self.lifetime
            # A fresh claims dict each time: py_vapid copies it, but pywebpush's webpush() writes
            # aud and exp into the dict it is given (RECIPES.md, pywebpush traps).
            headers = self.vapid.sign({"aud": audience, "exp": exp, "sub": self.subject})
            self._cache[audience] = (exp, headers)
            self.signed += 1
            return headers


def signer_from_config(config) -> VapidSigner:
    """The signer of the configured key pair (server/config.py: env or the instance folder)."""
    return VapidSigner(config["VAPID_PRIVATE_KEY"], config["VAPID_SUBJECT"])
