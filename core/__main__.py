"""Command-line interface: ``python -m core summary|objectivity|checks INPUT... --out F.csv``.

Exit codes: 0 success; 2 unreadable or invalid input or bad options (one Russian line on stderr
naming the file, never a traceback).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from dataclasses import fields, replace
from pathlib import Path
from typing import NoReturn

from core.dataset import build_dataset
from core.exports import summary_csv
from core.intake import IntakeStatus, decide, missing_fields, state_of_files
from core.model import Dataset, Metadata, ParsedFile
from core.names import canonical_period, canonical_subject, canonical_year
from core.objectivity import objectivity_table, run_checks
from core.objectivity_export import checks_csv, objectivity_csv
from core.problems import ParseError, first_error, format_problem
from core.readers import parse_file
from core.readers.filename import propose_metadata
from core.summary import count_summary, summary_table

__all__ = ["RussianArgumentParser", "main"]

EXIT_OK = 0
EXIT_INPUT = 2
EXIT_INTERNAL = 1


# argparse speaks English; its usual complaints, said in Russian (anything else is kept).
_ARGPARSE_RU = (
    (re.compile(r"^the following arguments are required: (.+)$"),
     "не указаны обязательные параметры: {0}"),
    (re.compile(r"^unrecognized arguments: (.+)$"), "неизвестные параметры: {0}"),
    (re.compile(r"^argument (\S+): invalid int value: '(.*)'$"),
     "параметр {0}: «{1}» — не целое число"),
    (re.compile(r"^argument (\S+): expected one argument$"), "параметр {0}: нужно значение"),
    (re.compile(r"^argument (\S+): invalid choice: '(.*)' \(choose from (.+)\)$"),
     "неизвестная команда «{1}» (есть: {2})"),
)


def _in_russian(message: str) -> str:
    for pattern, template in _ARGPARSE_RU:
        m = pattern.match(message)
        if m:
            return template.format(*(g.replace("'", "") for g in m.groups()))
    return message


class RussianArgumentParser(argparse.ArgumentParser):
    """argparse that complains in Russian, with exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_INPUT, f"ошибка в параметрах командной строки: {_in_russian(message)}\n")


def _build_parser() -> argparse.ArgumentParser:
    parser = RussianArgumentParser(prog="python -m core",
                                   description="ВСОКО: расчёт показателей из файлов")
    sub = parser.add_subparsers(dest="command", metavar="КОМАНДА", required=True,
                                parser_class=RussianArgumentParser)
    for name, what in (("summary", "сводка показателей (summary.csv)"),
                       ("objectivity", "ВПР и отметки по журналу по классам (objectivity.csv)"),
                       ("checks", "проверки объективности O1–O13, J1 (checks.csv)")):
        command = sub.add_parser(name, help=what)
        command.add_argument("inputs", nargs="+", metavar="ВХОДНОЙ_ФАЙЛ",
                             help="файлы .xlsx/.xls/.ods/.csv; таблица нагрузки учителей "
                                  "заполняет столбец «Учитель»")
        command.add_argument("--out", default="-", help="куда записать CSV (по умолчанию stdout)")
        command.add_argument("--year", default="",
                             help="учебный год, если его нет в файле: 2024/2025")
        command.add_argument("--subject", default="", help="предмет, если его нет в файле")
        command.add_argument("--grade", type=int, default=None, help="параллель (номер класса)")
        command.add_argument("--period", default="",
                             help="период, если его нет в файле: «1 четверть», «год»")
        command.add_argument("--school", default="", help="название школы, если его нет в файле")
    return parser


def _metadata(args: argparse.Namespace) -> Metadata:
    year = ""
    if args.year:
        year = canonical_year(args.year) or ""
        if not year:
            raise SystemExit(_fail(f"неверный учебный год «{args.year}»: ожидается вида 2024/2025"))
    period = ""
    if args.period:
        period = canonical_period(args.period) or ""
        if not period:
            raise SystemExit(_fail(f"неверный период «{args.period}»: ожидается «1 четверть», "
                                   f"«2 полугодие», «3 триместр» или «год»"))
    subject = canonical_subject(args.subject)[0] if args.subject else ""
    return Metadata(school=args.school, year=year, subject=subject, grade=args.grade,
                    period=period)


def _fail(message: str) -> int:
    print(message.replace("\n", " "), file=sys.stderr)
    return EXIT_INPUT


def read_inputs(paths: Sequence[str], metadata: Metadata) -> list[ParsedFile]:
    """Parse every input; raise ParseError on the first unreadable or invalid one."""
    parsed: list[ParsedFile] = []
    for raw in paths:
        path = Path(raw)
        try:
            data = path.read_bytes()
        except OSError as exc:
            reason = "файл не найден" if isinstance(exc, FileNotFoundError) else "файл не читается"
            raise ParseError(path.name, reason) from exc
        # Options win; what they leave empty is proposed from the file's name and folders
        # («…по математике, 5 класс. ВПР 2021.xlsx», «2022/6/Русскому языку.xlsx»).
        result = parse_file(data, path.name, metadata=_merge(metadata, propose_metadata(raw)))
        _require_metadata(result, path.name)
        refused = first_error(result.problems)
        if refused is not None:
            error, more = refused
            raise ParseError(path.name, format_problem(error).split(": ", 1)[-1] + more,
                             sheet=error.sheet, row=error.row, column=error.column)
        _reject_repeated_pupils(result, parsed)
        parsed.append(result)
    return parsed


def _reject_repeated_pupils(new: ParsedFile, earlier: list[ParsedFile]) -> None:
    """A pupil already read from an earlier input (the same file twice, or overlapping files)
    would be counted twice; the upload page refuses such a file as a conflict, and so do we.
    The same bytes twice are judged by their pupils too (the CLI has no upload history)."""
    state = replace(state_of_files(earlier, new), same_bytes=None)
    decision = decide(new, state, require_school=False)
    if decision.status is not IntakeStatus.CONFLICT:
        return
    first = decision.conflicts[0]
    if first.example is None:  # a teacher load or a work description read twice
        what = {"catalog": "описание работы", "reference": "справочная строка"}.get(
            first.reason, "нагрузка учителей")
        raise ParseError(new.file_name, f"{what} за тот же год, предмет и класс уже есть в файле "
                         f"«{first.upload.file_name}»: укажите только один из них")
    pupil, class_label, subject, sheet, row = first.example
    raise ParseError(
        new.file_name, f"обучающийся «{pupil}» ({class_label}, {subject}) уже есть в файле "
        f"«{first.upload.file_name}»: он был бы посчитан дважды", sheet=sheet, row=row)


def _merge(given: Metadata, proposed: Metadata) -> Metadata:
    return replace(given, **{f.name: getattr(proposed, f.name) for f in fields(Metadata)
                             if not getattr(given, f.name) and getattr(proposed, f.name)})


_OPTION_FOR = {"year": ("учебный год", "--year 2024/2025"),
               "subject": ("предмет", "--subject Математика"),
               "grade": ("параллель (класс)", "--grade 5"),
               "period": ("период", "--period \"1 четверть\"")}


def _require_metadata(parsed: ParsedFile, name: str) -> None:
    """Rows without a year, subject or grade cannot be summarised: say which option to add."""
    lacking = missing_fields(parsed, require_school=False)
    if lacking:
        what = ", ".join(_OPTION_FOR[f][0] for f in lacking)
        how = " ".join(_OPTION_FOR[f][1] for f in lacking)
        raise ParseError(name, f"в файле не указаны: {what}; добавьте параметры {how}")


def _dataset(args: argparse.Namespace) -> tuple[Dataset, int]:
    files = read_inputs(args.inputs, _metadata(args))
    for f in files:
        for p in f.problems:
            print("предупреждение: " + format_problem(p), file=sys.stderr)
    return build_dataset(files), len(files)


def _write(args: argparse.Namespace, data: bytes, what: str, rows: int, files: int,
           empty_note: str) -> int:
    if args.out == "-":
        sys.stdout.buffer.write(data)
    else:
        try:
            Path(args.out).write_bytes(data)
        except OSError:
            return _fail(f"не удалось записать файл «{args.out}»")
    where = "стандартный вывод" if args.out == "-" else f"«{args.out}»"
    note = "" if rows else f" ({empty_note})"
    print(f"{what}: строк {rows}{note}, файлов прочитано {files} → {where}", file=sys.stderr)
    return EXIT_OK


def _summary(args: argparse.Namespace) -> int:
    dataset, files = _dataset(args)
    table = summary_table(count_summary(dataset.results))
    return _write(args, summary_csv(table), "Сводка", len(table), files,
                  "нет отметок, по которым считаются показатели")


def _objectivity(args: argparse.Namespace) -> int:
    dataset, files = _dataset(args)
    table = objectivity_table(dataset.results)
    return _write(args, objectivity_csv(table), "Объективность", len(table), files,
                  "нет пар «отметка за работу — отметка по журналу» 2–5")


def _checks(args: argparse.Namespace) -> int:
    dataset, files = _dataset(args)
    report = run_checks(dataset.results, dataset.tasks, catalog=dataset.task_catalog,
                        reference=dataset.reference, lessons=dataset.lessons)
    for status in report.statuses:
        if not status.computed:
            print(f"не вычисляется: {status.code} «{status.name}» — {status.reason}",
                  file=sys.stderr)
    return _write(args, checks_csv(report.findings), "Проверки", len(report.findings), files,
                  "возможных признаков не найдено")


_COMMANDS = {"summary": _summary, "objectivity": _objectivity, "checks": _checks}


def main(argv: Sequence[str] | None = None) -> int:
    args = _build_parser().parse_args(argv)
    try:
        command = _COMMANDS.get(args.command)
        if command is not None:
            return command(args)
    except ParseError as exc:
        return _fail(str(exc))
    except Exception as exc:  # last resort: a one-line message, never a traceback
        print(f"внутренняя ошибка при обработке: {type(exc).__name__}: {exc}".replace("\n", " "),
              file=sys.stderr)
        return EXIT_INTERNAL
    return EXIT_INPUT


if __name__ == "__main__":
    sys.exit(main())
