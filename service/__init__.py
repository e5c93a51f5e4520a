"""Composition root: settings, logging, CLI and HTTP API."""
