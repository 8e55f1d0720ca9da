"""Storage: the ledger, the one source of truth, append-only and hash-chained, with
identity data sealed at rest; and beside it tokens, the access log, the outbox of
notices, cases and idempotency keys."""
