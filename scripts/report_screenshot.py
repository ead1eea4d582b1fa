"""Screenshot of the knowledge-risk report of the sample town: docs/wissensrisiko.png.

  python scripts/report_screenshot.py [--kb knowledge_base] [--date 2026-12-02] \
      [--out docs/wissensrisiko.png]

Writes the report with ``python -m bot luecken --html`` (no index needed: the documents'
front matter is read from the knowledge base; no state, so no questions are counted) and
photographs the whole page in headless Chromium. Needs chromium + chromium-driver (Debian).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.gaps import cli_main  # noqa: E402


def screenshot(page: Path, out: Path, width: int) -> None:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-background-networking",
                 "--disable-gpu", "--hide-scrollbars", f"--window-size={width},1000",
                 f"--user-data-dir={tempfile.mkdtemp(prefix='wl-chromium-')}"):
        options.add_argument(flag)
    browser = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        browser.get(page.resolve().as_uri())
        height = browser.execute_script("return document.documentElement.scrollHeight")
        browser.set_window_size(width, int(height) + 40)
        out.parent.mkdir(parents=True, exist_ok=True)
        browser.save_screenshot(str(out))
    finally:
        browser.quit()
    _shrink(out)


def _shrink(png: Path) -> None:
    """A palette of 256 colours keeps text and charts sharp at a third of the file size."""
    from PIL import Image

    with Image.open(png) as image:
        small = image.convert("RGB").quantize(colors=256)
    small.save(png, optimize=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kb", type=Path, default=ROOT / "knowledge_base")
    parser.add_argument("--date", default="2026-12-02", help="report as of this day")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "wissensrisiko.png")
    parser.add_argument("--width", type=int, default=1100)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="wl-report-"))
    page = work / "bericht.html"
    code = cli_main(["--kb", str(args.kb), "--index", str(work / "no-index"),
                     "--state", str(work / "no-state.sqlite"), "--date", args.date,
                     "--html", str(page)])
    if code:
        return code
    screenshot(page, args.out, args.width)
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
