"""Accounts: users, roles, sign-in, invitations, password reset and sign-up."""
