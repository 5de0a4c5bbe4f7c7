"""Numbers from the FAO Genebank Standards (2014, orthodox seed) that the inventory checks against.

Each figure names its standard; see reference/fao_genebank_standards.csv. Figures the reference
marks uncertain, and our own house rules where the standard gives no number, say so.
"""

from decimal import Decimal

# 4.2.1 Drying environment: 5-20 °C and 10-25 % relative humidity.
DRYING_TEMPERATURE = (Decimal(5), Decimal(20))
DRYING_HUMIDITY = (Decimal(10), Decimal(25))

# 4.1.3 Transfer into a controlled drying environment within 3-5 days of collecting; we count from
# the lot's receipt, the first day the genebank holds it, and allow the upper bound.
DAYS_TO_DRYING = 5

# House rule, not an FAO figure [uncertain]: the standards give no time from receipt to storage.
# Drying to equilibrium takes a few weeks for most orthodox seed; two months flags forgotten lots.
DAYS_TO_STORAGE = 60

# House rule [uncertain]: re-measure moisture content of stored lots every five years, the default
# viability monitoring interval for long-lived species in 4.3.3 (itself marked uncertain).
MOISTURE_STALE_DAYS = 5 * 365

# 4.2.3 Base collection -18 ± 3 °C, 15 ± 3 % RH; 4.2.4 active collection 5-10 °C, 15 ± 3 % RH.
# Suggested set points when a storage unit is created without its own.
SET_POINTS = {
    "base": {"temperature": (Decimal(-21), Decimal(-15)), "humidity": (Decimal(12), Decimal(18))},
    "active": {"temperature": (Decimal(5), Decimal(10)), "humidity": (Decimal(12), Decimal(18))},
}


def drying_within_standard(temperature, humidity) -> bool | None:
    """Were the drying conditions inside 4.2.1? None when neither was measured."""
    if temperature is None and humidity is None:
        return None
    ok = True
    if temperature is not None:
        ok &= DRYING_TEMPERATURE[0] <= Decimal(temperature) <= DRYING_TEMPERATURE[1]
    if humidity is not None:
        ok &= DRYING_HUMIDITY[0] <= Decimal(humidity) <= DRYING_HUMIDITY[1]
    return ok
