#!/usr/bin/env python3
"""Data loading beside NumPy: Fashion-MNIST .gz and a 100 MB .npy. Prints seconds and tx / numpy.

Usage: compare.py TX_BINARY. NumPy is skipped when it is not installed.
"""
import os, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))

def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        print(f"  {' '.join(cmd)} failed: {p.stderr.strip()[:300]}")
        return {}
    return {k: float(v) for k, v in (line.split() for line in p.stdout.splitlines() if line.strip())}

def main():
    tx = os.path.abspath(sys.argv[1])
    try:
        import numpy  # noqa: F401
        have_numpy = True
    except ImportError:
        have_numpy = False
    print("data loading (best of 3, seconds; ratio = tx / numpy, below 1 means tx is faster)")
    for bench in ["fmnist", "npy"]:
        ours = run([tx, os.path.join(HERE, bench + ".tx")])
        theirs = run([sys.executable, os.path.join(HERE, bench + ".py")]) if have_numpy else {}
        for key, t in ours.items():
            if key in theirs:
                print(f"{key:<10} tx {t:8.4f}  numpy {theirs[key]:8.4f}  ratio {t / theirs[key]:.2f}x")
            else:
                print(f"{key:<10} tx {t:8.4f}  numpy: skipped (not installed)")

if __name__ == "__main__":
    main()
