"""Customer companies, their contacts and their users."""
