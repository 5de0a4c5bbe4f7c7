"""The export writes stored coordinates as text the same way whatever the database returns."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from genebank.exchange.mcpd import canonical_decimal
from genebank.exchange.mcpd_export import _coordinate_text

stored = st.integers(min_value=-180_000_000, max_value=180_000_000).map(
    lambda n: Decimal(n).scaleb(-6)
)


@given(stored)
def test_a_float_from_sqlite_reads_as_the_decimal_from_postgresql(value):
    # SQLite returns the six-place column as a float, PostgreSQL as a Decimal.
    assert _coordinate_text(float(value)) == _coordinate_text(value) == canonical_decimal(value)


def test_zero_and_whole_degrees():
    assert _coordinate_text(-0.0) == _coordinate_text(0) == "0"
    assert _coordinate_text(32.0) == _coordinate_text(Decimal("32.000000")) == "32"
    assert _coordinate_text(None) == ""
