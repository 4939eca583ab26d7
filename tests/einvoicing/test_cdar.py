"""Life-cycle messages: the statuses read from messages that pass the France_RFE CDAR rules,
and the 212 EcoProd writes, checked by the same rules (XSD and BR-FR-CDV, zero errors)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from ecoprod.einvoicing import cdar
from tests.invoicing import cdar_check

SAMPLES = Path(__file__).parent / "cdar"  # the official examples of XP Z12-012 annex B, made valid for v1.4


@pytest.mark.parametrize(
    ("name", "code", "reason_code"),
    [
        ("cdar_200_deposee_from_PA-E.xml", 200, None),
        ("cdar_205_approuvee_from_buyer.xml", 205, None),
        ("cdar_207_en_litige_from_buyer.xml", 207, "TX_TVA_ERR"),
        ("cdar_210_refusee_from_buyer.xml", 210, "TX_TVA_ERR"),
        ("cdar_213_rejetee_from_PA-R.xml", 213, "DOUBLON"),
    ],
)
def test_statuses_are_read_from_valid_messages(name, code, reason_code):
    xml = (SAMPLES / name).read_bytes()
    cdar_check.check(xml)  # the samples themselves pass the rules
    [report] = cdar.parse(xml)
    assert report.code == code and report.reason_code == reason_code
    assert report.invoice_number == "F202500003" and report.invoice_date == date(2025, 7, 1)
    assert report.seller_siren == "100000009" and report.at.tzinfo is UTC
    assert cdar.parse(b"\xef\xbb\xbf" + xml) == [report]  # a byte-order mark is read through


def test_what_is_not_a_life_cycle_message_is_refused():
    for junk in (
        b"not xml",
        b"<Invoice/>",
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
    ):
        with pytest.raises(cdar.CdarError):
            cdar.parse(junk)


def _cashed(**changes) -> cdar.Cashed:
    values = dict(
        message_id="FA-2026-0007_212_1",
        invoice_number="FA-2026-0007",
        invoice_date=date(2026, 11, 30),
        type_code="380",
        seller=cdar.Party("100000009", "École de production Lumière", "100000009"),
        buyer=cdar.Party("200000008", "Mécanique Zéphyr", "200000008_FACTURES"),
        cashed_at=datetime(2026, 12, 5, 9, 30, tzinfo=UTC),
        received_at=datetime(2026, 11, 30, 14, 0, tzinfo=UTC),
        amounts=[(Decimal("20"), Decimal("540.00")), (Decimal("5.5"), Decimal("105.50"))],
    )
    return cdar.Cashed(**(values | changes))


@pytest.mark.parametrize(
    "message",
    [
        _cashed(),
        _cashed(amounts=[(Decimal("0"), Decimal("120.00"))]),  # a school exempt of VAT
        _cashed(type_code="381", invoice_number="AV-2026-0001", amounts=[(Decimal("20"), Decimal("-54.00"))]),
    ],
)
def test_the_212_passes_the_rules_and_reads_back(message):
    xml = cdar.build_cashed(message, datetime(2026, 12, 5, 10, 0, tzinfo=UTC))
    cdar_check.check(xml)
    assert cdar_check.warnings(xml) == []
    [report] = cdar.parse(xml)
    assert (report.code, report.invoice_number, report.seller_siren) == (
        212,
        message.invoice_number,
        "100000009",
    )
    assert xml.count(b"<ram:TypeCode>MEN</ram:TypeCode>") == len(message.amounts)


def test_a_212_without_an_amount_is_refused():
    with pytest.raises(cdar.CdarError, match="BR-FR-CDV-14"):
        cdar.build_cashed(_cashed(amounts=[]), datetime.now(UTC))
