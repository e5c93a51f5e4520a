"""Test suite of ekinerja-sync."""
