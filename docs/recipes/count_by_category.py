"""Recipe: papers per primary category per year, from ``to-json --flat`` output.

arxiv-digest to-json cs.CV --flat -o papers.jsonl
python docs/recipes/count_by_category.py papers.jsonl
"""

from __future__ import annotations

import sys

import duckdb
import pandas as pd


def with_pandas(jsonl: str) -> pd.DataFrame:
    """Columns primary_category, year, papers; most papers first."""
    papers = pd.read_json(jsonl, lines=True, dtype={"digest_date": "string"})
    papers["year"] = papers["published"].str.slice(0, 4).astype(int)
    counts = papers.groupby(["primary_category", "year"]).size().reset_index(name="papers")
    return counts.sort_values(["papers", "primary_category", "year"], ascending=[False, True, True])


def with_duckdb(jsonl: str) -> list[tuple[str, int, int]]:
    """The same table as rows, computed by DuckDB straight from the file."""
    query = """
        SELECT primary_category, year(CAST(published AS TIMESTAMPTZ) AT TIME ZONE 'UTC') AS year,
               count(*) AS papers
        FROM read_json_auto(?, format = 'newline_delimited')
        GROUP BY ALL
        ORDER BY papers DESC, primary_category, year
    """
    return [(str(c), int(y), int(n)) for c, y, n in duckdb.execute(query, [jsonl]).fetchall()]


if __name__ == "__main__":
    print(with_pandas(sys.argv[1]).to_string(index=False))
