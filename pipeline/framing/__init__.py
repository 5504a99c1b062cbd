"""Framing: events across outlets (events), and actors, labels, attribution and frames from the framing lexicons (annotations)."""
