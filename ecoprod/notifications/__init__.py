"""E-mail notifications through a transactional outbox."""
