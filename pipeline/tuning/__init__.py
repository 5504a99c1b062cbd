"""Tuning the lexicons: hit counts, suggestions and changes since the last run (tune), lexicons learned from gold (learn)."""
