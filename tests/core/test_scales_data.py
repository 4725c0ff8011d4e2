"""The shipped ВПР score → mark scales (core/data/vpr_scales.csv) are well-formed data.

METHODOLOGY §4.2: one row per mark band 2/3/4/5, bands contiguous from 0, the top of «5» equals
the maximum primary score, every scale names its source document and where it was read.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from importlib import resources
from itertools import pairwise

import pytest

from core.scales import Scale, load_scales

MARKS = [2, 3, 4, 5]


def _text(name: str) -> str:
    return resources.files("core.data").joinpath(name).read_text(encoding="utf-8")


def _raw_rows() -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(_text("vpr_scales.csv"))))


def _key(row: dict[str, str]) -> tuple[int, str, int, str]:
    return (int(row["year"]), row["subject"].strip(), int(row["grade"]),
            row["work_form"].strip() or "традиционная")


SCALES = load_scales()


def _id(scale: Scale) -> str:
    return f"{scale.year}-{scale.subject}-{scale.grade}-{scale.work_form}"


def test_scales_are_shipped() -> None:
    assert SCALES
    assert {s.year for s in SCALES} >= {2021}


@pytest.mark.parametrize("scale", SCALES, ids=_id)
def test_marks_are_exactly_2_to_5(scale: Scale) -> None:
    assert [mark for mark, _, _ in scale.bands] == MARKS


@pytest.mark.parametrize("scale", SCALES, ids=_id)
def test_bands_are_contiguous_from_zero_to_max_total(scale: Scale) -> None:
    bands = scale.bands
    assert bands[0][1] == 0
    for (_, low, high), (_, next_low, _) in pairwise(bands):
        assert low <= high
        assert next_low == high + 1
    assert bands[-1][1] <= bands[-1][2]
    assert bands[-1][2] == scale.max_total


@pytest.mark.parametrize("scale", SCALES, ids=_id)
def test_every_score_gets_exactly_one_mark(scale: Scale) -> None:
    for score in range(int(scale.max_total) + 1):
        assert sum(low <= score <= high for _, low, high in scale.bands) == 1
    assert scale.mark_for(scale.max_total + 1) is None


@pytest.mark.parametrize("scale", SCALES, ids=_id)
def test_scale_names_its_source(scale: Scale) -> None:
    assert scale.source.strip()


def test_every_row_has_source_document_url_and_verified_flag() -> None:
    for row in _raw_rows():
        assert row["source_document"].strip(), row
        assert row["source_url"].strip(), row
        assert row["verified"].strip() in {"yes", "no"}, row


def test_rows_of_one_scale_agree() -> None:
    # One scale = one source and one maximum: its four rows must not disagree. («verified» may
    # differ per band: География 8 2021 has a misprinted «5» band stored with verified = no.)
    by_key: dict[tuple[int, str, int, str], set[tuple[str, str, str]]] = {}
    for row in _raw_rows():
        by_key.setdefault(_key(row), set()).add(
            (row["max_total"], row["source_document"], row["source_url"]))
    assert {k: v for k, v in by_key.items() if len(v) != 1} == {}


def test_no_duplicate_key() -> None:
    # (year, subject, grade, work_form) identifies a scale; a second row set under the same key
    # would silently merge into the first (load_scales groups by key).
    counts = Counter((*_key(row), int(row["mark"])) for row in _raw_rows())
    assert [k for k, n in counts.items() if n > 1] == []
    keys = [s.key if hasattr(s, "key") else (s.year, s.subject, s.grade, s.work_form)
            for s in SCALES]
    assert len(keys) == len(set(keys))


def test_subjects_are_canonical_dictionary_names() -> None:
    canonical = {row["canonical"].strip()
                 for row in csv.DictReader(io.StringIO(_text("subjects.csv")))}
    assert {s.subject for s in SCALES} - canonical == set()
