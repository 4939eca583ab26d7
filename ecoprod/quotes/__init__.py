"""Quotes (devis): pricing, the PDF, online acceptance and revisions."""
