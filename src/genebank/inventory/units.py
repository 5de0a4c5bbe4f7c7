"""Seed quantities: whole seeds or grams, converted through the thousand-seed weight."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

GRAM_PLACES = Decimal("0.001")
ONE_SEED = Decimal("1")
THOUSAND = Decimal("1000")
# The most one lot, or one ledger entry, may hold: 10^9 seeds or grams (a thousand tonnes; no real
# lot comes near). Quantities are stored with 14 digits, 3 after the point, so a column holds just
# under 10^11: a balance and a change each within 10^9 add up to at most 2*10^9, fifty times inside
# it, and no sum the services make can overflow a column (which SQLite would store anyway and
# then fail to read back, breaking every page that shows the lot). Migration 0005 makes the same
# figure a CHECK constraint on lots and transactions.
MAX_QUANTITY = Decimal(10**9)


class Unit(models.TextChoices):
    SEEDS = "seeds", _("seeds")
    GRAMS = "g", _("grams")


def refuse_beyond_max(quantity: Decimal, unit: str, lot: str | None = None) -> None:
    """Refuse a quantity (entered, converted, or a lot's balance to be) beyond MAX_QUANTITY."""
    if abs(quantity) <= MAX_QUANTITY:
        return
    values = {
        "quantity": f"{quantity.normalize():f}",
        "unit": unit,
        "max": number_format(MAX_QUANTITY, decimal_pos=0, use_l10n=True, force_grouping=True),
        "lot": lot,
    }
    if lot is None:
        message = gettext(
            "%(quantity)s %(unit)s is more than any lot can hold (at most %(max)s %(unit)s)."
        )
    else:
        message = gettext(
            "Lot %(lot)s would then hold %(quantity)s %(unit)s: no lot holds more than "
            "%(max)s %(unit)s. Check the amount."
        )
    raise ValidationError(message % values, code="too_large")


def parse_quantity(value, unit: str) -> Decimal:
    """A positive quantity in this unit: whole seeds, or grams to the milligram."""
    if unit not in Unit.values:
        raise ValidationError(
            gettext("Unknown unit %(unit)s: use seeds or g.") % {"unit": unit}, code="unit"
        )
    try:
        quantity = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(
            gettext("%(value)s is not a number.") % {"value": value}, code="not_a_number"
        ) from None
    if not quantity.is_finite():
        raise ValidationError(
            gettext("%(value)s is not a number.") % {"value": value}, code="not_a_number"
        )
    if quantity <= 0:
        raise ValidationError(
            gettext("The quantity must be greater than zero."), code="not_positive"
        )
    refuse_beyond_max(quantity, unit)
    if unit == Unit.SEEDS and quantity != quantity.to_integral_value():
        raise ValidationError(
            gettext("A number of seeds must be a whole number."), code="fractional_seeds"
        )
    if unit == Unit.GRAMS and quantity != quantity.quantize(GRAM_PLACES, rounding=ROUND_HALF_UP):
        raise ValidationError(
            gettext("Weigh to the milligram at most (three decimals in grams)."), code="precision"
        )
    return quantity


def convert(quantity: Decimal, from_unit: str, to_unit: str, thousand_seed_weight) -> Decimal:
    """The same amount of seed in another unit; seeds round to the nearest whole seed.

    Refuses (ValidationError) when the thousand-seed weight is unknown or the converted amount
    rounds to nothing.
    """
    if from_unit == to_unit:
        return quantity
    if not thousand_seed_weight or Decimal(thousand_seed_weight) <= 0:
        raise ValidationError(
            gettext(
                "This lot is counted in %(lot_unit)s and its thousand-seed weight is unknown: "
                "give the quantity in %(lot_unit)s or record the thousand-seed weight first."
            )
            % {"lot_unit": Unit(to_unit).label},
            code="not_convertible",
        )
    tsw = Decimal(thousand_seed_weight)
    if from_unit == Unit.SEEDS:
        converted = (quantity * tsw / THOUSAND).quantize(GRAM_PLACES, rounding=ROUND_HALF_UP)
    else:
        converted = (quantity * THOUSAND / tsw).quantize(ONE_SEED, rounding=ROUND_HALF_UP)
    refuse_beyond_max(converted, to_unit)
    if converted <= 0:
        raise ValidationError(
            gettext("%(quantity)s %(unit)s is too little to count in %(lot_unit)s.")
            % {"quantity": quantity, "unit": from_unit, "lot_unit": Unit(to_unit).label},
            code="too_small",
        )
    return converted


def as_json_number(value: Decimal) -> int | float:
    """A quantity for JSON: an integer when whole, else a float."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)
