"""e-mail addresses stored in the one spelling sign-in looks up (NFKC, no invisible
characters, lower case, no trailing dot in the domain)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 16:00:00

Earlier releases stored ``strip().lower()``. An address whose new spelling another account
already has is left as it is (and printed): an administrator must decide which is whose.
The function is copied from ``ecoprod.identifiers.normalise_email`` as of this release.
"""
import unicodedata

from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

_INVISIBLE = frozenset({"Cc", "Cf", "Zl", "Zp"})


def _visible(text):
    return "".join(ch for ch in text if unicodedata.category(ch) not in _INVISIBLE)


def _normalise(raw):
    text = _visible(raw or "")
    text = _visible(unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).lower())).strip()
    local, at, domain = text.rpartition("@")
    return f"{local}@{domain.rstrip('.')}" if at else text


def upgrade():
    bind = op.get_bind()
    users = sa.table("users", sa.column("id", sa.Integer), sa.column("email", sa.String))
    rows = bind.execute(sa.select(users.c.id, users.c.email)).all()
    taken = {email for _, email in rows}
    for user_id, email in rows:
        spelled = _normalise(email)
        if spelled == email:
            continue
        if spelled in taken:
            print(f"users.id={user_id}: {email!r} left as is, {spelled!r} belongs to another account")
            continue
        bind.execute(sa.update(users).where(users.c.id == user_id).values(email=spelled))
        taken.discard(email)
        taken.add(spelled)


def downgrade():
    pass  # the old spelling is not needed to sign in
