"""Draw the Teams app icons (bot/teams/color.png 192x192, outline.png 32x32) with Pillow.

Run once after changing the design: python scripts/make_teams_icons.py
Drawn at 8x and scaled down, so the small outline icon stays smooth.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

BRAND = (31, 95, 139, 255)
ACCENT = (242, 177, 52, 255)
WHITE = (255, 255, 255, 255)
OUT = Path(__file__).resolve().parent.parent / "bot" / "teams"


def compass(size: int, background: bool) -> Image.Image:
    scale = 8
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if background:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big // 5, fill=BRAND)
    centre, radius = big / 2, big * (0.30 if background else 0.40)
    ring = big * (0.06 if background else 0.09)
    draw.ellipse((centre - radius, centre - radius, centre + radius, centre + radius),
                 outline=WHITE, width=int(ring))
    needle = radius * 0.85
    half = radius * 0.28
    draw.polygon([(centre, centre - needle), (centre + half, centre),
                  (centre, centre + needle), (centre - half, centre)],
                 fill=ACCENT if background else WHITE)
    dot = radius * 0.12
    if background:
        draw.ellipse((centre - dot, centre - dot, centre + dot, centre + dot), fill=BRAND)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    compass(192, background=True).save(OUT / "color.png", optimize=True)
    compass(32, background=False).save(OUT / "outline.png", optimize=True)
    print(f"wrote {OUT / 'color.png'} and {OUT / 'outline.png'}")


if __name__ == "__main__":
    main()
