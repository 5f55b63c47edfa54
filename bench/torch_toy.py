"""Reference: the paper's toy experiment (the official gan_toy.py, WGAN-GP mode) in PyTorch on CPU.

Usage:
  python torch_toy.py --iters 30 [--threads 2] [--batch 256]          time iterations (prints ms_per_iter)
  python torch_toy.py --train 2000 [--dataset 8gaussians] [--seed 0]  train, then print mode coverage

Same models (2 -> 512 -> 512 -> 512 -> out, ReLU; tflib's He-uniform hidden layers, Glorot-uniform
last layer, zero biases), λ 0.1, Adam(1e-4, betas (0.5, 0.9)), five critic steps per generator
step, batch 256, interpolates α·real + (1 − α)·fake, data drawn as gan_toy.py draws it. Coverage:
a sample is high quality within 3 standard deviations of its nearest centre; a mode is covered
when it holds at least 1% of 10,000 samples as high-quality ones (as `wgan` logs it).
"""
import argparse, math, time
import numpy as np
import torch, torch.nn as nn

def mlp(n_in, n_out, dim=512, hidden=3):
    layers, fan = [], n_in
    for _ in range(hidden):
        lin = nn.Linear(fan, dim); b = math.sqrt(6.0 / fan)
        nn.init.uniform_(lin.weight, -b, b); nn.init.zeros_(lin.bias)
        layers += [lin, nn.ReLU()]; fan = dim
    lin = nn.Linear(fan, n_out); b = math.sqrt(6.0 / (fan + n_out))
    nn.init.uniform_(lin.weight, -b, b); nn.init.zeros_(lin.bias)
    return nn.Sequential(*layers, lin)

def centres(dataset):
    if dataset == "8gaussians":
        d = 1 / math.sqrt(2)
        c = [(1, 0), (-1, 0), (0, 1), (0, -1), (d, d), (d, -d), (-d, d), (-d, -d)]
        return np.array(c) * 2 / 1.414, 0.02 / 1.414
    c = [(2 * x, 2 * y) for x in range(-2, 3) for y in range(-2, 3)]
    return np.array(c) / 2.828, 0.05 / 2.828

def batches(dataset, batch, rng):
    if dataset == "25gaussians":
        c, _ = centres(dataset)
        data = np.concatenate([c * 2.828 + rng.standard_normal((25, 2)) * 0.05 for _ in range(4000)])
        rng.shuffle(data); data = (data / 2.828).astype(np.float32)
        while True:
            for i in range(len(data) // batch):
                yield torch.from_numpy(data[i * batch:(i + 1) * batch])
    while True:
        if dataset == "8gaussians":
            c, _ = centres(dataset)
            p = c[rng.integers(0, 8, batch)] * 1.414 + rng.standard_normal((batch, 2)) * 0.02
            yield torch.from_numpy((p / 1.414).astype(np.float32))
        else:
            t = 1.5 * np.pi * (1 + 2 * rng.random(batch))
            p = np.stack([t * np.cos(t), t * np.sin(t)], 1) + 0.25 * rng.standard_normal((batch, 2))
            yield torch.from_numpy((p / 7.5).astype(np.float32))

def coverage(samples, dataset):
    c, std = centres(dataset)
    d = ((samples[:, None, :] - c[None]) ** 2).sum(-1)
    nearest, dist = d.argmin(1), d.min(1)
    good = dist <= (3 * std) ** 2
    counts = np.bincount(nearest[good], minlength=len(c))
    return int((counts * 100 >= len(samples)).sum() if len(samples) else 0), float(good.mean())

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--iters", type=int, default=0)
    ap.add_argument("--train", type=int, default=0)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--dataset", default="8gaussians")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    torch.set_num_threads(a.threads); torch.manual_seed(a.seed)
    rng = np.random.default_rng(a.seed)
    G, D = mlp(2, 2), mlp(2, 1)
    oG = torch.optim.Adam(G.parameters(), lr=1e-4, betas=(0.5, 0.9))
    oD = torch.optim.Adam(D.parameters(), lr=1e-4, betas=(0.5, 0.9))
    data = batches(a.dataset, a.batch, rng)
    def iteration():
        for _ in range(5):
            real = next(data)
            fake = G(torch.randn(a.batch, 2)).detach()
            alpha = torch.rand(a.batch, 1)
            x = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
            out = D(x)
            g = torch.autograd.grad(out, x, torch.ones_like(out), create_graph=True)[0]
            gp = ((g.norm(2, dim=1) - 1) ** 2).mean()
            loss = D(fake).mean() - D(real).mean() + 0.1 * gp
            oD.zero_grad(); loss.backward(); oD.step()
        lg = -D(G(torch.randn(a.batch, 2))).mean()
        oG.zero_grad(); lg.backward(); oG.step()
    if a.iters:
        for _ in range(a.warmup): iteration()
        t = time.perf_counter()
        for _ in range(a.iters): iteration()
        print("ms_per_iter", (time.perf_counter() - t) * 1000 / a.iters)
    if a.train:
        t = time.perf_counter()
        for _ in range(a.train): iteration()
        with torch.no_grad():
            s = G(torch.randn(10000, 2)).numpy().astype(np.float64)
        covered, hq = coverage(s, a.dataset)
        print(f"iterations {a.train} seconds {time.perf_counter() - t:.1f} modes_covered {covered} high_quality {hq:.4f}")

if __name__ == "__main__":
    main()
