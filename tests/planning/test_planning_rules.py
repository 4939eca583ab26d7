"""Every scheduling rule, one refusal reason at a time (pure functions, no database)."""

from datetime import date

import pytest

from ecoprod.planning.rules import (
    OperationFacts,
    Refusal,
    SchoolTime,
    StudentFacts,
    Warning,
    slot_refusals,
    warnings_for,
)
from ecoprod.slots import DEFAULT_STUDENT_PATTERN, WORKING_WEEK, Half, HalfDay, bit

MONDAY = date(2027, 3, 1)
SLOT = HalfDay(MONDAY, Half.AM)
LATHE = 7


def student(**overrides):
    values = dict(
        id=1,
        name="Léa",
        birth_date=date(2005, 1, 1),
        workshop_id=10,
        level=2,
        pattern=WORKING_WEEK,
        has_supervisor=True,
    )
    values.update(overrides)
    return StudentFacts(**values)


def operation(**overrides):
    values = dict(
        id=100, workshop_id=10, difficulty=1, machine_id=LATHE, machine_name="Tour CN", machine_regulated=True
    )
    values.update(overrides)
    return OperationFacts(**values)


def school(**overrides):
    values = dict(
        workshop_patterns={10: WORKING_WEEK},
        declarations=((date(2026, 1, 1), date(2028, 12, 31), frozenset({LATHE})),),
    )
    values.update(overrides)
    return SchoolTime(**values)


# A minor with everything the law asks for.
def ready_minor(**overrides):
    values = dict(
        birth_date=date(2011, 6, 15),
        trainings={LATHE: date(2026, 9, 1)},
        medical=((date(2026, 9, 1), date(2027, 8, 31)),),
    )
    values.update(overrides)
    return student(**values)


def test_an_adult_in_the_workshop_on_an_open_half_day_is_fine():
    assert slot_refusals(student(), operation(), SLOT, school()) == []


def test_a_prepared_minor_may_use_a_regulated_machine():
    assert slot_refusals(ready_minor(), operation(), SLOT, school()) == []


@pytest.mark.parametrize(
    ("facts", "time", "busy", "expected"),
    [
        (dict(workshop_id=11), {}, set(), Refusal.OTHER_WORKSHOP),
        ({}, dict(closed={MONDAY: "Vacances d'hiver"}), set(), Refusal.SCHOOL_CLOSED),
        ({}, dict(workshop_patterns={10: WORKING_WEEK & ~bit(0, Half.AM)}), set(), Refusal.WORKSHOP_CLOSED),
        (dict(pattern=DEFAULT_STUDENT_PATTERN & ~bit(0, Half.AM)), {}, set(), Refusal.LESSONS),
        (dict(absences=((MONDAY, MONDAY, Half.AM),)), {}, set(), Refusal.ABSENT),
        (dict(absences=((date(2027, 2, 26), date(2027, 3, 2), None),)), {}, set(), Refusal.ABSENT),
        ({}, {}, {(1, SLOT)}, Refusal.DOUBLE_BOOKED),
        ({}, dict(today=date(2027, 3, 2)), set(), Refusal.PAST),
    ],
)
def test_each_refusal_reason(facts, time, busy, expected):
    assert slot_refusals(student(**facts), operation(), SLOT, school(**time), busy) == [expected]


def test_an_afternoon_absence_leaves_the_morning_free():
    facts = student(absences=((MONDAY, MONDAY, Half.PM),))
    assert slot_refusals(facts, operation(), SLOT, school()) == []


@pytest.mark.parametrize(
    ("minor", "time", "expected"),
    [
        (dict(), dict(declarations=()), [Refusal.MINOR_NO_DECLARATION]),
        (
            dict(),
            dict(declarations=((date(2026, 1, 1), date(2028, 12, 31), frozenset({99})),)),
            [Refusal.MINOR_NO_DECLARATION],
        ),
        (dict(medical=()), {}, [Refusal.MINOR_NO_MEDICAL]),
        (dict(trainings={}), {}, [Refusal.MINOR_NO_TRAINING]),
        (
            dict(trainings={LATHE: date(2027, 3, 2)}),
            {},
            [Refusal.MINOR_NO_TRAINING],
        ),  # trained only the day after
        (dict(has_supervisor=False), {}, [Refusal.MINOR_NO_SUPERVISOR]),
        (
            dict(medical=(), trainings={}, has_supervisor=False),
            dict(declarations=()),
            [
                Refusal.MINOR_NO_DECLARATION,
                Refusal.MINOR_NO_MEDICAL,
                Refusal.MINOR_NO_TRAINING,
                Refusal.MINOR_NO_SUPERVISOR,
            ],
        ),
    ],
)
def test_each_requirement_of_the_minors_rule(minor, time, expected):
    assert slot_refusals(ready_minor(**minor), operation(), SLOT, school(**time)) == expected


def test_the_minors_rule_does_not_apply_to_unregulated_machines_or_adults():
    unregulated = operation(machine_regulated=False)
    assert (
        slot_refusals(ready_minor(medical=(), trainings={}), unregulated, SLOT, school(declarations=())) == []
    )
    assert slot_refusals(student(medical=()), operation(), SLOT, school(declarations=())) == []


def test_the_declaration_covers_its_last_day_and_not_the_next():
    from ecoprod.minors.models import DerogationDeclaration

    declaration = DerogationDeclaration(declared_on=date(2024, 3, 1))
    assert declaration.valid_until == date(2027, 2, 28)
    last_day = HalfDay(date(2027, 2, 26), Half.AM)  # a Friday, the last working day covered
    time = school(declarations=((declaration.declared_on, declaration.valid_until, frozenset({LATHE})),))
    assert slot_refusals(ready_minor(), operation(), last_day, time) == []
    assert Refusal.MINOR_NO_DECLARATION in slot_refusals(
        ready_minor(), operation(), SLOT, time
    )  # 1 March 2027


def test_the_medical_opinion_covers_its_last_day_and_not_the_next():
    minor = ready_minor(medical=((date(2026, 3, 2), MONDAY),))
    assert slot_refusals(minor, operation(), SLOT, school()) == []
    tuesday = HalfDay(date(2027, 3, 2), Half.AM)
    assert slot_refusals(minor, operation(), tuesday, school()) == [Refusal.MINOR_NO_MEDICAL]


def test_on_the_eighteenth_birthday_the_minors_rule_stops():
    turning_18 = student(birth_date=date(2009, 3, 2), medical=(), trainings={}, has_supervisor=False)
    sunday_before = HalfDay(date(2027, 3, 1), Half.AM)
    birthday = HalfDay(date(2027, 3, 2), Half.AM)
    time = school(declarations=())
    assert len(slot_refusals(turning_18, operation(), sunday_before, time)) == 4
    assert slot_refusals(turning_18, operation(), birthday, time) == []


def test_level_below_difficulty_is_a_warning_not_a_refusal():
    facts = student(level=1)
    hard = operation(difficulty=3, machine_regulated=False)
    assert slot_refusals(facts, hard, SLOT, school()) == []
    assert warnings_for(facts, hard) == [Warning.LEVEL]
    assert warnings_for(student(level=3), hard) == []


def test_patterns_default_to_two_thirds_of_the_week_in_the_workshop():
    assert bin(WORKING_WEEK).count("1") == 10
    assert bin(DEFAULT_STUDENT_PATTERN).count("1") == 7
