"""Workshops, their trades, masters and machines."""
