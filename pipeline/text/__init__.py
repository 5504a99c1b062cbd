"""Text processing: sentence and quote spans (segment), sentiment (sentiment), lexicon matching (match), candidate terms (candidates)."""
