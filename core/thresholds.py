"""Every objectivity and task-mastery threshold in one place, each with its source
(METHODOLOGY.md §4.4, §5.3–§5.6). All of them are settings: ``Thresholds.with_values`` applies
the user's edits; the objectivity page shows the values in force with these sources.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

__all__ = ["THRESHOLD_INFO", "ThresholdInfo", "Thresholds"]


@dataclass(frozen=True)
class ThresholdInfo:
    """How a threshold is shown: a Russian label, its unit and where the number comes from."""

    label: str
    unit: str
    source: str


_FIOKO_2026 = ("ФИОКО, «Рекомендации по проведению анализа результатов ВПР», 2026 "
               "(METHODOLOGY §5.3)")
_CALIBRATION = "предложение: ≈ p75–p90 по данным ВПР 2021 Алтайского края (METHODOLOGY §5.4)"
_RON_2019 = ("Рособрнадзор, «Методика расчёта показателя „Уровень объективности оценки "
             "образовательных результатов“», 2019")


@dataclass(frozen=True)
class Thresholds:
    # O1: ВПР vs journal (shares of pairs, %).
    lowered_medium: float = 45.0
    lowered_high: float = 60.0
    raised_medium: float = 15.0
    # O1 with a reference row: «понизили» ≥ the reference's share + this margin (п.п.).
    reference_margin: float = 15.0
    min_pairs: int = 10
    # O2: gross mismatch |ВПР − журнал| ≥ 2.
    gap_share: float = 10.0
    # O3: Spearman ρ below this is «слабая согласованность» (below 0: official marker).
    weak_rho: float = 0.3
    # O4: boundary peaks.
    peak_ratio: float = 3.0
    peak_min_count: int = 3
    peak_min_n: int = 20
    peak_informative_n: int = 50
    # O6: mark-group crossings.
    crossing_margin: float = 5.0
    min_group: int = 10
    # O7: inflated mean.
    t_value: float = 1.96
    # O10: term mark vs own average.
    term_share: float = 20.0
    term_min_pairs: int = 20
    # O11: teacher × class against the school median.
    teacher_excess: float = 20.0
    # O13: coinciding task profiles.
    copy_probability: float = 0.01
    copy_min_excess: int = 2
    copy_min_group: int = 3
    # J1: grade-inflation index (п.п.).
    quality_gap: float = 30.0
    # Task mastery (§4.4).
    basic_mastered: float = 60.0
    basic_insufficient: float = 57.0
    advanced_mastered: float = 30.0
    advanced_insufficient: float = 28.5

    def with_values(self, values: dict[str, Any]) -> Thresholds:
        """These thresholds with the user's edits (unknown keys and bad values are ignored)."""
        known = {f.name: f.type for f in fields(self)}
        changes: dict[str, Any] = {}
        for key, value in values.items():
            if key not in known:
                continue
            try:
                number = float(value)
            except (TypeError, ValueError):
                continue
            current = getattr(self, key)
            changes[key] = int(number) if isinstance(current, int) else number
        return replace(self, **changes)

    def as_dict(self) -> dict[str, float]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


THRESHOLD_INFO: dict[str, ThresholdInfo] = {
    "lowered_medium": ThresholdInfo("O1: «понизили» — средний уровень, от", "%", _CALIBRATION),
    "lowered_high": ThresholdInfo("O1: «понизили» — высокий уровень, от", "%", _CALIBRATION),
    "raised_medium": ThresholdInfo("O1: «повысили» — средний уровень, от", "%", _CALIBRATION),
    "reference_margin": ThresholdInfo(
        "O1 со справочными данными: «понизили» выше региона (муниципалитета, РФ) на", "п.п.",
        "METHODOLOGY §5.5 O1: при загруженных справочных строках — порог «справочное значение "
        "+ 15 п.п.» (предложение)"),
    "min_pairs": ThresholdInfo("O1–O3, O11, J1: наименьшее число пар для вывода", "пар",
                               "METHODOLOGY §5.5 (ФИОКО 2026 §7: группа n ≥ 10)"),
    "gap_share": ThresholdInfo("O2: доля пар с расхождением ≥ 2 отметок, от", "%",
                               "расхождение ≥ 2: " + _FIOKO_2026 + " §3; доля 10 % — "
                               + _CALIBRATION),
    "weak_rho": ThresholdInfo("O3: ρ Спирмена ниже — «слабая согласованность»", "",
                              "ρ < 0: " + _RON_2019 + "; 0,3 — " + _CALIBRATION),
    "peak_ratio": ThresholdInfo("O4: пик у границы — во столько раз больше соседей", "раз",
                                "пики: " + _FIOKO_2026 + " §4; отношение — предложение"),
    "peak_min_count": ThresholdInfo("O4: учеников на границе не меньше", "чел.",
                                    "предложение (METHODOLOGY §5.5)"),
    "peak_min_n": ThresholdInfo("O4: наименьшее число участников", "чел.",
                                _FIOKO_2026 + " §4: 20–30 — приближённый минимум"),
    "peak_informative_n": ThresholdInfo("O4: распределение информативно от", "чел.",
                                        _FIOKO_2026 + " §4: ≥ 50"),
    "crossing_margin": ThresholdInfo("O6: группа с меньшей отметкой выше группы с большей на",
                                     "п.п.", "пересечения: " + _FIOKO_2026
                                     + " §7; 5 п.п. — практика (saascrm95)"),
    "min_group": ThresholdInfo("O5, O6, O13: наименьшее число участников в группе", "чел.",
                               _FIOKO_2026 + " §7: n ≥ 10"),
    "t_value": ThresholdInfo("O7: коэффициент доверительного интервала t", "", _RON_2019),
    "term_share": ThresholdInfo("O10: доля отметок выше или ниже своего среднего, от", "%",
                                "предложение, калибровка на реальном табеле (METHODOLOGY §5.4b)"),
    "term_min_pairs": ThresholdInfo("O10: наименьшее число пар «отметка — средний балл»", "пар",
                                    "предложение (METHODOLOGY §5.5)"),
    "teacher_excess": ThresholdInfo("O11: «понизили» выше медианы школы на", "п.п.",
                                    "предложение (METHODOLOGY §5.5)"),
    "copy_probability": ThresholdInfo("O13: вероятность такого числа совпадений ниже", "",
                                      "идея: Jacob & Levitt, QJE 118(3), 2003; порог — "
                                      "предложение"),
    "copy_min_excess": ThresholdInfo("O13: лишних совпадающих пар не меньше", "пар",
                                     "предложение (METHODOLOGY §5.5)"),
    "copy_min_group": ThresholdInfo("O13: учеников с одинаковыми ответами в одной группе не меньше",
                                    "чел.", "предложение: модель независимых учеников не знает, "
                                    "что сильные ученики чаще отвечают одинаково; пары случайны "
                                    "(калибровка на ВПР 2021 Алтайского края)"),
    "quality_gap": ThresholdInfo("J1: качество по журналу выше качества по работе на", "п.п.",
                                 "предложение (METHODOLOGY §5.6)"),
    "basic_mastered": ThresholdInfo("Задание базового уровня освоено от", "%",
                                    _FIOKO_2026 + " §1, §5"),
    "basic_insufficient": ThresholdInfo("Задание базового уровня не освоено ниже", "%",
                                        _FIOKO_2026 + " §1, §5"),
    "advanced_mastered": ThresholdInfo("Задание повышенного/высокого уровня освоено от", "%",
                                       _FIOKO_2026 + " §1, §5"),
    "advanced_insufficient": ThresholdInfo("Задание повышенного/высокого уровня не освоено ниже",
                                           "%", _FIOKO_2026 + " §1, §5"),
}
