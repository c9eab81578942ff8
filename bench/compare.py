#!/usr/bin/env python3
"""Runs tx beside its peers and prints times and ratios (tx / peer).

Whole-process wall time, best of N runs (start-up included for everyone).
A peer that is not installed is skipped. Usage: compare.py TX_BINARY [--runs N]
"""
import os, resource, shutil, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
# Best CPU time (user + sys) of the last best_time call's command: on a
# loaded machine wall time mostly measures waiting for a core; CPU time much less.
last_cpu = None

def best_time(cmd, runs):
    global last_cpu
    best, out, last_cpu = float("inf"), "", float("inf")
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        p = subprocess.run(cmd, capture_output=True, text=True)
        dt = time.perf_counter() - t
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if p.returncode != 0:
            return None, p.stderr.strip()[:200]
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        best, out, last_cpu = min(best, dt), p.stdout.strip(), min(last_cpu, cpu)
    return best, out

def main():
    tx = os.path.abspath(sys.argv[1])
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 3
    peers = [("python3", shutil.which("python3"), ".py"), ("lua5.4", shutil.which("lua5.4"), ".lua")]
    print(f"interpreter (best of {runs}, whole process, seconds)")
    print(f"{'benchmark':<10} {'tx':>8} " + " ".join(f"{name:>9} {'ratio':>6}" for name, _, _ in peers))
    cpu_rows = []
    for bench in ["fib27", "fib32", "loop", "listdict"]:
        t_tx, out_tx = best_time([tx, os.path.join(HERE, "interp", bench + ".tx")], runs)
        c_tx = last_cpu
        row = f"{bench:<10} {t_tx:8.3f} " if t_tx else f"{bench:<10} {'fail':>8} "
        cpu_row = f"{bench:<10} {c_tx:8.3f} " if t_tx else f"{bench:<10} {'fail':>8} "
        for name, exe, ext in peers:
            if not exe:
                row += f"{'-':>9} {'skip':>6} "
                cpu_row += f"{'-':>9} {'skip':>6} "
                continue
            t, out = best_time([exe, os.path.join(HERE, "interp", bench + ext)], runs)
            if t is None or t_tx is None:
                row += f"{'fail':>9} {'-':>6} "
                cpu_row += f"{'fail':>9} {'-':>6} "
                continue
            same = "" if out == out_tx else "!"
            row += f"{t:9.3f} {t_tx / t:5.2f}x{same}"
            cpu_row += f"{last_cpu:9.3f} {c_tx / max(last_cpu, 1e-9):5.2f}x{same}"
        print(row)
        cpu_rows.append(cpu_row)
    print("(ratio = tx time / peer time; below 1 means tx is faster; '!' marks a different answer)")
    print(f"\nthe same runs, best CPU time (user + sys, seconds)")
    print("\n".join(cpu_rows))

    t_tx, _ = best_time([tx, "-e", "1"], 10)
    t_py, _ = best_time([sys.executable, "-c", "pass"], 10)
    print(f"\nstart-up: tx -e 1 {t_tx * 1000:.1f} ms, python3 -c pass {t_py * 1000:.1f} ms ({t_tx / t_py:.2f}x)")

    print("\nGEMM float32 (GFLOP/s, higher is better)")
    p = subprocess.run([tx, os.path.join(HERE, "gemm.tx")], capture_output=True, text=True)
    ours = dict(line.split() for line in p.stdout.split("\n") if line.strip())
    theirs = {}
    try:
        import numpy  # noqa: F401
        q = subprocess.run([sys.executable, os.path.join(HERE, "gemm.py")], capture_output=True, text=True)
        theirs = dict(line.split() for line in q.stdout.split("\n") if line.strip())
    except ImportError:
        pass
    for n in ["1024", "2048", "4096"]:
        o = float(ours.get(n, "nan"))
        t = float(theirs[n]) if n in theirs else None
        tail = f"  numpy {t:7.1f}  ratio {o / t:.2f}x" if t else "  numpy: not installed"
        print(f"{n:>5}: tx {o:7.1f}{tail}")

if __name__ == "__main__":
    main()
