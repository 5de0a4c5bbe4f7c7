"""Conservation inventory: storage locations, seed lots and their append-only ledger."""
