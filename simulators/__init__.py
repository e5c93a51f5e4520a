"""Faithful fake SIASN (and later MyASN, PMM) servers over a generated province."""
