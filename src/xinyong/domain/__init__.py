"""The domain: identifiers, the calendar, events, catalogs and the semantics of standing
(DESIGN.md section 4), access rules and notices. Pure: no storage, no web, no I/O
beyond reading a catalog file."""
