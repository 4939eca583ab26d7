"""Auto-planning: a proposed schedule for a workshop's unscheduled operations.

Greedy list scheduling, chosen because a master must be able to predict and correct it:

1. operations are taken by earliest promised date, then order, then their place in the
   order's sequence (so an order's earlier steps are placed before its later ones);
2. each needs ``ceil(remaining hours / hours per half-day)`` half-days, placed from the
   first half-day after its predecessors' last one;
3. half-days are scanned in time order; on each, one free student who passes every rule of
   ``planning.rules`` (timetable, calendar, absences, double booking, the minors' rule) and
   whose level reaches the difficulty takes it — preferring a student already on this
   operation, then the least loaded one;
4. an operation is placed whole or not at all (with the reason), never half.

Each workshop keeps a *frontier*, the first half-day where anyone is still free, so full
half-days are never scanned again, and each student a count of free half-days left, so an
operation that cannot fit fails at once: the work grows with operations × students, not
with operations × the whole horizon.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from ecoprod.planning.rules import OperationFacts, SchoolTime, StudentFacts, minor_refusals
from ecoprod.slots import HalfDay, half_days, in_pattern


@dataclass(frozen=True)
class OperationToPlan:
    facts: OperationFacts
    order_id: int
    position: int
    promised_date: date | None
    remaining_hours: Decimal
    # The last half-day already taken by this order's earlier operations (None: free to start).
    after: HalfDay | None = None
    # An earlier operation of the order is not scheduled at all, outside this plan.
    waiting: bool = False


@dataclass
class Proposal:
    assignments: list[tuple[int, int, HalfDay]] = field(default_factory=list)  # operation, student, slot
    unplaced: dict[int, str] = field(default_factory=dict)  # operation → why


UNPLACED_WAITING = "waiting"
UNPLACED_NO_STUDENT = "no_student"
UNPLACED_NO_TIME = "no_time"


def _sort_key(op: OperationToPlan) -> tuple:
    return (op.promised_date or date.max, op.order_id, op.position, op.facts.id)


def auto_plan(
    operations: list[OperationToPlan],
    students: list[StudentFacts],
    time: SchoolTime,
    start: date,
    end: date,
    hours_per_half_day: Decimal,
    busy: set[tuple[int, HalfDay]] | None = None,
) -> Proposal:
    busy = set(busy or ())
    proposal = Proposal()
    by_workshop: dict[int, list[StudentFacts]] = defaultdict(list)
    for student in students:
        if student.workshop_id is not None:
            by_workshop[student.workshop_id].append(student)

    horizon = [slot for slot in half_days(start, end) if slot.day not in time.closed]
    # Per workshop: the students free by timetable and absences on each half-day.
    available: dict[int, list[list[StudentFacts]]] = {}
    for workshop_id, members in by_workshop.items():
        pattern = time.workshop_patterns.get(workshop_id, 0)
        available[workshop_id] = [
            [s for s in members if in_pattern(s.pattern, slot) and not s.absent(slot)]
            if in_pattern(pattern, slot)
            else []
            for slot in horizon
        ]
    # Per student: the half-days still free in the horizon, a bound that fails hopeless
    # operations at once instead of scanning the whole horizon for them.
    still_free: dict[int, int] = defaultdict(int)
    for per_slot in available.values():
        for i, free_students in enumerate(per_slot):
            for s in free_students:
                if (s.id, horizon[i]) not in busy:
                    still_free[s.id] += 1
    frontier: dict[int, int] = defaultdict(int)
    load: dict[int, int] = defaultdict(int)
    last_of_order: dict[int, HalfDay] = {}
    blocked_orders: set[int] = set()
    minor_ok: dict[tuple[int, int, date], bool] = {}

    def allowed(student: StudentFacts, op: OperationFacts, slot: HalfDay) -> bool:
        if not op.machine_regulated:
            return True
        key = (student.id, op.machine_id or 0, slot.day)
        if key not in minor_ok:
            minor_ok[key] = not minor_refusals(student, op, slot.day, time)
        return minor_ok[key]

    for op in sorted(operations, key=_sort_key):
        facts = op.facts
        if op.waiting or op.order_id in blocked_orders:
            proposal.unplaced[facts.id] = UNPLACED_WAITING
            blocked_orders.add(op.order_id)
            continue
        needed = math.ceil(op.remaining_hours / hours_per_half_day)
        if needed <= 0:
            continue
        slots_of_workshop = available.get(facts.workshop_id)
        candidates = [s for s in by_workshop.get(facts.workshop_id, []) if s.level >= facts.difficulty]
        if not slots_of_workshop or not candidates:
            proposal.unplaced[facts.id] = UNPLACED_NO_STUDENT
            blocked_orders.add(op.order_id)
            continue
        if sum(still_free[s.id] for s in candidates) < needed:
            proposal.unplaced[facts.id] = UNPLACED_NO_TIME
            blocked_orders.add(op.order_id)
            continue
        candidate_ids = {s.id for s in candidates}
        after = max(filter(None, (op.after, last_of_order.get(op.order_id))), default=None)
        first = 0
        if after is not None:
            first = next((i for i, slot in enumerate(horizon) if slot > after), len(horizon))
        first = max(first, frontier[facts.workshop_id])
        chosen: list[tuple[int, HalfDay]] = []
        on_it: set[int] = set()
        for i in range(first, len(horizon)):
            slot = horizon[i]
            free = [s for s in slots_of_workshop[i] if (s.id, slot) not in busy]
            if not free and i == frontier[facts.workshop_id]:
                frontier[facts.workshop_id] = i + 1  # nobody free here, ever again
                continue
            pick = None
            for student in sorted(free, key=lambda s: (s.id not in on_it, load[s.id], s.id)):
                if student.id in candidate_ids and allowed(student, facts, slot):
                    pick = student
                    break
            if pick is None:
                continue
            chosen.append((pick.id, slot))
            busy.add((pick.id, slot))
            on_it.add(pick.id)
            if len(chosen) == needed:
                break
        if len(chosen) < needed:
            for student_id, slot in chosen:  # whole or nothing
                busy.discard((student_id, slot))
            proposal.unplaced[facts.id] = UNPLACED_NO_TIME
            blocked_orders.add(op.order_id)
            continue
        for student_id, slot in chosen:
            load[student_id] += 1
            still_free[student_id] -= 1
            proposal.assignments.append((facts.id, student_id, slot))
        last_of_order[op.order_id] = max(slot for _, slot in chosen)
    return proposal
