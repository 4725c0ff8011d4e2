"""The store: the only code that knows SQL, between the core's canonical tables and the database.

``DATABASE_URL`` selects the database: by default a SQLite file ``./data/vsoko.db``;
PostgreSQL via ``postgresql+psycopg://…``. The schema is created and upgraded by Alembic.
Functions are keyword-only and take a ``Session`` (the service module owns transactions); they
return core values (a :class:`~core.model.Dataset`, DataFrames with documented columns), never
ORM rows.

* :mod:`~dashboard.store.engine` — which database, an engine, migrations;
* :mod:`~dashboard.store.tables` — each canonical table's model, writer and reader (registry);
* :mod:`~dashboard.store.write` — saving an upload as the core's intake rules allow, deleting;
* :mod:`~dashboard.store.read` — a dataset or mark counts for a scope, history, settings.
"""

from dashboard.store.engine import (
    DEFAULT_URL,
    WRITE_LOCK_OPTION,
    ReadOnlyDatabase,
    database_kind,
    database_url,
    is_read_only,
    make_engine,
    migrate,
)
from dashboard.store.read import (
    data_version,
    get_setting,
    list_uploads,
    load_dataset,
    load_mapping,
    load_pupil_links,
    mark_counts,
    mark_scale_counts,
    result_inventory,
    vpr_without_marks,
)
from dashboard.store.write import (
    Rederived,
    SaveResult,
    confirm_pupil_link,
    delete_upload,
    find_pupil,
    intake_state,
    link_pupils,
    rederive_vpr_marks,
    reject_pupil_link,
    save_mapping,
    save_upload,
    set_pupil_link,
    set_setting,
)

__all__ = [
    "DEFAULT_URL",
    "WRITE_LOCK_OPTION",
    "ReadOnlyDatabase",
    "Rederived",
    "SaveResult",
    "confirm_pupil_link",
    "data_version",
    "database_kind",
    "database_url",
    "delete_upload",
    "find_pupil",
    "get_setting",
    "intake_state",
    "is_read_only",
    "link_pupils",
    "list_uploads",
    "load_dataset",
    "load_mapping",
    "load_pupil_links",
    "make_engine",
    "mark_counts",
    "mark_scale_counts",
    "migrate",
    "rederive_vpr_marks",
    "reject_pupil_link",
    "result_inventory",
    "save_mapping",
    "save_upload",
    "set_pupil_link",
    "set_setting",
    "vpr_without_marks",
]
