"""Memory of one bot process serving one town, and one or two towns of a tenants file.

Each town is a copy of the knowledge base (default: the sample town) with its own copy of one
index build, so the towns are alike and the difference is what a town costs: its searcher
(FAISS, BM25, chunk store), directory, task vectors and state. The embedding model is loaded
once per process whatever the number of towns.

    python bench/tenants_memory.py                    # sample town, builds one index (e5)
    python bench/tenants_memory.py --kb path/to/kb --json

Prints RSS (resident memory after start-up and one question per town) and the peak (VmHWM).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
QUESTION = "Wer kümmert sich um die Hundesteuer?"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kb", type=Path, default=ROOT / "knowledge_base")
    parser.add_argument("--work", type=Path, help="folder for the towns (default: a temp dir)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="wl-tenants-mem-"))
    towns = prepare(args.kb, work, count=2)
    rows = [measure(work, towns[:n], single=(n == 0)) for n in (0, 1, 2)]
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        for row in rows:
            print(f"{row['setup']:<28} RSS {row['rss_mb']:7.1f} MB   peak {row['peak_mb']:7.1f} MB")
        print(f"second town adds {rows[2]['rss_mb'] - rows[1]['rss_mb']:.1f} MB; "
              f"the tenants file itself adds {rows[1]['rss_mb'] - rows[0]['rss_mb']:.1f} MB")
    return 0


def prepare(kb: Path, work: Path, count: int) -> list[dict[str, Any]]:
    first = work / "t1"
    if not (first / "index" / "CURRENT").is_file():
        shutil.copytree(kb, first / "kb", dirs_exist_ok=True)
        subprocess.run([sys.executable, "-m", "indexer", "build", "--kb", str(first / "kb"),
                        "--index", str(first / "index")], check=True, cwd=ROOT,
                       preexec_fn=lambda: os.nice(10))  # noqa: PLW1509
    towns = []
    for n in range(1, count + 1):
        folder = work / f"t{n}"
        if n > 1 and not folder.exists():
            shutil.copytree(first, folder, ignore=shutil.ignore_patterns("var"))
        towns.append({"id": f"t{n}", "name": f"Stadt {n}", "teams_tenant_id": f"tenant-{n}",
                      "web_path": f"/stadt/t{n}/", "kb_dir": str(folder / "kb"),
                      "index_dir": str(folder / "index"), "state_dir": str(folder / "var")})
    return towns


def measure(work: Path, towns: list[dict[str, Any]], single: bool) -> dict[str, Any]:
    import yaml

    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("WISSENSLOTSE_")}
    env.update(WISSENSLOTSE_STATE_DB=str(work / "var" / "state.sqlite"), PYTHONPATH=str(ROOT))
    command = [sys.executable, "-m", "bot", "serve", "--local", "--port", str(port)]
    if single:
        command += ["--kb", str(work / "t1" / "kb"), "--index", str(work / "t1" / "index")]
        env["WISSENSLOTSE_STATE_DB"] = str(work / "t1" / "var" / "state.sqlite")
        paths = ["/"]
    else:
        tenants = work / f"tenants-{len(towns)}.yaml"
        tenants.write_text(yaml.safe_dump({"towns": towns}), encoding="utf-8")
        env["WISSENSLOTSE_TENANTS_FILE"] = str(tenants)
        paths = [t["web_path"] for t in towns]
    process = subprocess.Popen(command, cwd=work, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_healthy(base, process)
        for path in paths:
            _ask(base + path)
        status = _status(process.pid)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(30)
    setup = "one town (no tenants file)" if single else f"tenants file, {len(towns)} town(s)"
    return {"setup": setup, "towns": max(1, len(towns)), "rss_mb": status["VmRSS"] / 1024,
            "peak_mb": status["VmHWM"] / 1024}


def _wait_healthy(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the bot ended with {process.returncode}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5) as response:
                if json.load(response).get("status") == "ok":
                    return
        except OSError:
            pass
        time.sleep(1)
    raise SystemExit("the bot did not become healthy")


def _ask(chat: str) -> None:
    body = json.dumps({"session": "mem", "text": QUESTION}).encode()
    request = urllib.request.Request(chat + "api/chat", body,
                                     {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        response.read()


def _status(pid: int) -> dict[str, int]:
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            values[name] = int(rest.split()[0])  # kB
    return values


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


if __name__ == "__main__":
    sys.exit(main())
