"""Exceptions the package raises; `cli.py` alone turns them into messages for the terminal."""


class MediaBiasError(Exception):
    """Base class: a problem a user can act on, with a message that says how."""


class CorpusError(MediaBiasError):
    """The corpus folder or its manifest cannot be used at all."""


class LexiconError(MediaBiasError):
    """A lexicon file cannot be used at all (one bad line is a problem, not an error)."""
