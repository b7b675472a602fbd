"""Checking and cleaning uploaded photos: pure functions over bytes (no Flask, no files).

The type is decided by magic bytes, never by the declared Content-Type. The stored image is a
re-encode of the upright pixels: EXIF (with GPS), XMP, comments and text chunks are not carried
over; the ICC colour profile is kept, because phones shoot in Display P3 and the colours would
be wrong without it, and a profile does not say who, where or when.
"""

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps

JPEG_QUALITY = 88
WEBP_QUALITY = 88
THUMB_MAX_PX = 320
THUMB_QUALITY = 80
SAME_COLOUR_SPACE = {("RGB", "RGB"), ("RGBA", "RGB"), ("P", "RGB"), ("L", "L"), ("LA", "L")}

FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}


class ImageRejected(Exception):
    """Base of the reasons a photo is refused; the service turns each into an API error."""


class UnsupportedType(ImageRejected):
    """Not JPEG, PNG or WebP by its magic bytes."""


class BadImage(ImageRejected):
    """Claims to be an image but does not decode (truncated, corrupt)."""


class TooManyPixels(ImageRejected):
    """Decoding it would take too much memory (a "decompression bomb")."""


@dataclass(frozen=True)
class CleanImage:
    mime: str
    data: bytes
    thumb: bytes  # always JPEG
    width: int
    height: int


def sniff(data: bytes) -> str | None:
    """The MIME type by magic bytes: JPEG FF D8 FF, PNG's 8-byte signature, WebP RIFF....WEBP."""
    if data[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def clean(data: bytes, max_pixels: int) -> CleanImage:
    """Decode, turn upright, drop metadata, re-encode in the same format and make a thumbnail."""
    mime = sniff(data)
    if mime is None:
        raise UnsupportedType()
    image = _decode(data, FORMATS[mime], max_pixels)
    thumb = _thumbnail(image)  # first: a palette image needs .info["transparency"] to get alpha
    stored = _encode(image, mime)
    return CleanImage(mime, stored, thumb, image.width, image.height)


def _decode(data: bytes, pil_format: str, max_pixels: int) -> Image.Image:
    try:
        with warnings.catch_warnings():
            # Pillow's own bomb guard speaks first for huge dimensions (a warning, then an
            # error at twice its limit): either is too many pixels, not a damaged image.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[pil_format])
        if image.width * image.height > max_pixels:
            raise TooManyPixels()
        image.load()
        upright = ImageOps.exif_transpose(image)
    except ImageRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise TooManyPixels() from None
    except Exception as exc:  # noqa: BLE001  any decoder failure on untrusted bytes is a bad image
        raise BadImage() from exc
    return upright


def _encode(image: Image.Image, mime: str) -> bytes:
    icc = image.info.get("icc_profile")
    options: dict = {"icc_profile": icc} if icc else {}
    if mime == "image/jpeg":
        options.update(quality=JPEG_QUALITY)
    elif mime == "image/png":
        if image.info.get("transparency") is not None:
            options["transparency"] = image.info["transparency"]
    else:  # WebP: lossy at the same quality as JPEG; alpha is kept
        options.update(quality=WEBP_QUALITY)
    return _save(image, FORMATS[mime], options)


def _thumbnail(image: Image.Image) -> bytes:
    """At most THUMB_MAX_PX on the long side, JPEG; transparency is flattened onto white."""
    if image.mode in ("RGB", "RGBA", "L", "LA"):
        thumb = image.copy()
    else:  # palette, 1-bit, 16-bit, CMYK: resize in a mode that interpolates
        thumb = image.convert("RGBA" if image.mode in ("P", "PA") else "RGB")
    thumb.thumbnail((THUMB_MAX_PX, THUMB_MAX_PX), Image.Resampling.LANCZOS)
    if thumb.mode in ("RGBA", "LA"):
        background = Image.new(thumb.mode[0] if thumb.mode == "LA" else "RGB", thumb.size, "white")
        background.paste(thumb.convert(background.mode), mask=thumb.getchannel("A"))
        thumb = background
    icc = image.info.get("icc_profile")
    # The profile describes the source's colour space: keep it only where that still holds.
    same_space = (image.mode, thumb.mode) in SAME_COLOUR_SPACE
    return _save(thumb, "JPEG", {"quality": THUMB_QUALITY, **({"icc_profile": icc} if icc and same_space else {})})


def _save(image: Image.Image, pil_format: str, options: dict) -> bytes:
    """Encode with exactly `options`: some encoders copy from .info (PNG: ICC and transparency,
    JPEG: the comment), so nothing of the original's metadata may stay there."""
    image.info = {}
    out = io.BytesIO()
    image.save(out, pil_format, **options)
    return out.getvalue()
