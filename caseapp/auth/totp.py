"""Time-based one-time passwords (RFC 6238) at the application's clock, and the QR code."""

from __future__ import annotations

import hmac

import pyotp
from flask import current_app

from caseapp.clock import now

# Codes from one step before or after the current one are accepted: phone clocks drift.
VALID_WINDOW = 1


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, username: str) -> str:
    issuer = current_app.config.get("TOTP_ISSUER", "caseapp")
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=issuer)


def qr_svg(uri: str) -> str:
    """The URI as an inline SVG drawn on the server: no script, no outside service."""
    # Imported here: qrcode costs every worker memory, and only enrolment draws a code.
    import qrcode
    import qrcode.image.svg

    img = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=4)
    return img.to_string(encoding="unicode")


def matching_step(secret: str, code: str, last_step: int | None) -> int | None:
    """The time step that ``code`` is valid for, or None.

    A step at or before ``last_step`` is refused, so a code seen by someone looking over
    the user's shoulder cannot be replayed, not even within its own 30 seconds.
    """
    code = "".join(code.split())
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now())
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None
