"""The rule that keeps students' names out of what a customer reads."""

from __future__ import annotations

import pytest

from ecoprod.conversations.rules import fold, names_in, student_names_in

STUDENTS = [("Théo", "Secretnom"), ("Lina", "Autrenom"), ("Jean-Baptiste", "De La Tour")]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Théo a fini les axes.", ["Théo"]),
        ("theo a fini", ["Théo"]),  # no capital, no accent: still the name
        ("THÉO a fini", ["Théo"]),
        ("Merci à Secretnom et à Lina.", ["Secretnom", "Lina"]),
        ("Jean-Baptiste s’en occupe", ["Jean-Baptiste"]),
        ("Vu avec M. de la  Tour hier", ["De La Tour"]),
        ("(Lina)", ["Lina"]),
        ("Lina, Lina et Lina", ["Lina"]),  # each name once
    ],
)
def test_a_name_is_found_whatever_its_case_and_accents(text, found):
    assert student_names_in(text, STUDENTS) == found


@pytest.mark.parametrize(
    "text",
    [
        "Les pièces partent jeudi.",
        "Théodore passera les chercher.",  # a longer word is not the name
        "Le théorème de Pythagore",
        "Linaire ? Non : linéaire.",
        "",
    ],
)
def test_words_that_only_contain_a_name_are_not_names(text):
    assert student_names_in(text, STUDENTS) == []


def test_initials_and_blank_names_are_not_searched():
    assert names_in("A B C", ["A", " ", ""]) == []


def test_fold_drops_case_accents_and_curly_apostrophes():
    assert fold("Élève d’Ÿvette") == "eleve d'yvette"
