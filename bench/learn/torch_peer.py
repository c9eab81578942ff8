"""PyTorch peers of cnn_epoch.tx and mlp_epoch.tx: the same networks, data, batch size (128),
optimiser (SGD, lr 0.05, momentum 0.9, Nesterov) and thread count.

    python3 torch_peer.py cnn|mlp EPOCHS THREADS
"""
import gzip, sys, time
import numpy as np
import torch
from torch import nn

ROOT = "/usr/share/datasets/fashion-mnist/"


def idx(path):
    with gzip.open(ROOT + path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


kind, epochs, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
torch.set_num_threads(threads)
torch.manual_seed(0)
shape = (-1, 1, 28, 28) if kind == "cnn" else (-1, 784)
x = torch.tensor(idx("train-images-idx3-ubyte.gz"), dtype=torch.float32).reshape(shape) / 255
y = torch.tensor(idx("train-labels-idx1-ubyte.gz"), dtype=torch.int64)
xt = torch.tensor(idx("t10k-images-idx3-ubyte.gz"), dtype=torch.float32).reshape(shape) / 255
yt = torch.tensor(idx("t10k-labels-idx1-ubyte.gz"), dtype=torch.int64)
if kind == "cnn":
    m = nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                      nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                      nn.Flatten(), nn.Linear(64 * 7 * 7, 10))
else:
    m = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
opt = torch.optim.SGD(m.parameters(), lr=0.05, momentum=0.9, nesterov=True)
loss_fn = nn.CrossEntropyLoss()
start = time.perf_counter()
for epoch in range(epochs):
    m.train()
    perm = torch.randperm(len(x))
    for b in range(0, len(x), 128):
        idxs = perm[b:b + 128]
        if len(idxs) < 2:
            continue
        opt.zero_grad()
        loss_fn(m(x[idxs]), y[idxs]).backward()
        opt.step()
secs = time.perf_counter() - start
m.eval()
with torch.no_grad():
    acc = (m(xt).argmax(1) == yt).float().mean().item()
print(f"RESULT seconds_per_epoch={secs / epochs:.4f} test_acc={acc:.4f}")
