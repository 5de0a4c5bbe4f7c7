"""Seed quantities: whole seeds or grams, converted through the thousand-seed weight."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

GRAM_PLACES = Decimal("0.001")
ONE_SEED = Decimal("1")
THOUSAND = Decimal("1000")
# Quantities are stored with 14 digits, 3 after the point.
LARGEST = Decimal("99999999999.999")


class Unit(models.TextChoices):
    SEEDS = "seeds", _("seeds")
    GRAMS = "g", _("grams")


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
    if quantity > LARGEST:
        raise ValidationError(
            gettext("%(value)s is more than any lot can hold.") % {"value": value}, code="too_large"
        )
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
    if converted > LARGEST:
        raise ValidationError(
            gettext("%(quantity)s %(unit)s is more than any lot can hold.")
            % {"quantity": quantity, "unit": from_unit},
            code="too_large",
        )
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
