"""The PMM feed: teachers' results from SIASN, recap files and the PMM HTTP contract into SKP."""
