"""The auto-planner never breaks a hard rule, and places every placeable operation."""

import math
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecoprod.planning.autoplan import OperationToPlan, auto_plan
from ecoprod.planning.rules import OperationFacts, SchoolTime, StudentFacts, slot_refusals
from ecoprod.slots import DEFAULT_STUDENT_PATTERN, WORKING_WEEK, Half, HalfDay, half_days

START = date(2027, 3, 1)  # a Monday
END = START + timedelta(days=13)
HOURS = Decimal("3.5")
LATHE = 1


@st.composite
def instances(draw):
    n_students = draw(st.integers(1, 6))
    students = []
    for i in range(n_students):
        minor = draw(st.booleans())
        absences = ()
        if draw(st.booleans()):
            first = START + timedelta(days=draw(st.integers(0, 13)))
            absences = (
                (
                    first,
                    first + timedelta(days=draw(st.integers(0, 3))),
                    draw(st.sampled_from([None, Half.AM, Half.PM])),
                ),
            )
        students.append(
            StudentFacts(
                id=i + 1,
                name=f"S{i}",
                birth_date=date(2011, 1, 1) if minor else date(2004, 1, 1),
                workshop_id=draw(st.sampled_from([10, 20])),
                level=draw(st.integers(1, 4)),
                pattern=draw(st.sampled_from([WORKING_WEEK, DEFAULT_STUDENT_PATTERN])),
                has_supervisor=draw(st.booleans()),
                absences=absences,
                trainings={LATHE: START} if draw(st.booleans()) else {},
                medical=((START, END),) if draw(st.booleans()) else (),
            )
        )
    closed = {START + timedelta(days=d): "fermé" for d in draw(st.sets(st.integers(0, 13), max_size=3))}
    declared = draw(st.booleans())
    time = SchoolTime(
        closed=closed,
        workshop_patterns={
            10: WORKING_WEEK,
            20: draw(st.sampled_from([WORKING_WEEK, DEFAULT_STUDENT_PATTERN])),
        },
        declarations=((START, END, frozenset({LATHE})),) if declared else (),
    )
    operations = []
    op_id = 100
    for order_id in range(1, draw(st.integers(1, 6)) + 1):
        promised = START + timedelta(days=draw(st.integers(5, 40)))
        for position in range(1, draw(st.integers(1, 3)) + 1):
            op_id += 1
            regulated = draw(st.booleans())
            facts = OperationFacts(
                id=op_id,
                workshop_id=draw(st.sampled_from([10, 20])),
                difficulty=draw(st.integers(1, 4)),
                machine_id=LATHE if regulated else None,
                machine_name="Tour",
                machine_regulated=regulated,
            )
            operations.append(
                OperationToPlan(facts, order_id, position, promised, Decimal(draw(st.integers(1, 20))))
            )
    busy = set()
    for student in students[:2]:
        busy.add((student.id, HalfDay(START, Half.AM)))
    return operations, students, time, busy


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_no_proposal_breaks_a_hard_rule_and_every_placeable_operation_is_placed(instance):
    operations, students, time, busy = instance
    proposal = auto_plan(operations, students, time, START, END, HOURS, busy)
    by_id = {s.id: s for s in students}
    ops = {op.facts.id: op for op in operations}
    taken = set(busy)
    slots_of: dict[int, list[HalfDay]] = defaultdict(list)
    for op_id, student_id, slot in proposal.assignments:
        op, student = ops[op_id], by_id[student_id]
        # every hard rule holds, against everything placed before and the existing bookings
        assert slot_refusals(student, op.facts, slot, time, taken) == []
        assert student.level >= op.facts.difficulty
        taken.add((student_id, slot))
        slots_of[op_id].append(slot)
    for op_id, slots in slots_of.items():
        op = ops[op_id]
        assert len(slots) == math.ceil(op.remaining_hours / HOURS), "placed whole, not in part"
        # the order's earlier operations end before this one starts
        for earlier in operations:
            if earlier.order_id == op.order_id and earlier.position < op.position:
                assert earlier.facts.id in slots_of, "a later step placed while an earlier one was not"
                assert max(slots_of[earlier.facts.id]) < min(slots)
    assert set(slots_of) | set(proposal.unplaced) == set(ops)
    # placeable means: with what is still free at the end, there were enough half-days for it
    for op_id in proposal.unplaced:
        op = ops[op_id]
        earlier = [o for o in operations if o.order_id == op.order_id and o.position < op.position]
        if any(o.facts.id in proposal.unplaced for o in earlier):
            continue  # it waits for an earlier step that could not be placed
        after = max((s for o in earlier for s in slots_of[o.facts.id]), default=None)
        needed = math.ceil(op.remaining_hours / HOURS)
        free_slots = {
            slot
            for slot in half_days(START, END)
            if (after is None or slot > after)
            for s in students
            if s.level >= op.facts.difficulty and not slot_refusals(s, op.facts, slot, time, taken)
        }
        assert len(free_slots) < needed, f"operation {op_id} could have been placed"


def test_earliest_promised_date_goes_first():
    student = StudentFacts(1, "S", date(2000, 1, 1), 10, 4, WORKING_WEEK, True)
    late = OperationToPlan(OperationFacts(1, 10, 1), 1, 1, START + timedelta(days=30), Decimal("3.5"))
    urgent = OperationToPlan(OperationFacts(2, 10, 1), 2, 1, START + timedelta(days=3), Decimal("3.5"))
    proposal = auto_plan(
        [late, urgent], [student], SchoolTime(workshop_patterns={10: WORKING_WEEK}), START, END, HOURS
    )
    first = {op: slot for op, _, slot in proposal.assignments}
    assert first[2] < first[1]
