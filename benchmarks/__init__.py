"""Benchmarks of the commands a user runs, each against a bare baseline on the same data
in the same run (`make bench`, or `python -m benchmarks --help`):

- ``population``: the events, one catalog and ten records a resident, streamed to a
  cache file once a size and seed;
- ``databases``: SQLite files, or databases on a throwaway PostgreSQL server;
- ``steps``: import, size, rescore and checks, each timed as a whole process
  (``processes``) against its baseline (``baselines``, ``hello``);
- ``harness``: the steps at each size and backend, the results file;
- ``report``: BENCHMARKS.md rendered from the results, with a verdict for each goal.

``pieces`` runs the older benchmarks of pieces (intake in-process, acknowledged events,
the standing module, the rescoring job on a prepared export)."""
