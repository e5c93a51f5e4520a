"""PMM / Ruang GTK teacher performance: HTTP contract client and recap file importers."""
