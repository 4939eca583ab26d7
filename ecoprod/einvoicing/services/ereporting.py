"""E-reporting: each closed period's reports, built from what the school issued and cashed,
checked against the DGFiP's XSD, kept, and queued to the school's platform like invoices.

Periods follow the school's VAT returns (décret 2022-1299): sales per ten days for monthly
returns, per month for quarterly and simplified ones, per two months without returns
(franchise); payments per month (two months without returns). A period is reported once it
has ended (the day after, Europe/Paris). Nothing is sent for a period with nothing in it;
a period whose figures change after its report was sent (a payment recorded late) is sent
again as a correction (TT-4 ``RE``) carrying the whole period.
"""

from __future__ import annotations

import calendar
import hashlib
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa

from ecoprod import audit, documents
from ecoprod.customers.models import CustomerType
from ecoprod.database import utcnow
from ecoprod.einvoicing import frr
from ecoprod.einvoicing.models import (
    EReport,
    Flux,
    PlatformConnection,
    Syntax,
    Transmission,
    TransmissionState,
)
from ecoprod.einvoicing.services import reported
from ecoprod.einvoicing.services.sending import enqueue
from ecoprod.extensions import db
from ecoprod.i18n import SCHOOL_TIMEZONE
from ecoprod.i18n import gettext as _
from ecoprod.schools.models import School, VatFiling

# How far back closed periods are looked at again for late changes.
LOOKBACK = timedelta(days=400)


def _month(day: date, months: int = 1) -> tuple[date, date]:
    first_month = (day.month - 1) // months * months + 1
    last_month = first_month + months - 1
    return date(day.year, first_month, 1), date(
        day.year, last_month, calendar.monthrange(day.year, last_month)[1]
    )


def period_of(filing: VatFiling, flux: Flux, day: date) -> tuple[date, date]:
    """The reporting period (first and last day) that holds ``day``."""
    if filing is VatFiling.NONE:
        return _month(day, 2)
    if filing is VatFiling.MONTHLY and not flux.payments:
        first = 1 if day.day <= 10 else 11 if day.day <= 20 else 21
        last = 10 if first == 1 else 20 if first == 11 else calendar.monthrange(day.year, day.month)[1]
        return day.replace(day=first), day.replace(day=last)
    return _month(day)


def closed_periods(filing: VatFiling, flux: Flux, since: date, today: date) -> list[tuple[date, date]]:
    """The periods that ended before ``today``, from the one holding ``since``, oldest first."""
    periods = []
    start, end = period_of(filing, flux, since)
    while end < today:
        periods.append((start, end))
        start, end = period_of(filing, flux, end + timedelta(days=1))
    return periods


def figures_of(school: School, flux: Flux, start: date, end: date) -> reported.Figures:
    if flux is Flux.SALES_INDIVIDUALS:
        return reported.sales_to_individuals(school, start, end)
    if flux is Flux.SALES_ABROAD:
        return reported.sales_abroad(school, start, end)
    kind = CustomerType.INDIVIDUAL if flux is Flux.CASHED_INDIVIDUALS else CustomerType.FOREIGN
    return reported.cashed(school, kind, start, end)


def _digest(figures: reported.Figures, school: School, connection: PlatformConnection) -> str:
    """Of what the file would say: its figures (first half) and its header's settings (second
    half). New figures make a new report; new settings only replace a refused one (a change
    of the school's name does not send every period again)."""
    header = (school.siren, school.name, school.vat_number, connection.platform_number, connection.flow_url)
    data = repr((figures.sales, figures.days, figures.cashed, figures.problems)).encode()
    return hashlib.sha256(data).hexdigest()[:32] + hashlib.sha256(repr(header).encode()).hexdigest()[:32]


def _unchanged(last: EReport, digest: str) -> bool:
    if last.digest[:32] != digest[:32]:
        return False
    return last.digest == digest or _reached(sent_of(last)) or sent_of(last) is None


def _reached(transmission: Transmission | None) -> bool:
    """Sent, or on its way: the platform did not refuse it."""
    return transmission is not None and transmission.state not in (
        TransmissionState.REJECTED,
        TransmissionState.FAILED,
    )


def report_id(school: School, flux: Flux, start: date, sequence: int) -> str:
    """TT-1 (≤ 50 of ``[A-Za-z0-9 -+_/]``), the transmission's tracking id too: unique per
    school, flow, period and version."""
    return f"ECOPROD-{school.siren}-{flux.value.replace('.', '')}-{start:%Y%m%d}-{sequence}"


def file_of(
    report: EReport, school: School, connection: PlatformConnection, figures: reported.Figures
) -> bytes:
    header = frr.Header(
        report_id=report.report_id,
        issued_at=report.built_at,
        correction=report.correction,
        platform_number=connection.platform_number or "",
        platform_name=_platform_name(connection),
        siren=school.siren or "",
        school_name=school.name,
    )
    if report.flux.payments:
        return frr.payments_report(header, report.period_start, report.period_end, figures.cashed)
    return frr.transactions_report(
        header, report.period_start, report.period_end, figures.sales, figures.days
    )


def _platform_name(connection: PlatformConnection) -> str:
    return (urlsplit(connection.flow_url).hostname or "platform")[:100]


def _reports(school_id: int, flux: Flux, start: date) -> list[EReport]:
    return list(
        db.session.scalars(
            sa.select(EReport)
            .where(EReport.school_id == school_id, EReport.flux == flux, EReport.period_start == start)
            .order_by(EReport.sequence)
        )
    )


def sent_of(report: EReport) -> Transmission | None:
    return db.session.scalars(
        sa.select(Transmission).where(Transmission.report_id == report.id)
    ).one_or_none()


def build(
    school: School, connection: PlatformConnection, flux: Flux, start: date, end: date, now: datetime
) -> EReport | None:
    """The period's report, new or changed; ``None`` when the last one still says it all.
    A report not sent (nothing in it, or a problem) is rewritten in place; one sent stays as
    it was and a correction follows it."""
    figures = figures_of(school, flux, start, end)
    earlier = _reports(school.id, flux, start)
    sent_before = any(_reached(sent_of(r)) for r in earlier)
    if not figures.documents and not sent_before:
        figures.problems = []  # nothing to report: nothing stops it
    elif not connection.platform_number:
        figures.problems.insert(
            0, _("Enter the platform's number (its matricule) in the e-invoicing settings.")
        )
    digest = _digest(figures, school, connection)
    last = earlier[-1] if earlier else None
    if last is not None and _unchanged(last, digest):
        return None
    if last is not None and sent_of(last) is None:
        report = last
    else:
        sequence = last.sequence + 1 if last else 1
        report = EReport(
            school_id=school.id,
            flux=flux,
            period_start=start,
            period_end=end,
            sequence=sequence,
            report_id=report_id(school, flux, start, sequence),
        )
        db.session.add(report)
    report.correction = sent_before
    report.digest, report.built_at = digest, now
    report.documents, report.amount, report.vat = figures.documents, figures.amount, figures.vat
    report.problem = "\n".join(figures.problems) or None
    report.file_sha256 = None
    if report.problem is None and (figures.documents or sent_before):
        data = file_of(report, school, connection, figures)
        errors = frr.schema_errors(data)
        if errors:  # a bug of EcoProd's, not the school's: kept to see, never sent
            report.problem = _("The file does not match the DGFiP's schema: %(error)s", error=errors[0][:300])
        else:
            report.file_sha256 = documents.keep(db.session, school.id, data, "application/xml")
    db.session.flush()
    if report.file_sha256:
        _queue(report)
    audit.record("einvoicing.report_built", report, reference=report.report_id)
    return report


def _queue(report: EReport) -> Transmission:
    return enqueue(
        Transmission(
            school_id=report.school_id,
            report_id=report.id,
            tracking_id=report.report_id,
            syntax=Syntax.FRR,
            processing_rule=report.flux.processing_rule,
        )
    )


def prepare(school: School, today: date | None = None) -> list[EReport]:
    """Every closed period's reports since the school connected to its platform (looked at
    again over ``LOOKBACK``), built or rebuilt where the figures changed; the caller commits."""
    connection = db.session.scalars(
        sa.select(PlatformConnection).where(PlatformConnection.school_id == school.id)
    ).one_or_none()
    if connection is None or not school.siren:
        return []
    now = utcnow()
    today = today or now.astimezone(SCHOOL_TIMEZONE).date()
    since = max(connection.created_at.astimezone(SCHOOL_TIMEZONE).date(), today - LOOKBACK)
    built = []
    for flux in Flux:
        for start, end in closed_periods(school.vat_filing, flux, since, today):
            report = build(school, connection, flux, start, end, now)
            if report is not None:
                built.append(report)
    return built


def reports_of(school_id: int, limit: int = 200) -> list[tuple[EReport, Transmission | None]]:
    """The school's reports, latest period first, each with its transmission."""
    rows = db.session.execute(
        sa.select(EReport, Transmission)
        .outerjoin(Transmission, Transmission.report_id == EReport.id)
        .where(EReport.school_id == school_id)
        .order_by(EReport.period_end.desc(), EReport.flux, EReport.sequence.desc())
        .limit(limit)
    ).all()
    return [(r, t) for r, t in rows]


def read_file(report: EReport) -> bytes | None:
    return documents.read(report.school_id, report.file_sha256)
