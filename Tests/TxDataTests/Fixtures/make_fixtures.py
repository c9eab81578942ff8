#!/usr/bin/env python3
"""Writes the small .npy fixtures NumPyTests reads (run once with NumPy; the
files are committed). Each holds values the test recomputes by formula, on
non-square shapes, so a row/column (C/Fortran) or byte-order mix-up changes
the result."""
import os
import numpy as np
from numpy.lib import format as npformat

here = os.path.dirname(os.path.abspath(__file__))

def save(name, a, version=None):
    with open(os.path.join(here, name), "wb") as f:
        npformat.write_array(f, a, version=version, allow_pickle=False)

i, j = np.meshgrid(np.arange(3), np.arange(4), indexing="ij")
grid = 10 * i + j                                     # a[i, j] = 10 i + j, shape (3, 4)
save("f4_c.npy", (grid + 0.5).astype("<f4"))
save("f8_big_fortran.npy", np.asfortranarray((grid + 0.25).astype(">f8")))
i3, j3, k3 = np.meshgrid(np.arange(2), np.arange(3), np.arange(4), indexing="ij")
save("i4_fortran_3d.npy", np.asfortranarray((100 * i3 + 10 * j3 + k3).astype("<i4")))
save("i1.npy", np.array([-128, -1, 0, 127], dtype="i1"))
save("i2_big.npy", np.array([-300, 1, 32767], dtype=">i2"))
save("i8.npy", np.array([-5, 2**40], dtype="<i8"))
save("u1.npy", np.array([[0, 255, 7]], dtype="u1"))
save("u2_big.npy", np.array([65535, 256], dtype=">u2"))
save("u4.npy", np.array([4000000000, 3], dtype="<u4"))
save("u8_big.npy", np.array([1, 2**53], dtype=">u8"))
save("b1.npy", np.array([True, False, True], dtype="?"))
save("f2.npy", np.array([0.5, -2, 65504], dtype="<f2"))
save("scalar.npy", np.array(3.5, dtype="<f8"))
save("empty.npy", np.zeros((0, 3), dtype="<f4"))
save("v2.npy", (grid + 0.5).astype("<f4"), version=(2, 0))
save("v3_big_fortran.npy", np.asfortranarray(grid.astype(">i8")), version=(3, 0))
for name in sorted(os.listdir(here)):
    if name.endswith(".npy"):
        print(name, os.path.getsize(os.path.join(here, name)))
