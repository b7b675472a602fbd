"""The demo city (a Xuchang-like city of grids, compounds and households) and demo accounts."""

from server.demo.accounts import DEMO_ACCOUNTS
from server.demo.generator import DEFAULT_HOUSEHOLDS, MIN_HOUSEHOLDS, load_demo

__all__ = ["DEMO_ACCOUNTS", "DEFAULT_HOUSEHOLDS", "MIN_HOUSEHOLDS", "load_demo"]
