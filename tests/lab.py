"""Run JupyterLab as ``make lab`` does, but isolated and quiet, for ``tests/test_lab.py``.

:func:`jupyter_lab` serves a folder with the book's environment's JupyterLab (and so its
``jupyterlab-myst``) on a free localhost port, with its own config, settings, runtime and
workspace folders (the user's own JupyterLab settings must not change what the test sees),
and without the parts a reader's lab has that the test does not need (nbgrader, the
language server, terminals): on a busy two-core machine they double the start-up time.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

# Server extensions left out of the test's lab; jupyterlab and jupyterlab_myst stay.
SKIPPED_SERVER_EXTENSIONS = [
    "nbgrader.server_extensions.formgrader", "nbgrader.server_extensions.validate_assignment",
    "nbgrader.server_extensions.assignment_list", "nbgrader.server_extensions.course_list",
    "jupyter_lsp", "jupyter_server_terminals", "notebook",
]
SKIPPED_LAB_EXTENSIONS = ["@jupyter/nbgrader", "@jupyter-notebook/lab-extension"]
# User settings: every cell in the page (no windowing, so the test can find the exercises at
# the end of a chapter) and no "would you like news?" prompt over the cells.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False},
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")


@contextlib.contextmanager
def jupyter_lab(root: Path, home: Path, timeout: float = 180.0) -> Iterator[tuple[str, str]]:
    """Serve ``root`` with JupyterLab; yields ``(base_url, token)`` once it answers.

    ``home`` receives the lab's config, settings, runtime and workspace folders and its log
    (``home/lab.log``, quoted in the error when the server does not come up in ``timeout``).
    """
    config, settings = home / "config", home / "settings"
    _write_json(config / "jupyter_server_config.json",
                {"ServerApp": {"jpserver_extensions": {name: False for name in SKIPPED_SERVER_EXTENSIONS}}})
    _write_json(config / "labconfig" / "page_config.json",
                {"disabledExtensions": {name: True for name in SKIPPED_LAB_EXTENSIONS}})
    for name, values in LAB_SETTINGS.items():
        _write_json(settings / name, values)
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(config), "JUPYTERLAB_SETTINGS_DIR": str(settings),
           "JUPYTER_RUNTIME_DIR": str(home / "runtime"), "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
           "OMP_NUM_THREADS": "1"}
    port, token = _free_port(), secrets.token_hex(16)
    log = (home / "lab.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", f"--port={port}",
         "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}"],
        env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                urllib.request.urlopen(f"{base}api/status?token={token}", timeout=5)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"JupyterLab did not start (exit {server.poll()}):\n"
                                       + (home / "lab.log").read_text(errors="replace")[-3000:]) from None
                time.sleep(0.5)
        yield base, token
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
