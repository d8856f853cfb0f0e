"""Time `seed_demo` on a fresh PostgreSQL database. Run by hand; write the figures to docs/performance.md.

    .venv/bin/python benchmarks/seed_demo.py --organisations 100000

Uses BENCHMARK_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/crm_benchmark); the database is dropped
and created again, so never point it at data you want to keep.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import psycopg

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--organisations", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    url = os.environ.get("BENCHMARK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/crm_benchmark")
    name = urlparse(url).path.lstrip("/")
    server = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')

    env = {**os.environ, "DATABASE_URL": url}
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    for run in ("first run", "second run (idempotent)"):
        started = time.monotonic()
        subprocess.run(
            [*manage, "seed_demo", f"--organisations={args.organisations}", f"--seed={args.seed}"],
            cwd=ROOT, env=env, check=True,
        )  # fmt: skip
        print(f"{run}: {time.monotonic() - started:.1f} s wall clock")


if __name__ == "__main__":
    main()
