"""UBL 2.1 checks, offline, with the FNFE-MPE's France_RFE 1.4 artefacts vendored in
``france_rfe/`` (see its README): the OASIS UBL 2.1 XSD, the EN 16931 UBL schematron
(CEN 1.3.16) and the French rules for UBL (BR-FR Flux 2, V1.4.0), run by SaxonC-HE."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree

from tests.invoicing.facturx_check import failed_asserts

UBL = Path(__file__).parent / "france_rfe" / "UBL"
EN16931 = UBL / "EN16931" / "EN16931-UBL-validation.xslt"
FRENCH = UBL / "EN16931" / "BR-FR-Flux2-Schematron-UBL.xslt"
FRENCH_WARNINGS = UBL / "EN16931" / "BR-FR-Flux2-Schematron-UBL_WARNING.xslt"


@cache
def _schema(kind: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(UBL / "xsd" / "maindoc" / f"UBL-{kind}-2.1.xsd")))


def check(xml: bytes) -> None:
    """Raise with every problem found; return quietly for a valid EN 16931 + BR-FR UBL document."""
    root = etree.fromstring(xml)
    schema = _schema(etree.QName(root).localname)
    assert schema.validate(root), "\n".join(str(e) for e in schema.error_log)
    problems = failed_asserts(xml, EN16931) + failed_asserts(xml, FRENCH)
    assert not problems, "\n".join(problems)


def warnings(xml: bytes) -> list[str]:
    """What the French rules' warning set and every rule flagged as a warning report."""
    found = failed_asserts(xml, FRENCH_WARNINGS) + failed_asserts(xml, FRENCH_WARNINGS, warnings=True)
    return found + [w for rules in (EN16931, FRENCH) for w in failed_asserts(xml, rules, warnings=True)]
