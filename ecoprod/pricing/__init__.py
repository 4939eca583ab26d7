"""Priced lines, the one editor quotes and invoices share (see ``models``, ``forms``, ``editor``)."""
