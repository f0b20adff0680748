"""Element names as the tables know them: each collection index replaced by `n`.

An index is read from ASCII digits only, and never converted whole when it has more digits than JavaScript's
safe integers: such an index can only be a gap in its collection.
"""
from dataclasses import dataclass
from functools import lru_cache

from .vocab import MAX_SAFE_INTEGER

# An index beyond JavaScript's safe integers: no collection ever reaches it, so it is always an index gap.
BEYOND_SAFE_INDEX = MAX_SAFE_INTEGER + 1


@dataclass(frozen=True)
class Resolved:
    """An element name matched to its table row: `pattern` has `n` where `indices` were."""

    name: str
    pattern: str
    indices: tuple

    @lru_cache(maxsize=8192)  # noqa: B019 - few distinct (name, standard) pairs, both immutable
    def levels(self, standard):
        """(collection pattern, concrete prefix, index) for each collection on the way to the leaf."""
        segments, pattern_segments = self.name.split("."), self.pattern.split(".")
        indices = iter(self.indices)
        found = []
        for position, segment in enumerate(pattern_segments):
            if segment == "n":
                index = next(indices)
                collection = ".".join(pattern_segments[:position])
                if collection in standard.collections:
                    found.append((collection, ".".join(segments[:position]), index))
        return tuple(found)


def _index(segment):
    """A collection index from its ASCII digits, read without converting thousands of digits."""
    if len(segment) > len(str(MAX_SAFE_INTEGER)):
        return BEYOND_SAFE_INDEX
    return min(int(segment), BEYOND_SAFE_INDEX)


def _is_index(segment):
    return segment.isascii() and segment.isdigit()


@lru_cache(maxsize=8192)
def resolve(name):
    """The element's table pattern, or None when a segment is malformed (an index with a leading zero,
    or a literal `n`, which only the tables may use)."""
    segments = name.split(".")
    pattern = []
    for segment in segments:
        if segment == "n" or (_is_index(segment) and len(segment) > 1 and segment.startswith("0")):
            return None
        pattern.append("n" if _is_index(segment) else segment)
    return Resolved(name, ".".join(pattern), tuple(_index(s) for s in segments if _is_index(s)))
