"""Named actions of planning and progress. They change data and flush; the caller commits.

One module per job: ``facts`` (what the rules of ``planning.rules`` are checked against,
loaded in a few bulk queries per period), ``operations`` (an order's operations and the
routings), ``calendar`` (the school calendar), ``assignments`` (students on half-days),
``capacity`` (the workshops' time, planned and free), ``progress`` (statuses, time logged,
sign-offs, the order's move into production and readiness), ``late`` (late risk and its
notice), ``proposals`` (the auto-planner's proposal, reviewed then applied), ``students``
(a student's timetable, absences and tablet sign-in; photos of the work), ``board`` (a
workshop's week of assignments, checked against the rules). This package
exports them all, so ``planning.services.assign`` reads the same as before."""

from ecoprod.planning.services.assignments import assign, check_slots, move_assignment, unassign
from ecoprod.planning.services.base import PLANNABLE_ORDER_STATES, PlanningError
from ecoprod.planning.services.board import WeekAssignment, week_assignments
from ecoprod.planning.services.calendar import import_calendar
from ecoprod.planning.services.capacity import (
    WorkshopTime,
    capacity_warnings,
    free_capacities,
    free_capacity,
    week_capacity,
    weekly_load,
    workshop_time,
)
from ecoprod.planning.services.facts import (
    busy_slots,
    calendar_facts,
    declarations_of,
    hours_per_half_day,
    operation_facts,
    student_facts,
    time_and_facts,
)
from ecoprod.planning.services.late import late_risk, notify_late, notify_late_orders, remaining_hours
from ecoprod.planning.services.operations import (
    OperationInput,
    add_operation,
    apply_template,
    delete_operation,
    move_operation,
    operations_of,
    save_routing,
    update_operation,
)
from ecoprod.planning.services.progress import (
    ProgressInput,
    is_ready,
    log_time,
    refresh_order,
    refresh_status,
    sign_off,
    time_log_facts,
    update_progress,
)
from ecoprod.planning.services.proposals import HORIZON_WEEKS, apply_proposal, propose
from ecoprod.planning.services.students import (
    AbsenceInput,
    TimetableInput,
    add_absence,
    add_photo,
    create_sign_in,
    delete_absence,
    save_timetable,
    toggle_photo_sharing,
)

__all__ = [
    "HORIZON_WEEKS",
    "PLANNABLE_ORDER_STATES",
    "AbsenceInput",
    "OperationInput",
    "PlanningError",
    "ProgressInput",
    "TimetableInput",
    "WeekAssignment",
    "WorkshopTime",
    "add_absence",
    "add_operation",
    "add_photo",
    "apply_proposal",
    "apply_template",
    "assign",
    "busy_slots",
    "calendar_facts",
    "capacity_warnings",
    "check_slots",
    "create_sign_in",
    "declarations_of",
    "delete_absence",
    "delete_operation",
    "free_capacities",
    "free_capacity",
    "hours_per_half_day",
    "import_calendar",
    "is_ready",
    "late_risk",
    "log_time",
    "move_assignment",
    "move_operation",
    "notify_late",
    "notify_late_orders",
    "operation_facts",
    "operations_of",
    "propose",
    "refresh_order",
    "refresh_status",
    "remaining_hours",
    "save_routing",
    "save_timetable",
    "sign_off",
    "student_facts",
    "time_and_facts",
    "time_log_facts",
    "toggle_photo_sharing",
    "unassign",
    "update_operation",
    "update_progress",
    "week_assignments",
    "week_capacity",
    "weekly_load",
    "workshop_time",
]
