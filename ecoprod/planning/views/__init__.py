"""Planning pages, one module per page family, on one blueprint (``blueprint.bp``):

``operations`` (the planning home, an order's operations and routings, its Gantt), ``work``
(one operation: assignments, time, progress, photos, sign-offs), ``board`` (a workshop's
week, its Gantt, the auto-planner), ``calendar`` (the school calendar, competences),
``students`` (a student's file), ``my_tasks`` (the student's tablet), ``feeds`` (calendar
addresses and the ``.ics`` feeds).
"""

from ecoprod.planning.views import board, calendar, feeds, my_tasks, operations, students, work  # noqa: F401 - their routes
from ecoprod.planning.views.blueprint import bp

__all__ = ["bp"]
