"""E-reporting (flux 10, ``FRR``) checks, offline: the DGFiP Flux 10 XSD (vendored with the
app, ``ecoprod/einvoicing/specs/flux10``) and the AIFE "PPF Flux 10" schematron v1.0
(``flux10/``), run by SaxonC-HE like the CDAR and CII rules."""

from __future__ import annotations

from pathlib import Path

from ecoprod.einvoicing import frr
from tests.invoicing.facturx_check import failed_asserts

RULES = Path(__file__).parent / "flux10" / "PPF_Flux10_v1_0.xslt"


def check(xml: bytes) -> None:
    """Raise with every problem found; return quietly for a report the PPF's rules accept."""
    errors = frr.schema_errors(xml)
    assert not errors, "\n".join(errors)
    problems = failed_asserts(xml, RULES)
    assert not problems, "\n".join(problems)
