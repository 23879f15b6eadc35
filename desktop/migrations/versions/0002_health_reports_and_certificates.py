"""health reports and certificates

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "certificate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=50), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("observation_start", sa.Date(), nullable=False),
        sa.Column("released_on", sa.Date(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_by", sa.Integer(), nullable=True),
        sa.Column("issuer", sa.String(length=100), nullable=False),
        sa.Column("key_id", sa.Integer(), nullable=False),
        sa.Column("signed_text", sa.Text(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.Integer(), nullable=True),
        sa.Column("revoke_reason", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["issued_by"],
            ["operator.id"],
            name=op.f("fk_certificate_issued_by_operator"),
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by"],
            ["operator.id"],
            name=op.f("fk_certificate_revoked_by_operator"),
        ),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["student.id"],
            name=op.f("fk_certificate_student_id_student"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificate")),
        sa.UniqueConstraint("number", name=op.f("uq_certificate_number")),
    )
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_certificate_student_id"), ["student_id"], unique=False
        )

    op.create_table(
        "health_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column(
            "temperature",
            sa.Numeric(precision=3, scale=1, asdecimal=False),
            nullable=False,
        ),
        sa.Column("symptoms", sa.Text(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["recorded_by"],
            ["operator.id"],
            name=op.f("fk_health_report_recorded_by_operator"),
        ),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["student.id"],
            name=op.f("fk_health_report_student_id_student"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_health_report")),
        sa.UniqueConstraint(
            "student_id",
            "day",
            "version",
            name=op.f("uq_health_report_student_id_day_version"),
        ),
    )
    with op.batch_alter_table("health_report", schema=None) as batch_op:
        batch_op.create_index("ix_health_report_day", ["day"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_health_report_student_id"), ["student_id"], unique=False
        )
        batch_op.create_index(
            "uq_health_report_current",
            ["student_id", "day"],
            unique=True,
            sqlite_where=sa.text("is_current"),
            postgresql_where=sa.text("is_current"),
        )

    with op.batch_alter_table("observation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("undo_reason", sa.String(length=200), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("observation", schema=None) as batch_op:
        batch_op.drop_column("undo_reason")
        batch_op.drop_column("undone_at")

    with op.batch_alter_table("health_report", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_health_report_current",
            sqlite_where=sa.text("is_current"),
            postgresql_where=sa.text("is_current"),
        )
        batch_op.drop_index(batch_op.f("ix_health_report_student_id"))
        batch_op.drop_index("ix_health_report_day")

    op.drop_table("health_report")
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_certificate_student_id"))

    op.drop_table("certificate")
