"""The request budget of each upstream credential, shared by every process (PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import Float, String, text
from sqlalchemy.orm import Mapped, mapped_column

from store.models import Base


class RateBudget(Base):
    """GCRA arrival times of one credential, in epoch seconds of the database's clock: ``tat``
    for every request, ``background_tat`` for the lanes that may not use the reserved share,
    ``paused_until`` after a Retry-After. One ``UPDATE ... RETURNING`` decides and records."""

    __tablename__ = "rate_budget"

    credential: Mapped[str] = mapped_column(String(200), primary_key=True)
    tat: Mapped[float] = mapped_column(Float, default=0.0, server_default=text("0"))
    background_tat: Mapped[float] = mapped_column(Float, default=0.0, server_default=text("0"))
    paused_until: Mapped[float] = mapped_column(Float, default=0.0, server_default=text("0"))
    granted_at: Mapped[float] = mapped_column(Float, default=0.0, server_default=text("0"))
