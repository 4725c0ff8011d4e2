"""Use cases for the pages: the one module between the pages (and widgets) and the store.

It owns sessions and transactions (a view never commits), and caches what it computes by
(database, data version, scope): a save, a replacement or a deletion changes the version, so no
page ever shows numbers older than the data. It needs no Streamlit, so the command line and the
tests call it as the pages do.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd
from sqlalchemy import Engine
from sqlmodel import Session

from core.cohorts import previous_year
from core.intake import IntakeDecision, IntakeStatus
from core.model import Dataset, Metadata, ParsedFile, Scope
from core.objectivity import Report, objectivity_table, run_checks, teacher_support, term_shares
from core.readers import derive_vpr_marks
from core.scales import Scale, find_scale, load_scales, scale_rows, scales_from_rows, vpr_year
from core.summary import summary_table
from core.thresholds import Thresholds
from dashboard import ingest, store

__all__ = [
    "DEFAULT_TIME_ZONE",
    "DatabaseUnavailable",
    "DemoError",
    "MissingScale",
    "Objectivity",
    "ReadOnly",
    "SaveOutcome",
    "ScaleChange",
    "all_scales",
    "analysis_years",
    "correct_pupil_link",
    "data_version",
    "database_kind",
    "database_problem",
    "dataset",
    "dataset_for_year",
    "delete_upload",
    "delete_user_scale",
    "engine",
    "get_setting",
    "inventory",
    "link_pupils_by_hand",
    "load_demo",
    "missing_scales",
    "objectivity",
    "pupil_links",
    "read_only_reason",
    "remember_mapping",
    "remembered_mapping",
    "save_file",
    "save_thresholds",
    "save_user_scale",
    "scale_usage",
    "school_clock",
    "set_settings",
    "summary",
    "thresholds",
    "uploads",
    "user_scales",
]

T = TypeVar("T")

_lock = threading.Lock()
_engines: dict[str, Engine] = {}
_cache: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_CACHE_SIZE = 16
_log = logging.getLogger(__name__)


class DatabaseUnavailable(RuntimeError):
    """The database cannot be used; ``str()`` says in Russian what to check (never the URL)."""


class ReadOnly(RuntimeError):
    """Saving, deleting or changing settings in a database opened for viewing only."""


def _unavailable(url: str, exc: BaseException) -> DatabaseUnavailable:
    if isinstance(exc, store.ReadOnlyDatabase):
        return DatabaseUnavailable(f"База данных не открывается: {exc}.")
    if url.startswith("postgresql"):
        return DatabaseUnavailable(
            "База данных PostgreSQL недоступна. Проверьте, что сервер запущен и принимает "
            "подключения, что адрес, имя базы, пользователь и пароль в переменной DATABASE_URL "
            "верны, и обновите страницу.")
    return DatabaseUnavailable(
        "Файл базы данных SQLite не открывается. Проверьте, что папка с ним существует и "
        "доступна, что на диске есть свободное место и файл не повреждён, и обновите страницу.")


def engine() -> Engine:
    """The engine of the configured database, made (and migrated) once per URL. Raises
    :class:`DatabaseUnavailable` (and tries again on the next call) when it cannot be used."""
    url = store.database_url()
    with _lock:
        if url not in _engines:
            try:
                _engines[url] = store.make_engine(url)
            except Exception as exc:  # any driver's failure: one Russian message, logged
                _log.exception("the database cannot be opened (%s)", store.database_kind(url))
                raise _unavailable(url, exc) from None
        return _engines[url]


def database_problem() -> str | None:
    """A Russian message when the database cannot be used right now, else ``None``."""
    try:
        with engine().connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except DatabaseUnavailable as exc:
        return str(exc)
    except Exception as exc:
        _log.exception("the database stopped answering")
        with _lock:  # connect afresh next time
            dropped = _engines.pop(store.database_url(), None)
        if dropped is not None:
            dropped.dispose()
        return str(_unavailable(store.database_url(), exc))
    return None


def read_only_reason() -> str | None:
    """Why nothing can be saved (a database file opened for viewing only), else ``None``."""
    if store.is_read_only(engine()):
        return ("Файл базы данных доступен только для чтения: данные можно смотреть и скачивать, "
                "но не загружать, удалять или менять настройки. Разрешите запись в файл и его "
                "папку и обновите страницу.")
    return None


@contextmanager
def _reading() -> Iterator[Session]:
    with Session(engine()) as session:
        yield session


@contextmanager
def _transaction() -> Iterator[Session]:
    """One unit of work: committed when the block ends, rolled back on any error."""
    reason = read_only_reason()
    if reason:
        raise ReadOnly(reason)
    with engine().connect() as conn:
        # SQLite: the write lock from the start, so that reading before writing never meets a
        # save that committed in between («database is locked»)
        locked = conn.execution_options(**{store.WRITE_LOCK_OPTION: True})
        with Session(bind=locked) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise


DEFAULT_TIME_ZONE = "Europe/Moscow"


def school_clock() -> Callable[[datetime], datetime]:
    """Stored moments (UTC) to the school's clock (the «timezone» setting, read once)."""
    try:
        zone = ZoneInfo(str(get_setting("timezone", DEFAULT_TIME_ZONE)))
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo(DEFAULT_TIME_ZONE)

    def local(moment: datetime) -> datetime:
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(zone)

    return local


def database_kind() -> str:
    return store.database_kind()


def data_version() -> tuple[int, int, int]:
    """(uploads, newest upload id, results): changes with every save, replacement and delete."""
    with _reading() as s:
        return store.data_version(session=s)


def _cached(kind: str, scope: Scope, compute: Callable[[Session], T]) -> T:
    key = (store.database_url(), data_version(), kind, scope)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            cached: T = _cache[key]  # what ``compute`` returned for this kind
            return cached
    with _reading() as s:
        value = compute(s)
    with _lock:
        _cache[key] = value
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return value


def summary(scope: Scope = Scope()) -> pd.DataFrame:
    """The summary table (core.summary.summary_table columns) of ``scope``, counted in SQL."""
    return _cached("summary", scope,
                   lambda s: summary_table(store.mark_counts(session=s, scope=scope)))


def inventory() -> pd.DataFrame:
    """What results are saved, with or without marks (store.result_inventory columns)."""
    return _cached("inventory", Scope(), lambda s: store.result_inventory(session=s))


def dataset(scope: Scope = Scope()) -> Dataset:
    """Every canonical table of ``scope`` (read only: do not modify the frames)."""
    return _cached("dataset", scope, lambda s: store.load_dataset(session=s, scope=scope))


def pupil_links(school: str | None = None) -> pd.DataFrame:
    """Links of one child across school years (store.load_pupil_links columns)."""
    with _reading() as s:
        return store.load_pupil_links(session=s, school=school)


def correct_pupil_link(link_id: int, *, right: bool) -> bool:
    """The user confirms (``right``) or rejects an automatic link; a rejected one never comes
    back automatically."""
    with _transaction() as s:
        if right:
            return store.confirm_pupil_link(session=s, link_id=link_id)
        return store.reject_pupil_link(session=s, link_id=link_id)


def link_pupils_by_hand(school: str, earlier: tuple[str, str, str],
                        later: tuple[str, str, str]) -> bool:
    """The user links (year, class, pupil) to (year, class, pupil) of the next years: the same
    child, whatever the automatic links said. ``False`` when either pupil is unknown."""
    with _transaction() as s:
        first = store.find_pupil(session=s, school=school, year=earlier[0],
                                 class_label=earlier[1], pupil=earlier[2])
        second = store.find_pupil(session=s, school=school, year=later[0],
                                  class_label=later[1], pupil=later[2])
        if first is None or second is None:
            return False
        store.set_pupil_link(session=s, from_pupil_id=first, to_pupil_id=second)
        return True


@dataclass(frozen=True)
class SaveOutcome:
    """One file's fate: the intake decision, the new upload when saved, or the database error
    that kept it from being saved (then nothing of it is in the database)."""

    file_name: str
    decision: IntakeDecision | None
    upload_id: int | None = None
    counts: dict[str, int] | None = None
    failed: bool = False
    reason: str = ""  # why it failed, when known (a database opened for viewing only)

    @property
    def saved(self) -> bool:
        return self.upload_id is not None

    @property
    def status(self) -> IntakeStatus | None:
        return None if self.decision is None else self.decision.status


def save_file(parsed: ParsedFile, *, replace: bool = False, uploaded_by: str = "") -> SaveOutcome:
    """Save one file in its own transaction: all or nothing. The decision (duplicate? conflict?)
    and the write happen under the store's write lock, so two files saved at the same moment
    are decided one after the other."""
    reason = read_only_reason()
    if reason:
        return SaveOutcome(parsed.file_name, None, failed=True, reason=reason)
    try:
        with engine().connect() as conn:
            locked = conn.execution_options(**{store.WRITE_LOCK_OPTION: True})
            with Session(bind=locked) as session:
                try:
                    # a scale the user added after the file was read gives its marks now
                    parsed = derive_vpr_marks(parsed, _user_scales(session))
                    result = store.save_upload(session=session, parsed=parsed, replace=replace,
                                               uploaded_by=uploaded_by)
                    if result.saved:
                        session.commit()
                    else:
                        session.rollback()
                except Exception:
                    session.rollback()
                    raise
    except Exception:  # the user sees a Russian message; the administrator, the log
        _log.exception("saving %r failed", parsed.file_name)
        return SaveOutcome(parsed.file_name, None, failed=True)
    return SaveOutcome(parsed.file_name, result.decision, result.upload_id, result.counts)


def uploads() -> pd.DataFrame:
    """Upload history, newest first (store.list_uploads columns)."""
    with _reading() as s:
        return store.list_uploads(session=s)


def delete_upload(upload_id: int) -> bool:
    """Delete one upload with all its rows."""
    with _transaction() as s:
        return store.delete_upload(session=s, upload_id=upload_id)


def get_setting(key: str, default: Any = None) -> Any:
    with _reading() as s:
        return store.get_setting(session=s, key=key, default=default)


def set_settings(values: dict[str, Any]) -> None:
    """Save several settings at once."""
    with _transaction() as s:
        for key, value in values.items():
            store.set_setting(session=s, key=key, value=value)


def remembered_mapping(signature: str) -> dict[str, Any] | None:
    with _reading() as s:
        return store.load_mapping(session=s, signature=signature)


def remember_mapping(signature: str, mapping: dict[str, Any]) -> None:
    with _transaction() as s:
        store.save_mapping(session=s, signature=signature, mapping=mapping)


class DemoError(RuntimeError):
    """A demonstration file could not be read or saved (the message names it, in Russian)."""


def load_demo(progress: Callable[[int, int, str], None] | None = None) -> list[SaveOutcome]:
    """Import the demonstration school; files already loaded are skipped (sha256). Raises
    :class:`DemoError` naming the first file that failed."""
    files = ingest.demo_files()
    outcomes = []
    for i, path in enumerate(files):
        if progress:
            progress(i, len(files), path.name)
        data = path.read_bytes()
        report = ingest.parse_upload(data, path.name, Metadata(school=ingest.DEMO_SCHOOL),
                                     scales=user_scales())
        if report.parsed is None:
            raise DemoError(f"демонстрационный файл «{path.name}» не прочитан: {report.error}")
        if hashlib.sha256(data).hexdigest() != report.parsed.sha256:  # pragma: no cover
            raise DemoError(f"демонстрационный файл «{path.name}» изменился при чтении")
        outcome = save_file(report.parsed, replace=True, uploaded_by="демо")
        if outcome.failed or (outcome.decision is not None and not outcome.saved
                              and outcome.status is not IntakeStatus.DUPLICATE):
            raise DemoError(f"демонстрационный файл «{path.name}» не сохранён")
        outcomes.append(outcome)
    if progress:
        progress(len(files), len(files), "")
    return outcomes


# ---------------------------------------------------------------------------------------------
# ВПР score → mark scales entered by the user (settings key «vpr_scales»: rows of the schema of
# core/data/vpr_scales.csv). They are passed as ``extra`` scales wherever marks are derived and
# take precedence over the shipped ones of the same key.

SCALES_KEY = "vpr_scales"


def _user_scales(session: Session) -> tuple[Scale, ...]:
    rows = store.get_setting(session=session, key=SCALES_KEY, default=[]) or []
    return scales_from_rows(rows, user=True)


def user_scales() -> tuple[Scale, ...]:
    """The scales the user entered in settings."""
    with _reading() as s:
        return _user_scales(s)


@dataclass(frozen=True)
class ScaleChange:
    """What saving or deleting a user scale did to the saved results: one entry per
    (year, subject, grade) whose marks were derived again."""

    scale: Scale | None  # the scale saved (``None`` after a deletion)
    rederived: tuple[store.Rederived, ...]

    @property
    def marked(self) -> int:
        return sum(r.marked for r in self.rederived)

    @property
    def unmarked(self) -> int:
        return sum(r.unmarked for r in self.rederived)


def _store_scales(session: Session, scales: list[Scale]) -> None:
    store.set_setting(session=session, key=SCALES_KEY,
                      value=[row for scale in scales for row in scale_rows(scale)])


def save_user_scale(scale: Scale, *, replaces: tuple[int, str, int, str] | None = None
                    ) -> ScaleChange:
    """Add or edit a user scale (``replaces``: the key of the scale being edited, when its key
    changes) and derive again, in the same transaction, the marks of the saved ВПР results it
    (and the edited one) applies to."""
    with _transaction() as s:
        kept = [sc for sc in _user_scales(s) if sc.key not in {scale.key, replaces}]
        scales = [*kept, scale]
        _store_scales(s, scales)
        keys = {(scale.year, scale.subject, scale.grade)}
        if replaces is not None:
            keys.add((replaces[0], replaces[1], replaces[2]))
        done = store.rederive_vpr_marks(session=s, keys=keys, scales=tuple(scales))
    return ScaleChange(scale, tuple(done))


def delete_user_scale(key: tuple[int, str, int, str]) -> ScaleChange | None:
    """Delete a user scale; the marks it gave are derived again by the shipped scale of the same
    key, or removed when there is none. ``None`` when there is no such user scale."""
    with _transaction() as s:
        scales = list(_user_scales(s))
        if key not in {sc.key for sc in scales}:
            return None
        kept = [sc for sc in scales if sc.key != key]
        _store_scales(s, kept)
        done = store.rederive_vpr_marks(session=s, keys={(key[0], key[1], key[2])},
                                        scales=tuple(kept))
    return ScaleChange(None, tuple(done))


def scale_usage() -> dict[str, int]:
    """Saved results per scale label (``mark_scale``): which scale gave their marks."""
    with _reading() as s:
        return store.mark_scale_counts(session=s)


@dataclass(frozen=True)
class MissingScale:
    """Saved ВПР results of one (year, subject, grade) with primary scores and no scale."""

    year: int  # the ВПР year (spring): 2022 for «2021/2022»
    academic_year: str
    subject: str
    grade: int
    results: int


def missing_scales() -> list[MissingScale]:
    """Saved ВПР protocols that no scale (shipped or the user's) is known for: their marks are
    not derived, only primary scores are shown."""
    with _reading() as s:
        frame = store.vpr_without_marks(session=s)
        scales = _user_scales(s)
    missing = []
    for year, subject, grade, n in frame.itertuples(index=False):
        spring = vpr_year(str(year))
        if spring is None or pd.isna(grade):
            continue
        if find_scale(year=spring, subject=str(subject), grade=int(grade), extra=scales) is None:
            missing.append(MissingScale(spring, str(year), str(subject), int(grade), int(n)))
    return missing


def all_scales() -> list[Scale]:
    """Every scale in use: the user's, and the shipped ones they do not replace."""
    own = user_scales()
    keys = {sc.key for sc in own}
    return sorted([*own, *(sc for sc in load_scales() if sc.key not in keys)],
                  key=lambda sc: (-sc.year, sc.grade, sc.subject, sc.work_form))


# ---------------------------------------------------------------------------------------------
# Objectivity (METHODOLOGY §5): the analyses run in core over a Dataset of one school year; the
# thresholds the user edited in settings (key «objectivity_thresholds») and the scales in use
# are part of the cache key, so an edit shows at once.

THRESHOLDS_KEY = "objectivity_thresholds"


def thresholds() -> Thresholds:
    """The thresholds in force: the defaults with the user's edits."""
    return Thresholds().with_values(get_setting(THRESHOLDS_KEY, {}) or {})


def save_thresholds(values: dict[str, float]) -> None:
    """Store the user's thresholds (only those that differ from the defaults; {} = defaults)."""
    set_settings({THRESHOLDS_KEY: {k: float(v) for k, v in values.items()}})


def analysis_years() -> list[str]:
    """School years with saved results, newest first."""
    years = inventory()["year"]
    return sorted({str(y) for y in years if y}, reverse=True)


def dataset_for_year(year: str) -> Dataset:
    return dataset(Scope.of(year=year))


@dataclass(frozen=True)
class Objectivity:
    """What the objectivity page shows for one school year."""

    year: str
    table: pd.DataFrame  # core.objectivity.objectivity_table
    report: Report
    terms: pd.DataFrame  # core.objectivity.term_shares
    support: pd.DataFrame  # core.objectivity.teacher_support
    thresholds: Thresholds

    @property
    def subjects(self) -> list[str]:
        found = set(self.table["subject"]) | set(self.terms["subject"]) | {
            f.subject for f in self.report.findings}
        return sorted(str(s) for s in found if s)


def objectivity(year: str) -> Objectivity:
    """Objectivity of one school year: pairs per class, findings O1–O13/J1–J5, term marks
    against own averages and the methodical-support view, with the thresholds in force. The
    year before is read too, for the cohort check O8; every other check keys its units by
    year, so the findings of ``year`` are those the CLI gives for the same files."""
    limits = thresholds()
    scales = tuple(all_scales())
    scope = Scope.of(years=[previous_year(year), year])

    def compute(session: Session) -> Objectivity:
        data = store.load_dataset(session=session, scope=scope)
        report = run_checks(data.results, data.tasks, thresholds=limits, scales=scales,
                            catalog=data.task_catalog, reference=data.reference,
                            lessons=data.lessons)
        # ρ is empty below 10 pairs, as in objectivity.csv, whatever the O3 minimum is set to.
        table = objectivity_table(data.results)
        table = table[table["year"] == year].reset_index(drop=True)
        terms = term_shares(data.results)
        return Objectivity(
            year=year, table=table,
            report=Report(tuple(f for f in report.findings if f.year == year), report.statuses),
            terms=terms[terms["year"] == year].reset_index(drop=True),
            support=teacher_support(table, limits), thresholds=limits)

    kind = f"objectivity:{sorted(limits.as_dict().items())}:{[s.key for s in scales]}"
    return _cached(kind, scope, compute)
