"""``efficacy serve`` as a real process: health, static files, access log, graceful stop."""

from __future__ import annotations

import gzip
import json

import pytest

from tests.ops.processes import Started, free_port, get

pytestmark = pytest.mark.slow


def test_it_serves_health_and_cached_compressed_static_files_logs_each_request_and_stops_on_sigterm(
    tmp_path,
):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = Started(tmp_path, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2")
    try:
        server.wait_for(lambda: get(f"{base}/healthz") is not None, seconds=120, what="answer")

        status, headers, body = get(f"{base}/healthz", {"X-Request-ID": "probe-1"})
        assert status == 200
        assert json.loads(body)["status"] == "degraded"  # no worker here
        assert headers["X-Request-ID"] == "probe-1"

        # Collected at start: hashed names, compressed copies.
        manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
        hashed = manifest["paths"]["css/efficacy.css"]
        assert hashed != "css/efficacy.css"
        status, headers, body = get(
            f"{base}/static/{hashed}", {"Accept-Encoding": "gzip", "X-Request-ID": "css-1"}
        )
        assert status == 200
        assert headers["Cache-Control"] == "max-age=315360000, public, immutable"
        assert headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(body)

        # The pages link the hashed names.
        status, _, body = get(f"{base}/accounts/login/")
        assert status == 200
        assert f"/static/{hashed}".encode() in body

        assert server.terminate(seconds=60) == 0
    finally:
        server.kill()

    access = [json.loads(line) for line in server.stdout.splitlines() if line.strip()]
    by_id = {line.get("request_id"): line for line in access}
    assert by_id["probe-1"]["path"] == "/healthz"
    assert by_id["probe-1"]["status"] == 200
    assert by_id["css-1"]["path"] == f"/static/{hashed}"
    assert {"time", "level", "logger", "message", "duration_ms"} <= set(by_id["css-1"])
    # Its own lines too are JSON objects, down to the graceful stop.
    errors = [json.loads(line) for line in server.stderr.splitlines() if line.strip()]
    assert any("Handling signal: term" in line["message"] for line in errors)


def test_each_server_worker_imports_every_page_before_its_first_request(tmp_path):
    """The URL configuration and what the pages load (pandas, scipy: two seconds) are
    imported when a worker starts (gunicorn's post_worker_init), not in someone's first
    request, nor in the first after a worker is replaced."""
    import subprocess
    import sys

    from efficacy.ops.server import Server, warm
    from tests.ops.processes import environment

    assert Server(bind="127.0.0.1:0", workers=1).options["post_worker_init"] is warm
    code = (
        "import sys, django; django.setup(); "
        "assert 'efficacy.analysis.survey' not in sys.modules; "
        "from efficacy.ops.server import warm; warm(); "
        "print('efficacy.analysis.survey' in sys.modules, 'efficacy.api.urls' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], env=environment(tmp_path),
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.stdout.split() == ["True", "True"], done.stderr
