"""Reference rows (municipality, region, RF)

Upgrades a database of release 1–4 in place (SQLite and PostgreSQL):

* ``reference``: per year, procedure, subject, grade and level («РФ», «регион»,
  «муниципалитет»), the participants, mean primary score and SD, shares of marks, «понизили /
  подтвердили / повысили» and per-task completion (core.model ``reference``; FORMATS §9).
  Nothing saved before is a reference row, so the table starts empty;
* ``upload.reference``: how many such rows an upload saved (0 for earlier uploads).

Revision ID: 0005
Revises: 0004
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("upload") as batch:
        batch.add_column(sa.Column("reference", sa.Integer(), nullable=False,
                                   server_default="0"))
    op.create_table(
        "reference",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("upload_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Text(), nullable=False),
        sa.Column("procedure", sa.Text(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("grade", sa.Integer(), nullable=True),
        sa.Column("level", sa.Text(), nullable=False),
        sa.Column("participants", sa.Integer(), nullable=True),
        *(sa.Column(name, sa.Float(), nullable=True) for name in (
            "mean_score", "sd", "p2", "p3", "p4", "p5", "lowered", "confirmed", "raised")),
        sa.Column("tasks", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["upload_id"], ["upload.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_reference_upload_id", "reference", ["upload_id"])
    op.create_index("ix_reference_work", "reference", ["year", "procedure", "subject", "grade"])


def downgrade() -> None:
    op.drop_index("ix_reference_work", table_name="reference")
    op.drop_index("ix_reference_upload_id", table_name="reference")
    op.drop_table("reference")
    with op.batch_alter_table("upload") as batch:
        batch.drop_column("reference")
