#!/usr/bin/env python3
"""Draw the site's PNG icons and its default share image with Chromium.

Run again only to change them (needs Playwright and /usr/bin/chromium, as the
browser tests do):

    .venv/bin/python scripts/build_images.py

Writes static/img/icon-32.png and icon-192.png (browser icons),
apple-touch-icon.png (180 px) and share.png (1200x630, for Open Graph and
Twitter cards), from static/img/logo.svg and the map of the member cities'
country shapes (static/img/world-map.svg).
"""

import base64
import os
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
IMG = ROOT / "static" / "img"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

ICON = """<!doctype html><html><body style="margin:0;background:{background}">
<img src="{logo}" width="{size}" height="{size}" style="display:block">
</body></html>"""

SHARE = """<!doctype html><html><body style="margin:0;width:1200px;height:630px;
font-family:system-ui,sans-serif;background:#eef8f5;position:relative;overflow:hidden">
<img src="{world}" style="position:absolute;left:150px;top:40px;width:1100px;opacity:.9">
<div style="position:absolute;left:80px;top:150px;width:700px">
<img src="{logo}" width="120" height="120">
<h1 style="font-size:72px;line-height:1.05;color:#0d3b36;margin:30px 0 20px">
Carbon Neutral Cities Alliance</h1>
<p style="font-size:30px;color:#1f2a2e;margin:0">Cities cutting greenhouse-gas emissions
at least 80% by 2050</p></div>
<div style="position:absolute;left:0;right:0;bottom:0;height:18px;background:#b3401b"></div>
</body></html>"""


def shoot(page, html, path, width, height):
    page.set_viewport_size({"width": width, "height": height})
    page.set_content(html)
    page.wait_for_load_state("load")
    page.screenshot(path=str(path), omit_background=True)
    print(f"wrote {path.relative_to(ROOT)}")


def data_uri(path):
    # A page made with set_content may not load file:// addresses: inline them.
    return "data:image/svg+xml;base64," + base64.b64encode(path.read_bytes()).decode()


def main():
    logo = data_uri(IMG / "logo.svg")
    world = data_uri(IMG / "world-map.svg")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        for name, size, background in (
            ("icon-32.png", 32, "transparent"),
            ("icon-192.png", 192, "transparent"),
            # iOS fills transparency with black: the touch icon has its own background.
            ("apple-touch-icon.png", 180, "#ffffff"),
        ):
            html = ICON.format(logo=logo, size=size, background=background)
            shoot(page, html, IMG / name, size, size)
        shoot(page, SHARE.format(logo=logo, world=world), IMG / "share.png", 1200, 630)
        browser.close()


if __name__ == "__main__":
    main()
