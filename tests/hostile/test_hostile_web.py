"""The hostile corpus through the web API (`briefs web` in its own process, as deployed): each
document is refused with its one line within the CPU and memory bounds, or read; a hostile upload
does not hold up another user's request."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from corpus import CASES, REFUSE_CPU_S, REFUSE_PEAK_MB, ROOT, seed_paragraphs

from helpers import free_port

pytestmark = pytest.mark.slow


class Server:
    """`briefs web` in a subprocess, its resident memory sampled every 10 ms."""

    def __init__(self):
        import psutil

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "briefs.cli", "web", "--engine", "offline", "--no-preload", "--port", str(self.port)],
            cwd=ROOT, env=dict(os.environ), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.ps = psutil.Process(self.proc.pid)
        deadline = time.time() + 180
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                assert self.proc.poll() is None and time.time() < deadline, self.proc.stderr.read().decode()
                time.sleep(0.3)
        self.peak = 0
        self._stop = False
        threading.Thread(target=self._sample, daemon=True).start()

    def _sample(self):
        while not self._stop:
            try:
                self.peak = max(self.peak, self.ps.memory_info().rss)
            except Exception:  # noqa: BLE001 - the process has gone
                return
            time.sleep(0.01)

    def cpu_s(self) -> float:
        t = self.ps.cpu_times()
        return t.user + t.system

    def rss_mb(self) -> float:
        return self.ps.memory_info().rss / 2**20

    def close(self):
        self._stop = True
        self.proc.terminate()
        self.proc.wait(timeout=30)


@pytest.fixture(scope="module")
def server():
    s = Server()
    yield s
    s.close()


def client(url):
    from gradio_client import Client

    return Client(url, verbose=False, analytics_enabled=False, download_files=False)


def brief(url, path=None, text=""):
    from gradio_client import handle_file

    return client(url).predict(text, handle_file(str(path)) if path else None, tier_names=["headline"],
                               api_name="/brief")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_web_api(case, hostile, server):
    from gradio_client.exceptions import AppError

    time.sleep(0.05)
    server.peak = base = server.ps.memory_info().rss
    cpu0, t0 = server.cpu_s(), time.perf_counter()
    if case.refused:
        with pytest.raises(AppError) as info:
            brief(server.url, hostile[case.name])
        message = str(info.value)
        assert case.message in message and "\n" not in message and "Traceback" not in message
        assert "--" not in message, message  # no command-line advice on the page
        assert server.cpu_s() - cpu0 < REFUSE_CPU_S
        assert time.perf_counter() - t0 < 10 * REFUSE_CPU_S  # includes the upload; a loaded machine is slow
        assert (server.peak - base) / 2**20 < REFUSE_PEAK_MB, f"{(server.peak - base) / 2**20:.0f} MB more"
    else:
        result = brief(server.url, hostile[case.name])
        assert result["source"]["language"] == "it" and result["translation"]["text"]
        assert (server.peak - base) / 2**20 < 1024


def test_a_hostile_upload_does_not_hold_up_other_users(hostile, server):
    article = "\n\n".join(seed_paragraphs()[:3])
    brief(server.url, text=article)  # warm: engines created
    t0 = time.perf_counter()
    brief(server.url, text=article)
    alone = time.perf_counter() - t0

    def timed(fn, *args, **kw):
        t = time.perf_counter()
        try:
            fn(*args, **kw)
            return time.perf_counter() - t, None
        except Exception as err:  # noqa: BLE001
            return time.perf_counter() - t, err

    with ThreadPoolExecutor(2) as pool:
        bomb = pool.submit(timed, brief, server.url, hostile["zip_bomb.docx"])
        time.sleep(0.05)  # the bomb first, so it is ahead in the queue
        normal = pool.submit(timed, brief, server.url, text=article)
        _, bomb_err = bomb.result()
        normal_s, normal_err = normal.result()
    assert bomb_err is not None and "compression bomb" in str(bomb_err)
    assert normal_err is None
    assert normal_s < 2 * alone + 3, f"normal request took {normal_s:.1f} s beside the bomb, {alone:.1f} s alone"


def test_port_in_use_is_one_line(server):
    proc = subprocess.run([sys.executable, "-m", "briefs.cli", "web", "--no-preload", "--port", str(server.port)],
                          cwd=ROOT, capture_output=True, timeout=120)
    err = proc.stderr.decode()
    assert proc.returncode == 2 and err.count("\n") == 1 and f"port {server.port}" in err and "in use" in err


def test_sigterm_removes_the_result_folder_and_no_share_hint(tmp_path):
    import tempfile

    env = {**os.environ, "TMPDIR": str(tmp_path)}
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "briefs.cli", "web", "--engine", "offline", "--no-preload",
                             "--port", str(port)], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 180
    while not list(tmp_path.glob("briefs-web-*")) or not _listening(port):
        assert proc.poll() is None and time.time() < deadline
        time.sleep(0.3)
    proc.terminate()
    out, err = proc.communicate(timeout=60)
    assert not list(tmp_path.glob("briefs-web-*")), "result folder left behind"
    assert b"share=True" not in out + err and b"serving on http://127.0.0.1" in err
    assert tempfile.gettempdir() != str(tmp_path)  # this process's temp dir is not the server's


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False
