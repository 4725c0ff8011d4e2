"""What may be saved: the intake rules shared by the upload page, the store and the CLI.

Pure functions over a parsed file and what earlier uploads hold (:class:`StoredState`). The
store gathers that state inside its transaction and writes what :func:`decide` allows; the CLI
builds the state from the inputs read before. Messages are the caller's: a decision carries a
status and the facts (which upload, how many scopes and rows, an example row), no text.

The rules:

* errors in the file, or a school, year, subject, grade or period still missing → not saved;
* the same bytes saved before → a duplicate, nothing added;
* earlier rows of the same scope (:data:`~core.model.RESULT_KEY`) that share a pupil with the
  file → a conflict: a corrected file, saved only when the user confirms the replacement, and
  then the earlier rows of those scopes are replaced;
* earlier rows of the same scope with other pupils only → another subgroup of the class, which
  adds to the scope;
* a teacher load for a class and subject already loaded → a conflict in the same way;
* a work description (``task_catalog``) of a year, subject and grade already loaded (its tasks,
  or its КТ or КЭС dictionary) → a conflict in the same way;
* a reference row (``reference``) of a year, procedure, subject, grade and level already loaded
  → a conflict in the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import cast

import pandas as pd

from core.model import RESULT_KEY, ParsedFile
from core.names import pupil_key, pupil_likeness
from core.problems import has_errors

__all__ = [
    "CATALOG_SCOPE",
    "LOAD_SCOPE",
    "REFERENCE_SCOPE",
    "EarlierUpload",
    "IntakeDecision",
    "IntakeStatus",
    "Overlap",
    "StoredState",
    "decide",
    "missing_fields",
    "schools_of",
    "state_of_files",
]

# A teacher-load row is replaced per school, year, class and subject.
LOAD_SCOPE = ("school", "year", "class_label", "subject")
# A work description's rows are replaced per ВПР year, subject, grade and part (tasks, КТ, КЭС).
CATALOG_SCOPE = ("year", "subject", "grade", "part")
# A reference row is replaced per work and level.
REFERENCE_SCOPE = ("year", "procedure", "subject", "grade", "level")
_RESULT_SCOPE = list(RESULT_KEY)


class IntakeStatus(StrEnum):
    READY = "ready"  # can be saved as it is
    REPLACES = "replaces"  # saved in place of earlier rows, as the user confirmed
    BLOCKED = "blocked"  # the file has errors
    INCOMPLETE = "incomplete"  # a school, year, subject, grade or period is still missing
    EMPTY = "empty"  # nothing to save
    DUPLICATE = "duplicate"  # the same bytes were saved before
    CONFLICT = "conflict"  # earlier rows of the same pupils and scope: confirm to replace


@dataclass(frozen=True)
class EarlierUpload:
    upload_id: int
    file_name: str  # «» when the upload is another school's (its name is not to be shown)
    uploaded_at: datetime | None = None
    schools: tuple[str, ...] = ()


@dataclass(frozen=True)
class Overlap:
    """Earlier rows of one upload in the scopes of the new file."""

    upload: EarlierUpload
    scopes: int  # class × subject × period (or date) scopes in common
    rows: int  # earlier rows in those scopes
    # A pupil found in both (conflicts only): pupil, class, subject, sheet and row of the new file.
    example: tuple[str, str, str, str, int | None] | None = None
    # Why a conflict: «pupils» (the same pupils), «names» (most names again in another
    # spelling), «roster» (the class would outgrow its roster in the other uploads).
    reason: str = ""


def _empty_scopes(columns: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame(columns=["upload_id", *columns])


@dataclass(frozen=True)
class StoredState:
    """What earlier uploads hold, as much as a decision on one new file needs.

    ``result_pupils``: upload_id, RESULT_KEY…, pupil — earlier result rows in the years of the
    new file. ``load_scopes``: upload_id, LOAD_SCOPE…, rows — earlier teacher-load rows.
    ``catalog_scopes``: upload_id, CATALOG_SCOPE…, rows — earlier work-description rows.
    ``reference_scopes``: upload_id, REFERENCE_SCOPE…, rows — earlier reference rows.
    """

    uploads: Mapping[int, EarlierUpload] = field(default_factory=dict)
    same_bytes: EarlierUpload | None = None
    result_pupils: pd.DataFrame = field(
        default_factory=lambda: _empty_scopes([*RESULT_KEY, "pupil"]))
    load_scopes: pd.DataFrame = field(
        default_factory=lambda: _empty_scopes([*LOAD_SCOPE, "rows"]))
    catalog_scopes: pd.DataFrame = field(
        default_factory=lambda: _empty_scopes([*CATALOG_SCOPE, "rows"]))
    reference_scopes: pd.DataFrame = field(
        default_factory=lambda: _empty_scopes([*REFERENCE_SCOPE, "rows"]))


@dataclass(frozen=True)
class IntakeDecision:
    status: IntakeStatus
    missing: tuple[str, ...] = ()
    duplicate_of: EarlierUpload | None = None
    conflicts: tuple[Overlap, ...] = ()  # earlier uploads whose rows this file repeats
    subgroups: tuple[Overlap, ...] = ()  # earlier uploads of the same scopes with other pupils
    # What a confirmed replacement deletes: upload_id + RESULT_KEY, upload_id + LOAD_SCOPE and
    # upload_id + CATALOG_SCOPE, upload_id + REFERENCE_SCOPE.
    replaced_results: pd.DataFrame = field(default_factory=lambda: _empty_scopes(RESULT_KEY))
    replaced_load: pd.DataFrame = field(default_factory=lambda: _empty_scopes(LOAD_SCOPE))
    replaced_catalog: pd.DataFrame = field(default_factory=lambda: _empty_scopes(CATALOG_SCOPE))
    replaced_reference: pd.DataFrame = field(
        default_factory=lambda: _empty_scopes(REFERENCE_SCOPE))

    @property
    def can_save(self) -> bool:
        return self.status in (IntakeStatus.READY, IntakeStatus.REPLACES)


def missing_fields(parsed: ParsedFile, *, require_school: bool = True) -> tuple[str, ...]:
    """«school», «year», «subject», «grade», «period» that some rows still lack (the user or a
    CLI option must supply them), or that an error says the file cannot be read without."""
    lacking = {p.needs for p in parsed.problems if p.needs and has_errors((p,))}
    # a work description and reference rows have no school
    for frame in (parsed.results, parsed.task_catalog, parsed.reference):
        lacking |= {name for name in ("school", "year", "subject", "grade")
                    if name in frame.columns and not frame.empty and (
                        frame[name].isna() | (frame[name].astype(str) == "")).any()}
    if require_school and any((getattr(parsed, name)["school"] == "").any() for name in (
            "lessons", "teacher_load", "destinations") if not getattr(parsed, name).empty):
        lacking.add("school")
    if not require_school:
        lacking.discard("school")
    return tuple(f for f in ("school", "year", "subject", "grade", "period") if f in lacking)


def schools_of(parsed: ParsedFile) -> set[str]:
    """The schools a file's rows belong to."""
    return {str(s) for name in ("results", "lessons", "teacher_load", "destinations")
            for s in getattr(parsed, name)["school"] if s}


def _scope_tuples(frame: pd.DataFrame, columns: Sequence[str]) -> pd.Series:
    def texts(values: pd.Series) -> pd.Series:
        values = values.astype(object)  # a nullable grade (Int64) cannot be filled with «»
        return values.where(values.notna(), "").astype(str)

    return pd.Series(list(zip(*(texts(frame[c]) for c in columns), strict=True)),
                     index=frame.index, dtype=object)


def decide(parsed: ParsedFile, state: StoredState, *, replace: bool = False,
           require_school: bool = True) -> IntakeDecision:
    """Whether ``parsed`` may be saved over ``state``, and what it would replace."""
    if has_errors(parsed.problems):
        return IntakeDecision(IntakeStatus.BLOCKED)
    missing = missing_fields(parsed, require_school=require_school)
    if missing:
        return IntakeDecision(IntakeStatus.INCOMPLETE, missing=missing)
    if state.same_bytes is not None:
        same = state.same_bytes
        if not set(same.schools) & schools_of(parsed):  # another school's file: no details
            same = EarlierUpload(same.upload_id, "")
        return IntakeDecision(IntakeStatus.DUPLICATE, duplicate_of=same)
    if parsed.row_count == 0:
        return IntakeDecision(IntakeStatus.EMPTY)
    repeats, subgroups, replaced = _result_overlap(parsed, state)
    load_repeats, replaced_load = _scope_overlap(parsed.teacher_load, state.load_scopes,
                                                 LOAD_SCOPE, state, "load")
    catalog_repeats, replaced_catalog = _scope_overlap(
        parsed.task_catalog, state.catalog_scopes, CATALOG_SCOPE, state, "catalog")
    reference_repeats, replaced_reference = _scope_overlap(
        parsed.reference, state.reference_scopes, REFERENCE_SCOPE, state, "reference")
    conflicts = _merge(repeats, load_repeats, catalog_repeats, reference_repeats)
    status = (IntakeStatus.CONFLICT if conflicts and not replace
              else IntakeStatus.REPLACES if conflicts else IntakeStatus.READY)
    return IntakeDecision(status, conflicts=conflicts, subgroups=subgroups,
                          replaced_results=replaced, replaced_load=replaced_load,
                          replaced_catalog=replaced_catalog,
                          replaced_reference=replaced_reference)


# A list that matches this share of another's names in a looser spelling repeats it.
LIKENESS_SHARE = 0.5


def _keys(frame: pd.DataFrame) -> tuple[list[str], list[str]]:
    pupils = frame["pupil"].astype(str).tolist()
    return [pupil_key(p) for p in pupils], [pupil_likeness(p) for p in pupils]


def _result_overlap(parsed: ParsedFile, state: StoredState
                    ) -> tuple[list[Overlap], tuple[Overlap, ...], pd.DataFrame]:
    """Earlier uploads in the scopes of the new file: repeats (a conflict) or other subgroups.

    A scope repeats an earlier upload's rows when they share a pupil (names compared by
    :func:`~core.names.pupil_key`), when most of the new names match the earlier ones in a looser
    spelling (:func:`~core.names.pupil_likeness`), or when adding the new pupils would make the
    class larger than its roster in the other uploads of the year.
    """
    new = parsed.results
    earlier_all = state.result_pupils
    if new.empty or earlier_all.empty:
        return [], (), _empty_scopes(RESULT_KEY)
    new_scope = _scope_tuples(new, _RESULT_SCOPE)
    old_scope = _scope_tuples(earlier_all, _RESULT_SCOPE)
    inside = old_scope.isin(set(new_scope))
    earlier = earlier_all.assign(_scope=old_scope)[inside]
    if earlier.empty:
        return [], (), _empty_scopes(RESULT_KEY)
    new_key, new_like = _keys(new)
    old_key, old_like = _keys(earlier)
    earlier = earlier.assign(_key=old_key, _like=old_like)
    new_by_scope: dict[tuple[str, ...], tuple[set[str], set[str]]] = {}
    for scope, key, like in zip(new_scope, new_key, new_like, strict=True):
        keys, likes = new_by_scope.setdefault(scope, (set(), set()))
        keys.add(key)
        likes.add(like)
    rosters = _rosters(earlier_all[~inside])
    reasons: dict[tuple[int, tuple[str, ...]], str] = {}
    for (upload_id, scope), group in earlier.groupby(["upload_id", "_scope"]):
        keys, likes = new_by_scope[scope]  # type: ignore[index]
        if set(group["_key"]) & keys:
            reasons[(int(str(upload_id)), scope)] = "pupils"  # type: ignore[index]
        elif len(likes & set(group["_like"])) >= LIKENESS_SHARE * len(likes):
            reasons[(int(str(upload_id)), scope)] = "names"  # type: ignore[index]
    for scope_value, group in earlier.groupby("_scope"):
        scope = cast("tuple[str, ...]", scope_value)
        roster = rosters.get((scope[0], scope[1], scope[5]))  # school, year, class
        together = set(group["_key"]) | new_by_scope[scope][0]
        if roster and len(together) > roster:
            for upload_id in set(group["upload_id"]):
                reasons.setdefault((int(str(upload_id)), scope), "roster")
    repeats: list[Overlap] = []
    subgroups: list[Overlap] = []
    earlier = earlier.assign(_reason=[reasons.get((int(str(u)), s), "") for u, s in zip(
        earlier["upload_id"], earlier["_scope"], strict=True)])
    for upload_id, group in earlier.groupby("upload_id"):
        uid = int(str(upload_id))
        upload = state.uploads.get(uid, EarlierUpload(uid, ""))
        hit = group[group["_reason"] != ""]
        if not hit.empty:
            reason = sorted(set(hit["_reason"]), key=("pupils", "names", "roster").index)[0]
            repeats.append(Overlap(upload, int(hit["_scope"].nunique()), len(hit),
                                   _example(new, new_scope, new_key, hit), reason))
        rest = group[group["_reason"] == ""]
        if not rest.empty:
            subgroups.append(Overlap(upload, int(rest["_scope"].nunique()), len(rest)))
    replaced = earlier[earlier["_reason"] != ""][["upload_id", *_RESULT_SCOPE]].drop_duplicates()
    return repeats, tuple(subgroups), replaced.reset_index(drop=True)


def _rosters(rows: pd.DataFrame) -> dict[tuple[str, ...], int]:
    """Distinct pupils per (school, year, class) in the given earlier rows."""
    if rows.empty:
        return {}
    keys = pd.Series([pupil_key(str(p)) for p in rows["pupil"]], index=rows.index)
    counted = rows.assign(_key=keys).groupby(["school", "year", "class_label"])["_key"].nunique()
    return {tuple(str(v) for v in cast("tuple[str, ...]", k)): int(n)
            for k, n in counted.items()}


def _example(new: pd.DataFrame, new_scope: pd.Series, new_key: list[str], group: pd.DataFrame
             ) -> tuple[str, str, str, str, int | None]:
    """The first row of the new file in a repeated scope (whose pupil the earlier upload has,
    when the repeat is by pupils)."""
    earlier = set(zip(group["_scope"], group["_key"], strict=True))
    scopes = set(group["_scope"])
    first = None
    for i, (scope, key) in enumerate(zip(new_scope, new_key, strict=True)):
        if (scope, key) in earlier or (first is None and scope in scopes):
            first = i
            if (scope, key) in earlier:
                break
    rec = new.iloc[first if first is not None else 0]
    row = rec["source_row"]
    return (str(rec["pupil"]), str(rec["class_label"]), str(rec["subject"]),
            str(rec["source_sheet"]), None if pd.isna(row) else int(row))


def _scope_overlap(new: pd.DataFrame, earlier: pd.DataFrame, scope: tuple[str, ...],
                   state: StoredState, reason: str) -> tuple[list[Overlap], pd.DataFrame]:
    """Earlier rows (counted per ``scope``) of the scopes of ``new``: a teacher load or a work
    description is replaced as a whole per scope, whatever its rows."""
    if new.empty or earlier.empty:
        return [], _empty_scopes(scope)
    new_scope = set(_scope_tuples(new, scope))
    hit = earlier[_scope_tuples(earlier, scope).isin(new_scope)]
    overlaps = [Overlap(state.uploads.get(int(str(u)), EarlierUpload(int(str(u)), "")),
                        len(group), int(group["rows"].sum()), reason=reason)
                for u, group in hit.groupby("upload_id")]
    return overlaps, hit[["upload_id", *scope]].reset_index(drop=True)


def _merge(*lists: list[Overlap]) -> tuple[Overlap, ...]:
    """One overlap per earlier upload (results and load of one file count together)."""
    merged: dict[int, Overlap] = {}
    for overlap in (o for items in lists for o in items):
        known = merged.get(overlap.upload.upload_id)
        merged[overlap.upload.upload_id] = overlap if known is None else Overlap(
            known.upload, known.scopes + overlap.scopes, known.rows + overlap.rows,
            known.example or overlap.example, known.reason or overlap.reason)
    return tuple(merged[k] for k in sorted(merged))


def state_of_files(earlier: Sequence[ParsedFile], new: ParsedFile) -> StoredState:
    """The state a run of the CLI has when it reads ``new`` after ``earlier`` (numbered from 1
    in reading order): one pupil read twice would be counted twice."""
    uploads = {i: EarlierUpload(i, f.file_name, schools=tuple(sorted(schools_of(f))))
               for i, f in enumerate(earlier, start=1)}
    same = next((uploads[i] for i, f in enumerate(earlier, start=1) if f.sha256 == new.sha256
                 and new.sha256), None)
    pupils = [f.results[[*RESULT_KEY, "pupil"]].assign(upload_id=i)
              for i, f in enumerate(earlier, start=1) if not f.results.empty]
    def scopes(name: str, columns: tuple[str, ...]) -> pd.DataFrame:
        parts = [getattr(f, name).groupby(list(columns), dropna=False).size().rename("rows")
                 .reset_index().assign(upload_id=i) for i, f in enumerate(earlier, start=1)
                 if not getattr(f, name).empty]
        return (pd.concat(parts, ignore_index=True) if parts
                else _empty_scopes([*columns, "rows"]))

    return StoredState(
        uploads=uploads, same_bytes=same,
        result_pupils=(pd.concat(pupils, ignore_index=True) if pupils
                       else _empty_scopes([*RESULT_KEY, "pupil"])),
        load_scopes=scopes("teacher_load", LOAD_SCOPE),
        catalog_scopes=scopes("task_catalog", CATALOG_SCOPE),
        reference_scopes=scopes("reference", REFERENCE_SCOPE))
