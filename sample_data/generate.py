"""Seeded generator of the demonstration school «МБОУ «Средняя школа № 7» (демонстрационная)».

Run from the repository root::

    python3 sample_data/generate.py            # writes into sample_data/
    python3 sample_data/generate.py --out DIR  # anywhere else (the tests use a temp dir)

Everything comes from ``random.Random`` instances seeded with :data:`SEED` plus a stable key, so
a run is deterministic and one part of the school can change without reshuffling the others.
Workbooks are in the canonical long template (FORMATS.md §12) and the teacher-load table (§13);
zip entry timestamps are fixed, so regenerating gives byte-identical files.

The model: every pupil has a latent ability (standard normal) plus a per-subject-family
affinity; a term mark is the ability minus the subject's difficulty plus noise, cut at fixed
thresholds (non-risk pupils are never given a «2»); the year mark rounds the mean of the quarters
half up. ВПР task points are binomial in a logistic function of the same ability. Planted
patterns (PLANTS below) are described in README.md, which this script also writes.
"""

from __future__ import annotations

import argparse
import io
import itertools
import math
import random
import re
import statistics
import sys
import time
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from core.scales import Scale, find_scale  # noqa: E402
from core.template import TEMPLATE_COLUMNS, template_xlsx  # noqa: E402

__all__ = ["SCHOOL", "SEED", "generate", "main"]

SEED = 2025
SCHOOL = "МБОУ «Средняя школа № 7» (демонстрационная)"
YEARS = ("2023/2024", "2024/2025")
QUARTERS = ("1 четверть", "2 четверть", "3 четверть", "4 четверть")
ZIP_TIME = (2025, 1, 1, 0, 0, 0)

# Planted classes (2024/2025) — see README.md.
INFLATING_TEACHER = "Соколова Н.П."
INFLATION = 0.4  # latent bonus before the extra mark
INFLATED_CLASSES = {"2023/2024": ("5Б", "5В"), "2024/2025": ("6Б", "6В")}
CLEAN_CLASS = "6А"
FALLING_CLASS = "7А"
PEAK_CLASS = "5В"
COPY_CLASS = "8Б"
SPECIAL_CLASSES = {CLEAN_CLASS, "6Б", "6В", FALLING_CLASS, PEAK_CLASS, COPY_CLASS}
# 7А 2024/2025: latent shift by quarter (a real decline, so ВПР in April follows the 3rd one).
FALLING_SHIFT = (0.0, -0.45, -0.9, -1.35)
PEAK_CLASS_SHIFT = -0.4
# 8Б ВПР Математика 2025: one answer string (19 tasks): easy tasks 1, 2, 5 wrong, hard ones right.
COPY_VECTOR = (0, 0, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 0, 1, 2, 2, 1, 2, 3)
COPY_SIZE = 6

# Term-mark latent thresholds.
T5, T4, T3 = 1.0, -0.2, -1.6

# --------------------------------------------------------------------------------------------
# Curriculum: subject → (family, difficulty, hours by grade)

FAMILY = {
    "Русский язык": "rus", "Литература": "rus", "Литературное чтение": "rus",
    "Математика": "math", "Алгебра": "math", "Геометрия": "math",
    "Вероятность и статистика": "math", "Алгебра и начала математического анализа": "math",
    "Информатика": "sci", "Физика": "sci", "Химия": "sci",
    "Биология": "nat", "География": "nat", "Окружающий мир": "nat",
    "История": "hum", "Обществознание": "hum",
    "Иностранный язык (английский)": "eng",
    "Изобразительное искусство": "art", "Музыка": "art", "Труд (технология)": "art",
    "Физическая культура": "pe", "Основы безопасности и защиты Родины": "pe",
}
DIFFICULTY = {
    "Русский язык": 0.25, "Литература": -0.1, "Литературное чтение": -0.3, "Математика": 0.2,
    "Алгебра": 0.35, "Геометрия": 0.4, "Вероятность и статистика": 0.1,
    "Алгебра и начала математического анализа": 0.4, "Информатика": 0.0, "Физика": 0.35,
    "Химия": 0.35, "Биология": 0.0, "География": -0.05, "Окружающий мир": -0.3, "История": 0.05,
    "Обществознание": 0.0, "Иностранный язык (английский)": 0.15,
    "Изобразительное искусство": -1.2, "Музыка": -1.3, "Труд (технология)": -1.2,
    "Физическая культура": -1.2, "Основы безопасности и защиты Родины": -0.8,
}


def curriculum(grade: int) -> dict[str, int]:
    """Subjects of a grade with hours per week (after the federal basic curriculum, rounded)."""
    if grade <= 4:
        plan = {"Русский язык": 5, "Литературное чтение": 4 if grade < 4 else 3, "Математика": 4,
                "Окружающий мир": 2, "Иностранный язык (английский)": 2,
                "Изобразительное искусство": 1, "Музыка": 1, "Труд (технология)": 1,
                "Физическая культура": 2}
        if grade == 1:
            del plan["Иностранный язык (английский)"]
        return plan
    if grade <= 9:
        plan = {"Русский язык": {5: 5, 6: 6, 7: 4, 8: 3, 9: 3}[grade],
                "Литература": {5: 3, 6: 3, 7: 2, 8: 2, 9: 3}[grade],
                "Иностранный язык (английский)": 3}
        if grade <= 6:
            plan["Математика"] = 5
        else:
            plan.update({"Алгебра": 3, "Геометрия": 2, "Вероятность и статистика": 1,
                         "Информатика": 1})
        plan["История"] = 2
        if grade >= 6:
            plan["Обществознание"] = 1
        plan["География"] = 1 if grade <= 6 else 2
        plan["Биология"] = 1 if grade <= 7 else 2
        if grade >= 7:
            plan["Физика"] = 2 if grade <= 8 else 3
        if grade >= 8:
            plan["Химия"] = 2
        if grade <= 7:
            plan["Изобразительное искусство"] = 1
        if grade <= 8:
            plan["Музыка"] = 1
        plan["Труд (технология)"] = 2 if grade <= 7 else 1
        if grade >= 8:
            plan["Основы безопасности и защиты Родины"] = 1
        plan["Физическая культура"] = 2
        return plan
    return {"Русский язык": 2, "Литература": 3, "Иностранный язык (английский)": 3,
            "Алгебра и начала математического анализа": 4, "Геометрия": 3,
            "Вероятность и статистика": 1, "Информатика": 1, "Физика": 2, "Химия": 1,
            "Биология": 1, "История": 2, "Обществознание": 2, "География": 1,
            "Физическая культура": 2, "Основы безопасности и защиты Родины": 1}


LETTERS = {g: ("А", "Б", "В") if g <= 7 else ("А", "Б") if g <= 9 else ("А",) for g in range(1, 12)}

# --------------------------------------------------------------------------------------------
# ВПР: subjects by year and grade; made-up task lists whose maxima sum to the 2021 max.

VPR_SUBJECTS = {
    "2023/2024": {4: ("Русский язык", "Математика", "Окружающий мир"),
                  5: ("Русский язык", "Математика", "История"),
                  6: ("Русский язык", "Математика", "Биология"),
                  7: ("Русский язык", "Математика", "Физика"),
                  8: ("Русский язык", "Математика", "Химия")},
    "2024/2025": {4: ("Русский язык", "Математика", "Окружающий мир"),
                  5: ("Русский язык", "Математика", "Биология"),
                  6: ("Русский язык", "Математика", "География"),
                  7: ("Русский язык", "Математика", "История"),
                  8: ("Русский язык", "Математика", "Физика")},
}
TASKS = {
    ("Русский язык", 4): (4, 3, 3, 3, 1, 2, 2, 2, 2, 3, 2, 3, 3, 2, 3),
    ("Математика", 4): (1, 1, 1, 1, 1, 2, 1, 1, 2, 2, 3, 4),
    ("Окружающий мир", 4): (2, 3, 3, 3, 2, 5, 3, 3, 4, 4),
    ("Русский язык", 5): (9, 3, 3, 3, 3, 2, 4, 4, 3, 3, 4, 4),
    ("Математика", 5): (1, 1, 1, 1, 1, 1, 2, 1, 1, 2, 2, 2, 2, 2),
    ("История", 5): (2, 1, 3, 2, 2, 1, 2, 2),
    ("Биология", 5): (3, 3, 3, 3, 2, 3, 3, 3, 3, 3),
    ("Русский язык", 6): (9, 3, 5, 3, 2, 2, 4, 3, 4, 3, 4, 3, 3, 3),
    ("Математика", 6): (1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 1, 2, 2),
    ("Биология", 6): (3, 3, 3, 2, 3, 3, 3, 3, 2, 3),
    ("География", 6): (5, 4, 4, 3, 4, 3, 4, 3, 4, 3),
    ("Русский язык", 7): (9, 3, 4, 3, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3),
    ("Математика", 7): (1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2),
    ("Физика", 7): (1, 1, 1, 1, 1, 1, 1, 2, 3, 3, 3),
    ("История", 7): (2, 2, 2, 3, 3, 3, 2, 3, 3, 2),
    ("Русский язык", 8): (9, 3, 4, 3, 3, 3, 3, 3, 3, 3, 3, 4, 4, 3),
    ("Математика", 8): (1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 3),
    ("Физика", 8): (1, 1, 1, 1, 1, 1, 1, 2, 3, 3, 3),
    ("Химия", 8): (3, 4, 4, 4, 4, 5, 4, 4, 4),
}
# Extra difficulty of the ВПР relative to term marks (ВПР marks run a little lower).
VPR_OFFSET = 0.25
POINT_SLOPE = 2.0  # how sharply a point is won around its centre
TASK_NOISE = 0.6
VPR_DATES = {  # day of April by (grade, subject index)
    4: (15, 17, 22), 5: (9, 11, 16), 6: (10, 14, 18), 7: (8, 15, 23), 8: (9, 16, 24),
}

# ОГЭ / ЕГЭ: (max primary, minimum scores for «3», «4», «5») — illustrative, not official.
OGE = {
    "Русский язык": (33, 15, 23, 29), "Математика": (31, 8, 15, 22),
    "Обществознание": (37, 14, 24, 32), "Информатика": (19, 5, 11, 17),
    "Биология": (48, 13, 26, 37), "География": (31, 12, 19, 26), "Химия": (40, 10, 21, 31),
    "Физика": (45, 11, 22, 34), "История": (37, 11, 21, 30),
    "Иностранный язык (английский)": (68, 29, 46, 58),
}
OGE_ELECTIVES = (("Обществознание", 45), ("Информатика", 30), ("География", 30),
                 ("Биология", 25), ("Иностранный язык (английский)", 10), ("Химия", 10),
                 ("Физика", 10), ("История", 8))
EGE_ELECTIVES = (("Обществознание", 40), ("Физика", 20), ("Информатика", 25), ("Химия", 12),
                 ("Биология", 15), ("История", 12), ("Иностранный язык (английский)", 12),
                 ("Литература", 5), ("География", 4))
OGE_DAYS = {"Математика": 3, "Русский язык": 6, "Обществознание": 10, "Информатика": 10,
            "География": 10, "Биология": 17, "Химия": 17, "Физика": 17, "История": 17,
            "Иностранный язык (английский)": 21}
EGE_DAYS = {"Русский язык": 4, "Математика": 10, "Обществознание": 2, "Физика": 2,
            "Информатика": 16, "Химия": 13, "Биология": 13, "История": 2, "Литература": 2,
            "География": 13, "Иностранный язык (английский)": 16}

# --------------------------------------------------------------------------------------------
# Names (synthetic: common surnames and first names combined at random)


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


SURNAMES = _words("""
Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров Морозов
Волков Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов Андреев Макаров
Никитин Захаров Зайцев Соловьёв Борисов Яковлев Григорьев Романов Воробьёв Сергеев Кузьмин Фролов
Александров Дмитриев Королёв Гусев Киселёв Ильин Максимов Поляков Сорокин Виноградов Ковалёв
Белов Медведев Антонов Тарасов Жуков Баранов Филиппов Комаров Давыдов Беляев Герасимов Богданов
Осипов Сидоров Матвеев Титов Марков Миронов Крылов Куликов Карпов Власов Мельников Денисов
Гаврилов Тихонов Казаков Афанасьев Данилов Савельев Тимофеев Фомин Чернов Абрамов Мартынов Ефимов
Федотов Щербаков Назаров Калинин Исаев Быков Маслов Родионов Коновалов Лазарев Воронин Климов
Филатов Пономарёв Голубев Кудрявцев Прохоров Наумов Потапов Журавлёв Овчинников Трофимов Леонов
Соболев Ермаков Колесников Гончаров Емельянов Никифоров Грачёв Котов Гришин Ефремов Архипов
Громов Кириллов Малышев Панов Моисеев Румянцев Акимов Кондратьев Бирюков Горбунов Анисимов
Ерёмин Галкин Лукьянов Михеев Скворцов Юдин Белоусов Нестеров Прокофьев Харитонов Князев Цветков
Воронов Аксёнов Мальцев Логинов Горшков Савин Краснов Майоров Демидов Елисеев Рыбаков Сафонов
Плотников Дёмин Хохлов Жданов Полянский Вишневский Островский Луговской""")
MALE = _words("""
Александр Максим Артём Михаил Иван Дмитрий Даниил Кирилл Андрей Егор Никита Илья Алексей
Матвей Тимофей Роман Владимир Ярослав Фёдор Георгий Константин Лев Марк Николай Степан Павел
Денис Глеб Сергей Тимур Арсений Богдан Савелий Захар Вадим Евгений Григорий Антон Платон
Семён""")
FEMALE = _words("""
Анастасия Мария Анна Виктория Екатерина Наталья Дарья Алиса Полина София Елизавета
Ксения Варвара Александра Вероника Арина Валерия Юлия Ольга Татьяна Милана Ева Кира Василиса
Ульяна Алёна Таисия Маргарита Есения Диана Ангелина Злата Олеся Кристина Карина Вера Надежда
Любовь Евгения Яна""")
INITIALS = "АБВГДЕИКЛМНОПРСТЮ"


def female_surname(male: str) -> str:
    if male.endswith("ский"):
        return male[:-4] + "ская"
    if male.endswith("ской"):
        return male[:-4] + "ская"
    return male + "а"


def rng_for(*key: object) -> random.Random:
    """An independent, stable stream for one part of the school."""
    return random.Random(":".join([str(SEED), *map(str, key)]))


# --------------------------------------------------------------------------------------------
# Domain of the generator


@dataclass
class Pupil:
    pid: int
    name: str
    gender: str
    ability: float
    affinity: dict[str, float] = field(default_factory=dict)
    risk: str = ""  # "", "two", "na"
    risk_subject: str = ""
    achiever: bool = False
    reserve3: str = ""  # the one subject with «3»
    reserve4: str = ""  # the one subject with «4»
    exempt_pe: bool = False


@dataclass
class School:
    pupils: dict[int, Pupil] = field(default_factory=dict)
    # year → class label → pupil ids
    rosters: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    # year → (class, subject) → teacher
    load: dict[str, dict[tuple[str, str], str]] = field(default_factory=dict)
    # year → (pid, subject) → [q1, q2, q3, q4, year] tokens
    marks: dict[str, dict[tuple[int, str], list[str]]] = field(default_factory=dict)
    # year → list of ВПР records
    vpr: dict[str, list[dict[str, object]]] = field(default_factory=dict)
    exams: dict[str, list[dict[str, object]]] = field(default_factory=dict)
    teachers: list[str] = field(default_factory=list)

    def class_of(self, year: str, pid: int) -> str:
        for label, ids in self.rosters[year].items():
            if pid in ids:
                return label
        raise KeyError(pid)


def grade(label: str) -> int:
    return int(label[:-1])


def sort_key(label: str) -> tuple[int, str]:
    return grade(label), label[-1]


class NameBook:
    def __init__(self) -> None:
        self.used: set[str] = set()
        self.rng = rng_for("names")

    def new(self) -> tuple[str, str]:
        while True:
            gender = "ж" if self.rng.random() < 0.49 else "м"
            surname = self.rng.choice(SURNAMES)
            if gender == "ж":
                surname, first = female_surname(surname), self.rng.choice(FEMALE)
            else:
                first = self.rng.choice(MALE)
            name = f"{surname} {first}"
            if name not in self.used:
                self.used.add(name)
                return name, gender


def new_pupil(school: School, names: NameBook) -> int:
    pid = len(school.pupils) + 1
    name, gender = names.new()
    r = rng_for("pupil", pid)
    ability = r.gauss(0.0, 1.0)
    families = sorted(set(FAMILY.values()))
    affinity = {f: r.gauss(0.0, 0.4) for f in families}
    affinity.update({s: r.gauss(0.0, 0.15) for s in sorted(FAMILY)})
    school.pupils[pid] = Pupil(pid, name, gender, ability, affinity)
    return pid


def build_rosters(school: School) -> None:
    names = NameBook()
    r = rng_for("rosters")
    first: dict[str, list[int]] = {}
    for g in range(1, 12):
        for letter in LETTERS[g]:
            size = r.randint(21, 25) if g <= 7 else r.randint(24, 27) if g <= 9 else r.randint(
                17, 21)
            first[f"{g}{letter}"] = [new_pupil(school, names) for _ in range(size)]
    school.rosters[YEARS[0]] = first
    second: dict[str, list[int]] = {}
    for label, ids in first.items():
        g, letter = grade(label), label[-1]
        if g <= 6:
            second[f"{g + 1}{letter}"] = list(ids)
    # 7В is split between 8А and 8Б (some pupils leave); 8А is kept at 25 for the example file.
    split = list(first["7В"])
    r.shuffle(split)
    need_a = max(0, 25 - len(first["7А"]))
    second["8А"] = first["7А"] + split[:need_a]
    second["8Б"] = first["7Б"] + split[need_a:need_a + max(0, 27 - len(first["7Б"]))]
    second["9А"], second["9Б"] = list(first["8А"]), list(first["8Б"])
    nine = first["9А"] + first["9Б"]
    r.shuffle(nine)
    second["10А"] = sorted(nine[:20])
    second["11А"] = list(first["10А"])
    for letter in LETTERS[1]:
        second[f"1{letter}"] = [new_pupil(school, names) for _ in range(r.randint(22, 25))]
    # A newcomer or two in a few classes.
    for label in ("3Б", "5А", "6А", "7В", "9Б"):
        second[label].append(new_pupil(school, names))
    school.rosters[YEARS[1]] = {k: second[k] for k in sorted(second, key=sort_key)}


# --------------------------------------------------------------------------------------------
# Teachers


def build_teachers(school: School) -> None:
    r = rng_for("teachers")
    used = {"Соколов"}  # the planted teacher's surname (male base form)

    def teacher() -> str:
        while True:
            base = r.choice(SURNAMES)
            surname = female_surname(base) if r.random() < 0.82 else base
            if base not in used:
                used.add(base)
                return f"{surname} {r.choice(INITIALS)}.{r.choice(INITIALS)}."

    primary = {f"{g}{letter}": teacher() for g in range(1, 5) for letter in LETTERS[g]}
    english = [teacher() for _ in range(3)]
    music, art_labour, labour = teacher(), teacher(), teacher()
    pe = [teacher() for _ in range(3)]
    russian = [teacher() for _ in range(4)]
    maths = [teacher() for _ in range(4)]
    informatics, physics, chemistry, biology, geography, obzr = (teacher() for _ in range(6))
    history = [teacher() for _ in range(2)]

    for year in YEARS:
        load: dict[tuple[str, str], str] = {}
        for label in school.rosters[year]:
            g, letter = grade(label), label[-1]
            idx = "АБВ".index(letter)
            for subject in curriculum(g):
                fam = FAMILY[subject]
                if g <= 4 and subject in ("Русский язык", "Литературное чтение", "Математика",
                                          "Окружающий мир", "Изобразительное искусство",
                                          "Труд (технология)"):
                    # The primary teacher follows the class from grade 1 to 4; the teacher of
                    # the leaving 4th grade takes the new 1st grade.
                    shift = 0 if year == YEARS[0] else 1
                    src = g - shift if g - shift >= 1 else 4
                    name = primary[f"{src}{letter}"]
                elif subject == "Иностранный язык (английский)":
                    name = english[idx if g <= 7 else 1 if g == 8 else 2 if g == 9 else 0]
                elif subject == "Музыка":
                    name = music
                elif subject == "Изобразительное искусство":
                    name = art_labour
                elif subject == "Труд (технология)":
                    name = art_labour if letter == "А" else labour
                elif subject == "Физическая культура":
                    name = pe[0] if g <= 4 else pe[1] if g <= 7 else pe[2]
                elif subject == "Основы безопасности и защиты Родины":
                    name = obzr
                elif fam == "rus":
                    name = russian[3] if g >= 9 else russian[idx]
                elif fam == "math":
                    if label in INFLATED_CLASSES[year]:
                        name = INFLATING_TEACHER
                    elif g <= 6:
                        name = maths[0]
                    elif g == 7:
                        name = maths[1]
                    elif g <= 9:
                        name = maths[2]
                    else:
                        name = maths[3]
                elif subject == "Информатика":
                    name = informatics
                elif subject == "Физика":
                    name = physics
                elif subject == "Химия":
                    name = chemistry
                elif subject == "Биология":
                    name = biology
                elif subject == "География":
                    name = geography
                else:  # История, Обществознание
                    name = history[0] if letter == "А" else history[1]
                load[(label, subject)] = name
        school.load[year] = load
    school.teachers = sorted({t for load in school.load.values() for t in load.values()})


# --------------------------------------------------------------------------------------------
# Planted pupils


def plant_pupils(school: School) -> None:
    year = YEARS[1]
    roster = school.rosters[year]
    r = rng_for("plants")
    taken: set[int] = set()
    eligible = [c for c in roster if grade(c) >= 2 and c not in SPECIAL_CLASSES]

    def pick(classes: list[str], count: int, key: str) -> list[int]:
        chosen: list[int] = []
        order = list(classes)
        r.shuffle(order)
        i = 0
        while len(chosen) < count:
            label = order[i % len(order)]
            i += 1
            pool = sorted(set(roster[label]) - taken)
            pupils = sorted(pool, key=lambda p: school.pupils[p].name)
            pid = r.choice(pupils)
            taken.add(pid)
            chosen.append(pid)
        return chosen

    # The 8А example needs one risk pupil («2» in Алгебра) and one pupil exempt from PE.
    risk = pick(["8А"], 1, "risk") + pick([c for c in eligible if c != "8А"], 14, "risk")
    for n, pid in enumerate(risk):
        p = school.pupils[pid]
        p.ability = -1.1 - 0.05 * (n % 4)
        p.risk = "na" if n % 3 == 2 else "two"
        subjects = [s for s in curriculum(grade(school.class_of(year, pid)))
                    if FAMILY[s] in ("math", "rus", "sci", "eng")]
        p.risk_subject = "Алгебра" if n == 0 else r.choice(subjects)
    vpr_classes = [c for c in eligible if 4 <= grade(c) <= 8 and c != "8А"]
    for pid in pick(vpr_classes, 10, "achiever"):
        p = school.pupils[pid]
        p.achiever = True
        p.ability = 1.9 + r.random() * 0.4
    for pid in pick([c for c in eligible if c != "8А"], 10, "reserve3"):
        p = school.pupils[pid]
        p.ability = 0.9 + r.random() * 0.3
        subjects = [s for s in curriculum(grade(school.class_of(year, pid)))
                    if FAMILY[s] not in ("art", "pe")]
        p.reserve3 = r.choice(subjects)
    for pid in pick([c for c in eligible if c != "8А"], 6, "reserve4"):
        p = school.pupils[pid]
        p.ability = 1.6 + r.random() * 0.3
        subjects = [s for s in curriculum(grade(school.class_of(year, pid)))
                    if FAMILY[s] not in ("art", "pe")]
        p.reserve4 = r.choice(subjects)
    for pid in pick(["8А"], 1, "pe") + pick(
            [c for c in roster if c != "8А" and grade(c) >= 2], 4, "pe"):
        school.pupils[pid].exempt_pe = True


# --------------------------------------------------------------------------------------------
# Term marks


def round_half_up(x: float) -> int:
    return math.floor(x + 0.5)


def latent_base(p: Pupil, subject: str, g: int) -> float:
    primary_bonus = 0.3 if g <= 4 else 0.0
    upper_drift = -0.04 * (g - 5) if g >= 5 else 0.0
    return (p.ability + p.affinity[FAMILY[subject]] + p.affinity[subject] - DIFFICULTY[subject]
            + primary_bonus + upper_drift)


def quarter_shift(year: str, label: str, q: int, subject: str = "") -> float:
    if year == YEARS[1] and label == FALLING_CLASS:
        return FALLING_SHIFT[q]
    if year == YEARS[1] and label == PEAK_CLASS and subject == "Математика":
        return PEAK_CLASS_SHIFT  # a weaker class in maths: many pupils near the «3» minimum
    return 0.0


def cut(latent: float, p: Pupil) -> int:
    if latent >= T5:
        return 5
    if latent >= T4:
        return 4
    if latent >= T3 or not p.risk:
        return 3
    return 2


def build_marks(school: School) -> None:
    for year in YEARS:
        marks: dict[tuple[int, str], list[str]] = {}
        for label, ids in school.rosters[year].items():
            g = grade(label)
            for subject in curriculum(g):
                teacher = school.load[year][(label, subject)]
                r = rng_for("marks", year, label, subject)
                noise = 0.12 if label == CLEAN_CLASS else 0.3
                for pid in ids:
                    p = school.pupils[pid]
                    if g == 1:
                        marks[(pid, subject)] = ["", "", "", "", ""]
                        continue
                    if subject == "Физическая культура" and p.exempt_pe:
                        marks[(pid, subject)] = ["осв"] * 5
                        continue
                    base = latent_base(p, subject, g)
                    quarters = []
                    for q in range(4):
                        latent = base + quarter_shift(year, label, q, subject) + r.gauss(0, noise)
                        if teacher == INFLATING_TEACHER:
                            # About one mark up: a «3» becomes «4», an upper «4» becomes «5».
                            m = min(5, cut(latent + INFLATION, p) + 1)
                        else:
                            m = cut(latent, p)
                        quarters.append(m)
                    y = round_half_up(sum(quarters) / 4)
                    marks[(pid, subject)] = [str(m) for m in quarters] + [str(y)]
        school.marks[year] = marks
    apply_plants(school)


def apply_plants(school: School) -> None:
    year = YEARS[1]
    marks = school.marks[year]
    for label, ids in school.rosters[year].items():
        subjects = list(curriculum(grade(label)))
        for pid in ids:
            p = school.pupils[pid]
            numeric = [s for s in subjects if marks[(pid, s)][4] not in ("", "осв")]
            if p.risk == "two":
                marks[(pid, p.risk_subject)] = ["2", "3", "2", "2", "2"]
            elif p.risk == "na":
                row = marks[(pid, p.risk_subject)]
                marks[(pid, p.risk_subject)] = [row[0], "н/а", row[2], row[3], "н/а"]
            if p.achiever:
                for s in numeric:
                    marks[(pid, s)] = ["5"] * 5
            if p.reserve4:
                for s in numeric:
                    marks[(pid, s)] = ["5"] * 5
                marks[(pid, p.reserve4)] = ["4", "5", "4", "4", "4"]
            if p.reserve3:
                for s in numeric:
                    row = marks[(pid, s)]
                    marks[(pid, s)] = [m if m in ("4", "5") else "4" for m in row]
                marks[(pid, p.reserve3)] = ["3", "4", "3", "3", "3"]


# --------------------------------------------------------------------------------------------
# ВПР


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def point_centres(maxima: tuple[int, ...], scale: Scale) -> list[list[float]]:
    """For every point of every task, the latent at which a pupil gets it with probability ½.

    The centres follow a piecewise-linear map from the latent to the expected score through
    the scale's minima for «3», «4», «5» at the term-mark thresholds T3, T4, T5 (the last two
    moved up by VPR_OFFSET: ВПР a little stricter than the journal, as in the calibration data
    of METHODOLOGY §5.4). So ВПР and journal marks agree up to noise. Earlier tasks get the
    lower centres (easy tasks first, «повышенный» ones last, as in real works).
    """
    anchors = [(T3 - 2.2, 0.0), (T3, float(scale.minimum(3) or 0)),
               (T4 + VPR_OFFSET, float(scale.minimum(4) or 0)),
               (T5 + VPR_OFFSET, float(scale.minimum(5) or 0)),
               (T5 + VPR_OFFSET + 1.8, float(scale.max_total))]

    def inverse(score: float) -> float:
        for (x0, y0), (x1, y1) in itertools.pairwise(anchors):
            if y0 <= score <= y1:
                return x0 + (x1 - x0) * (score - y0) / (y1 - y0)
        return anchors[-1][0]

    centres = [inverse(j + 0.5) for j in range(int(scale.max_total))]
    out, i = [], 0
    for m in maxima:
        out.append(centres[i:i + m])
        i += m
    return out


def term_subject(subject: str, g: int) -> str:
    return "Алгебра" if subject == "Математика" and g >= 7 else subject


def vpr_scale(subject: str, g: int) -> Scale:
    scale = find_scale(year=2021, subject=subject, grade=g)
    if scale is None:
        raise LookupError(f"no 2021 scale for {subject} {g}")
    return scale


def adjust(points: list[int], maxima: tuple[int, ...], target: int, r: random.Random) -> None:
    """Add or remove single points on random tasks until the sum equals ``target``."""
    while sum(points) < target:
        k = r.choice([i for i, m in enumerate(maxima) if points[i] < m])
        points[k] += 1
    while sum(points) > target:
        k = r.choice([i for i, v in enumerate(points) if v > 0])
        points[k] -= 1


def build_vpr(school: School) -> None:
    for year in YEARS:
        spring = int(year[-4:])
        records: list[dict[str, object]] = []
        for label, ids in school.rosters[year].items():
            g = grade(label)
            if g not in VPR_SUBJECTS[year]:
                continue
            for si, subject in enumerate(VPR_SUBJECTS[year][g]):
                maxima = TASKS[(subject, g)]
                scale = vpr_scale(subject, g)
                assert sum(maxima) == scale.max_total, (subject, g)
                centres = point_centres(maxima, scale)
                tsubj = term_subject(subject, g)
                teacher = school.load[year][(label, tsubj)]
                r = rng_for("vpr", year, label, subject)
                date = f"{VPR_DATES[g][si]:02d}.04.{spring}"
                planted_year = year == YEARS[1]
                copy_group: set[int] = set()
                if planted_year and label == COPY_CLASS and subject == "Математика":
                    mid = sorted(ids, key=lambda i: (abs(school.pupils[i].ability - 0.6),
                                                     school.pupils[i].name))
                    copy_group = set(mid[:COPY_SIZE])
                for pid in ids:
                    p = school.pupils[pid]
                    special = planted_year and (
                        bool(p.achiever or p.risk) or pid in copy_group
                        or (label == PEAK_CLASS and subject == "Математика"))
                    if not special and r.random() < 0.06:
                        continue  # absent: no row
                    theta = latent_base(p, tsubj, g) + quarter_shift(year, label, 2, tsubj)
                    if label == CLEAN_CLASS:
                        # Journal marks here follow the ВПР standard: half the offset, little noise.
                        theta += VPR_OFFSET / 2 + r.gauss(0, 0.1)
                    else:
                        theta += r.gauss(0, 0.3)
                    points = []
                    for task in centres:
                        # A pupil-by-task effect: pupils of one level differ in which tasks
                        # they solve (otherwise every answer string would be «first s points»).
                        own = theta + r.gauss(0, TASK_NOISE)
                        points.append(sum(r.random() < sigmoid(POINT_SLOPE * (own - c))
                                          for c in task))
                    if planted_year:
                        total = sum(points)
                        if p.achiever:
                            adjust(points, maxima, max(total, int(scale.minimum(5) or 0)), r)
                        if p.risk and subject in ("Русский язык", "Математика"):
                            low = int(scale.minimum(3) or 1) - 1 - r.randint(0, 2)
                            adjust(points, maxima, min(total, max(0, low)), r)
                        if label == PEAK_CLASS and subject == "Математика" and 4 <= total <= 6:
                            adjust(points, maxima, 7, r)  # «pulled up» to the «3» minimum
                        if pid in copy_group:
                            points = list(COPY_VECTOR)
                    score = sum(points)
                    mark = scale.mark_for(score)
                    journal = school.marks[year][(pid, tsubj)][2]
                    records.append({
                        "year": year, "date": date, "class": label, "pupil": p.name, "pid": pid,
                        "subject": subject, "grade": g, "teacher": teacher, "mark": mark,
                        "score": score, "max": int(scale.max_total), "tasks": points,
                        "maxima": maxima,
                        "journal": int(journal) if journal.isdigit() else "нет отметки",
                    })
        school.vpr[year] = records


# --------------------------------------------------------------------------------------------
# ОГЭ / ЕГЭ


def weighted_pick(r: random.Random, items: tuple[tuple[str, int], ...], k: int) -> list[str]:
    pool = list(items)
    out: list[str] = []
    while len(out) < k:
        total = sum(w for _, w in pool)
        x = r.random() * total
        for i, (name, w) in enumerate(pool):
            x -= w
            if x <= 0:
                out.append(name)
                pool.pop(i)
                break
    return out


def build_exams(school: School) -> None:
    for year in YEARS:
        spring = int(year[-4:])
        records: list[dict[str, object]] = []
        for label, ids in school.rosters[year].items():
            g = grade(label)
            if g not in (9, 11):
                continue
            r = rng_for("exams", year, label)
            for pid in ids:
                p = school.pupils[pid]
                if g == 9:
                    subjects = ["Русский язык", "Математика", *weighted_pick(r, OGE_ELECTIVES, 2)]
                    for subject in subjects:
                        top, m3, m4, m5 = OGE[subject]
                        theta = (p.ability + p.affinity[FAMILY[subject]] - 0.1
                                 + r.gauss(0, 0.35))
                        score = max(0, min(top, round(top * sigmoid(1.3 * theta + 0.35))))
                        mark = 5 if score >= m5 else 4 if score >= m4 else 3 if score >= m3 else 2
                        records.append({"procedure": "ОГЭ", "class": label, "pupil": p.name,
                                        "subject": subject, "mark": mark, "score": score,
                                        "max": top,
                                        "date": f"{OGE_DAYS[subject]:02d}.06.{spring}"})
                else:
                    subjects = ["Русский язык", "Математика", *weighted_pick(r, EGE_ELECTIVES, 2)]
                    for subject in subjects:
                        theta = p.ability + p.affinity[FAMILY[subject]] + r.gauss(0, 0.3)
                        base = 68 if subject == "Русский язык" else 58
                        score = max(12, min(100, round(base + 16 * theta)))
                        records.append({"procedure": "ЕГЭ", "class": label, "pupil": p.name,
                                        "subject": subject, "mark": None, "score": score,
                                        "max": 100,
                                        "date": f"{EGE_DAYS[subject]:02d}.06.{spring}"})
        school.exams[year] = records


# --------------------------------------------------------------------------------------------
# Writing


def term_rows(school: School, year: str, classes: Iterable[str] | None = None,
              subjects: Iterable[str] | None = None,
              periods: Iterable[int] = range(5)) -> list[list[object]]:
    only_classes = set(classes) if classes is not None else None
    only_subjects = set(subjects) if subjects is not None else None
    rows: list[list[object]] = []
    for label, ids in school.rosters[year].items():
        if only_classes is not None and label not in only_classes:
            continue
        g = grade(label)
        names = sorted(ids, key=lambda i: school.pupils[i].name)
        for q in periods:
            if g == 1 and q < 4:
                continue
            period, procedure = (QUARTERS[q], "Четвертная") if q < 4 else ("год", "Годовая")
            for subject in curriculum(g):
                if only_subjects is not None and subject not in only_subjects:
                    continue
                teacher = school.load[year][(label, subject)]
                for pid in names:
                    token = school.marks[year][(pid, subject)][q]
                    value: object = int(token) if token.isdigit() else token or None
                    rows.append([year, period, procedure, label, school.pupils[pid].name,
                                 subject, teacher, value, None, None, None])
    return rows


def fixed_zip(data: bytes) -> bytes:
    """Rewrite an xlsx with constant timestamps so that reruns are byte-identical."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            new = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            new.compress_type = zipfile.ZIP_DEFLATED
            new.external_attr = info.external_attr
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps «modified» on save
                body = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2025-01-01T00:00:00Z",
                              body)
            dst.writestr(new, body)
    return out.getvalue()


def save(wb: object, path: Path) -> None:
    from datetime import datetime

    props = wb.properties  # type: ignore[attr-defined]
    props.creator = SCHOOL
    props.created = props.modified = datetime(2025, 1, 1)
    buf = io.BytesIO()
    wb.save(buf)  # type: ignore[attr-defined]
    path.write_bytes(fixed_zip(buf.getvalue()))


def write_sheets(path: Path, sheets: list[tuple[str, list[str], list[list[object]]]]) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    for title, header, rows in sheets:
        ws = wb.create_sheet(title)
        ws.freeze_panes = "A2"
        ws.append(header)
        for row in rows:
            ws.append(row)
    save(wb, path)


def vpr_sheets(school: School, year: str) -> list[tuple[str, list[str], list[list[object]]]]:
    groups: dict[tuple[int, str], list[dict[str, object]]] = defaultdict(list)
    for rec in school.vpr[year]:
        groups[(int(rec["grade"]), str(rec["subject"]))].append(rec)  # type: ignore[arg-type]
    sheets = []
    for g in sorted({k[0] for k in groups}):
        for subject in VPR_SUBJECTS[year][g]:
            recs = groups[(g, subject)]
            maxima = recs[0]["maxima"]
            header = [*TEMPLATE_COLUMNS,
                      *(f"Задание {i + 1} ({m}б)" for i, m in enumerate(maxima))]  # type: ignore[arg-type]
            rows = []
            for rec in sorted(recs, key=lambda x: (sort_key(str(x["class"])), str(x["pupil"]))):
                rows.append([year, rec["date"], "ВПР", rec["class"], rec["pupil"], subject,
                             rec["teacher"], rec["mark"], rec["score"], rec["max"],
                             rec["journal"], *rec["tasks"]])  # type: ignore[misc]
            sheets.append((f"ВПР {subject} {g}", header, rows))
    return sheets


def exam_sheets(school: School, year: str) -> list[tuple[str, list[str], list[list[object]]]]:
    sheets = []
    for procedure in ("ОГЭ", "ЕГЭ"):
        rows = [[year, rec["date"], procedure, rec["class"], rec["pupil"], rec["subject"], None,
                 rec["mark"], rec["score"], rec["max"], None]
                for rec in school.exams[year] if rec["procedure"] == procedure]
        rows.sort(key=lambda row: (str(row[5]), str(row[4])))
        sheets.append((procedure, list(TEMPLATE_COLUMNS), rows))
    return sheets


def load_rows(school: School) -> list[list[object]]:
    rows: list[list[object]] = []
    for year in YEARS:
        for label in school.rosters[year]:
            for subject, hours in curriculum(grade(label)).items():
                rows.append([year, label, subject, school.load[year][(label, subject)], hours])
    return rows


def write_example(school: School, path: Path) -> list[list[object]]:
    """The downloadable template (core.template) with 8А, 1 четверть, three subjects."""
    from openpyxl import load_workbook

    rows = term_rows(school, YEARS[1], classes=["8А"], subjects=EXAMPLE_SUBJECTS, periods=[0])
    wb = load_workbook(io.BytesIO(template_xlsx()))
    ws = wb["Данные"]
    ws.delete_rows(2, ws.max_row)
    for row in rows:
        ws.append(row)
    save(wb, path)
    return rows


EXAMPLE_SUBJECTS = ("Русский язык", "Алгебра", "Физическая культура")


# --------------------------------------------------------------------------------------------
# README (catalogue + measured values of the planted patterns)


def quality(tokens: list[str]) -> tuple[float, int]:
    n = [t for t in tokens if t in ("2", "3", "4", "5", "н/а")]
    if not n:
        return float("nan"), 0
    return 100 * sum(t in ("4", "5") for t in n) / len(n), len(n)


def indicators(tokens: list[str]) -> dict[str, object]:
    c = Counter(tokens)
    n = sum(c[t] for t in ("5", "4", "3", "2", "н/а"))
    numeric = sum(c[t] for t in ("5", "4", "3", "2"))
    return {
        "n5": c["5"], "n4": c["4"], "n3": c["3"], "n2": c["2"], "na": c["н/а"], "osv": c["осв"],
        "N": n, "pass": 100 * (c["5"] + c["4"] + c["3"]) / n,
        "quality": 100 * (c["5"] + c["4"]) / n,
        "sou": (100 * c["5"] + 64 * c["4"] + 36 * c["3"] + 16 * c["2"] + 7 * c["н/а"]) / n,
        "mean": (5 * c["5"] + 4 * c["4"] + 3 * c["3"] + 2 * c["2"]) / numeric,
    }


def vpr_shares(recs: list[dict[str, object]]) -> tuple[int, float, float, float]:
    pairs = [(int(r["mark"]), int(r["journal"])) for r in recs  # type: ignore[call-overload]
             if isinstance(r["journal"], int) and r["mark"] is not None]
    n = len(pairs)
    lower = sum(v < j for v, j in pairs)
    higher = sum(v > j for v, j in pairs)
    gross = sum(abs(v - j) >= 2 for v, j in pairs)
    return n, 100 * lower / n, 100 * higher / n, 100 * gross / n


def fmt(x: float) -> str:
    return f"{x:.1f}".replace(".", ",")


def year_groups(school: School, year: str) -> dict[str, list[tuple[str, str, str]]]:
    """Pupils by group of METHODOLOGY §6.1 from year marks: (name, class, detail)."""
    out: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    marks = school.marks[year]
    for label, ids in school.rosters[year].items():
        subjects = list(curriculum(grade(label)))
        for pid in ids:
            row = {s: marks[(pid, s)][4] for s in subjects}
            numeric = {s: int(m) for s, m in row.items() if m.isdigit()}
            bad = [s for s, m in row.items() if m in ("2", "н/а")]
            name = school.pupils[pid].name
            if not numeric and not bad:
                continue
            mean = sum(numeric.values()) / len(numeric) if numeric else 0.0
            if bad or mean < 3.0:
                detail = "; ".join(f"{s}: {row[s]}" for s in bad) + f"; ср. {fmt(mean)}"
                out["risk"].append((name, label, detail))
                continue
            threes = [s for s, m in numeric.items() if m == 3]
            fours = [s for s, m in numeric.items() if m == 4]
            if len(threes) == 1:
                out["one3"].append((name, label, threes[0]))
            if not threes and len(fours) == 1:
                out["one4"].append((name, label, fours[0]))
            if not threes and not fours:
                out["all5"].append((name, label, ""))
    return out


def vpr_by(school: School, year: str, label: str, subject: str) -> list[dict[str, object]]:
    return [r for r in school.vpr[year] if r["class"] == label and r["subject"] == subject]


def write_readme(school: School, out: Path, files: dict[str, int], example: list[list[object]],
                 seconds: float) -> None:
    y0, y1 = YEARS
    lines: list[str] = []
    w = lines.append
    w("# Демонстрационные данные: " + SCHOOL)
    w("")
    w("Файл создан скриптом `sample_data/generate.py` (seed " + str(SEED) + "); не правьте его "
      "вручную — измените генератор и запустите")
    w("")
    w("```")
    w("python3 sample_data/generate.py && python3 -m pytest -q tests/test_sample_data.py")
    w("```")
    w("")
    w("Все люди вымышлены: фамилии и имена — случайные сочетания частых русских фамилий и имён "
      "(пол согласован с именем), учителя — «Фамилия И.О.» из того же списка. Реальных "
      "персональных данных нет. Название школы в файлах не указано (столбца «Школа» в шаблоне "
      "нет): при загрузке его вводят в поле «Школа» или `--school`.")
    w("")
    w("## Файлы")
    w("")
    w("| Файл | Содержание | Листы | Строк данных |")
    w("|---|---|---|---|")
    desc = {
        "school_2023_2024.xlsx": ("Четвертные (1–4 четверть) и годовые отметки, 2023/2024, "
                                  "1–11 классы; 1 классы — только строка «год» с пустой "
                                  "отметкой (безотметочное обучение)", "Данные"),
        "school_2024_2025.xlsx": ("То же, 2024/2025", "Данные"),
        "vpr_2024.xlsx": ("ВПР весны 2024 (4–8 классы), баллы по заданиям, отметка по шкале 2021, "
                          "отметка по журналу = 3 четверть", "по листу на предмет × параллель"),
        "vpr_2025.xlsx": ("ВПР весны 2025, то же", "по листу на предмет × параллель"),
        "exams_2024.xlsx": ("ОГЭ (9 классы) и ЕГЭ (11 класс), июнь 2024", "ОГЭ, ЕГЭ"),
        "exams_2025.xlsx": ("ОГЭ и ЕГЭ, июнь 2025", "ОГЭ, ЕГЭ"),
        "teacher_load.xlsx": ("Нагрузка: Учебный год, Класс, Предмет, Учитель, Часов в неделю "
                              "(оба года)", "Нагрузка"),
        "template_example_8A.xlsx": ("Скачиваемый шаблон, заполненный: 8А, 2024/2025, 1 четверть, "
                                     "3 предмета (для браузерного теста)",
                                     "Данные, Справочник, Инструкция"),
    }
    for name, rows in files.items():
        text, sheets = desc[name]
        w(f"| `{name}` | {text} | {sheets} | {rows} |")
    w("")
    w(f"Генерация заняла {seconds:.0f} с (ориентир — до 60 с).")
    w("")
    w("Упрощения: четверти во всех классах, в том числе в 10–11 (без полугодий); в каждом классе "
      "по предмету один учитель (без деления на группы); «Математика» ЕГЭ — профильный уровень "
      "(в справочнике предметов нет отдельного названия); пороги ОГЭ — правдоподобные, не "
      "официальные; задания ВПР придуманы, их максимумы в сумме дают максимум работы из шкалы 2021 "
      "года (METHODOLOGY §4.2).")
    w("")
    w("## Школа")
    w("")
    w("| Учебный год | Классов | Обучающихся | Учителей |")
    w("|---|---|---|---|")
    for year in YEARS:
        roster = school.rosters[year]
        teachers = set(school.load[year].values())
        w(f"| {year} | {len(roster)} | {sum(len(v) for v in roster.values())} | {len(teachers)} |")
    w("")
    w("Переход между годами: ученики переходят в следующий класс с той же буквой; 7В расформирован "
      "(часть учеников — в 8А и 8Б, остальные выбыли); из 9А и 9Б 20 человек пошли в 10А; 11А "
      "выпустился; пришли новые 1А, 1Б, 1В и по одному новичку в 3Б, 5А, 6А, 7В, 9Б. Учитель "
      "начальных классов ведёт свой класс с 1 по 4, учитель выпускного 4 класса берёт новый 1.")
    w("")
    w("| Класс | " + " | ".join(YEARS) + " |")
    w("|---|---|---|")
    labels = sorted(set(school.rosters[y0]) | set(school.rosters[y1]), key=sort_key)
    for label in labels:
        w(f"| {label} | " + " | ".join(str(len(school.rosters[y].get(label, []))) or "—"
                                       for y in YEARS) + " |")
    w("")
    w("ВПР: " + "; ".join(
        f"{year[-4:]} — " + ", ".join(f"{g} кл.: {', '.join(s)}"
                                       for g, s in VPR_SUBJECTS[year].items())
        for year in YEARS) + ". Около 6 % учеников не писали работу (строки нет).")
    w("")
    w("## Заложенные закономерности (что должны найти страницы анализа)")
    w("")
    w("Проверяются тестом `tests/test_sample_data.py` по разобранным файлам; значения ниже "
      "посчитаны генератором по тем же правилам (METHODOLOGY §5.5, §6.1).")
    w("")
    # 1. Inflating teacher
    w("### 1. Завышение отметок учителем (O1, O2, O11)")
    w("")
    w(f"Учитель математики **{INFLATING_TEACHER}** ведёт 6Б и 6В в {y1} (5Б и 5В в {y0}); её "
      "четвертные и годовые отметки на балл выше уровня учеников (кроме «5»). "
      "ВПР Математика 6 (2025) и Математика 5 (2024) показывают «понизили».")
    w("")
    w("| Год | Класс | Учитель | Пар (ВПР и журнал) | Понизили, % | Повысили, % | "
      "Разница ≥ 2, % |")
    w("|---|---|---|---|---|---|---|")
    all_lower: dict[str, list[float]] = {year: [] for year in YEARS}
    for year in YEARS:
        for label in school.rosters[year]:
            recs = vpr_by(school, year, label, "Математика")
            if not recs:
                continue
            n, lower, higher, gross = vpr_shares(recs)
            all_lower[year].append(lower)
            teacher = str(recs[0]["teacher"])
            if teacher == INFLATING_TEACHER or label == CLEAN_CLASS:
                w(f"| {year} | {label} | {teacher} | {n} | {fmt(lower)} | {fmt(higher)} | "
                  f"{fmt(gross)} |")
    medians = {year: statistics.median(values) for year, values in all_lower.items()}
    w("")
    w("Ожидаемый сигнал: «понизили» ≥ 60 % (сильный признак O1) при ≥ 10 парах; медиана "
      "«понизили» по классам школы × ВПР Математика за год — "
      + ", ".join(f"{fmt(m)} % ({year})" for year, m in medians.items())
      + f", так что O11 (≥ медиана года + 20 п.п.) отмечает {INFLATING_TEACHER} в обоих "
      "классах каждого года.")
    w("")
    # 8. Clean class
    w(f"### 8. Чистый класс для контраста: {CLEAN_CLASS} ({y1})")
    w("")
    w("Отметки и ВПР согласованы (меньше шума в обоих). Не должно быть находок высокой "
      "серьёзности: «понизили» < 45 %, «повысили» < 15 %, доля пар с разницей отметок ≥ 2 "
      "(«Разница ≥ 2») < 10 %, ρ Спирмена ≥ 0,3, нет пиков у границ и совпадающих профилей.")
    w("")
    w("| ВПР 2025 | Учитель | Пар | Понизили, % | Повысили, % | Разница ≥ 2, % |")
    w("|---|---|---|---|---|---|")
    for subject in VPR_SUBJECTS[y1][grade(CLEAN_CLASS)]:
        recs = vpr_by(school, y1, CLEAN_CLASS, subject)
        n, lower, higher, gross = vpr_shares(recs)
        w(f"| {subject} | {recs[0]['teacher']} | {n} | {fmt(lower)} | {fmt(higher)} | "
          f"{fmt(gross)} |")
    w("")
    # 2. Falling class
    w(f"### 2. Падение качества в классе {FALLING_CLASS} ({y1})")
    w("")
    w("Уровень класса снижается от четверти к четверти (сдвиг латентной успеваемости "
      + ", ".join(fmt(s) for s in FALLING_SHIFT) + "); ВПР в апреле отражает уровень 3 четверти. "
      f"В {y0} этот класс (6А) был обычным.")
    w("")
    w("| Предмет | Учитель | " + " | ".join(f"{q}" for q in QUARTERS) + " | Год | "
      f"6А {y0}, 4 четверть |")
    w("|---|---|" + "---|" * 6)
    falls = 0
    subjects = list(curriculum(grade(FALLING_CLASS)))
    ids1 = school.rosters[y1][FALLING_CLASS]
    ids0 = school.rosters[y0]["6А"]
    for subject in subjects:
        qs = [quality([school.marks[y1][(p, subject)][q] for p in ids1])[0] for q in range(5)]
        prev = "—"
        if subject in curriculum(6):
            prev = fmt(quality([school.marks[y0][(p, subject)][3] for p in ids0])[0])
        falls += qs[0] - qs[3] >= 20
        w(f"| {subject} | {school.load[y1][(FALLING_CLASS, subject)]} | "
          + " | ".join(fmt(x) for x in qs) + f" | {prev} |")
    pooled = [quality([school.marks[y1][(p, s)][q] for p in ids1 for s in subjects])[0]
              for q in range(4)]
    prev_pooled = quality([school.marks[y0][(p, s)][3] for p in ids0
                           for s in curriculum(6)])[0]
    w("")
    w(f"Ожидаемый сигнал: качество по всем предметам вместе {fmt(pooled[0])} % → "
      f"{fmt(pooled[3])} % (1 → 4 четверть); падение ≥ 20 п.п. в {falls} из {len(subjects)} "
      f"предметов; в 4 четверти {y0} (6А) было {fmt(prev_pooled)} %.")
    w("")
    side = []
    for subject in VPR_SUBJECTS[y1][grade(FALLING_CLASS)]:
        n, lower, _, _ = vpr_shares(vpr_by(school, y1, FALLING_CLASS, subject))
        side.append(f"{subject} {fmt(lower)} % (n = {n})")
    w("Побочный сигнал: у слабеющих учеников ВПР даёт «2», а в журнале «3» (обычным ученикам "
      "«2» за четверть не ставится), поэтому «понизили» в ВПР 2025 у 7А выше обычного: "
      + "; ".join(side) + ".")
    w("")
    # 3. Boundary peak
    w(f"### 3. Пик у границы «3» в ВПР: {PEAK_CLASS}, Математика 5 (2025) (O4)")
    w("")
    recs = vpr_by(school, y1, PEAK_CLASS, "Математика")
    hist = Counter(int(r["score"]) for r in recs)  # type: ignore[call-overload]
    w("Баллы учеников, набравших 4–6 первичных баллов, «дотянуты» до 7 (минимум «3» по шкале "
      "2021 года: 0–6 «2», 7–10 «3»).")
    w("")
    w("| Балл | " + " | ".join(str(b) for b in range(0, 21)) + " |")
    w("|---|" + "---|" * 21)
    w("| Учеников | " + " | ".join(str(hist.get(b, 0)) for b in range(0, 21)) + " |")
    w("")
    mean56 = (hist.get(5, 0) + hist.get(6, 0)) / 2
    ratio = "∞" if mean56 == 0 else fmt(hist.get(7, 0) / mean56)
    w(f"Ожидаемый сигнал: у 7 баллов {hist.get(7, 0)} учеников, в среднем у 5–6 — "
      f"{fmt(mean56)}; отношение {ratio} ≥ 3 (O4), n = {len(recs)}.")
    w("")
    # 7. Coinciding profiles
    w(f"### 7. Совпадающие профили заданий: {COPY_CLASS}, Математика 8 (2025) (O13)")
    w("")
    recs = vpr_by(school, y1, COPY_CLASS, "Математика")
    vectors = Counter(tuple(r["tasks"]) for r in recs)  # type: ignore[arg-type]
    vec, count = vectors.most_common(1)[0]
    members = sorted(str(r["pupil"]) for r in recs if tuple(r["tasks"]) == vec)  # type: ignore[arg-type]
    w(f"{count} учеников с одинаковым вектором баллов по 19 заданиям "
      f"`{' '.join(map(str, vec))}` (первичный балл {sum(vec)}): 0 баллов за лёгкие задания "
      "1, 2, 5 и 13 при полных баллах за трудные 15, 16, 18, 19. Ученики: "
      + ", ".join(members) + ".")
    w("")
    # Groups
    groups = year_groups(school, y1)
    w(f"### 4. Резерв по годовым отметкам {y1} (METHODOLOGY §6.1)")
    w("")
    planted3 = sorted((p.name, school.class_of(y1, p.pid), p.reserve3)
                      for p in school.pupils.values() if p.reserve3)
    planted4 = sorted((p.name, school.class_of(y1, p.pid), p.reserve4)
                      for p in school.pupils.values() if p.reserve4)
    w(f"«С одной 3» всего {len(groups['one3'])} учеников (часть — естественно из модели); "
      f"заложены {len(planted3)}:")
    w("")
    w("| Ученик | Класс | Предмет с «3» |")
    w("|---|---|---|")
    for name, label, subject in sorted(planted3, key=lambda x: (sort_key(x[1]), x[0])):
        w(f"| {name} | {label} | {subject} |")
    w("")
    w(f"«С одной 4» (остальные «5») всего {len(groups['one4'])}; заложены {len(planted4)}:")
    w("")
    w("| Ученик | Класс | Предмет с «4» |")
    w("|---|---|---|")
    for name, label, subject in sorted(planted4, key=lambda x: (sort_key(x[1]), x[0])):
        w(f"| {name} | {label} | {subject} |")
    w("")
    w(f"### 5. Группа риска {y1}")
    w("")
    w("Обычным ученикам «2» за четверть и год не ставится, поэтому группа риска — это ровно "
      "заложенные ученики (≥ 1 годовая «2» или «н/а», либо средний балл < 3,0). У тех, кто "
      "писал ВПР по русскому языку или математике, балл опущен ниже минимума «3».")
    w("")
    w("| Ученик | Класс | Причина (годовые) | ВПР 2025 «2» |")
    w("|---|---|---|---|")
    vpr2 = defaultdict(list)
    for r in school.vpr[y1]:
        if r["mark"] == 2:
            vpr2[str(r["pupil"])].append(str(r["subject"]))
    for name, label, detail in sorted(groups["risk"], key=lambda x: (sort_key(x[1]), x[0])):
        w(f"| {name} | {label} | {detail} | {', '.join(vpr2.get(name, [])) or '—'} |")
    w("")
    w(f"Всего {len(groups['risk'])} учеников.")
    w("")
    w(f"### 6. Высокие результаты {y1}: все годовые «5» и все ВПР 2025 «5»")
    w("")
    vpr_marks = defaultdict(list)
    for r in school.vpr[y1]:
        vpr_marks[str(r["pupil"])].append(r["mark"])
    high = [(n, c) for n, c, _ in groups["all5"]
            if vpr_marks.get(n) and all(m == 5 for m in vpr_marks[n])]
    w(f"Всего {len(high)} учеников (отличников по годовым — {len(groups['all5'])}); заложены "
      f"{sum(p.achiever for p in school.pupils.values())}:")
    w("")
    w("| Ученик | Класс | Заложен |")
    w("|---|---|---|")
    achievers = {p.name for p in school.pupils.values() if p.achiever}
    for name, label in sorted(high, key=lambda x: (sort_key(x[1]), x[0])):
        w(f"| {name} | {label} | {'да' if name in achievers else 'нет'} |")
    w("")
    # Example file
    w("## `template_example_8A.xlsx`: ожидаемые числа")
    w("")
    w("8А, 2024/2025, 1 четверть (строки «Четвертная»). N = обучающиеся − «осв» (METHODOLOGY "
      "§2.1); успеваемость = (n5+n4+n3)/N; качество = (n5+n4)/N; СОУ = (100·n5 + 64·n4 + "
      "36·n3 + 16·n2 + 7·н/а)/N; средний балл — по числовым отметкам.")
    w("")
    w("| Предмет | Учитель | Строк | 5 | 4 | 3 | 2 | н/а | осв | N | Успеваемость, % | "
      "Качество, % | СОУ, % | Средний балл |")
    w("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for subject in EXAMPLE_SUBJECTS:
        tokens = [str(row[7]) for row in example if row[5] == subject]
        ind = indicators(tokens)
        w(f"| {subject} | {school.load[y1][('8А', subject)]} | {len(tokens)} | {ind['n5']} | "
          f"{ind['n4']} | {ind['n3']} | {ind['n2']} | {ind['na']} | {ind['osv']} | {ind['N']} | "
          f"{ind['pass']:.1f} | {ind['quality']:.1f} | {ind['sou']:.2f} | {ind['mean']:.2f} |")
    w("")
    w("## Учителя")
    w("")
    by_teacher: dict[str, set[str]] = defaultdict(set)
    for (_label, subject), teacher in school.load[y1].items():
        by_teacher[teacher].add(subject)
    w(f"{len(school.teachers)} учителей за два года. Нагрузка {y1}:")
    w("")
    w("| Учитель | Предметы | Классы |")
    w("|---|---|---|")
    for teacher in sorted(by_teacher):
        classes = sorted({lab for (lab, _), t in school.load[y1].items() if t == teacher},
                         key=sort_key)
        w(f"| {teacher} | {', '.join(sorted(by_teacher[teacher]))} | {', '.join(classes)} |")
    w("")
    (out / "README.md").write_text("\n".join(lines), encoding="utf-8")


# --------------------------------------------------------------------------------------------


def generate(out: Path) -> dict[str, int]:
    """Build the school and write every file into ``out``; returns data rows per file."""
    started = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    school = School()
    build_rosters(school)
    build_teachers(school)
    plant_pupils(school)
    build_marks(school)
    build_vpr(school)
    build_exams(school)
    files: dict[str, int] = {}
    for year in YEARS:
        rows = term_rows(school, year)
        write_sheets(out / f"school_{year.replace('/', '_')}.xlsx",
                     [("Данные", list(TEMPLATE_COLUMNS), rows)])
        files[f"school_{year.replace('/', '_')}.xlsx"] = len(rows)
    for year in YEARS:
        sheets = vpr_sheets(school, year)
        write_sheets(out / f"vpr_{year[-4:]}.xlsx", sheets)
        files[f"vpr_{year[-4:]}.xlsx"] = sum(len(s[2]) for s in sheets)
    for year in YEARS:
        sheets = exam_sheets(school, year)
        write_sheets(out / f"exams_{year[-4:]}.xlsx", sheets)
        files[f"exams_{year[-4:]}.xlsx"] = sum(len(s[2]) for s in sheets)
    rows = load_rows(school)
    write_sheets(out / "teacher_load.xlsx",
                 [("Нагрузка", ["Учебный год", "Класс", "Предмет", "Учитель", "Часов в неделю"],
                   rows)])
    files["teacher_load.xlsx"] = len(rows)
    example = write_example(school, out / "template_example_8A.xlsx")
    files["template_example_8A.xlsx"] = len(example)
    # The README states the generation time rounded up to 10 s so that reruns do not change it.
    seconds = time.perf_counter() - started
    write_readme(school, out, files, example, 10 * math.ceil(max(seconds, 1) / 10))
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Генератор демонстрационной школы (ВСОКО)")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    files = generate(args.out)
    for name, rows in files.items():
        size = (args.out / name).stat().st_size
        print(f"{name:28s} {rows:7d} rows {size / 1024:8.0f} KiB")
    print(f"done in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
