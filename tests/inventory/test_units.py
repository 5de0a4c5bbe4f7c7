"""Quantities in seeds or grams, and conversion through the thousand-seed weight."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from genebank.inventory.units import (
    MAX_QUANTITY,
    Unit,
    as_json_number,
    convert,
    parse_quantity,
)

seed_counts = st.integers(min_value=1, max_value=10_000_000).map(Decimal)
grams = st.decimals(min_value=Decimal("0.001"), max_value=Decimal("100000"), places=3)
weights = st.decimals(min_value=Decimal("0.010"), max_value=Decimal("2000"), places=3)


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [("250", "seeds", Decimal(250)), ("12.5", "g", Decimal("12.5")), (" 7 ", "seeds", 7)],
)
def test_parse_accepts_positive_quantities(value, unit, expected):
    assert parse_quantity(value, unit) == expected


@pytest.mark.parametrize(
    ("value", "unit", "code"),
    [
        ("0", "seeds", "not_positive"),
        ("-3", "g", "not_positive"),
        ("ten", "seeds", "not_a_number"),
        ("NaN", "g", "not_a_number"),
        ("Infinity", "g", "not_a_number"),
        ("2.5", "seeds", "fractional_seeds"),
        ("1.0005", "g", "precision"),
        ("5", "kg", "unit"),
        ("1e25", "g", "too_large"),
        ("1000000001", "seeds", "too_large"),
    ],
)
def test_parse_refuses_what_is_not_a_quantity(value, unit, code):
    with pytest.raises(ValidationError) as err:
        parse_quantity(value, unit)
    assert err.value.code == code


def test_known_conversions():
    # Durum wheat: about 45 g per thousand seeds.
    assert convert(Decimal(1000), Unit.SEEDS, Unit.GRAMS, Decimal(45)) == Decimal("45.000")
    assert convert(Decimal(90), Unit.GRAMS, Unit.SEEDS, Decimal(45)) == Decimal(2000)
    assert convert(Decimal(1), Unit.SEEDS, Unit.GRAMS, Decimal("3.2")) == Decimal("0.003")
    assert convert(Decimal("0.1"), Unit.GRAMS, Unit.SEEDS, Decimal(45)) == Decimal(2)  # 2.2 seeds
    assert convert(Decimal(5), Unit.GRAMS, Unit.GRAMS, None) == Decimal(5)


def test_conversion_without_seed_weight_is_refused():
    with pytest.raises(ValidationError) as err:
        convert(Decimal(10), Unit.GRAMS, Unit.SEEDS, None)
    assert err.value.code == "not_convertible"
    assert "thousand-seed weight" in err.value.messages[0]


def test_at_most_a_thousand_tonnes():
    assert parse_quantity(MAX_QUANTITY, "g") == MAX_QUANTITY
    with pytest.raises(ValidationError) as err:
        parse_quantity("99999999999", "seeds")
    assert err.value.code == "too_large"
    assert "at most 1,000,000,000 seeds" in err.value.messages[0]
    # Just over a tonne of seeds weighing a gram per thousand: a million seeds too many.
    with pytest.raises(ValidationError) as err:
        convert(Decimal(1000001), Unit.GRAMS, Unit.SEEDS, Decimal(1))
    assert err.value.code == "too_large"


def test_an_amount_too_small_to_count_is_refused():
    # 1 mg of seeds weighing 400 g per thousand is a fraction of one seed.
    with pytest.raises(ValidationError) as err:
        convert(Decimal("0.001"), Unit.GRAMS, Unit.SEEDS, Decimal(400))
    assert err.value.code == "too_small"


@given(seed_counts, weights)
def test_seeds_to_grams_and_back_is_within_one_seed(seeds, weight):
    try:
        in_grams = convert(seeds, Unit.SEEDS, Unit.GRAMS, weight)
    except ValidationError:
        # Only refused when the seeds weigh under half a milligram together.
        assert seeds * weight / 1000 < Decimal("0.0005")
        return
    back = convert(in_grams, Unit.GRAMS, Unit.SEEDS, weight)
    # Grams are kept to the milligram, so the error is at most half a milligram's worth of seed.
    tolerance = Decimal("0.0005") * 1000 / weight + 1
    assert abs(back - seeds) <= tolerance
    assert back == back.to_integral_value()


@given(grams, weights)
def test_grams_to_seeds_gives_whole_seeds_close_to_the_exact_count(amount, weight):
    try:
        seeds = convert(amount, Unit.GRAMS, Unit.SEEDS, weight)
    except ValidationError as err:
        exact = amount * 1000 / weight
        assert exact < Decimal("0.5") if err.code == "too_small" else exact > MAX_QUANTITY
        return
    assert seeds == seeds.to_integral_value() and 1 <= seeds <= MAX_QUANTITY
    assert abs(seeds - amount * 1000 / weight) <= Decimal("0.5")


@given(st.one_of(seed_counts, grams))
def test_json_numbers_keep_their_value(value):
    number = as_json_number(value)
    assert Decimal(str(number)) == value


@given(
    st.one_of(st.text(max_size=20), st.integers(), st.floats(allow_nan=True), st.decimals()),
    st.one_of(st.sampled_from(["seeds", "g"]), st.text(max_size=5)),
)
def test_any_input_is_a_quantity_or_a_clear_refusal(value, unit):
    try:
        quantity = parse_quantity(value, unit)
    except ValidationError as err:
        assert err.messages and err.code
    else:
        assert quantity > 0 and unit in ("seeds", "g")
