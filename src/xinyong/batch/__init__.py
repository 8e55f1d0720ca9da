"""Batch work over the whole ledger: export it to Parquet, and rescore every subject
under a catalog on a day with one dataframe job that runs on DuckDB or Apache Spark.

- :mod:`xinyong.batch.export` writes the ledger and the catalogs as Parquet tables,
  records partitioned by jurisdiction (hive-style folders), streamed in batches;
- :mod:`xinyong.batch.rescore` is the job: docs/design.md section 4 written once as Ibis
  expressions over those tables, mirroring :mod:`xinyong.domain.standing`;
- :mod:`xinyong.batch.engines` connects the engines (DuckDB, PySpark), reads an export
  and writes results;
- :mod:`xinyong.batch.job` runs the job over an export and is the script handed to
  ``spark-submit`` on a cluster (docs/spark.md).
"""
