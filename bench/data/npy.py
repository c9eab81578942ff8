# Writes and reads a 100 MB float32 .npy (25M values) with NumPy; best of 3, seconds each.
import time
import numpy as np

x = np.random.default_rng(1).random((5000, 5000), dtype=np.float32)
path = "/tmp/py-bench-100mb.npy"
w = r = 1e9
for _ in range(3):
    t = time.perf_counter(); np.save(path, x); w = min(w, time.perf_counter() - t)
    t = time.perf_counter(); np.load(path); r = min(r, time.perf_counter() - t)
print(f"npy_write {w:.4f}")
print(f"npy_read {r:.4f}")
