"""Shared HTTP plumbing (private): client factory, retry policy, rate limiter and budget, tokens,
redaction. Code outside ``connectors`` uses it through ``connectors.factory``."""
