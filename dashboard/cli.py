"""``python -m dashboard.ingest``: the store from the command line, for an administrator's batch
loading and for tests.

* ``python -m dashboard.ingest FILE... [--school S] [--year Y] [--replace] [--by NAME]`` saves
  files as the upload page does, one Russian line per file. Exit 0 when every file is saved or
  was already there, 2 when a file is refused (or the database cannot be used), 3 when a
  conflict needs ``--replace``.
* ``python -m dashboard.ingest --summary [--out summary.csv]`` writes the store's summary.csv:
  the same bytes as the overview's download with every filter at «Все».
* With no arguments it loads the demonstration school.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from core.__main__ import RussianArgumentParser
from core.exports import summary_csv
from core.intake import IntakeStatus
from core.model import Metadata
from core.names import canonical_year
from core.problems import first_error, format_problem
from core.scales import vpr_academic_year
from dashboard import ingest, services
from dashboard.messages import FIELD_NAMES, save_message

__all__ = ["EXIT_CONFLICT", "EXIT_OK", "EXIT_REFUSED", "main"]

EXIT_OK = 0
EXIT_REFUSED = 2
EXIT_CONFLICT = 3


def _parser() -> RussianArgumentParser:
    parser = RussianArgumentParser(
        prog="python -m dashboard.ingest",
        description="ВСОКО: загрузка файлов в базу и сводка из базы (без параметров — "
                    "демонстрационная школа)")
    parser.add_argument("files", nargs="*", metavar="ФАЙЛ", help="файлы .xlsx/.xls/.ods/.csv")
    parser.add_argument("--school", default="", help="школа, если её нет в файле")
    parser.add_argument("--year", default="",
                        help="учебный год, если его нет в файле: 2024/2025; для ВПР можно год "
                             "проведения: 2022 = 2021/2022")
    parser.add_argument("--replace", action="store_true",
                        help="заменить прежние данные тех же классов, предметов и периодов")
    parser.add_argument("--by", default="", help="кто загружает (для истории загрузок)")
    parser.add_argument("--summary", action="store_true", help="записать сводку из базы")
    parser.add_argument("--out", default="-", help="куда записать сводку (по умолчанию stdout)")
    return parser


def _say(line: str, *, error: bool = False) -> None:
    print(line.replace("\n", " "), file=sys.stderr if error else sys.stdout, flush=True)


def _save_files(paths: Sequence[str], metadata: Metadata, *, replace: bool, by: str,
                vpr_only_year: str = "") -> int:
    """``vpr_only_year``: the «--year» as typed when it is a ВПР year («2022»), which only a
    ВПР file may take (a term mark's year is never guessed)."""
    worst = EXIT_OK
    max_bytes = int(services.get_setting("max_mb", 50)) * 1024 * 1024
    max_cells = int(services.get_setting("max_mcells", 5)) * 1_000_000
    clock = services.school_clock()
    scales = services.user_scales()
    for raw in paths:
        path = Path(raw)
        try:
            data = path.read_bytes()
        except OSError:
            _say(f"Файл «{path.name}» не прочитан: файл не найден или недоступен.", error=True)
            worst = EXIT_REFUSED
            continue
        given = dataclasses.replace(metadata, year="") if vpr_only_year else metadata
        report = ingest.parse_upload(data, path.name, given, max_bytes=max_bytes,
                                     max_cells=max_cells, scales=scales)
        if report.parsed is None:
            _say(f"Файл «{path.name}» не сохранён: {report.error}", error=True)
            worst = EXIT_REFUSED
            continue
        if vpr_only_year and "year" in report.missing:  # the ВПР year is for ВПР files only
            if not (report.parsed.results["procedure"] == "ВПР").all():
                _say(f"Файл «{path.name}» не сохранён: год «{vpr_only_year}» понятен только "
                     f"для ВПР; укажите учебный год вида {metadata.year}.", error=True)
                worst = EXIT_REFUSED
                continue
            again = ingest.parse_upload(data, path.name, metadata, max_bytes=max_bytes,
                                        max_cells=max_cells, scales=scales)
            if again.parsed is not None:  # the same bytes were read a moment ago
                report = again
        parsed = report.parsed
        assert parsed is not None  # a file that could not be read was said above
        refused = first_error(parsed.problems)
        if refused is not None:
            error, more = refused
            _say(f"Файл «{path.name}» не сохранён: {format_problem(error)}{more}", error=True)
            worst = EXIT_REFUSED
            continue
        if report.missing:
            lacking = ", ".join(FIELD_NAMES.get(f, f) for f in report.missing)
            _say(f"Файл «{path.name}» не сохранён: не указаны {lacking} (параметры --school, "
                 f"--year или шаблон ВСОКО с этими столбцами).", error=True)
            worst = EXIT_REFUSED
            continue
        outcome = services.save_file(parsed, replace=replace, uploaded_by=by)
        level, text = save_message(outcome, clock)
        if outcome.status is IntakeStatus.CONFLICT:
            text += " Добавьте параметр --replace."
            worst = max(worst, EXIT_CONFLICT) if worst != EXIT_REFUSED else worst
        elif level == "error":
            worst = EXIT_REFUSED
        _say(text, error=level in ("error", "warning"))
    return worst


def _write_summary(out: str) -> int:
    data = summary_csv(services.summary())
    if out == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return EXIT_OK
    try:
        Path(out).write_bytes(data)
    except OSError:
        _say(f"Не удалось записать файл «{out}».", error=True)
        return EXIT_REFUSED
    rows = max(data.decode("utf-8-sig").count("\r\n") - 1, 0)
    _say(f"Сводка из базы: строк {rows} → «{out}»", error=True)
    return EXIT_OK


def _load_demo() -> int:
    try:
        outcomes = services.load_demo(lambda i, n, name: _say(
            f"Демонстрационные данные: файл {i + 1} из {n} — {name}" if name else
            "Демонстрационные данные загружены."))
    except services.DemoError as exc:
        _say(f"Ошибка: {exc}", error=True)
        return EXIT_REFUSED
    if all(o.status is IntakeStatus.DUPLICATE for o in outcomes):
        _say("  Все демонстрационные файлы уже были загружены ранее.")
    else:
        for outcome in outcomes:
            _say("  " + save_message(outcome)[1])
    return EXIT_OK


def _log_to_file() -> None:
    """Details of failures go to ``data/vsoko.log`` (or ``VSOKO_LOG``) for the administrator;
    the terminal gets one Russian line per file."""
    if logging.getLogger().handlers:  # configured by whoever runs us
        return
    path = Path(os.environ.get("VSOKO_LOG", "") or Path(__file__).resolve().parents[1] / "data"
                / "vsoko.log")
    handler: logging.Handler
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        handler = logging.NullHandler()
    logging.basicConfig(handlers=[handler], level=logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    _log_to_file()
    year, vpr_only_year = "", ""
    if args.year:
        year = canonical_year(args.year) or ""
        if not year:  # «2022»: the spring a ВПР was written
            year = vpr_academic_year(args.year) or ""
            vpr_only_year = args.year.strip() if year else ""
        if not year:
            _say(f"Неверный учебный год «{args.year}»: ожидается вида 2024/2025 (для ВПР — "
                 f"или год проведения, например 2022).", error=True)
            return EXIT_REFUSED
        if vpr_only_year:
            _say(f"Год «{vpr_only_year}» прочитан как {year} учебный год (ВПР пишут весной).")
    try:
        _say(f"База данных: {services.database_kind()}", error=True)
        services.engine()  # a database that cannot be used is said once, here
        if not args.files and not args.summary:
            return _load_demo()
        code = EXIT_OK
        if args.files:
            code = _save_files(args.files, Metadata(school=args.school.strip(), year=year),
                               replace=args.replace, by=args.by.strip(),
                               vpr_only_year=vpr_only_year)
        if args.summary:
            written = _write_summary(args.out)
            code = code if code != EXIT_OK else written
        return code
    except services.DatabaseUnavailable as exc:
        _say(str(exc), error=True)
        return EXIT_REFUSED
