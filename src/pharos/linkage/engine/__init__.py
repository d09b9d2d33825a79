"""The linkage engine: plain Python, DuckDB and Splink, no Django (the CLI and jobs share it)."""
