"""pegawai.siasn_digest: the digest of the SIASN record last applied, for the nightly fast path

A night closes an employee whose SIASN record has not changed since it was last applied (and
whom nothing else touched since) without staging and re-applying the snapshot. Nullable: an
existing store starts without digests and fills them as employees are applied.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``pegawai.siasn_digest``."""
    with op.batch_alter_table("pegawai") as batch:
        batch.add_column(sa.Column("siasn_digest", sa.String(length=64), nullable=True))


def downgrade() -> None:
    """Drop ``pegawai.siasn_digest``."""
    with op.batch_alter_table("pegawai") as batch:
        batch.drop_column("siasn_digest")
