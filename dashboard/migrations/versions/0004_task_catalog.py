"""ВПР work descriptions: the task catalog

Upgrades a database of release 1, 2 or 3 in place (SQLite and PostgreSQL):

* ``task_catalog``: per ВПР year, subject and grade, each task's level (Б/П/В), maximum, КЭС
  and КТ codes and skill text, and the КТ/КЭС dictionaries (core.model ``task_catalog``;
  FORMATS §10). Nothing saved before is a description (the readers refused them), so the table
  starts empty;
* ``upload.task_catalog``: how many such rows an upload saved (0 for earlier uploads).

Revision ID: 0004
Revises: 0003
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("upload") as batch:
        batch.add_column(sa.Column("task_catalog", sa.Integer(), nullable=False,
                                   server_default="0"))
    op.create_table(
        "task_catalog",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("upload_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Text(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("grade", sa.Integer(), nullable=True),
        sa.Column("part", sa.Text(), nullable=False),
        sa.Column("task", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("max_score", sa.Float(), nullable=True),
        sa.Column("level", sa.Text(), nullable=False),
        sa.Column("kes", sa.Text(), nullable=False),
        sa.Column("kt", sa.Text(), nullable=False),
        sa.Column("skill", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["upload_id"], ["upload.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_task_catalog_upload_id", "task_catalog", ["upload_id"])
    op.create_index("ix_task_catalog_work", "task_catalog", ["year", "subject", "grade"])


def downgrade() -> None:
    op.drop_index("ix_task_catalog_work", table_name="task_catalog")
    op.drop_index("ix_task_catalog_upload_id", table_name="task_catalog")
    op.drop_table("task_catalog")
    with op.batch_alter_table("upload") as batch:
        batch.drop_column("task_catalog")
