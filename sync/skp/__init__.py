"""The SKP push: the instansi's own SKP results sent to SIASN once, with the returned id kept."""
