"""Invoices, deposit invoices, credit notes, payments and the accountant's exports."""
