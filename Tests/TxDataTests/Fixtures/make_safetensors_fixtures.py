#!/usr/bin/env python3
"""Writes the .safetensors fixtures SafetensorsTests reads (run once with
PyTorch and the safetensors package; the outputs are committed).

- st_dtypes.safetensors: one tensor per dtype the reader accepts, holding edge
  values (subnormals, infinities, NaN, the extremes of each integer type), and
  st_dtypes_expected.npz: the same tensors as float32, converted by PyTorch.
- st_reference.safetensors: float32 tensors whose values the test recomputes by
  formula, written by the reference implementation, so the test can compare
  tx's writer byte for byte."""
import os
import numpy as np
import torch
from safetensors.torch import save_file
from safetensors.numpy import save_file as save_numpy

here = os.path.dirname(os.path.abspath(__file__))

floats = [0.0, -0.0, 1.0, -2.5, 65504.0, 6.103515625e-05, 5.960464477539063e-08, 1e-3,
          float("inf"), float("-inf"), float("nan")]
tensors = {
    "f16": torch.tensor(floats, dtype=torch.float16),
    "bf16": torch.tensor(floats + [3.0e38, 9.2e-41], dtype=torch.bfloat16),
    "f32": torch.tensor([[1.5, -2.25, 1e-45], [3.4e38, float("inf"), float("nan")]], dtype=torch.float32),
    "f64": torch.tensor([0.1, -1e300, 1e-300, 2.0 ** -149], dtype=torch.float64),
    "i8": torch.tensor([-128, -1, 0, 127], dtype=torch.int8),
    "u8": torch.tensor([[0, 255], [7, 128]], dtype=torch.uint8),
    "i16": torch.tensor([-32768, 300, 32767], dtype=torch.int16),
    "i32": torch.tensor([-2147483648, 16777217, 2147483647], dtype=torch.int32),
    "i64": torch.tensor([-(2 ** 63), 5, 2 ** 40, 2 ** 63 - 1], dtype=torch.int64),
    "bool": torch.tensor([True, False, True]),
    "f8_e4m3": torch.tensor([0.0, -1.5, 448.0, 0.001953125, -0.013671875], dtype=torch.float8_e4m3fn),
    "f8_e5m2": torch.tensor([0.0, -1.5, 57344.0, 1.52587890625e-05, float("inf"), float("-inf")], dtype=torch.float8_e5m2),
    "scalar": torch.tensor(7.0),
    "empty": torch.zeros(0, 3),
}
save_file(tensors, os.path.join(here, "st_dtypes.safetensors"), metadata={"purpose": "dtype fixtures"})
np.savez(os.path.join(here, "st_dtypes_expected.npz"),
         **{k: v.to(torch.float32).numpy() for k, v in tensors.items()})

# Values by formula (the test rebuilds them): a[i, j] = 10 i + j + 0.5, b[k] = -k / 4.
a = (10 * np.arange(2)[:, None] + np.arange(3)[None, :] + 0.5).astype(np.float32)
b = (-np.arange(5) / 4).astype(np.float32)
save_numpy({"a": a, "b": b, "c.scalar": np.array(3.0, dtype=np.float32)},
           os.path.join(here, "st_reference.safetensors"), metadata={"format": "np"})
