"""Run every benchmark: `make bench` (python -m bench).

Each benchmark compares with a baseline measured in the same run, because
timings on a shared machine are noisy; ratios are what the targets are about.
The email benchmark needs Postgres and Redis (see bench/email_relay.py).
"""

import subprocess
import sys

BENCHMARKS = [
    ["bench.pages"],
    ["bench.applicant"],
    ["bench.ranking"],
    ["bench.email_relay"],
]


def main():
    failed = []
    for module, *args in BENCHMARKS:
        print(f"\n== {module}", flush=True)
        if subprocess.run([sys.executable, "-m", module, *args], check=False).returncode:
            failed.append(module)
    if failed:
        print(f"\nmissed their targets or failed: {', '.join(failed)}")
        return 1
    print("\nevery benchmark met its target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
