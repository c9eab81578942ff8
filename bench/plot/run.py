#!/usr/bin/env python3
"""tx against matplotlib (Agg): 800×800 class-coloured scatters of 1,800 / 20,000 /
1,000,000 points saved as PNG, whole process and in-process, with ratios (tx / matplotlib).

    python3 bench/plot/run.py TX_BINARY [--runs N]

Whole process: wall time of `tx scatter.tx N OUT` and `python3 scatter.py N OUT`,
median of N runs (default 5); start-up, imports, data, drawing and PNG writing included.
In-process: each program times its own render + save (first call, and median of 5 more).
matplotlib is skipped when it can't be imported.
"""
import os, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
SIZES = [1800, 20000, 1000000]


def wall(cmd, runs):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        p = subprocess.run(cmd, capture_output=True, text=True)
        times.append(time.perf_counter() - t)
        if p.returncode != 0:
            sys.exit(f"failed: {' '.join(cmd)}\n{p.stderr[:400]}")
    return statistics.median(times)


def inprocess(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{p.stderr[:400]}")
    first, median = map(float, p.stdout.split()[-2:])
    return first, median


def main():
    tx = os.path.abspath(sys.argv[1])
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 5
    try:
        import matplotlib
        mpl = f"matplotlib {matplotlib.__version__}"
    except ImportError:
        mpl = None
    out = tempfile.mkdtemp(prefix="tx-bench-plot-")
    txs, pys = os.path.join(HERE, "scatter.tx"), os.path.join(HERE, "scatter.py")
    print(f"800x800 scatter -> PNG; peer: {mpl or 'matplotlib not installed (skipped)'}; "
          f"load average {os.getloadavg()[0]:.2f}")
    print(f"\nwhole process (median of {runs}, seconds)")
    print(f"{'points':>9} {'tx':>8} {'mpl':>8} {'ratio':>7}")
    for n in SIZES:
        t = wall([tx, txs, str(n), f"{out}/tx_{n}.png"], runs)
        row = f"{n:>9} {t:8.3f} "
        if mpl:
            m = wall([sys.executable, pys, str(n), f"{out}/mpl_{n}.png"], runs)
            row += f"{m:8.3f} {t / m:6.3f}x"
        else:
            row += f"{'-':>8} {'skip':>7}"
        print(row, flush=True)
    print("\nin-process render + save (seconds: first call / median of 5 more)")
    print(f"{'points':>9} {'tx first':>9} {'tx':>8} {'mpl first':>10} {'mpl':>8} {'ratio':>7}")
    for n in SIZES:
        f, t = inprocess([tx, txs, str(n), f"{out}/tx_{n}.png", "5"])
        row = f"{n:>9} {f:9.3f} {t:8.3f} "
        if mpl:
            mf, m = inprocess([sys.executable, pys, str(n), f"{out}/mpl_{n}.png", "5"])
            row += f"{mf:10.3f} {m:8.3f} {t / m:6.3f}x"
        else:
            row += f"{'-':>10} {'-':>8} {'skip':>7}"
        print(row, flush=True)
    print(f"\n(ratio = tx / matplotlib; below 1 means tx is faster; PNGs in {out})")


if __name__ == "__main__":
    main()
