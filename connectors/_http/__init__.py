"""Shared HTTP plumbing: client factory, error tree, retry policy, rate limiter, redaction."""
