"""Life-cycle message (CDAR D22B) checks, offline, with the France_RFE 1.4 artefacts vendored in
``france_rfe/CDAR``: the UN/CEFACT XSD and the French rules BR-FR-CDV (V1.4.0), run by SaxonC-HE."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree

from tests.invoicing.facturx_check import failed_asserts

CDAR = Path(__file__).parent / "france_rfe" / "CDAR"
RULES = CDAR / "BR-FR-CDV-Schematron-CDAR.xslt"
WARNINGS = CDAR / "BR-FR-CDV-Schematron-CDAR_WARNING.xslt"


@cache
def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(
        etree.parse(str(CDAR / "xsd" / "CrossDomainAcknowledgementAndResponse_100pD22B.xsd"))
    )


def check(xml: bytes) -> None:
    """Raise with every problem found; return quietly for a valid CDAR under BR-FR-CDV."""
    root = etree.fromstring(xml)
    assert _schema().validate(root), "\n".join(str(e) for e in _schema().error_log)
    problems = failed_asserts(xml, RULES)
    assert not problems, "\n".join(problems)


def warnings(xml: bytes) -> list[str]:
    return (
        failed_asserts(xml, RULES, warnings=True)
        + failed_asserts(xml, WARNINGS)
        + failed_asserts(xml, WARNINGS, warnings=True)
    )
