"""EcoProd: order management for French écoles de production.

``create_app`` builds the application: configuration, extensions, the tenant scope of
each request, blueprints of every domain and the CLI commands.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from flask import Flask, g, request
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from ecoprod import audit, deferred, i18n, jobs, listfilters, models, observability, panels, security  # noqa: F401 - models registers every table
from ecoprod.accounts import permissions
from ecoprod.accounts.names import actor_name
from ecoprod.accounts.services import load_session_user
from ecoprod.accounts.views import bp as accounts_bp
from ecoprod.backup.commands import backup_command, restore_command
from ecoprod.config import load_config
from ecoprod.conversations import panels as conversation_panels
from ecoprod.conversations.views import bp as conversations_bp
from ecoprod.customers.views import bp as customers_bp
from ecoprod.delivery import panels as delivery_panels
from ecoprod.delivery.views import bp as delivery_bp
from ecoprod.demo.commands import seed_cli
from ecoprod.einvoicing import jobs as einvoicing_jobs
from ecoprod.einvoicing import panels as einvoicing_panels
from ecoprod.einvoicing.commands import einvoicing_cli
from ecoprod.einvoicing.views import bp as einvoicing_bp
from ecoprod.extensions import babel, csrf, db, limiter, login_manager, migrate
from ecoprod.imports import jobs as import_jobs
from ecoprod.imports.commands import import_command
from ecoprod.imports.views import bp as imports_bp
from ecoprod.invoicing import jobs as invoicing_jobs
from ecoprod.invoicing import panels as invoicing_panels
from ecoprod.invoicing.commands import invoices_cli
from ecoprod.invoicing.views import bp as invoicing_bp
from ecoprod.minors.views import bp as minors_bp
from ecoprod.notifications import jobs as notification_jobs
from ecoprod.notifications.commands import outbox_cli
from ecoprod.orders import panels as order_panels
from ecoprod.orders.views import bp as orders_bp
from ecoprod.planning import jobs as planning_jobs
from ecoprod.planning import panels as planning_panels
from ecoprod.planning.commands import planning_cli
from ecoprod.planning.views import bp as planning_bp
from ecoprod.platform import jobs as platform_jobs
from ecoprod.platform.views import bp as platform_bp
from ecoprod.previews import jobs as preview_jobs
from ecoprod.previews.views import bp as previews_bp
from ecoprod.quotes import jobs as quote_jobs
from ecoprod.quotes import panels as quote_panels
from ecoprod.quotes.commands import quotes_cli
from ecoprod.quotes.views import bp as quotes_bp
from ecoprod.reports import panels as report_panels
from ecoprod.reports.views import bp as reports_bp
from ecoprod.schools.commands import platform_cli
from ecoprod.schools.views import bp as schools_bp
from ecoprod.search.views import bp as search_bp
from ecoprod.skills.views import bp as skills_bp
from ecoprod.students.views import bp as students_bp
from ecoprod.tenancy import set_scope
from ecoprod.web import errors, links, navigation
from ecoprod.web.devserver import serve
from ecoprod.web.views import bp as web_bp
from ecoprod.web.worker import jobs_cli
from ecoprod.workshops.views import bp as workshops_bp

# Every domain's jobs, registered with the queue by being imported (the worker runs them).
JOB_MODULES = (
    quote_jobs, notification_jobs, planning_jobs, preview_jobs, invoicing_jobs, einvoicing_jobs, platform_jobs,
    import_jobs,
)  # fmt: skip

ROOT = Path(__file__).resolve().parent.parent
BLUEPRINTS = (
    web_bp,
    accounts_bp,
    schools_bp,
    customers_bp,
    workshops_bp,
    students_bp,
    orders_bp,
    conversations_bp,
    quotes_bp,
    planning_bp,
    previews_bp,
    minors_bp,
    skills_bp,
    delivery_bp,
    invoicing_bp,
    einvoicing_bp,
    platform_bp,
    search_bp,
    imports_bp,
    reports_bp,
)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    load_config(app, test_config)
    if app.config["PROXY_COUNT"]:
        # Client address (sign-in throttling) and https (cookies, HSTS) from the proxy.
        count = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=0)  # type: ignore[method-assign]
    _init_extensions(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    errors.init_app(app)
    navigation.init_app(app)
    links.init_app(app)
    # What each page shows of other domains, in order (see ecoprod/panels.py).
    panels.init_app(
        app,
        order=(
            quote_panels.order_panel,
            planning_panels.order_panel,
            delivery_panels.order_panel,
            invoicing_panels.order_panel,
            report_panels.order_panel,
            conversation_panels.order_panel,
        ),
        customer=(order_panels.customer_panel, einvoicing_panels.customer_panel),
        invoice=(einvoicing_panels.invoice_panel,),
        invoice_draft=(einvoicing_panels.draft_panel,),
        dashboard=(einvoicing_panels.dashboard_panel,),
    )
    listfilters.init_app(app, invoices=(einvoicing_panels.INVOICE_FILTER,))
    commands = (
        seed_cli, outbox_cli, platform_cli, quotes_cli, planning_cli, invoices_cli, einvoicing_cli, jobs_cli, serve,
        backup_command, restore_command, import_command,
    )  # fmt: skip
    for command in commands:
        app.cli.add_command(command)
    return app


def _init_extensions(app: Flask) -> None:
    observability.init_app(app)  # first: its timer starts before any other hook
    db.init_app(app)
    app.teardown_appcontext(errors.release_session)  # runs before Flask-SQLAlchemy's removal
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(
        app,
        locale_selector=i18n.select_locale,
        default_translation_directories=str(Path(__file__).parent / "translations"),
    )
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = i18n.lazy_gettext("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_session_user)
    i18n.register_filters(app)
    security.init_app(app)
    deferred.init_app(app)
    jobs.init_app(app)
    app.before_request(_scope_request_to_school)
    permissions.init_app(app)
    app.add_template_global(actor_name)


def _scope_request_to_school() -> None:
    """Limit everything the request reads or writes to the signed-in user's school.

    Anonymous visitors and platform operators get no school at all: they see no records.
    """
    user = current_user
    school_id = user.school_id if user.is_authenticated else None
    set_scope(db.session, school_id)
    g.school = user.school if user.is_authenticated else None
    # Who acts in this request, for the audit trail (the proxy's request id when it sends one).
    audit.bind(
        audit.Context(
            actor_id=user.id if user.is_authenticated else None,
            school_id=school_id,
            ip=request.remote_addr,
            user_agent=request.user_agent.string,
            request_id=request.headers.get("X-Request-Id", "")[:40] or uuid.uuid4().hex,
        )
    )
