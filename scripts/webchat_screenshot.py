"""Screenshot of the local web chat answering a question: docs/webchat.png.

  python scripts/webchat_screenshot.py --kb knowledge_base --index var/index \
      [--out docs/webchat.png]

Starts the real app (local mode) on a free port of 127.0.0.1, asks in headless Chromium and
saves the page. Needs chromium + chromium-driver (Debian) and a built index.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import threading
from pathlib import Path

from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import create_app  # noqa: E402
from bot.settings import Settings  # noqa: E402

QUESTION = "Wer kümmert sich um die Hundesteuer und wie melde ich einen Hund ab?"


def serve_in_thread(app: web.Application) -> str:
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(app)
    ready = threading.Event()
    address: list[str] = []

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())  # runs the warm-up (builds the assistant)
        site = web.TCPSite(runner, "127.0.0.1", 0)
        loop.run_until_complete(site.start())
        address.append(f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/")  # type: ignore[union-attr]
        ready.set()
        loop.run_forever()

    threading.Thread(target=run, daemon=True).start()
    if not ready.wait(300):
        raise SystemExit("the app did not start")
    return address[0]


def screenshot(url: str, out: Path, question: str, width: int, height: int) -> None:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import WebDriverWait

    options = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-background-networking",
                 "--disable-gpu", "--hide-scrollbars", f"--window-size={width},{height}",
                 f"--user-data-dir={tempfile.mkdtemp(prefix='wl-chromium-')}"):
        options.add_argument(flag)
    browser = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        browser.get(url)
        browser.find_element(By.ID, "question").send_keys(question)
        browser.find_element(By.ID, "send").click()
        WebDriverWait(browser, 120).until(
            ready.presence_of_element_located((By.CSS_SELECTOR, ".msg.bot:not(.pending)")))
        browser.execute_script("document.activeElement.blur()")
        out.parent.mkdir(parents=True, exist_ok=True)
        browser.save_screenshot(str(out))
    finally:
        browser.quit()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kb", type=Path, default=ROOT / "knowledge_base")
    parser.add_argument("--index", type=Path, default=ROOT / "var" / "index")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "webchat.png")
    parser.add_argument("--question", default=QUESTION)
    parser.add_argument("--size", default="1100x1000", help="window WIDTHxHEIGHT")
    args = parser.parse_args()
    state = Path(tempfile.mkdtemp(prefix="wl-shot-")) / "state.sqlite"
    settings = Settings(kb_dir=args.kb, index_dir=args.index, state_db=state, _env_file=None)
    width, height = (int(v) for v in args.size.split("x"))
    screenshot(serve_in_thread(create_app(settings)), args.out, args.question, width, height)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
