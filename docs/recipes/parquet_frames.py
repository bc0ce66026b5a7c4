"""Recipe: the Parquet file in pandas, polars and DuckDB: papers per primary category per year.

arxiv-digest to-parquet cs.CV -o papers.parquet
python docs/recipes/parquet_frames.py papers.parquet

The columns come typed: ``published`` is a UTC timestamp, so no string slicing and no parsing.
"""

from __future__ import annotations

import sys

import duckdb
import pandas as pd
import polars as pl


def with_pandas(parquet: str) -> pd.DataFrame:
    """Columns primary_category, year, papers; most papers first."""
    # Read only the columns needed: Parquet is stored column by column.
    papers = pd.read_parquet(parquet, columns=["primary_category", "published"])
    papers["year"] = papers["published"].dt.year  # datetime64[us, UTC]
    counts = papers.groupby(["primary_category", "year"]).size().reset_index(name="papers")
    return counts.sort_values(["papers", "primary_category", "year"], ascending=[False, True, True])


def with_polars(parquet: str) -> pl.DataFrame:
    """The same table, lazily: polars reads only the two columns the query uses."""
    return (
        pl.scan_parquet(parquet)
        .group_by("primary_category", pl.col("published").dt.year().alias("year"))
        .agg(pl.len().alias("papers"))
        .sort(["papers", "primary_category", "year"], descending=[True, False, False])
        .collect()
    )


def with_duckdb(parquet: str) -> list[tuple[str, int, int]]:
    """The same table as rows, computed by DuckDB straight from the file."""
    # published is a TIMESTAMPTZ: take the year in UTC, not in the session's time zone.
    query = """
        SELECT primary_category, year(published AT TIME ZONE 'UTC') AS year, count(*) AS papers
        FROM read_parquet(?)
        GROUP BY ALL
        ORDER BY papers DESC, primary_category, year
    """
    return [(str(c), int(y), int(n)) for c, y, n in duckdb.execute(query, [parquet]).fetchall()]


if __name__ == "__main__":
    print(with_pandas(sys.argv[1]).to_string(index=False))
