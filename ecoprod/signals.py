"""Events a lower layer announces and a higher one acts on, so neither imports the other.

Reference data (accounts, students, workshops) says when a record is archived; planning,
for one, voids the calendar addresses made for it (``planning.feeds``). Receivers run in
the sender's transaction and must not commit.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# Sent with the archived record as sender.
user_archived = _signals.signal("user-archived")
student_archived = _signals.signal("student-archived")
workshop_archived = _signals.signal("workshop-archived")
