#!/usr/bin/env python3
"""How long `compose run` takes on the composed componentize-py seed (~36 MB), without and
with wasmtime's compilation cache.

    .venv/bin/python scripts/bench_run.py [--repeat N]

Prints the wall time of each run of the whole `compose run` process (start-up, reading,
compiling or loading compiled code from the cache, running). The first cached run may have
to fill the cache; the following ones are what a Makefile's second `compose run` costs.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT))


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode:
        sys.exit(f"{' '.join(cmd)} failed:\n{proc.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="cached runs to time (default 3)")
    args = parser.parse_args()

    import build_fixtures as bf
    from composer.link.compose import compose

    built = bf.build_all(ROOT / "fixtures" / "build", ["cpy-seed-app", "cpy-seed-ops"],
                         componentize_py=True)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "seed-composed.wasm"
        out.write_bytes(compose(built["cpy-seed-app"], [built["cpy-seed-ops"]]).data)
        size = out.stat().st_size
        compose_cmd = [sys.executable, "-m", "composer", "run", str(out)]
        uncached = timed([*compose_cmd, "--no-cache"])
        first = timed(compose_cmd)
        cached = [timed(compose_cmd) for _ in range(args.repeat)]
    print(f"composed componentize-py seed: {size / 1e6:.1f} MB")
    print(f"compose run --no-cache (compiles):      {uncached:6.2f} s")
    print(f"compose run, first with the cache:       {first:6.2f} s")
    print(f"compose run, cached (median of {args.repeat}):      {statistics.median(cached):6.2f} s"
          f"  (min {min(cached):.2f} s)")


if __name__ == "__main__":
    main()
