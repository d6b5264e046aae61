"""Draws the app icons of the manifest (static/icons/*.png) with Pillow: a white house holding a
person, on the navigation bar's blue. Run `python -m blueprints.pwa.icons` after changing the
drawing; the PNGs are shipped, nothing draws them at run time.

`draw(size, maskable)` → an RGBA image of size×size px: rounded corners for ordinary icons; for a
maskable icon the blue fills the square and the drawing keeps to the central safe zone (80 %)."""
from pathlib import Path

from PIL import Image, ImageDraw

BLUE = (11, 79, 138, 255)   # #0b4f8a
WHITE = (255, 255, 255, 255)
OUT = Path(__file__).resolve().parents[2] / "static" / "icons"
SCALE = 4                    # drawn large, then reduced: smooth edges


def draw(size: int, maskable: bool = False) -> Image.Image:
    """The icon as an RGBA image of size × size pixels."""
    big = size * SCALE
    img = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(img)
    if maskable:
        pen.rectangle((0, 0, big, big), fill=BLUE)
        inner = big * 0.62
    else:
        pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 0.22, fill=BLUE)
        inner = big * 0.74
    left = (big - inner) / 2
    top = (big - inner) / 2

    def at(x: float, y: float) -> tuple[float, float]:
        return left + x * inner, top + y * inner

    # The house: a roof over walls.
    pen.polygon([at(0.5, 0.02), at(1.0, 0.46), at(0.0, 0.46)], fill=WHITE)
    pen.rectangle((*at(0.14, 0.42), *at(0.86, 0.98)), fill=WHITE)
    # The person inside: a head and shoulders, in blue.
    cx, cy = at(0.5, 0.56)
    r = inner * 0.11
    pen.ellipse((cx - r, cy - r, cx + r, cy + r), fill=BLUE)
    pen.pieslice((*at(0.27, 0.72), *at(0.73, 1.18)), 180, 360, fill=BLUE)
    pen.rectangle((*at(0.14, 0.98), *at(0.86, 1.0)), fill=WHITE)
    return img.resize((size, size), Image.LANCZOS)


def main() -> None:
    """Write icon-192.png, icon-512.png, maskable-512.png and apple-touch-icon.png."""
    OUT.mkdir(parents=True, exist_ok=True)
    draw(192).save(OUT / "icon-192.png", optimize=True)
    draw(512).save(OUT / "icon-512.png", optimize=True)
    draw(512, maskable=True).save(OUT / "maskable-512.png", optimize=True)
    touch = Image.new("RGBA", (180, 180), BLUE)  # iOS rounds the corners itself, no transparency
    touch.alpha_composite(draw(180, maskable=True))
    touch.convert("RGB").save(OUT / "apple-touch-icon.png", optimize=True)


if __name__ == "__main__":
    main()
