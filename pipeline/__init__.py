"""mediabias: score news articles for sentiment and loaded language, outlet by outlet."""

__version__ = "0.1.0"
