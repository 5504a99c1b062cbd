"""Measuring: sentence, article and outlet scores (score), the statistics that compare them (statistics), scores against gold (evaluate)."""
