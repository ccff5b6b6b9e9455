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


def city_map(cities, focus=None):
    """A map of ``cities`` (those with coordinates), or of ``focus``'s region.

    ``focus`` is a city to centre on and mark as the current one; the other
    cities in its window are shown too. Returns None when no city has a place
    on the map, so a page can leave the map out.
    """
    markers = []
    for city in cities:
        if city.latitude is None or city.longitude is None:
            continue
        x, y = project(city.latitude, city.longitude)
        is_focus = focus is not None and city.pk == focus.pk
        markers.append(Marker(city.name, city.get_absolute_url(), x, y, current=is_focus))
    if focus is not None:
        current = [marker for marker in markers if marker.current]
        if not current:
            return None
        view = _focus_view(current[0].x, current[0].y)
        # The current city last, so it is drawn on top of its neighbours.
        markers.sort(key=lambda marker: marker.current)
        return CityMap(markers=markers, view_box=view)
    if not markers:
        return None
    return CityMap(markers=markers, view_box=WORLD_VIEW)
