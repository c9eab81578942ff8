#!/usr/bin/env python3
"""The plot benchmark's scene with matplotlib (Agg), as scatter.tx draws it in tx.

    python3 scatter.py N OUT            one render + save (timed from outside, whole process)
    python3 scatter.py N OUT REPEATS    prints "first median" seconds of render + save in-process
                                        (imports excluded)

N points in ten classes: class k's centre is 10 (cos 2πk/10, sin 2πk/10), plus N(0, 1.5²)
noise; an 800×800 PNG (8×8 in at 100 dpi), tab10 colours, markers s=4 without edges, a title.
"""
import statistics, sys, time

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np


def render(n, out):
    rng = np.random.default_rng(0)
    lab = np.arange(n) % 10
    ang = 2 * np.pi * lab / 10
    x = 10 * np.cos(ang) + rng.normal(0, 1.5, n)
    y = 10 * np.sin(ang) + rng.normal(0, 1.5, n)
    fig, ax = plt.subplots(figsize=(8, 8), dpi=100)
    ax.scatter(x, y, c=lab, cmap="tab10", s=4, linewidths=0)
    ax.set_title(f"{n} points")
    fig.savefig(out, dpi=100)
    plt.close(fig)


def timed(n, out):
    t = time.perf_counter()
    render(n, out)
    return time.perf_counter() - t


if __name__ == "__main__":
    n, out = int(sys.argv[1]), sys.argv[2]
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    if repeats == 0:
        render(n, out)
    else:
        first = timed(n, out)
        print(first, statistics.median(timed(n, out) for _ in range(repeats)))
