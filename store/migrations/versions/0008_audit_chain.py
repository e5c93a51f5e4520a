"""audit chain: seq/prev_hash/entry_hash on audit_log, chain head, verification record, append-only triggers

Existing entries are chained in id order (the order they were written), then the triggers are
created: from here on the database refuses every DELETE of an audit entry and every UPDATE but
the one that seals a new entry (fills its chain columns, changes nothing else). The verification
record is append-only too.

A later migration that rebuilds ``audit_log`` on SQLite (batch mode copies the table) must
create the triggers again (``create_triggers``).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

from store.audit_chain import entry_fields, entry_hash
from store.models_audit import GENESIS

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

CONTENT = (
    "id",
    "at",
    "actor",
    "action",
    "pegawai_nip",
    "field",
    "old_value",
    "new_value",
    "reason",
    "run_id",
)
REFUSED = "audit_log is append-only"

PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION ekinerja_audit_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'audit_log' THEN
    IF OLD.entry_hash IS NULL
       AND (to_jsonb(NEW) - 'seq' - 'prev_hash' - 'entry_hash')
           = (to_jsonb(OLD) - 'seq' - 'prev_hash' - 'entry_hash') THEN
      RETURN NEW;  -- sealing a new entry: its chain columns, nothing else
    END IF;
  END IF;
  RAISE EXCEPTION '{REFUSED}: % on % refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END $$;
"""


def _sqlite_unchanged() -> str:
    return " AND ".join(f"NEW.{c} IS OLD.{c}" for c in CONTENT)


def create_triggers(bind: sa.engine.Connection) -> None:
    """The append-only triggers on audit_log and audit_verification, for the bind's database."""
    if bind.dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        for table in ("audit_log", "audit_verification"):
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION ekinerja_audit_append_only()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION ekinerja_audit_append_only()"
            )
        return
    op.execute(
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
        f"WHEN NOT (OLD.entry_hash IS NULL AND {_sqlite_unchanged()}) "
        f"BEGIN SELECT RAISE(ABORT, '{REFUSED}: UPDATE refused'); END"
    )
    op.execute(
        "CREATE TRIGGER audit_verification_no_update BEFORE UPDATE ON audit_verification "
        f"BEGIN SELECT RAISE(ABORT, '{REFUSED}: UPDATE refused'); END"
    )
    for table in ("audit_log", "audit_verification"):
        op.execute(
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{REFUSED}: DELETE refused'); END"
        )


def drop_triggers(bind: sa.engine.Connection) -> None:
    """Remove what ``create_triggers`` made."""
    if bind.dialect.name == "postgresql":
        for table in ("audit_log", "audit_verification"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute("DROP FUNCTION IF EXISTS ekinerja_audit_append_only()")
        return
    for name in (
        "audit_log_no_update",
        "audit_verification_no_update",
        "audit_log_no_delete",
        "audit_verification_no_delete",
    ):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")


def _chain_existing(bind: sa.engine.Connection) -> None:
    log = sa.table(
        "audit_log",
        *(
            sa.column(name, kind)
            for name, kind in (
                ("id", sa.Integer()),
                ("at", sa.DateTime(timezone=True)),
                ("actor", sa.String()),
                ("action", sa.String()),
                ("pegawai_nip", sa.String()),
                ("field", sa.String()),
                ("old_value", sa.JSON()),
                ("new_value", sa.JSON()),
                ("reason", sa.Text()),
                ("run_id", sa.String()),
                ("seq", sa.Integer()),
                ("prev_hash", sa.String()),
                ("entry_hash", sa.String()),
            )
        ),
    )
    seq, prev = 0, GENESIS
    rows = bind.execute(sa.select(log).order_by(log.c.id)).all()
    sealed = []
    for row in rows:
        seq += 1
        digest = entry_hash(entry_fields(row), prev)
        sealed.append({"row_id": row.id, "seq": seq, "prev_hash": prev, "entry_hash": digest})
        prev = digest
    if sealed:
        bind.execute(
            log.update()
            .where(log.c.id == sa.bindparam("row_id"))
            .values(
                seq=sa.bindparam("seq"),
                prev_hash=sa.bindparam("prev_hash"),
                entry_hash=sa.bindparam("entry_hash"),
            ),
            sealed,
        )
    head = sa.table(
        "audit_chain",
        sa.column("id", sa.Integer()),
        sa.column("seq", sa.Integer()),
        sa.column("last_hash", sa.String()),
    )
    bind.execute(head.insert().values(id=1, seq=seq, last_hash=prev))


def upgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seq", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("entry_hash", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint("uq_audit_log_seq", ["seq"])
    op.create_table(
        "audit_chain",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "audit_verification",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("checked", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("head_hash", sa.String(length=64), nullable=False),
        sa.Column("problem", sa.String(length=20), nullable=True),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_verification", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_verification_at"), ["at"], unique=False)
    bind = op.get_bind()
    _chain_existing(bind)
    create_triggers(bind)


def downgrade() -> None:
    bind = op.get_bind()
    drop_triggers(bind)
    with op.batch_alter_table("audit_verification", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_verification_at"))
    op.drop_table("audit_verification")
    op.drop_table("audit_chain")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_constraint("uq_audit_log_seq", type_="unique")
        batch_op.drop_column("entry_hash")
        batch_op.drop_column("prev_hash")
        batch_op.drop_column("seq")
