"""An independent judge of sample sets for `wgan evaluate`: a CNN of another shape trained in
PyTorch (not by this project's engine) on MNIST's training split, and FID on its penultimate
features against the test split with scipy.linalg.sqrtm (not LAPACK's symmetric eigensolver).

    python judge_fid.py --mnist DIR --cache DIR NAME=FILE.npy ... [NAME=train]

FILE.npy: float32 [N, 1, 28, 28] (or [N, 28, 28], [N, 784]) in [-1, 1] (the seed's tanh) or
[0, 1] (mnist-dcgan): a set whose minimum is below -0.01 is read as [-1, 1]. `train` stands for
the first 10,000 training images. Prints one JSON object per set: {"name", "count", "fid"}.
"""
import argparse
import gzip
import json
import os

import numpy as np
import scipy.linalg
import torch
import torch.nn as nn
import torch.nn.functional as F


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


class Judge(nn.Module):
    """3×3 convolutions with max pooling: deliberately unlike the tool's strided 5×5 classifier."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 32, 3, padding=1)
        self.c2 = nn.Conv2d(32, 64, 3, padding=1)
        self.fc = nn.Linear(64 * 7 * 7, 256)
        self.out = nn.Linear(256, 10)

    def features(self, x):
        h = F.max_pool2d(F.relu(self.c1(x)), 2)
        h = F.max_pool2d(F.relu(self.c2(h)), 2)
        return F.relu(self.fc(h.flatten(1)))

    def forward(self, x):
        return self.out(self.features(x))


def to_unit(x):
    """Images as float32 [N, 1, 28, 28] in [0, 1]."""
    x = np.asarray(x, dtype=np.float32).reshape(len(x), 1, 28, 28)
    return (x + 1) / 2 if x.min() < -0.01 else x


def train_judge(train_x, train_y, test_x, test_y, cache):
    path = os.path.join(cache, "judge.pt")
    model = Judge()
    if os.path.exists(path):
        model.load_state_dict(torch.load(path))
        return model.eval()
    torch.manual_seed(1234)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x, y = torch.from_numpy(train_x), torch.from_numpy(train_y.astype(np.int64))
    for epoch in range(2):
        perm = torch.randperm(len(x))
        for i in range(0, len(x), 128):
            idx = perm[i:i + 128]
            loss = F.cross_entropy(model(x[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    model.eval()
    with torch.no_grad():
        accuracy = (model(torch.from_numpy(test_x)).argmax(1).numpy() == test_y).mean()
    print(json.dumps({"judge_test_accuracy": float(accuracy)}), flush=True)
    os.makedirs(cache, exist_ok=True)
    torch.save(model.state_dict(), path)
    return model


def statistics(model, x):
    with torch.no_grad():
        f = torch.cat([model.features(torch.from_numpy(x[i:i + 500])) for i in range(0, len(x), 500)]).double().numpy()
    return f.mean(0), np.cov(f, rowvar=False)


def fid(a, b):
    (m1, s1), (m2, s2) = a, b
    root = scipy.linalg.sqrtm(s1 @ s2)
    return float(((m1 - m2) ** 2).sum() + np.trace(s1) + np.trace(s2) - 2 * np.trace(root.real))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mnist", required=True)
    parser.add_argument("--cache", required=True)
    parser.add_argument("sets", nargs="+")
    args = parser.parse_args()
    torch.set_num_threads(2)
    load = lambda name: read_idx(os.path.join(args.mnist, name))
    train_x = to_unit(load("train-images-idx3-ubyte.gz").astype(np.float32) / 255)
    test_x = to_unit(load("t10k-images-idx3-ubyte.gz").astype(np.float32) / 255)
    train_y, test_y = load("train-labels-idx1-ubyte.gz"), load("t10k-labels-idx1-ubyte.gz")
    model = train_judge(train_x, train_y, test_x, test_y, args.cache)
    reference = statistics(model, test_x)
    for item in args.sets:
        name, path = item.split("=", 1)
        x = train_x[:10000] if path == "train" else to_unit(np.load(path))
        print(json.dumps({"name": name, "count": len(x), "fid": round(fid(statistics(model, x), reference), 4)}), flush=True)


if __name__ == "__main__":
    main()
