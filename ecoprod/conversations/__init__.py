"""Messages on an order: the customer's users and the school's staff, internal notes apart."""
