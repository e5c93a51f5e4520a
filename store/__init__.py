"""The local e-Kinerja store: SQLAlchemy 2 models, engine and Alembic migrations."""
