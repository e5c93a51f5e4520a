"""Wrappers of the external systems: the only code that talks HTTP to them."""
