"""What several test files share: a free local port, a counting translator, a Chromium page."""

from __future__ import annotations

import socket
from contextlib import contextmanager

WAIT_MS = 240_000  # upper bound for the page to show a result; a busy 2-core machine is slow
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class CountingTranslator:
    """Upper-cases each sentence and remembers every sentence it was sent."""

    name = "counting"

    def __init__(self):
        self.seen: list[str] = []

    def translate(self, sentences, progress=None):
        self.seen += sentences
        return [s.upper() for s in sentences]


@contextmanager
def chromium_page(url: str, width: int, height: int, wait_ms: int = WAIT_MS, before_goto=None, **page_kw):
    """A page of Debian's Chromium (driven by Playwright) at `width` x `height`, opened on `url`;
    `before_goto(page)` runs first (e.g. to route requests)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height}, **page_kw)
            page.set_default_timeout(wait_ms)
            if before_goto is not None:
                before_goto(page)
            page.goto(url)
            yield page
        finally:
            browser.close()
