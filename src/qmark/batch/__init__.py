"""`qmark batch`: assess many reviews, each in a sandboxed process, on this machine or a Dask
cluster, into tables (CSV and Parquet), one JSON per report and a list of failures; resumable."""
