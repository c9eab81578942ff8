#!/usr/bin/env python3
"""Statistics and PCA: tx beside SciPy and scikit-learn in one run, ratios printed.

    python3 bench/stats/bench.py [--tx .build/release/tx]

Data as ../shared/peers/bench_stats.py and bench_pca_logreg.py: x, y = rng(0) standard normals,
y = 0.5 x + noise, n = 1,000,000 and n = 16 (rounded to float32, the precision tx reads);
PCA input rng(0).standard_normal((20000, 784), float32). Times: median of 5 calls (bootstrap,
PCA: 3) after one warm-up, inside each process. Goals (issue 6): Spearman, Kendall ≤ 0.5×
SciPy; bootstrap ≤ 1.0× SciPy's vectorised bootstrap; PCA ≤ 1.0× scikit-learn.
A peer that is not installed is skipped.
"""
import argparse, os, statistics, subprocess, sys, tempfile, time
ap = argparse.ArgumentParser()
ap.add_argument("--tx", default=".build/release/tx")
args = ap.parse_args()
for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[v] = "2"
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def data(n):
    rng = np.random.default_rng(0)
    x = rng.standard_normal(n)
    y = 0.5 * x + rng.standard_normal(n)
    return x.astype(np.float32).astype(np.float64), y.astype(np.float32).astype(np.float64)


def median_time(f, runs):
    f()
    ts = []
    for _ in range(runs):
        t0 = time.perf_counter(); f(); ts.append(time.perf_counter() - t0)
    return statistics.median(ts)


def peers(x, y, a, b, m):
    out = {}
    try:
        from scipy import stats
        out["spearman_1m"] = (median_time(lambda: stats.spearmanr(x, y), 5), "SciPy spearmanr", 0.5)
        out["kendall_1m"] = (median_time(lambda: stats.kendalltau(x, y), 5), "SciPy kendalltau", 0.5)

        def spear_vec(u, v, axis=-1):
            ru = stats.rankdata(u, axis=axis); rv = stats.rankdata(v, axis=axis)
            ru = ru - ru.mean(axis=axis, keepdims=True); rv = rv - rv.mean(axis=axis, keepdims=True)
            return (ru * rv).sum(axis=axis) / np.sqrt((ru * ru).sum(axis=axis) * (rv * rv).sum(axis=axis))
        out["bootstrap_spearman_16"] = (median_time(lambda: stats.bootstrap(
            (a, b), spear_vec, paired=True, vectorized=True, n_resamples=10000, rng=0), 3),
            "SciPy bootstrap (vectorised, BCa)", 1.0)
    except ImportError:
        print("SciPy not installed: its rows are skipped")
    try:
        from sklearn.decomposition import PCA
        out["pca_20000x784_50"] = (median_time(lambda: PCA(n_components=50, random_state=0).fit_transform(m), 3),
                                   "scikit-learn PCA (auto: covariance_eigh)", 1.0)
    except ImportError:
        print("scikit-learn not installed: its row is skipped")
    return out


def main():
    x, y = data(1_000_000)
    a, b = data(16)
    m = np.random.default_rng(0).standard_normal((20000, 784), dtype=np.float32)
    print(f"# load average before: {os.getloadavg()}", flush=True)
    with tempfile.TemporaryDirectory() as d:
        for name, v in (("x1m", x), ("y1m", y), ("x16", a), ("y16", b), ("pca", m)):
            np.save(os.path.join(d, name + ".npy"), v.astype(np.float32))
        r = subprocess.run([args.tx, os.path.join(HERE, "stats.tx"), d], capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit("tx failed: " + r.stderr.strip())
        tx = {}
        for line in r.stdout.splitlines():
            name, t, v = line.split()[:3]
            tx[name] = (float(t), v)
        ref = peers(x, y, a, b, m)
    print(f"{'benchmark':24} {'tx s':>9} {'peer s':>9} {'tx/peer':>8} {'goal':>6}  peer")
    for name, (t, v) in tx.items():
        if name in ref:
            pt, label, goal = ref[name]
            ratio = t / pt
            print(f"{name:24} {t:9.4f} {pt:9.4f} {ratio:8.3f} {'≤' + str(goal):>6}  {label}"
                  f"  {'met' if ratio <= goal else 'missed'}")
        else:
            print(f"{name:24} {t:9.4f}")
    print(f"# load average after: {os.getloadavg()}", flush=True)


if __name__ == "__main__":
    main()
