"""skp and pmm feed: skp, rhk, indicators, evaluations, realisasi, observasi, feed cursor, problems

Revision ID: 0007
Revises: 0003
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pmm_cursor",
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("scope", sa.String(length=100), nullable=False),
        sa.Column("high_water", sa.DateTime(timezone=True), nullable=True),
        sa.Column("page_cursor", sa.String(length=500), nullable=True),
        sa.Column("run_id", sa.String(length=40), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("source", "scope"),
    )
    op.create_table(
        "pmm_problem",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("nip", sa.String(length=40), nullable=False),
        sa.Column("nuptk", sa.String(length=16), nullable=True),
        sa.Column("nama", sa.String(length=200), nullable=True),
        sa.Column("npsn", sa.String(length=8), nullable=True),
        sa.Column("satuan_pendidikan", sa.String(length=300), nullable=True),
        sa.Column("periode", sa.String(length=20), server_default="", nullable=False),
        sa.Column("source_id", sa.String(length=64), nullable=True),
        sa.Column("rule", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("fix", sa.Text(), nullable=False),
        sa.Column("who", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=10), server_default="open", nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("run_id", sa.String(length=40), nullable=True),
        sa.CheckConstraint("status IN ('open', 'resolved')", name="ck_pmm_problem_status"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("pmm_problem", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pmm_problem_nip"), ["nip"], unique=False)
        batch_op.create_index(batch_op.f("ix_pmm_problem_npsn"), ["npsn"], unique=False)
        batch_op.create_index(
            "uq_pmm_problem_open",
            ["source", "nip", "rule", "periode"],
            unique=True,
            sqlite_where=sa.text("status = 'open'"),
            postgresql_where=sa.text("status = 'open'"),
        )

    op.create_table(
        "skp",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("nip", sa.String(length=18), nullable=False),
        sa.Column("pegawai_id", sa.Integer(), nullable=True),
        sa.Column("nuptk", sa.String(length=16), nullable=True),
        sa.Column("nama", sa.String(length=200), nullable=True),
        sa.Column("tahun", sa.Integer(), nullable=False),
        sa.Column("periode_mulai", sa.Date(), nullable=False),
        sa.Column("periode_selesai", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("source_id", sa.String(length=64), nullable=False),
        sa.Column("source_updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("jabatan", sa.String(length=300), nullable=True),
        sa.Column("unor_id", sa.String(length=64), nullable=True),
        sa.Column("unor_nama", sa.String(length=300), nullable=True),
        sa.Column("npsn", sa.String(length=8), nullable=True),
        sa.Column("pendekatan", sa.String(length=12), nullable=True),
        sa.Column("indikator_rapor_pendidikan", sa.String(length=300), nullable=True),
        sa.Column("status_rencana", sa.String(length=16), server_default="DRAFT", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("penilai_nip", sa.String(length=18), nullable=True),
        sa.Column("penilai_nama", sa.String(length=200), nullable=True),
        sa.Column("penilai_jabatan", sa.String(length=300), nullable=True),
        sa.Column("penilai_golongan_id", sa.Integer(), nullable=True),
        sa.Column("penilai_golongan", sa.String(length=8), nullable=True),
        sa.Column("penilai_unor_nama", sa.String(length=300), nullable=True),
        sa.Column("penilai_status", sa.String(length=8), nullable=True),
        sa.CheckConstraint("source IN ('siasn', 'pmm_file', 'pmm_http', 'local')", name="ck_skp_source"),
        sa.CheckConstraint(
            "status_rencana IN ('DRAFT', 'DIAJUKAN', 'DISETUJUI', 'DIKEMBALIKAN', 'ARSIP')",
            name="ck_skp_status_rencana",
        ),
        sa.CheckConstraint("periode_mulai <= periode_selesai", name="ck_skp_periode"),
        sa.ForeignKeyConstraint(
            ["pegawai_id"],
            ["pegawai.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "nip", "periode_mulai", "periode_selesai", "source", "source_id", name="uq_skp_source_record"
        ),
    )
    with op.batch_alter_table("skp", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_skp_nip"), ["nip"], unique=False)
        batch_op.create_index(batch_op.f("ix_skp_pegawai_id"), ["pegawai_id"], unique=False)

    op.create_table(
        "skp_evaluasi",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("skp_id", sa.Integer(), nullable=False),
        sa.Column("jenis_periode", sa.String(length=10), nullable=False),
        sa.Column("angka_periode", sa.Integer(), nullable=False),
        sa.Column("periode_mulai", sa.Date(), nullable=False),
        sa.Column("periode_selesai", sa.Date(), nullable=False),
        sa.Column("rating_hasil_kerja", sa.Integer(), nullable=True),
        sa.Column("rating_perilaku_kerja", sa.Integer(), nullable=True),
        sa.Column("predikat", sa.Integer(), nullable=True),
        sa.Column("tanggal_penilaian", sa.Date(), nullable=True),
        sa.Column("status_evaluasi", sa.String(length=20), server_default="BELUM_DINILAI", nullable=False),
        sa.Column("koefisien_id", sa.String(length=8), nullable=True),
        sa.Column("source_updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("siasn_id", sa.String(length=64), nullable=True),
        sa.Column("push_state", sa.String(length=16), server_default="tidak_dikirim", nullable=False),
        sa.Column("push_attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("push_attempted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("pushed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("push_error", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("penilai_nip", sa.String(length=18), nullable=True),
        sa.Column("penilai_nama", sa.String(length=200), nullable=True),
        sa.Column("penilai_jabatan", sa.String(length=300), nullable=True),
        sa.Column("penilai_golongan_id", sa.Integer(), nullable=True),
        sa.Column("penilai_golongan", sa.String(length=8), nullable=True),
        sa.Column("penilai_unor_nama", sa.String(length=300), nullable=True),
        sa.Column("penilai_status", sa.String(length=8), nullable=True),
        sa.CheckConstraint(
            "jenis_periode IN ('TAHUNAN', 'SEMESTER', 'TRIWULAN', 'BULANAN')", name="ck_skp_evaluasi_jenis"
        ),
        sa.CheckConstraint(
            "push_state IN ('tidak_dikirim', 'menunggu', 'dikirim', 'gagal', 'tidak_pasti')",
            name="ck_skp_evaluasi_push_state",
        ),
        sa.CheckConstraint(
            "status_evaluasi IN ('BELUM_DINILAI', 'REALISASI_DIAJUKAN', 'DINILAI', 'TERKIRIM_SIASN')",
            name="ck_skp_evaluasi_status",
        ),
        sa.CheckConstraint("predikat BETWEEN 1 AND 5", name="ck_skp_evaluasi_predikat"),
        sa.CheckConstraint("rating_hasil_kerja BETWEEN 1 AND 3", name="ck_skp_evaluasi_hasil"),
        sa.CheckConstraint("rating_perilaku_kerja BETWEEN 1 AND 3", name="ck_skp_evaluasi_perilaku"),
        sa.ForeignKeyConstraint(["skp_id"], ["skp.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("skp_id", "jenis_periode", "angka_periode", name="uq_skp_evaluasi_periode"),
    )
    with op.batch_alter_table("skp_evaluasi", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_skp_evaluasi_skp_id"), ["skp_id"], unique=False)
        batch_op.create_index("uq_skp_evaluasi_siasn_id", ["siasn_id"], unique=True)

    op.create_table(
        "skp_observasi",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("skp_id", sa.Integer(), nullable=False),
        sa.Column("urutan", sa.Integer(), nullable=False),
        sa.Column("tanggal", sa.Date(), nullable=True),
        sa.Column("skor", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("catatan", sa.String(length=1000), nullable=True),
        sa.ForeignKeyConstraint(["skp_id"], ["skp.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("skp_id", "urutan", name="uq_skp_observasi_urutan"),
    )
    with op.batch_alter_table("skp_observasi", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_skp_observasi_skp_id"), ["skp_id"], unique=False)

    op.create_table(
        "skp_rhk",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("skp_id", sa.Integer(), nullable=False),
        sa.Column("source_key", sa.String(length=64), nullable=False),
        sa.Column("urutan", sa.Integer(), nullable=False),
        sa.Column("jenis", sa.String(length=10), nullable=False),
        sa.Column("klasifikasi", sa.String(length=12), nullable=True),
        sa.Column("kategori", sa.String(length=30), nullable=True),
        sa.Column("uraian", sa.String(length=1000), nullable=False),
        sa.Column("rhk_atasan_id", sa.Integer(), nullable=True),
        sa.Column("intervensi_atasan", sa.String(length=1000), nullable=True),
        sa.CheckConstraint("jenis IN ('UTAMA', 'TAMBAHAN')", name="ck_skp_rhk_jenis"),
        sa.ForeignKeyConstraint(["rhk_atasan_id"], ["skp_rhk.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["skp_id"], ["skp.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("skp_id", "source_key", name="uq_skp_rhk_source_key"),
    )
    with op.batch_alter_table("skp_rhk", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_skp_rhk_rhk_atasan_id"), ["rhk_atasan_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_skp_rhk_skp_id"), ["skp_id"], unique=False)

    op.create_table(
        "skp_indikator",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("rhk_id", sa.Integer(), nullable=False),
        sa.Column("urutan", sa.Integer(), nullable=False),
        sa.Column("aspek", sa.String(length=12), nullable=True),
        sa.Column("uraian", sa.String(length=1000), nullable=False),
        sa.Column("target_nilai", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("target_satuan", sa.String(length=60), nullable=True),
        sa.Column("target_teks", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["rhk_id"], ["skp_rhk.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("rhk_id", "urutan", name="uq_skp_indikator_urutan"),
    )
    with op.batch_alter_table("skp_indikator", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_skp_indikator_rhk_id"), ["rhk_id"], unique=False)

    op.create_table(
        "skp_realisasi",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("indikator_id", sa.Integer(), nullable=False),
        sa.Column("evaluasi_id", sa.Integer(), nullable=False),
        sa.Column("realisasi", sa.String(length=1000), nullable=False),
        sa.Column("nilai", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.ForeignKeyConstraint(["evaluasi_id"], ["skp_evaluasi.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["indikator_id"], ["skp_indikator.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("indikator_id", "evaluasi_id", name="uq_skp_realisasi_periode"),
    )
    with op.batch_alter_table("skp_realisasi", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_skp_realisasi_evaluasi_id"), ["evaluasi_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_skp_realisasi_indikator_id"), ["indikator_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("skp_realisasi", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_skp_realisasi_indikator_id"))
        batch_op.drop_index(batch_op.f("ix_skp_realisasi_evaluasi_id"))

    op.drop_table("skp_realisasi")
    with op.batch_alter_table("skp_indikator", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_skp_indikator_rhk_id"))

    op.drop_table("skp_indikator")
    with op.batch_alter_table("skp_rhk", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_skp_rhk_skp_id"))
        batch_op.drop_index(batch_op.f("ix_skp_rhk_rhk_atasan_id"))

    op.drop_table("skp_rhk")
    with op.batch_alter_table("skp_observasi", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_skp_observasi_skp_id"))

    op.drop_table("skp_observasi")
    with op.batch_alter_table("skp_evaluasi", schema=None) as batch_op:
        batch_op.drop_index("uq_skp_evaluasi_siasn_id")
        batch_op.drop_index(batch_op.f("ix_skp_evaluasi_skp_id"))

    op.drop_table("skp_evaluasi")
    with op.batch_alter_table("skp", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_skp_pegawai_id"))
        batch_op.drop_index(batch_op.f("ix_skp_nip"))

    op.drop_table("skp")
    with op.batch_alter_table("pmm_problem", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_pmm_problem_open",
            sqlite_where=sa.text("status = 'open'"),
            postgresql_where=sa.text("status = 'open'"),
        )
        batch_op.drop_index(batch_op.f("ix_pmm_problem_npsn"))
        batch_op.drop_index(batch_op.f("ix_pmm_problem_nip"))

    op.drop_table("pmm_problem")
    op.drop_table("pmm_cursor")
