"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "school",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("authority", sa.String(length=50), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school")),
        sa.UniqueConstraint("code", name=op.f("uq_school_code")),
        sa.UniqueConstraint("name", name=op.f("uq_school_name")),
    )
    op.create_table(
        "setting",
        sa.Column("key", sa.String(length=50), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_setting")),
    )
    op.create_table(
        "college",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"], ["school.id"], name=op.f("fk_college_school_id_school")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_college")),
        sa.UniqueConstraint(
            "school_id", "name", name=op.f("uq_college_school_id_name")
        ),
    )
    op.create_table(
        "major",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("college_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["college_id"], ["college.id"], name=op.f("fk_major_college_id_college")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_major")),
        sa.UniqueConstraint(
            "college_id", "name", name=op.f("uq_major_college_id_name")
        ),
    )
    op.create_table(
        "operator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("login", sa.String(length=50), nullable=False),
        sa.Column("display_name", sa.String(length=50), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("college_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["college_id"], ["college.id"], name=op.f("fk_operator_college_id_college")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_operator")),
        sa.UniqueConstraint("login", name=op.f("uq_operator_login")),
    )
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=True),
        sa.Column("operator_login", sa.String(length=50), nullable=True),
        sa.Column("workstation", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=50), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["operator_id"],
            ["operator.id"],
            name=op.f("fk_audit_event_operator_id_operator"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_audit_event_action"), ["action"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_audit_event_at"), ["at"], unique=False)

    op.create_table(
        "school_class",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("college_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("head_name", sa.String(length=50), nullable=True),
        sa.Column("head_operator_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["college_id"],
            ["college.id"],
            name=op.f("fk_school_class_college_id_college"),
        ),
        sa.ForeignKeyConstraint(
            ["head_operator_id"],
            ["operator.id"],
            name=op.f("fk_school_class_head_operator_id_operator"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_class")),
        sa.UniqueConstraint("name", name=op.f("uq_school_class_name")),
    )
    with op.batch_alter_table("school_class", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_school_class_college_id"), ["college_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_school_class_head_operator_id"),
            ["head_operator_id"],
            unique=False,
        )

    op.create_table(
        "student",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("student_no", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("gender", sa.String(length=20), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("major_id", sa.Integer(), nullable=True),
        sa.Column("doc_type", sa.String(length=20), nullable=True),
        sa.Column("doc_number", sa.String(length=50), nullable=True),
        sa.Column("doc_tail", sa.String(length=4), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("enrol_year", sa.Integer(), nullable=True),
        sa.Column("enrol_month", sa.Integer(), nullable=True),
        sa.Column("international", sa.Boolean(), nullable=False),
        sa.Column("country", sa.String(length=50), nullable=True),
        sa.Column("pass_ref", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"],
            ["school_class.id"],
            name=op.f("fk_student_class_id_school_class"),
        ),
        sa.ForeignKeyConstraint(
            ["major_id"], ["major.id"], name=op.f("fk_student_major_id_major")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_student")),
        sa.UniqueConstraint("pass_ref", name=op.f("uq_student_pass_ref")),
        sa.UniqueConstraint("student_no", name=op.f("uq_student_student_no")),
    )
    with op.batch_alter_table("student", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_student_class_id"), ["class_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_student_doc_tail"), ["doc_tail"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_student_name"), ["name"], unique=False)

    op.create_table(
        "gate_pass",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.Integer(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoke_reason", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["student_id"], ["student.id"], name=op.f("fk_gate_pass_student_id_student")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gate_pass")),
    )
    with op.batch_alter_table("gate_pass", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_gate_pass_student_id"), ["student_id"], unique=False
        )

    op.create_table(
        "gate_scan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scanned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("gate", sa.String(length=50), nullable=False),
        sa.Column("workstation", sa.String(length=100), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("verdict", sa.String(length=20), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=True),
        sa.Column("pass_serial", sa.Integer(), nullable=True),
        sa.Column("code_digest", sa.String(length=16), nullable=False),
        sa.Column("ms", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["operator_id"],
            ["operator.id"],
            name=op.f("fk_gate_scan_operator_id_operator"),
        ),
        sa.ForeignKeyConstraint(
            ["student_id"], ["student.id"], name=op.f("fk_gate_scan_student_id_student")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gate_scan")),
    )
    with op.batch_alter_table("gate_scan", schema=None) as batch_op:
        batch_op.create_index(
            "ix_gate_scan_gate_time", ["gate", "scanned_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_gate_scan_scanned_at"), ["scanned_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_gate_scan_student_id"), ["student_id"], unique=False
        )

    op.create_table(
        "observation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("released_by", sa.Integer(), nullable=True),
        sa.Column("release_reason", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["released_by"],
            ["operator.id"],
            name=op.f("fk_observation_released_by_operator"),
        ),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["student.id"],
            name=op.f("fk_observation_student_id_student"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_observation")),
        sa.UniqueConstraint("student_id", name=op.f("uq_observation_student_id")),
    )
    op.create_table(
        "registration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_by", sa.Integer(), nullable=True),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("district", sa.String(length=20), nullable=False),
        sa.Column("enrol_year", sa.Integer(), nullable=False),
        sa.Column("enrol_month", sa.Integer(), nullable=False),
        sa.Column("international", sa.Boolean(), nullable=False),
        sa.Column("country", sa.String(length=50), nullable=True),
        sa.Column("college_name", sa.String(length=100), nullable=False),
        sa.Column("major_name", sa.String(length=100), nullable=False),
        sa.Column("on_campus", sa.Boolean(), nullable=False),
        sa.Column("building", sa.String(length=50), nullable=True),
        sa.Column("room", sa.String(length=20), nullable=True),
        sa.Column("community", sa.String(length=100), nullable=True),
        sa.Column("address", sa.String(length=200), nullable=True),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("gender", sa.String(length=20), nullable=False),
        sa.Column("doc_type", sa.String(length=20), nullable=False),
        sa.Column("doc_number", sa.String(length=50), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("left_beijing", sa.Boolean(), nullable=False),
        sa.Column("arrival_date", sa.Date(), nullable=True),
        sa.Column("arrival_tbd", sa.Boolean(), nullable=False),
        sa.Column("origin_abroad", sa.Boolean(), nullable=False),
        sa.Column("province", sa.String(length=50), nullable=True),
        sa.Column("city", sa.String(length=50), nullable=True),
        sa.Column("foreign_address", sa.String(length=200), nullable=True),
        sa.Column("fever", sa.Boolean(), nullable=False),
        sa.Column("cough", sa.Boolean(), nullable=False),
        sa.Column("fatigue", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"], ["school.id"], name=op.f("fk_registration_school_id_school")
        ),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["student.id"],
            name=op.f("fk_registration_student_id_student"),
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by"],
            ["operator.id"],
            name=op.f("fk_registration_submitted_by_operator"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registration")),
        sa.UniqueConstraint(
            "student_id", "version", name=op.f("uq_registration_student_id_version")
        ),
    )
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_registration_student_id"), ["student_id"], unique=False
        )
        batch_op.create_index(
            "uq_registration_current",
            ["student_id"],
            unique=True,
            sqlite_where=sa.text("is_current"),
            postgresql_where=sa.text("is_current"),
        )

    op.create_table(
        "return_approval",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("approved_from", sa.Date(), nullable=False),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approved_by", sa.Integer(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.Integer(), nullable=True),
        sa.Column("revoke_reason", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["approved_by"],
            ["operator.id"],
            name=op.f("fk_return_approval_approved_by_operator"),
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by"],
            ["operator.id"],
            name=op.f("fk_return_approval_revoked_by_operator"),
        ),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["student.id"],
            name=op.f("fk_return_approval_student_id_student"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_return_approval")),
    )
    with op.batch_alter_table("return_approval", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_return_approval_student_id"), ["student_id"], unique=False
        )

    op.create_table(
        "check_in",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("checked_in_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("gate", sa.String(length=50), nullable=False),
        sa.Column("workstation", sa.String(length=100), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=True),
        sa.Column("scan_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["operator_id"],
            ["operator.id"],
            name=op.f("fk_check_in_operator_id_operator"),
        ),
        sa.ForeignKeyConstraint(
            ["scan_id"], ["gate_scan.id"], name=op.f("fk_check_in_scan_id_gate_scan")
        ),
        sa.ForeignKeyConstraint(
            ["student_id"], ["student.id"], name=op.f("fk_check_in_student_id_student")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_check_in")),
        sa.UniqueConstraint("student_id", name=op.f("uq_check_in_student_id")),
    )
    with op.batch_alter_table("check_in", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_check_in_checked_in_at"), ["checked_in_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("check_in", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_check_in_checked_in_at"))

    op.drop_table("check_in")
    with op.batch_alter_table("return_approval", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_return_approval_student_id"))

    op.drop_table("return_approval")
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_registration_current",
            sqlite_where=sa.text("is_current"),
            postgresql_where=sa.text("is_current"),
        )
        batch_op.drop_index(batch_op.f("ix_registration_student_id"))

    op.drop_table("registration")
    op.drop_table("observation")
    with op.batch_alter_table("gate_scan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gate_scan_student_id"))
        batch_op.drop_index(batch_op.f("ix_gate_scan_scanned_at"))
        batch_op.drop_index("ix_gate_scan_gate_time")

    op.drop_table("gate_scan")
    with op.batch_alter_table("gate_pass", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gate_pass_student_id"))

    op.drop_table("gate_pass")
    with op.batch_alter_table("student", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_student_name"))
        batch_op.drop_index(batch_op.f("ix_student_doc_tail"))
        batch_op.drop_index(batch_op.f("ix_student_class_id"))

    op.drop_table("student")
    with op.batch_alter_table("school_class", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_school_class_head_operator_id"))
        batch_op.drop_index(batch_op.f("ix_school_class_college_id"))

    op.drop_table("school_class")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_at"))
        batch_op.drop_index(batch_op.f("ix_audit_event_action"))

    op.drop_table("audit_event")
    op.drop_table("operator")
    op.drop_table("major")
    op.drop_table("college")
    op.drop_table("setting")
    op.drop_table("school")
