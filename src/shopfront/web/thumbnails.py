"""Placeholder product images, drawn as SVG from the item's category and title.

The demo shop has no photos and the pages never download anything, so each
product gets a small picture of its own: the colour of its top-level category,
a lighter disc placed by its id, and the initials of its title. The same item
always gets the same picture.
"""

from __future__ import annotations

import re
import zlib
from html import escape
from urllib.parse import quote

from shopfront.store.records import Item

WIDTH = 160
HEIGHT = 120


def category_hue(category: str) -> int:
    """A stable hue in degrees: the top-level category's, shifted a little per subcategory."""
    top, _, rest = (part.strip().lower() for part in category.partition(">"))
    shift = zlib.crc32(rest.encode()) % 41 - 20 if rest else 0
    return (zlib.crc32(top.encode()) + shift) % 360


def category_colour(category: str) -> str:
    """The CSS colour of a category's chips and cards (its top level only)."""
    return f"hsl({category_hue(category.partition('>')[0])}, 52%, 42%)"


def initials(text: str, *, n: int = 2) -> str:
    """Up to ``n`` capital initials of the words of ``text`` (``"?"`` when there are none)."""
    words = re.findall(r"[^\W\d_]+", text)
    return "".join(word[0].upper() for word in words[:n]) or "?"


def thumbnail_svg(item: Item) -> str:
    """The SVG document of the item's placeholder picture."""
    hue = category_hue(item.category)
    spot = zlib.crc32(item.item_id.encode())
    x, y = 30 + spot % 100, 25 + (spot // 100) % 70
    label = escape(item.category.split(">")[-1].strip()[:24])
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}">'
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="hsl({hue},52%,42%)"/>'
        f'<circle cx="{x}" cy="{y}" r="38" fill="hsl({hue},60%,62%)" opacity="0.55"/>'
        f'<text x="80" y="70" font-family="sans-serif" font-size="38" font-weight="700" '
        f'fill="#fff" text-anchor="middle">{escape(initials(item.title or item.item_id))}</text>'
        f'<text x="80" y="108" font-family="sans-serif" font-size="11" fill="#fff" '
        f'opacity="0.85" text-anchor="middle">{label}</text>'
        "</svg>"
    )


def thumbnail_uri(item: Item) -> str:
    """The picture as a ``data:`` URI, for an ``<img src>`` that needs no request."""
    return "data:image/svg+xml;charset=utf-8," + quote(thumbnail_svg(item), safe="")
