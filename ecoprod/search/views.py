"""``/search?q=``: the results grouped by kind, for every signed-in user of a school."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from ecoprod.accounts.permissions import school_member_required
from ecoprod.search import services

bp = Blueprint("search", __name__)


@bp.get("/search")
@school_member_required
def results() -> str:
    query = (request.args.get("q") or "").strip()
    return render_template("search/results.html", query=query, groups=services.find(current_user, query))
