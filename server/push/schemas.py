"""Shapes of Web Push: the browser's PushSubscription JSON (PushSubscription.toJSON()), the
categories a device wants, and what the API shows of a subscription."""

import binascii
import re

import marshmallow as ma
from cryptography.hazmat.primitives.asymmetric import ec
from flask import current_app
from marshmallow import ValidationError, validate

from server.core.edge import Schema
from server.core.fields import UtcDateTime
from server.push.endpoints import policy_from_config
from server.push.vapid import b64url_decode

CATEGORY = re.compile(r"^[a-z_]{1,16}$")  # the alerts' category codes, e.g. "utility", "weather"
MAX_CATEGORIES = 30
_B64URL = re.compile(r"^[A-Za-z0-9_-]+={0,2}$")


def _b64url_bytes(value: str) -> bytes | None:
    if not isinstance(value, str) or not _B64URL.match(value):
        return None
    try:
        return b64url_decode(value.rstrip("="))
    except (binascii.Error, ValueError):
        return None


def validate_endpoint(value: str) -> None:
    """An https URL on a known push service's host (server/push/endpoints.py)."""
    problem = policy_from_config(current_app.config).problem(value)
    if problem:
        raise ValidationError(problem)


def validate_p256dh(value: str) -> None:
    """RFC 8291 §3.1: the browser's ECDH key, an uncompressed P-256 point (65 bytes, 0x04 first)."""
    raw = _b64url_bytes(value)
    if raw is None or len(raw) != 65 or raw[0] != 4:
        raise ValidationError("push.p256dh_invalid")
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    except ValueError:
        raise ValidationError("push.p256dh_invalid") from None


def validate_auth(value: str) -> None:
    """RFC 8291 §3.2: the 16-byte authentication secret."""
    raw = _b64url_bytes(value)
    if raw is None or len(raw) != 16:
        raise ValidationError("push.auth_invalid")


def validate_categories(value: list | None) -> None:
    if value is None:
        return
    if len(value) > MAX_CATEGORIES or len(set(value)) != len(value):
        raise ValidationError("push.categories_invalid")
    if not all(isinstance(c, str) and CATEGORY.match(c) for c in value):
        raise ValidationError("push.categories_invalid")


def _categories(**kwargs):
    """Alert categories this device wants; null (or absent on create) means all of them."""
    return ma.fields.List(ma.fields.String(), allow_none=True, validate=validate_categories, **kwargs)


class SubscriptionKeysSchema(Schema):
    p256dh = ma.fields.String(required=True, validate=validate_p256dh)
    auth = ma.fields.String(required=True, validate=validate_auth)


class BrowserSubscriptionSchema(Schema):
    """The browser's PushSubscription.toJSON()."""

    class Meta:
        unknown = ma.EXCLUDE  # expirationTime and whatever browsers add later

    endpoint = ma.fields.String(
        required=True,
        validate=[validate.Length(min=1, max=1024), validate_endpoint],
        metadata={
            "description": "The push service's URL: https, port 443, on a host of REDGRID_PUSH_ENDPOINT_HOSTS "
            "(FCM, Mozilla, Apple, WNS by default); no IP address, no user info"
        },
    )
    keys = ma.fields.Nested(SubscriptionKeysSchema, required=True)


class SubscriptionInSchema(BrowserSubscriptionSchema):
    """The browser's PushSubscription.toJSON(), with the device's choices."""

    # Absent: all categories for a new device, unchanged for one already known.
    categories = _categories()
    device_label = ma.fields.String(allow_none=True, validate=validate.Length(max=80))


class SubscriptionChangeSchema(Schema):
    """`pushsubscriptionchange`, posted by the service worker without a session: the old
    subscription's endpoint and auth secret (only the browser that held it knows the secret: that
    is the proof) and the new subscription. The new one keeps the old one's user and choices, so
    categories and label sent here are ignored."""

    old_endpoint = ma.fields.String(required=True, validate=validate.Length(min=1, max=1024))
    old_auth = ma.fields.String(required=True, validate=validate_auth)
    subscription = ma.fields.Nested(BrowserSubscriptionSchema, required=True)


class EndpointSchema(Schema):
    endpoint = ma.fields.String(required=True, validate=validate.Length(min=1, max=1024))


class CategoriesUpdateSchema(Schema):
    endpoint = ma.fields.String(required=True, validate=validate.Length(min=1, max=1024))
    categories = _categories(required=True)


class SubscriptionSchema(Schema):
    """One of your devices (the keys stay on the server)."""

    id = ma.fields.Integer(dump_only=True)
    endpoint = ma.fields.String(dump_only=True)
    categories = ma.fields.List(ma.fields.String(), allow_none=True, dump_only=True)
    device_label = ma.fields.String(allow_none=True, dump_only=True)
    user_agent = ma.fields.String(allow_none=True, dump_only=True)
    created_at = UtcDateTime(dump_only=True)
    last_success_at = UtcDateTime(allow_none=True, dump_only=True)
    failed_count = ma.fields.Integer(dump_only=True)


class SubscriptionListSchema(Schema):
    items = ma.fields.List(ma.fields.Nested(SubscriptionSchema), dump_only=True)


class VapidKeySchema(Schema):
    public_key = ma.fields.String(dump_only=True, metadata={"description": "applicationServerKey, base64url"})
