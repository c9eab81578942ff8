#!/usr/bin/env python3
"""Training and probe benchmarks: tx beside PyTorch and scikit-learn, ratios printed.

    python3 bench/learn/run.py TX_BINARY [--threads N] [--epochs N]

- CNN (conv 32 → conv 64 → linear) and MLP (784-256-10) epochs on Fashion-MNIST (Debian's
  dataset-fashion-mnist; skipped when absent) vs PyTorch (skipped when not installed), same
  threads; seconds per epoch as each program times its training loop, test accuracy, and the
  whole process's peak memory (max RSS).
- logreg on the digits vs scikit-learn's LogisticRegression(lbfgs), one thread.
"""
import os, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def measured(cmd, env):
    """Runs cmd; returns (its RESULT lines as dicts, its peak RSS in MiB from wait4)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        p = subprocess.Popen(cmd, stdout=out, stderr=err, text=True, env=env)
        _, status, usage = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0); err.seek(0)
        if p.returncode != 0:
            sys.exit(f"failed: {' '.join(cmd)}\n{err.read()[-600:]}")
        rows = []
        for line in out.read().splitlines():
            if line.startswith("RESULT"):
                fields = dict(kv.split("=", 1) for kv in line.split()[1:] if "=" in kv)
                rows.append(fields | {"name": line.split()[1]})
        return rows, usage.ru_maxrss / 1024


def run(cmd, env):
    return measured(cmd, env)[0]


def have(module):
    return subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True).returncode == 0


def main():
    tx = os.path.abspath(sys.argv[1])
    threads = int(sys.argv[sys.argv.index("--threads") + 1]) if "--threads" in sys.argv else 2
    epochs = int(sys.argv[sys.argv.index("--epochs") + 1]) if "--epochs" in sys.argv else 1
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads))
    print(f"threads {threads}, epochs {epochs}, load average {os.getloadavg()[0]:.2f}")
    if os.path.exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"):
        torch = have("torch")
        print(f"\nFashion-MNIST, batch 128, SGD; peer: {'PyTorch' if torch else 'PyTorch not installed (skipped)'}")
        print(f"{'model':<5} {'tx s/epoch':>11} {'torch':>8} {'ratio':>7} {'tx acc':>7} {'torch':>7} {'tx MiB':>7} {'torch':>7}")
        for kind in ("cnn", "mlp"):
            (t,), tmem = measured([tx, os.path.join(HERE, f"{kind}_epoch.tx"), str(epochs)], env)
            row = f"{kind:<5} {float(t['seconds_per_epoch']):11.2f} "
            if torch:
                (p,), pmem = measured([sys.executable, os.path.join(HERE, "torch_peer.py"), kind, str(epochs), str(threads)], env)
                ratio = float(t["seconds_per_epoch"]) / float(p["seconds_per_epoch"])
                row += f"{float(p['seconds_per_epoch']):8.2f} {ratio:6.2f}x {float(t['test_acc']):7.4f} {float(p['test_acc']):7.4f} "
                row += f"{tmem:7.0f} {pmem:7.0f}"
            else:
                row += f"{'-':>8} {'skip':>7} {float(t['test_acc']):7.4f} {'-':>7} {tmem:7.0f} {'-':>7}"
            print(row, flush=True)
    else:
        print("\nFashion-MNIST not installed (apt-get install dataset-fashion-mnist): training benchmarks skipped")
    one = dict(env, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    print(f"\nlogreg on digits (1797 × 64, l2 = 1/N, 1 thread, best of 5); peer: "
          f"{'scikit-learn' if have('sklearn') else 'scikit-learn not installed (skipped)'}")
    print(f"{'input':<13} {'tx s':>8} {'sklearn':>8} {'ratio':>7} {'tx acc':>7} {'sklearn':>8}")
    txrows = run([tx, os.path.join(HERE, "logreg_digits.tx")], one)
    skrows = run([sys.executable, os.path.join(HERE, "logreg_peer.py")], one) if have("sklearn") else []
    for t in txrows:
        s = next((r for r in skrows if r["name"] == t["name"]), None)
        row = f"{t['name']:<13} {float(t['seconds']):8.4f} "
        if s:
            row += f"{float(s['seconds']):8.4f} {float(t['seconds']) / float(s['seconds']):6.2f}x {float(t['train_acc']):7.4f} {float(s['train_acc']):8.4f}"
        else:
            row += f"{'-':>8} {'skip':>7} {float(t['train_acc']):7.4f}"
        print(row, flush=True)


if __name__ == "__main__":
    main()
