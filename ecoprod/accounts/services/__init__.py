"""Named actions on accounts. They change data and flush; the caller commits.

One module per job: ``base`` (the error, who holds an address), ``passwords`` (hashing,
strength, sign-in, sessions), ``tokens`` (one-time links), ``invitations`` (invitations and
password resets), ``signups`` (customers signing up alone, confirmed by e-mail, decided by
an administrator), ``users`` (archiving and restoring). This package exports them all."""

from ecoprod.accounts.services.base import (
    MIN_PASSWORD_LENGTH,
    AccountError,
    drop_unconfirmed_signup,
    find_user_by_email,
    holder_of,
    is_unconfirmed_signup,
    new_user,
)
from ecoprod.accounts.services.invitations import (
    accept_invitation,
    invite_user,
    request_password_reset,
    reset_password,
    send_invitation,
)
from ecoprod.accounts.services.passwords import (
    authenticate,
    change_password,
    check_password_strength,
    end_sessions,
    hash_password,
    load_session_user,
    record_failed_login,
    record_login,
    record_logout,
    set_password,
)
from ecoprod.accounts.services.signups import (
    approve_signup,
    confirm_signup,
    matching_customer,
    purge_unconfirmed_signups,
    reject_signup,
    sign_up,
    signup_of,
)
from ecoprod.accounts.services.tokens import consume_token, issue_token, peek_token, token_user, void_tokens
from ecoprod.accounts.services.users import archive_user, restore_user

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "AccountError",
    "accept_invitation",
    "approve_signup",
    "archive_user",
    "authenticate",
    "change_password",
    "check_password_strength",
    "confirm_signup",
    "consume_token",
    "drop_unconfirmed_signup",
    "end_sessions",
    "find_user_by_email",
    "hash_password",
    "holder_of",
    "invite_user",
    "is_unconfirmed_signup",
    "issue_token",
    "load_session_user",
    "matching_customer",
    "new_user",
    "peek_token",
    "purge_unconfirmed_signups",
    "record_failed_login",
    "record_login",
    "record_logout",
    "reject_signup",
    "request_password_reset",
    "reset_password",
    "restore_user",
    "send_invitation",
    "set_password",
    "sign_up",
    "signup_of",
    "token_user",
    "void_tokens",
]
