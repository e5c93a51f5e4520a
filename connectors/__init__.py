"""Wrappers of the external systems: the only code that talks HTTP to them.

Public: ``connectors.errors`` (the one error tree), ``connectors.factory`` (client factory, retry
policy, rate limiter and shared budget, token types, redaction) and the connector packages
(``siasn``, ``myasn``, ``pmm``). ``connectors._http`` is private to this package.
"""
