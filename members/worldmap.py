"""The member cities on a world map: projection and markers, no JavaScript.

The country shapes are a static SVG (``static/img/world-map.svg``) drawn once
by ``scripts/build_world_map.py`` from Natural Earth (npm's ``world-atlas``)
with the projection below. A page places that picture in an inline ``<svg>``
of the same coordinate system and draws one marker link per city on top, so
the shapes are cached by the browser and a page carries only its markers.

The projection is d3's Natural Earth I (Šavrič et al.), written out here so the
script and the pages share one definition.
"""

import math
from dataclasses import dataclass

# The map's coordinate system: the whole world is WIDTH wide and HEIGHT high.
WIDTH = 1000
_RAW_HALF_WIDTH = math.pi * 0.8707  # the raw projection's x at longitude 180
SCALE = (WIDTH / 2) / _RAW_HALF_WIDTH


def _raw(lon_rad, lat_rad):
    phi2 = lat_rad * lat_rad
    phi4 = phi2 * phi2
    x = lon_rad * (
        0.8707 - 0.131979 * phi2 + phi4 * (-0.013791 + phi4 * (0.003971 * phi2 - 0.001529 * phi4))
    )
    y = lat_rad * (
        1.007226 + phi2 * (0.015085 + phi4 * (-0.044475 + 0.028874 * phi2 - 0.005916 * phi4))
    )
    return x, y


HEIGHT = round(2 * _raw(0, math.pi / 2)[1] * SCALE)


def project(latitude, longitude):
    """Map coordinates (x to the right, y down) of a point in decimal degrees."""
    x, y = _raw(math.radians(float(longitude)), math.radians(float(latitude)))
    return round(WIDTH / 2 + x * SCALE, 1), round(HEIGHT / 2 - y * SCALE, 1)


# The part of the world the site shows: Antarctica and the far north left out.
_TOP = project(84, 0)[1]
_BOTTOM = project(-58, 0)[1]
WORLD_VIEW = (0, _TOP, WIDTH, round(_BOTTOM - _TOP, 1))

# A city page shows its region: a window this wide around the city.
FOCUS_WIDTH = 260
FOCUS_HEIGHT = 150

# A marker's radius, in map units.
MARKER_RADIUS = 7


@dataclass(frozen=True)
class Marker:
    name: str
    url: str
    x: float
    y: float
    current: bool = False


@dataclass(frozen=True)
class CityMap:
    markers: list
    view_box: tuple
    width: int = WIDTH
    height: int = HEIGHT
    marker_radius: int = MARKER_RADIUS

    @property
    def view_box_attr(self):
        return " ".join(f"{value:g}" for value in self.view_box)

    @property
    def aspect_class(self):
        return "city-map-focus" if self.view_box[2] < WIDTH else "city-map-world"


def _focus_view(x, y):
    left = min(max(x - FOCUS_WIDTH / 2, 0), WIDTH - FOCUS_WIDTH)
    top = min(max(y - FOCUS_HEIGHT / 2, _TOP), _BOTTOM - FOCUS_HEIGHT)
    return (round(left, 1), round(top, 1), FOCUS_WIDTH, FOCUS_HEIGHT)


def _shows(view, x, y):
    left, top, width, height = view
    reach = MARKER_RADIUS
    return left - reach <= x <= left + width + reach and top - reach <= y <= top + height + reach


def city_map(cities, focus=None):
    """A map of ``cities`` (those with coordinates), or of ``focus``'s region.

    ``focus`` is a city to centre on and mark as the current one; the other
    cities in its window are shown too, and only those: a marker outside the
    window would still be a link to tab to, with nothing to see. Returns None
    when no city has a place on the map, so a page can leave the map out.
    """
    placed = [
        (city, *project(city.latitude, city.longitude))
        for city in cities
        if city.latitude is not None and city.longitude is not None
    ]
    view = WORLD_VIEW
    if focus is not None:
        here = next(((x, y) for city, x, y in placed if city.pk == focus.pk), None)
        if here is None:
            return None
        view = _focus_view(*here)
        placed = [place for place in placed if _shows(view, place[1], place[2])]
        # The current city last, so it is drawn on top of its neighbours.
        placed.sort(key=lambda place: place[0].pk == focus.pk)
    if not placed:
        return None
    markers = [
        Marker(
            city.name,
            city.get_absolute_url(),
            x,
            y,
            current=focus is not None and city.pk == focus.pk,
        )
        for city, x, y in placed
    ]
    return CityMap(markers=markers, view_box=view)
