"""which scale derived a ВПР mark

Upgrades a database of release 1 or 2 in place (SQLite and PostgreSQL):

* ``result.mark_scale``: the scale a ВПР mark was derived by from the primary score
  (core.scales.Scale.label), «» when the file gave the mark. Rows saved before are filled where
  the mark can only have been derived: ВПР rows of the layouts that carry no mark column (the
  ФИС ОКО protocol and the region dump) whose mark is what the shipped scale gives. Report
  marks («Отметка» of the ФИС ОКО report, a template's column) stay «»: they are never derived
  again.

Revision ID: 0003
Revises: 0002
"""
from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from alembic import op

from core.scales import find_scale, vpr_year

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Readers whose files have no «Отметка» column: every mark of theirs was derived by a scale.
_DERIVING_LAYOUTS = ("fisoko_vpr_protocol", "fisoko_vpr_dump")


def upgrade() -> None:
    with op.batch_alter_table("result") as batch:
        batch.add_column(sa.Column("mark_scale", sa.Text(), nullable=False, server_default=""))
    _label_derived_marks(op.get_bind())


def _label_derived_marks(bind: sa.Connection) -> None:
    rows = bind.execute(sa.text(
        "SELECT r.id, y.name, s.name, c.grade, r.mark, r.primary_score FROM result r "
        "JOIN upload u ON u.id = r.upload_id JOIN procedure p ON p.id = r.procedure_id "
        "JOIN academic_year y ON y.id = r.year_id JOIN subject s ON s.id = r.subject_id "
        "JOIN school_class c ON c.id = r.class_id "
        "WHERE p.name = 'ВПР' AND r.mark <> '' AND r.primary_score IS NOT NULL "
        "AND u.layout IN :layouts").bindparams(sa.bindparam("layouts", expanding=True)),
        {"layouts": list(_DERIVING_LAYOUTS)}).all()
    labels: dict[str, list[int]] = defaultdict(list)
    for result_id, year, subject, grade, mark, score in rows:
        scale = find_scale(year=vpr_year(str(year)), subject=str(subject),
                           grade=None if grade is None else int(grade))
        if scale is not None and str(scale.mark_for(float(score))) == str(mark):
            labels[scale.label].append(int(result_id))
    for label, ids in labels.items():
        for start in range(0, len(ids), 500):
            bind.execute(sa.text("UPDATE result SET mark_scale = :l WHERE id IN :ids")
                         .bindparams(sa.bindparam("ids", expanding=True)),
                         {"l": label, "ids": ids[start:start + 500]})


def downgrade() -> None:
    with op.batch_alter_table("result") as batch:
        batch.drop_column("mark_scale")
