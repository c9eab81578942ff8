#!/usr/bin/env python3
"""Writes the PyTorch fixtures WeightsTests reads (run once with PyTorch and
the safetensors package; the outputs are committed).

cnn.safetensors: the state_dict of
  Sequential(Conv2d(1, 4, 3, padding=1), BatchNorm2d(4), ReLU(), MaxPool2d(2), Flatten(), Linear(64, 10))
in eval mode, with running statistics from a few training-mode batches and a
random γ/β (so none of them is the default), saved by safetensors.torch.save_file;
cnn_input.npy is a batch [5, 1, 8, 8] and cnn_output.npy PyTorch's logits for it.
cnn_f16 / cnn_bf16: the same weights stored as float16 / bfloat16, with the
outputs of the model whose weights were rounded that way (computed in float32).
mlp_noscale.safetensors: Sequential(Linear(8, 6), BatchNorm1d(6, affine=False),
ReLU(), Linear(6, 3)), PyTorch's batch norm without γ or β, with its input and output."""
import os
import numpy as np
import torch
from torch import nn
from safetensors.torch import save_file

here = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(0)

def settle(model, make_batch):
    """Non-trivial running statistics: a few training-mode batches, then eval."""
    model.train()
    with torch.no_grad():
        for _ in range(5):
            model(make_batch())
    model.eval()

def save_case(name, model, x, state=None):
    state = state if state is not None else model.state_dict()
    save_file({k: v.contiguous() for k, v in state.items()}, os.path.join(here, name + ".safetensors"))
    with torch.no_grad():
        y = model(x)
    np.save(os.path.join(here, name + "_output.npy"), y.numpy().astype(np.float32))

cnn = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
                    nn.Flatten(), nn.Linear(64, 10))
with torch.no_grad():
    cnn[1].weight.uniform_(0.5, 1.5)
    cnn[1].bias.uniform_(-0.5, 0.5)
settle(cnn, lambda: 2 * torch.randn(16, 1, 8, 8) + 0.7)
x = torch.randn(5, 1, 8, 8)
np.save(os.path.join(here, "cnn_input.npy"), x.numpy())
save_case("cnn", cnn, x)

for name, dtype in [("cnn_f16", torch.float16), ("cnn_bf16", torch.bfloat16)]:
    low = {k: v.to(dtype) if v.is_floating_point() else v for k, v in cnn.state_dict().items()}
    rounded = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
                            nn.Flatten(), nn.Linear(64, 10))
    rounded.load_state_dict({k: v.to(torch.float32) if v.is_floating_point() else v for k, v in low.items()})
    rounded.eval()
    save_case(name, rounded, x, state=low)

mlp = nn.Sequential(nn.Linear(8, 6), nn.BatchNorm1d(6, affine=False), nn.ReLU(), nn.Linear(6, 3))
settle(mlp, lambda: torch.randn(32, 8) * 1.5 - 0.3)
x2 = torch.randn(7, 8)
np.save(os.path.join(here, "mlp_noscale_input.npy"), x2.numpy())
save_case("mlp_noscale", mlp, x2)
