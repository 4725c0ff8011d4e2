"""analysis base: procedure kind, ISO dates, task level and position, source rows, pupils per
school year, links across years

Upgrades a database of the first release in place (SQLite and PostgreSQL):

* ``procedure.kind`` from the name (core.names.procedure_kind);
* ``result.held_on`` and ``lesson.lesson_on`` as DATE, from the «дд.мм.гггг» text they replace;
* ``task_score.level`` («» for rows saved before levels were kept) and ``position`` (the order
  in which the first release saved a pupil's tasks, which is the column order of the file);
* ``result.source_sheet`` and ``source_row`` («» / NULL for rows saved before);
* a pupil is one child within one school year: a participant code belongs to its year, a name to
  its year and class. The first release kept one pupil per name or code in a school, so a ВПР
  code reissued the next year, or two namesakes in two classes, were merged; they are split here,
  every result and lesson keeping its own child;
* ``pupil_link`` for the same child in two years (filled by the store from now on).

Revision ID: 0002
Revises: 0001
"""
from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date

import pandas as pd
import sqlalchemy as sa
from alembic import op

from core.cohorts import propose_links
from core.dates import parse_date
from core.names import is_participant_code, procedure_kind

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    bind = op.get_bind()
    _procedure_kind(bind)
    _dates(bind)
    _tasks(bind)
    with op.batch_alter_table("result") as batch:
        batch.add_column(sa.Column("source_sheet", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("source_row", sa.Integer(), nullable=True))
    _pupils(bind)
    op.create_table(
        "pupil_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("from_pupil_id", sa.Integer(), nullable=False),
        sa.Column("to_pupil_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False, server_default="auto"),
        sa.ForeignKeyConstraint(["school_id"], ["school.id"]),
        sa.ForeignKeyConstraint(["from_pupil_id"], ["pupil.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["to_pupil_id"], ["pupil.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("from_pupil_id", "to_pupil_id", name="uq_pupil_link"),
    )
    for column in ("school_id", "from_pupil_id", "to_pupil_id"):
        op.create_index(f"ix_pupil_link_{column}", "pupil_link", [column])
    _links(bind)


def _links(bind: sa.Connection) -> None:
    """The links the data allows (the store makes them on every save from now on)."""
    rows = bind.execute(sa.text(
        "SELECT p.id, p.school_id, y.name, p.class_label, p.key FROM pupil p "
        "JOIN academic_year y ON y.id = p.year_id WHERE p.class_label <> ''")).all()
    pupils = pd.DataFrame(rows, columns=["id", "school_id", "year", "class_label", "pupil"])
    for school_id, group in pupils.groupby("school_id"):
        links = propose_links(group.drop(columns="school_id"))
        if not links.empty:
            bind.execute(sa.text(
                "INSERT INTO pupil_link (school_id, from_pupil_id, to_pupil_id, status) "
                "VALUES (:s, :a, :b, 'auto')"),
                [{"s": int(school_id), "a": int(a), "b": int(b)}
                 for a, b in zip(links["from_id"], links["to_id"], strict=True)])


def _procedure_kind(bind: sa.Connection) -> None:
    op.add_column("procedure", sa.Column("kind", sa.Text(), nullable=False, server_default=""))
    for pid, name in bind.execute(sa.text("SELECT id, name FROM procedure")).all():
        bind.execute(sa.text("UPDATE procedure SET kind = :k WHERE id = :i"),
                     {"k": procedure_kind(str(name)).value, "i": pid})


def _convert_dates(bind: sa.Connection, table: str, old: str, new: str) -> None:
    texts = [t for (t,) in bind.execute(sa.text(f"SELECT DISTINCT {old} FROM {table}")).all()]
    lost = []
    for text in texts:
        value: date | None = parse_date(str(text or ""))
        if value is not None:
            bind.execute(sa.text(f"UPDATE {table} SET {new} = :d WHERE {old} = :t"),
                         {"d": value, "t": text})
        elif str(text or "").strip():
            lost.append(str(text))
    if lost:  # the first release accepted any text as a date: say what could not be kept
        logging.getLogger("alembic.runtime.migration").warning(
            "%s.%s: not a date, left empty: %s", table, old, ", ".join(sorted(lost)[:20]))


def _dates(bind: sa.Connection) -> None:
    for table, old, new in (("result", "event_date", "held_on"),
                            ("lesson", "lesson_date", "lesson_on")):
        op.add_column(table, sa.Column(new, sa.Date(), nullable=True))
        _convert_dates(bind, table, old, new)
        with op.batch_alter_table(table) as batch:
            batch.drop_column(old)


def _tasks(bind: sa.Connection) -> None:
    with op.batch_alter_table("task_score") as batch:
        batch.add_column(sa.Column("level", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("position", sa.Integer(), nullable=False, server_default="0"))
    # The first release inserted a pupil's tasks in the file's column order: the order of ids.
    rows = bind.execute(sa.text("SELECT id, result_id FROM task_score ORDER BY result_id, id"))
    updates, current, position = [], None, 0
    for task_id, result_id in rows.all():
        position = position + 1 if result_id == current else 1
        current = result_id
        updates.append({"p": position, "i": task_id})
    if updates:
        bind.execute(sa.text("UPDATE task_score SET position = :p WHERE id = :i"), updates)


def _pupils(bind: sa.Connection) -> None:
    """One pupil per school year (code) or school year and class (name); split merged ones."""
    old_unique = [c["name"] for c in sa.inspect(bind).get_unique_constraints("pupil")
                  if set(c["column_names"]) == {"school_id", "key"}]
    if _sqlite():
        # SQLite names no constraint; describe the old table so that batch mode can drop it.
        old = sa.Table(
            "pupil", sa.MetaData(),
            sa.Column("id", sa.Integer(), primary_key=True),
            sa.Column("school_id", sa.Integer(), sa.ForeignKey("school.id"), nullable=False,
                      index=True),
            sa.Column("key", sa.Text(), nullable=False),
            sa.UniqueConstraint("school_id", "key", name="uq_pupil_school_key"))
        old_unique = ["uq_pupil_school_key"]
        batch_args = {"copy_from": old, "recreate": "always"}
    else:
        batch_args = {}
    with op.batch_alter_table("pupil", **batch_args) as batch:  # type: ignore[arg-type]
        for name in old_unique:
            batch.drop_constraint(name, type_="unique")
        batch.add_column(sa.Column("year_id", sa.Integer(),
                                   sa.ForeignKey("academic_year.id", name="fk_pupil_year"),
                                   nullable=True))
        batch.add_column(sa.Column("class_label", sa.Text(), nullable=False, server_default=""))
    # Which child each result and lesson belongs to: (school, year, class or «», key).
    uses: dict[tuple[int, int, str, str], set[tuple[int, str, int]]] = defaultdict(set)
    for table in ("result", "lesson"):
        rows = bind.execute(sa.text(
            f"SELECT p.id, p.school_id, p.key, c.year_id, c.label, c.id FROM {table} t "
            f"JOIN pupil p ON p.id = t.pupil_id JOIN school_class c ON c.id = t.class_id "
            f"GROUP BY p.id, p.school_id, p.key, c.year_id, c.label, c.id")).all()
        for pid, school_id, key, year_id, label, class_id in rows:
            code = is_participant_code(str(key))
            identity = (int(school_id), int(year_id), "" if code else str(label), str(key))
            uses[identity].add((int(pid), table, int(class_id)))
    claimed: set[int] = set()
    for identity in sorted(uses):
        school_id, year_id, label, key = identity
        owners = sorted({pid for pid, _t, _c in uses[identity]})
        reuse = next((pid for pid in owners if pid not in claimed), None)
        if reuse is not None:
            claimed.add(reuse)
            bind.execute(sa.text("UPDATE pupil SET year_id = :y, class_label = :l WHERE id = :i"),
                         {"y": year_id, "l": label, "i": reuse})
            new_id = reuse
        else:
            new_id = int(bind.execute(sa.text(
                "INSERT INTO pupil (school_id, key, year_id, class_label) "
                "VALUES (:s, :k, :y, :l) RETURNING id"),
                {"s": school_id, "k": key, "y": year_id, "l": label}).scalar_one())
        for pid, table, class_id in sorted(uses[identity]):
            if pid != new_id:
                bind.execute(sa.text(f"UPDATE {table} SET pupil_id = :n "
                                     f"WHERE pupil_id = :o AND class_id = :c"),
                             {"n": new_id, "o": pid, "c": class_id})
    # Pupils without a result or a lesson (left by deleted uploads) are not kept.
    bind.execute(sa.text("DELETE FROM pupil WHERE id NOT IN (SELECT pupil_id FROM result) "
                         "AND id NOT IN (SELECT pupil_id FROM lesson)"))
    with op.batch_alter_table("pupil") as batch:
        batch.create_unique_constraint("uq_pupil_identity",
                                       ["school_id", "year_id", "class_label", "key"])
    # SQLite's rebuilt table may have lost the index of release 1.
    if "ix_pupil_school_id" not in {i["name"] for i in sa.inspect(bind).get_indexes("pupil")}:
        op.create_index("ix_pupil_school_id", "pupil", ["school_id"])


def downgrade() -> None:
    raise NotImplementedError("the split of merged pupils cannot be undone")
