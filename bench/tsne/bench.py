#!/usr/bin/env python3
"""t-SNE: tx beside openTSNE and scikit-learn in one run, ratios printed.

    python3 bench/tsne/bench.py [--tx .build/release/tx] [--runs 2] [--sets digits,gmm10k,gmm20k,fashion]

Settings as ../shared/peers/bench_tsne.py: 2-D, perplexity 30, 1000 iterations (250 at
exaggeration 12), PCA init, learning rate auto, θ 0.5, 2 threads, seed 0. Timed: the fit
only (tx: time() around tsne() inside the tx process; peers: around fit). KL: each
library's own; "KL ref": KL of the embedding under one common P (tsne_quality.py in
../shared/peers, when present). Trustworthiness (k = 10) for digits. A peer that is not
installed is skipped. Best (lowest) time of --runs runs is reported.
"""
import argparse, os, subprocess, sys, tempfile, time
ap = argparse.ArgumentParser()
ap.add_argument("--tx", default=".build/release/tx")
ap.add_argument("--runs", type=int, default=1)
ap.add_argument("--sets", default="digits,gmm10k,gmm20k,fashion")
ap.add_argument("--peers", default="opentsne,sklearn")
args = ap.parse_args()
for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[v] = "2"
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
PEERS = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "peers"))
DATA = os.path.join(PEERS, "data")
sys.path.insert(0, PEERS)
try:
    import tsne_quality as tq
except Exception:
    tq = None


def tx_run(xpath, method):
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "emb.npy")
        r = subprocess.run([args.tx, os.path.join(HERE, "embed.tx"), xpath, out, method],
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(r.stderr.strip())
        t, kl = map(float, r.stdout.split())
        return np.load(out).astype(np.float64), t, kl


def opentsne_run(X, method):
    from openTSNE import TSNE
    m = TSNE(n_components=2, perplexity=30, learning_rate="auto", early_exaggeration_iter=250,
             early_exaggeration=12, n_iter=750, initialization="pca", negative_gradient_method=method,
             theta=0.5, n_jobs=2, random_state=0, verbose=False)
    t0 = time.perf_counter(); E = m.fit(X); t = time.perf_counter() - t0
    return np.asarray(E), t, float(E.kl_divergence)


def sklearn_run(X, method):
    from sklearn.manifold import TSNE
    m = TSNE(n_components=2, perplexity=30, early_exaggeration=12, learning_rate="auto", max_iter=1000,
             init="pca", method=method, angle=0.5, n_jobs=2, random_state=0)
    t0 = time.perf_counter(); Y = m.fit_transform(X); t = time.perf_counter() - t0
    return Y, t, float(m.kl_divergence_)


def installed(mod):
    try:
        __import__(mod); return True
    except Exception:
        return False


def main():
    sets = args.sets.split(",")
    peers = args.peers.split(",")
    print(f"# load average before: {os.getloadavg()}", flush=True)
    print(f"{'data':8} {'impl':14} {'time s':>8} {'KL':>7} {'KL ref':>7} {'trust':>7} {'10-NN':>6}  tx/peer")
    for name in sets:
        if name == "fashion":
            continue
        xpath = os.path.join(DATA, f"{name}_X.npy")
        if not os.path.exists(xpath):
            print(f"{name}: {xpath} missing, skipped"); continue
        X = np.load(xpath).astype(np.float64)
        y = np.load(os.path.join(DATA, f"{name}_y.npy"))
        small = X.shape[0] < 5000
        impls = [("tx bh", lambda: tx_run(xpath, "bh")), ("tx fft", lambda: tx_run(xpath, "fft"))]
        if small:
            impls.insert(0, ("tx auto", lambda: tx_run(xpath, "auto")))
            if "opentsne" in peers and installed("openTSNE"):
                impls.append(("openTSNE bh", lambda: opentsne_run(X, "bh")))
            if "sklearn" in peers and installed("sklearn"):
                impls.append(("sklearn bh", lambda: sklearn_run(X, "barnes_hut")))
        elif "opentsne" in peers and installed("openTSNE"):
            impls.append(("openTSNE fft", lambda: opentsne_run(X, "fft")))
        rows = []
        for label, f in impls:
            best = None
            for _ in range(args.runs):
                Y, t, kl = f()
                if best is None or t < best[1]:
                    best = (Y, t, kl)
            Y, t, kl = best
            ref = tq.kl_ref(X, Y, 30.0) if tq else float("nan")
            trust = tq.trustworthiness(X, Y, 10) if (tq and small) else float("nan")
            knn = tq.knn_loo_acc(Y, y, 10) if tq else float("nan")
            rows.append((label, t, kl, ref, trust, knn))
        peer_rows = [r for r in rows if not r[0].startswith("tx")]
        fastest = min(peer_rows, key=lambda r: r[1]) if peer_rows else None
        for label, t, kl, ref, trust, knn in rows:
            ratio = f"{t / fastest[1]:.3f}x vs {fastest[0]}" if fastest and label.startswith("tx") else ""
            print(f"{name:8} {label:14} {t:8.2f} {kl:7.3f} {ref:7.3f} {trust:7.4f} {knn:6.3f}  {ratio}", flush=True)
    if "fashion" in sets:
        d = "/usr/share/datasets/fashion-mnist"
        if not os.path.exists(d):
            print("fashion: dataset not installed, skipped"); return
        r = subprocess.run([args.tx, os.path.join(HERE, "fashion.tx"), d], capture_output=True, text=True)
        if r.returncode != 0:
            print("fashion: tx failed:", r.stderr.strip()); return
        tp, te, kl = map(float, r.stdout.split())
        print(f"fashion  tx (70000, PCA-50 {tp:.2f} s) t-SNE {te:.2f} s, KL {kl:.3f}  goal < 120 s: {'met' if te < 120 else 'missed'}")
    print(f"# load average after: {os.getloadavg()}", flush=True)


if __name__ == "__main__":
    main()
