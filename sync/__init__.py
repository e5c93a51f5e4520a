"""The jobs: Sinkron SIASN for one employee, unit refresh, local edits, merge and conflicts."""
