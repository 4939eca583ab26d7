"""Events a lower layer announces and a higher one acts on, so neither imports the other.

Reference data (accounts, students, workshops) says when a record is archived; planning,
for one, voids the calendar addresses made for it (``planning.feeds``). Invoicing says when
a document is issued; e-invoicing queues it for the school's platform. Receivers run in
the sender's transaction and must not commit.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# Sent with the archived record as sender.
user_archived = _signals.signal("user-archived")
student_archived = _signals.signal("student-archived")
workshop_archived = _signals.signal("workshop-archived")

# Sent with a draft about to be issued, before the numbering lock is taken (a receiver may
# ask a platform something): a receiver refuses by raising ``InvoicingError``, or returns
# the buyer's electronic address (BT-49) that e-invoicing found in the annuaire.
invoice_issuing = _signals.signal("invoice-issuing")
# Sent with the invoice or credit note just numbered, in its issuing transaction (e-invoicing
# queues its transmission to the school's platform).
invoice_issued = _signals.signal("invoice-issued")
# Sent with the payment just recorded, in its transaction (e-invoicing sends 212 Encaissée).
payment_recorded = _signals.signal("payment-recorded")

# Sent with the order and the drawings just attached to it (``attachments=``), in their
# transaction, once they are flushed (previews queues their thumbnails).
drawings_attached = _signals.signal("drawings-attached")
# Sent with an operation's photo just added, in its transaction, once flushed.
photo_added = _signals.signal("photo-added")
