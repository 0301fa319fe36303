"""Serve the dashboard on a free local port and drive it with Debian's Chromium.

Shared by the browser tests and the page-render benchmark so both measure the same
thing: a real Streamlit server and a real headless Chromium, nothing downloaded.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

REPO_ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}


def chromium_path() -> str:
    """The system Chromium (Playwright's own browser download does not work offline)."""
    candidates = [os.environ.get("MIRADOR_CHROMIUM"), shutil.which("chromium"),
                  shutil.which("chromium-browser"), "/usr/bin/chromium"]
    for candidate in candidates:
        if candidate and Path(candidate).exists():
            return candidate
    raise RuntimeError("Chromium not found: install it with `apt-get install -y chromium` "
                       "or set MIRADOR_CHROMIUM to its path")


def free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log_path: Path

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start_streamlit(script: Path, env: dict[str, str] | None = None, log_dir: Path | None = None,
                    timeout_s: float = 60, plain_streamlit: bool = False,
                    address: str | None = "127.0.0.1") -> Server:
    """Start the dashboard (or another script) headless on a free port; wait until healthy.

    `dashboard.py` starts through `mirador.serve`, as `scripts/dashboard` does (one routing
    mode from the first request on); `plain_streamlit=True` uses bare `streamlit run`
    instead, the way someone may start it by hand. `address=None` leaves the listening
    address to the configuration (`.streamlit/config.toml`, `STREAMLIT_SERVER_ADDRESS`).
    """
    port = free_port()
    log_dir = log_dir or Path(os.environ.get("TMPDIR", "/tmp"))
    log_path = log_dir / f"streamlit-{port}.log"
    log = open(log_path, "w")
    is_dashboard = Path(script).resolve() == REPO_ROOT / "dashboard.py"
    launch = ([sys.executable, "-m", "mirador.serve"] if is_dashboard and not plain_streamlit
              else [sys.executable, "-m", "streamlit", "run", str(script)])
    bind = ["--server.address", address] if address else []
    process = subprocess.Popen(
        [*launch, "--server.port", str(port), *bind, "--server.headless", "true",
         "--browser.gatherUsageStats", "false"],
        cwd=REPO_ROOT, env={**os.environ, **(env or {})}, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://localhost:{port}"
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early; log:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return Server(url, process, log_path)
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError(f"streamlit did not become healthy in {timeout_s}s; log:\n{log_path.read_text()}")


@dataclass
class PageWatch:
    """What a page did besides rendering: requests to other hosts (a broken offline
    promise) and JavaScript errors (e.g. plotly failing to draw a map)."""
    server_host: str
    foreign: list[str] = field(default_factory=list)
    script_errors: list[str] = field(default_factory=list)

    def attach(self, page) -> "PageWatch":
        page.on("request", self.record)
        page.on("pageerror", lambda error: self.script_errors.append(str(error)))
        return self

    def record(self, request) -> None:
        host = urlparse(request.url).hostname or ""
        scheme = urlparse(request.url).scheme
        if scheme in ("data", "blob", "about", "chrome-extension"):
            return
        if host not in LOCAL_HOSTS and host != self.server_host:
            self.foreign.append(request.url)


def launch_browser(playwright):
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)


def wait_for_render(page, timeout_ms: float = 60_000) -> float:
    """Wait until Streamlit has finished running the script and plotly has drawn.

    Streamlit keeps a websocket open, so 'network idle' never comes: instead wait for
    the app shell and a title, then until nothing is running, no element is still a
    placeholder and every chart has drawn, for half a second in a row.
    Returns the `time.monotonic()` at which the page became quiet (so timings do not
    include the half second spent making sure).
    """
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout_ms)
    # Attached, not visible: presentation mode hides the page title.
    page.wait_for_selector('[data-testid="stMain"] h1', state="attached", timeout=timeout_ms)
    deadline = time.monotonic() + timeout_ms / 1000
    settled_since = None
    while time.monotonic() < deadline:
        busy = page.evaluate("""() => {
            const count = s => document.querySelectorAll(s).length;
            const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
            const undrawn = charts.filter(c => !c.querySelector('.main-svg')).length;
            return count('[data-testid="stStatusWidget"]') + count('[data-testid="stSpinner"]')
                 + count('[data-testid="stSkeleton"]') + undrawn;
        }""")
        if busy:
            settled_since = None
        elif settled_since is None:
            settled_since = time.monotonic()
        elif time.monotonic() - settled_since > 0.5:
            return settled_since
        time.sleep(0.05)
    raise TimeoutError(f"page did not settle within {timeout_ms / 1000:.0f}s: {page.url}")


def error_texts(page) -> list[str]:
    """Text of any exception, error box or dialog (e.g. 'Page not found') Streamlit shows."""
    boxes = page.locator('[data-testid="stException"], [data-testid="stAlertContentError"], [role="dialog"]')
    return [boxes.nth(i).inner_text() for i in range(boxes.count())]


def full_screenshot(page, path: Path) -> None:
    """Screenshot the whole page: Streamlit scrolls inside its main block, not the
    document, so grow the viewport to the content's height first."""
    height = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('[data-testid=\"stMain\"], "
        "[data-testid=\"stMainBlockContainer\"], section.main')].map(e => e.scrollHeight), 900)")
    width = page.viewport_size["width"]
    page.set_viewport_size({"width": width, "height": min(int(height) + 120, 16000)})
    page.wait_for_timeout(300)
    page.screenshot(path=path)
    page.set_viewport_size({"width": width, "height": 900})
