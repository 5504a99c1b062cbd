"""Reading the inputs: the corpus folder (corpus), cleaning scraped text (clean), the lexicon folder (lexicons)."""
