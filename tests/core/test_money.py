"""Money rules: half-up to the cent, VAT per rate, totals that add up (Hypothesis)."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from ecoprod.money import compute_totals, line_amounts, to_cents

D = Decimal
RATES = [D("20"), D("10"), D("5.5"), D("2.1"), D("0")]

quantities = st.decimals(min_value=D("0.001"), max_value=D("10000"), places=3)
prices = st.decimals(min_value=D("0"), max_value=D("100000"), places=2)
percents = st.decimals(min_value=D("0"), max_value=D("100"), places=2)
lines = st.lists(st.tuples(quantities, prices, percents, st.sampled_from(RATES)), min_size=1, max_size=40)


def test_half_up_to_the_cent():
    assert to_cents(D("0.005")) == D("0.01")
    assert to_cents(D("0.0049")) == D("0.00")
    assert to_cents(D("2.675")) == D("2.68")  # a float would give 2.67
    assert to_cents(D("-0.005")) == D("-0.01")


def test_a_line_with_a_discount():
    amounts = line_amounts(D("3"), D("19.99"), D("10"))
    assert (amounts.gross, amounts.discount, amounts.net) == (D("59.97"), D("6.00"), D("53.97"))


def test_vat_is_computed_on_the_total_of_each_rate_not_per_line():
    totals = compute_totals([(D("0.03"), D("20"))] * 10)
    assert totals.net == D("0.30")
    assert totals.vat == D("0.06")  # line by line it would be 10 × round(0.006) = 0.10


def test_breakdown_per_rate_with_a_document_discount():
    totals = compute_totals(
        [(D("100.00"), D("20")), (D("50.00"), D("5.5")), (D("33.33"), D("20"))], discount_percent=D("10")
    )
    by_rate = {b.rate: b for b in totals.breakdown}
    assert by_rate[D("20")].base == D("133.33")
    assert by_rate[D("20")].allowance == D("13.33")
    assert by_rate[D("20")].taxable == D("120.00")
    assert by_rate[D("20")].vat == D("24.00")
    assert by_rate[D("5.5")].vat == D("2.48")
    assert (totals.net, totals.vat, totals.gross) == (D("165.00"), D("26.48"), D("191.48"))


@given(lines, percents)
def test_totals_equal_the_sum_of_their_parts(raw_lines, discount):
    nets = []
    for quantity, price, line_discount, rate in raw_lines:
        amounts = line_amounts(quantity, price, line_discount)
        assert amounts.net == amounts.gross - amounts.discount
        assert amounts.net == to_cents(amounts.net)
        nets.append((amounts.net, rate))
    totals = compute_totals(nets, discount)
    assert totals.lines_net == sum((net for net, _ in nets), Decimal(0))
    assert totals.net == totals.lines_net - totals.allowance
    assert totals.net == sum(b.taxable for b in totals.breakdown)
    assert totals.vat == sum(b.vat for b in totals.breakdown)
    assert totals.gross == totals.net + totals.vat
    for part in (totals.net, totals.vat, totals.gross, totals.allowance):
        assert part == to_cents(part), "a total with more than two decimals"


@given(lines, percents)
def test_no_rounding_drift_across_rates(raw_lines, discount):
    nets = [(line_amounts(q, p, d).net, rate) for q, p, d, rate in raw_lines]
    totals = compute_totals(nets, discount)
    for b in totals.breakdown:
        exact_vat = b.taxable * b.rate / 100
        assert abs(b.vat - exact_vat) <= Decimal("0.005"), "VAT of a rate off by more than half a cent"
        exact_allowance = b.base * discount / 100
        assert abs(b.allowance - exact_allowance) <= Decimal("0.005")
    # the whole document's VAT is within half a cent per rate of the exact figure
    exact_total_vat = sum(b.taxable * b.rate / 100 for b in totals.breakdown)
    assert abs(totals.vat - exact_total_vat) <= Decimal("0.005") * len(totals.breakdown)
    # the order of the lines changes nothing
    assert compute_totals(list(reversed(nets)), discount) == totals
