"""Helpers for user-supplied text inside SQL."""


def escape_like(text: str) -> str:
    """Make user text literal inside LIKE (with escape='\\'): `%` and `_` match themselves."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
