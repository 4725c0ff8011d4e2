"""The same child across school years.

A pupil is known within one school year (a name within its class, a participant code within its
year: ВПР codes are reissued every year). :func:`propose_links` links a child of one year to the
next where the data allows it without guessing: the same name, the next school year, the next
grade (6А → 7Б is allowed: classes are re-formed), and exactly one candidate on each side.
Participant codes are never linked. The user can correct links; the store keeps corrections.
"""

from __future__ import annotations

import pandas as pd

from core.names import canonical_year, grade_of

__all__ = ["next_year", "previous_year", "propose_links"]


def next_year(year: str) -> str:
    """«2023/2024» → «2024/2025»; «» when ``year`` is not a school year."""
    canonical = canonical_year(year)
    if canonical is None:
        return ""
    first = int(canonical[:4]) + 1
    return f"{first}/{first + 1}"


def previous_year(year: str) -> str:
    """«2024/2025» → «2023/2024»; «» when ``year`` is not a school year."""
    canonical = canonical_year(year)
    if canonical is None:
        return ""
    first = int(canonical[:4]) - 1
    return f"{first}/{first + 1}"


def propose_links(pupils: pd.DataFrame) -> pd.DataFrame:
    """Links from ``pupils`` (columns ``id``, ``year``, ``class_label``, ``pupil``; names only)
    to the same child a year later. Returns ``from_id``, ``to_id``."""
    if pupils.empty:
        return pd.DataFrame(columns=["from_id", "to_id"])
    frame = pupils.assign(grade=pupils["class_label"].map(grade_of),
                          next=pupils["year"].map(next_year))
    frame = frame[frame["grade"].notna()]
    later = frame.assign(prev_grade=frame["grade"] - 1)
    pairs = frame.merge(later, left_on=["pupil", "next", "grade"],
                        right_on=["pupil", "year", "prev_grade"], suffixes=("", "_to"))
    pairs = pairs[~pairs.duplicated("id", keep=False) & ~pairs.duplicated("id_to", keep=False)]
    out = pd.DataFrame({"from_id": pairs["id"].to_numpy(), "to_id": pairs["id_to"].to_numpy()})
    return out.sort_values(["from_id", "to_id"]).reset_index(drop=True)
