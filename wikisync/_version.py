"""wikisync ships in the same distribution as wikijs and shares its version."""

from wikijs._version import __version__

__all__ = ["__version__"]
