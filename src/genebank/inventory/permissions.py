"""Inventory capabilities, added to the one table in genebank.core.permissions."""

from genebank.core.models import Role
from genebank.core.permissions import CAPABILITIES

MANAGE_LOTS = "manage_lots"  # receive, adjust, transfer, split, merge, move, status
WITHDRAW_SEED = "withdraw_seed"
MANAGE_STORAGE = "manage_storage"  # the storage tree
RECORD_READINGS = "record_readings"  # data-logger files: the technician's round, not the tree

CAPABILITIES.setdefault(MANAGE_LOTS, {Role.TECHNICIAN, Role.CURATOR, Role.ADMINISTRATOR})
CAPABILITIES.setdefault(
    WITHDRAW_SEED,
    {Role.TECHNICIAN, Role.CURATOR, Role.DISTRIBUTION_OFFICER, Role.ADMINISTRATOR},
)
CAPABILITIES.setdefault(MANAGE_STORAGE, {Role.CURATOR, Role.ADMINISTRATOR})
CAPABILITIES.setdefault(RECORD_READINGS, {Role.TECHNICIAN, Role.CURATOR, Role.ADMINISTRATOR})
