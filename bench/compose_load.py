"""Load on compose.yaml's deployment without Docker: two replicas behind nginx vs one replica.

Runs the services as tests/deploy does (the index job's and the replicas' exact commands and
environment, nginx with deploy/nginx.conf), on a copy of the sample town, then
``bench/http_load.py --url`` against the proxy and, in the same run, against replica 1 alone
(replica 2 idles). Reports p50/p95, errors and the ratio. Needs nginx.

  nice python bench/compose_load.py --users 20 --count 200
  nice python bench/compose_load.py --state-url postgresql://... # state in PostgreSQL
  nice python bench/compose_load.py --postgres   # a private cluster (tests/postgres.py)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from http_load import QUESTIONS, remote_load  # noqa: E402

from tests.deploy.compose import Deployment  # noqa: E402

TOKEN = "web-chat-token-of-the-load-run"
VARIABLES = {
    "POSTGRES_PASSWORD": "load-run", "MicrosoftAppId": "00000000-0000-0000-0000-00000000c0de",
    "MicrosoftAppPassword": "not-a-real-secret", "WISSENSLOTSE_WEB_CHAT_TOKEN": TOKEN,
    "WISSENSLOTSE_REPORT_SECRET": "r" * 40, "WISSENSLOTSE_AUTO_REINDEX": "off",
}


def run(args: argparse.Namespace) -> dict[str, Any]:
    root = Path(tempfile.mkdtemp(prefix="wl-compose-load-"))
    root.chmod(0o755)
    deployment = Deployment(root, args.state_url, VARIABLES)
    shutil.copytree(args.kb, deployment.folders["knowledge"], dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("fragen.jsonl"))
    if args.seed_index:  # an index of the same knowledge base: the job then only checks it
        shutil.copytree(args.seed_index, deployment.folders["var"] / "index")
    try:
        job = deployment.run_job("indexer")
        if job.returncode != 0:
            raise SystemExit(f"index job failed: {job.stderr[-2000:]}")
        replicas = {name: deployment.start_replica(name) for name in ("bot-1", "bot-2")}
        proxy = deployment.start_proxy(replicas)
        for url in (*replicas.values(),):  # warm-up: lazy loading is not what is measured
            asyncio.run(remote_load(url, TOKEN, QUESTIONS, 2, 2 * len(QUESTIONS), 0))

        def load(url: str) -> dict[str, Any]:
            return asyncio.run(remote_load(url, TOKEN, QUESTIONS, args.users, args.count, 0))

        report: dict[str, Any] = {"users": args.users, "count": args.count,
                                  "cpus": len(os.sched_getaffinity(0)),
                                  "state": "postgresql" if args.state_url else "sqlite",
                                  "load_average_before": os.getloadavg()}
        # alternating rounds: the machine's other load drifts, both setups see the same drift
        setups = [("two_replicas_behind_proxy", proxy), ("one_replica_direct", replicas["bot-1"])]
        for round_number in range(args.repeat):
            for name, url in setups if round_number % 2 == 0 else setups[::-1]:
                result = load(url)
                result["load_average_1min"] = round(os.getloadavg()[0], 1)
                report.setdefault(name, []).append(result)
        two = [r["p95_ms"] for r in report["two_replicas_behind_proxy"] if r.get("p95_ms")]
        one = [r["p95_ms"] for r in report["one_replica_direct"] if r.get("p95_ms")]
        if two and one and len(two) == len(one):
            report["p95_two_over_one"] = [round(a / b, 2) for a, b in zip(two, one, strict=True)]
        return report
    finally:
        deployment.stop()
        shutil.rmtree(root, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kb", type=Path, default=ROOT / "knowledge_base")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--state-url", help="PostgreSQL for the replicas' state")
    parser.add_argument("--postgres", action="store_true",
                        help="start a private PostgreSQL cluster (tests/postgres.py) for it")
    parser.add_argument("--repeat", type=int, default=2, help="alternating rounds")
    parser.add_argument("--seed-index", type=Path,
                        help="copy this index of --kb into the volume first (saves the build)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if args.postgres:
        from tests.postgres import PostgresCluster, require_postgres_bin

        cluster = PostgresCluster(require_postgres_bin()).start()
        try:
            args.state_url = cluster.create_database()
            report = run(args)
        finally:
            cluster.stop()
    else:
        report = run(args)
    text = json.dumps(report, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
