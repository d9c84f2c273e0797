"""Time qmark's fixed start-up cost: `qmark assess TINY --json OUT` on a one-paragraph Markdown
report, and `qmark --version`, each in a fresh process. Prints the median wall time of several
runs (not the best: the machine is shared), then where one run's time goes, measured inside a
child process: imports, building the engine, assessing and writing the JSON.

    python benchmarks/bench_startup.py [--runs 7]

The goal (issue 14) is `qmark assess` under 0.25 s. Run twice if the first run wrote bytecode.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TINY = "# Review\n\n1.1 The school saw the child. The nurse did not visit because the caseload was high.\n"

# Run in the child: the same steps as `qmark assess TINY --json OUT`, timed one by one.
BREAKDOWN = """
import json, sys, time
t0 = time.perf_counter()
from qmark.cli import build_parser
from qmark.engine import Engine
from qmark.render import content, jsonout, terminal
t1 = time.perf_counter()
engine = Engine.from_profile(None)
t2 = time.perf_counter()
a = engine.assess(sys.argv[1])
t3 = time.perf_counter()
jsonout.write(a, sys.argv[2])
content.build(a, engine.profile)
t4 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "engine": t2 - t1, "assess": t3 - t2, "write": t4 - t3}))
"""


def _wall(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7, help="fresh processes per figure (default 7)")
    args = ap.parse_args()
    qmark = [sys.executable, "-c", "import sys; from qmark.cli import main; sys.exit(main())"]
    with tempfile.TemporaryDirectory() as tmp:
        tiny, out = Path(tmp) / "tiny.md", Path(tmp) / "tiny.json"
        tiny.write_text(TINY, encoding="utf-8")
        subprocess.run([*qmark, "assess", str(tiny), "--json", str(out)], check=True, stdout=subprocess.DEVNULL)  # warm caches
        print(f"median wall time of {args.runs} fresh processes")
        print(f"  python -c pass              {_wall([sys.executable, '-c', 'pass'], args.runs):6.3f} s")
        print(f"  qmark --version             {_wall([*qmark, '--version'], args.runs):6.3f} s")
        print(f"  qmark assess TINY --json    {_wall([*qmark, 'assess', str(tiny), '--json', str(out)], args.runs):6.3f} s")
        parts = [
            json.loads(
                subprocess.run([sys.executable, "-c", BREAKDOWN, str(tiny), str(out)], check=True, capture_output=True, text=True).stdout
            )
            for _ in range(args.runs)
        ]
    print("inside one process (median of each step)")
    for step in ("import", "engine", "assess", "write"):
        print(f"  {step:<8} {statistics.median(p[step] for p in parts):6.3f} s")


if __name__ == "__main__":
    main()
