"""The Redgrid offline sync protocol (`redgrid-sync/1`) as a pure library: no I/O, no Flask,
no SQLAlchemy. The engine itself arrives with the sync issue; this package fixes its place."""

PROTOCOL_VERSION = "redgrid-sync/1"

__all__ = ["PROTOCOL_VERSION"]
