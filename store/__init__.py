"""The local e-Kinerja store: SQLAlchemy 2 models, engine and Alembic migrations."""

from store import models, models_audit, models_skp  # every table module, so ``Base.metadata`` sees them all

__all__ = ["models", "models_audit", "models_skp"]
