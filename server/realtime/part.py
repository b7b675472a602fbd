"""What live connections bring to the app (wired by create_app, server/core/parts.py)."""

from server.core.parts import Part
from server.realtime import init_realtime

PART = Part("realtime", init=init_realtime)
