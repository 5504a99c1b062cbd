"""Helpers the stages share: DataFrame plumbing (dataframes), giving memory back (memory), remembered statistics (memo)."""
