"""The ledger: the one source of truth, append-only and hash-chained, with identity
data sealed at rest."""
