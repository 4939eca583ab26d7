"""Delivery notes: what leaves the workshop, and its reception by the customer."""
