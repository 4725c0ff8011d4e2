"""Class labels (FORMATS.md §0.3): every spelling of one class gives one canonical label."""

from __future__ import annotations

import pytest

from core.names import grade_of, parse_class_label, teacher_short_name


@pytest.mark.parametrize(("raw", "label", "grade"), [
    ("8А", "8А", 8), ("8 а", "8А", 8), ("8-А", "8А", 8), ("8A", "8А", 8), ("8a", "8А", 8),
    ("10-Б", "10Б", 10), ('5 "А"', "5А", 5), ("5«А»", "5А", 5), (11, "11", 11),
    ("7 А класс", "7А", 7), ("8А кл.", "8А", 8),
    # numbered classes keep the hyphen: «1-1» is not «11», «5-1» is grade 5, not 51
    ("1-1", "1-1", 1), ("5-1", "5-1", 5), ("5 2", "5-2", 5), ("10-1", "10-1", 10),
])
def test_class_label_spellings(raw: object, label: str, grade: int) -> None:
    parsed = parse_class_label(raw)
    assert (parsed.label, parsed.grade, parsed.understood) == (label, grade, True)
    assert grade_of(parsed.label) == grade


@pytest.mark.parametrize("raw", ["51", "восьмой", "13А", ""])
def test_unreadable_class_labels(raw: str) -> None:
    assert not parse_class_label(raw).understood


@pytest.mark.parametrize("raw", ["Иванова Ирина Ивановна", "Иванова И.И.", "Иванова И. И.",
                                 "И.И. Иванова", "И. И. Иванова", "  Иванова   И.И. "])
def test_teacher_name_spellings_give_one_teacher(raw: str) -> None:
    assert teacher_short_name(raw) == "Иванова И.И."


@pytest.mark.parametrize(("raw", "label"), [("8 кл", "8"), ("8А кл.", "8А"), ("10б класс", "10Б"),
                                            ("8 класс", "8")])
def test_the_word_class_is_not_part_of_the_label(raw: str, label: str) -> None:
    assert parse_class_label(raw).label == label
