"""The local e-Kinerja store: SQLAlchemy 2 models, engine and Alembic migrations."""

# every table module, so ``Base.metadata`` sees them all
from store import models, models_audit, models_budget, models_skp

__all__ = ["models", "models_audit", "models_budget", "models_skp"]
