"""Place resolution for Syria: gazetteer, one-pass matcher, context resolver.

Public API::

    from streams.places import Gazetteer, PlaceMention, Region, default_gazetteer
    gaz = default_gazetteer()
    places = gaz.find_places(normalize(text), lang="ar")

See docs/places.md.
"""

from streams.places.gazetteer import Gazetteer, default_gazetteer
from streams.places.model import NO_REGION, PRECISIONS, PlaceMention, Region, Unit

__all__ = ["NO_REGION", "PRECISIONS", "Gazetteer", "PlaceMention", "Region", "Unit", "default_gazetteer"]
