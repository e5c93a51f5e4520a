"""Pure functions from wire models to canonical records: no I/O, no clock, no logging."""
