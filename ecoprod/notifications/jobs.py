"""The outbox's sweep: every minute the worker sends what waits (``flask outbox send``).

New messages are delivered by the ``deliver`` job enqueued when their transaction commits;
the sweep catches the rest: a job lost with a killed process, a message claimed by a
process that died (its lease expired), a failure due again after its backoff.
"""

from __future__ import annotations

from ecoprod.jobs import every_minute, periodic
from ecoprod.notifications.outbox import deliver_ids, pending_ids


@periodic(every_minute(), at_start=True)
def sweep_outbox() -> None:
    deliver_ids(pending_ids())
