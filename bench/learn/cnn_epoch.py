"""PyTorch peer of cnn_epoch.tx: the same CNN, data, batch size and optimiser."""
import gzip, sys, time
import numpy as np
import torch
from torch import nn

def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)

root = "/usr/share/datasets/fashion-mnist/"
epochs = int(sys.argv[1]) if len(sys.argv) > 1 else 1
torch.set_num_threads(int(sys.argv[2]) if len(sys.argv) > 2 else 2)
torch.manual_seed(0)
x = torch.tensor(idx(root + "train-images-idx3-ubyte.gz"), dtype=torch.float32).reshape(-1, 1, 28, 28) / 255
y = torch.tensor(idx(root + "train-labels-idx1-ubyte.gz"), dtype=torch.int64)
xt = torch.tensor(idx(root + "t10k-images-idx3-ubyte.gz"), dtype=torch.float32).reshape(-1, 1, 28, 28) / 255
yt = torch.tensor(idx(root + "t10k-labels-idx1-ubyte.gz"), dtype=torch.int64)
m = nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                  nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                  nn.Flatten(), nn.Linear(64 * 7 * 7, 10))
opt = torch.optim.SGD(m.parameters(), lr=0.05, momentum=0.9, nesterov=True)
loss_fn = nn.CrossEntropyLoss()
start = time.perf_counter()
for epoch in range(epochs):
    m.train()
    perm = torch.randperm(len(x))
    for b in range(0, len(x), 128):
        idxs = perm[b:b + 128]
        opt.zero_grad()
        loss = loss_fn(m(x[idxs]), y[idxs])
        loss.backward()
        opt.step()
secs = time.perf_counter() - start
m.eval()
with torch.no_grad():
    acc = (m(xt).argmax(1) == yt).float().mean().item()
print(f"torch cnn: {epochs} epoch(s) {secs:.2f} s ({secs / epochs:.2f} s/epoch), test accuracy {100 * acc:.2f}%")
