"""Viability capabilities, added to the one table in genebank.core.permissions."""

from genebank.core.models import Role
from genebank.core.permissions import CAPABILITIES

RECORD_GERMINATION_TESTS = "record_germination_tests"

CAPABILITIES.setdefault(
    RECORD_GERMINATION_TESTS, {Role.TECHNICIAN, Role.CURATOR, Role.ADMINISTRATOR}
)
