"""A :class:`~core.model.Dataset` built from parsed files (the CLI's way; the app loads it from
the store)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from core.model import TABLES, Dataset, ParsedFile, normalise_table
from core.summary import fill_teachers

__all__ = ["build_dataset"]


def build_dataset(files: Sequence[ParsedFile]) -> Dataset:
    """All tables of ``files`` in reading order. Result row ids are renumbered across files (the
    task scores follow them); empty teachers are filled from the teacher load of all files."""
    tables: dict[str, list[pd.DataFrame]] = {name: [] for name in TABLES}
    offset = 0
    for parsed in files:
        results = parsed.results
        tables["results"].append(results.assign(row_id=results["row_id"] + offset))
        tables["tasks"].append(parsed.tasks.assign(row_id=parsed.tasks["row_id"] + offset))
        for name in ("lessons", "teacher_load", "destinations", "task_catalog", "reference"):
            tables[name].append(getattr(parsed, name))
        offset += int(results["row_id"].max()) + 1 if not results.empty else 0
    frames = {name: normalise_table(name, pd.concat(parts, ignore_index=True)) if parts
              else normalise_table(name, pd.DataFrame())
              for name, parts in tables.items()}
    frames["results"] = fill_teachers(frames["results"], frames["teacher_load"])
    return Dataset(**frames)
