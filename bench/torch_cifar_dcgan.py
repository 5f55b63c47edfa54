"""Reference: the paper's CIFAR-10 model (the official gan_cifar.py, WGAN-GP mode) in PyTorch on CPU, timed;
with --size 64, gan_64x64.py's DCGAN pair as `wgan`'s dcgan64 builds it.

Usage: python torch_cifar_dcgan.py --iters 3 [--threads 2] [--dim 128] [--batch 64] [--size 32|64]
Generator z128 -> Linear 4*4*4*dim -> BatchNorm1d -> ReLU -> [4dim,4,4] -> ConvT 5x5 s2 -> 2dim (8x8) -> BatchNorm2d
-> ReLU -> ConvT -> dim (16x16) -> BatchNorm2d -> ReLU -> ConvT -> 3 (32x32) -> tanh. Critic: Conv 5x5 s2
3 -> dim -> 2dim -> 4dim with LeakyReLU 0.2, then Linear 4*4*4*dim -> 1; no normalization. Pixels in [-1, 1].
lambda 10, 5 critic steps per generator step (each on a fresh real batch and fresh z), Adam(1e-4, betas (0.5, 0.9))
for both. One iteration = one generator step + five critic steps. The images are synthetic (uniform bytes scaled
to [-1, 1], held in memory): the step's cost does not depend on the pixels. Prints ms_per_iter and iters_per_s
after warm-up. The module names are the state-dict names of a `wgan` cifar-dcgan checkpoint.
At 64x64 (default dim 64) one level more on each side: Linear 4*4*8*dim -> [8dim,4,4] -> BatchNorm2d -> ReLU, four
ConvT (8dim -> 4dim -> 2dim -> dim -> 3) with BatchNorm2d and ReLU between them; critic Conv 3 -> dim -> 2dim -> 4dim
-> 8dim, each but the first followed by layer norm over (C, H, W) with per-channel scale and shift (GroupNorm with one
group), LeakyReLU 0.2, Linear.
"""
import argparse, time
import numpy as np
import torch, torch.nn as nn

class Generator(nn.Module):
    def __init__(self, dim=128, latent=128, channels=3):
        super().__init__()
        self.dim = dim
        self.linear = nn.Linear(latent, 4 * 4 * 4 * dim)
        self.bn0 = nn.BatchNorm1d(4 * 4 * 4 * dim)
        self.deconv1 = nn.ConvTranspose2d(4 * dim, 2 * dim, 5, stride=2, padding=2, output_padding=1)
        self.bn1 = nn.BatchNorm2d(2 * dim)
        self.deconv2 = nn.ConvTranspose2d(2 * dim, dim, 5, stride=2, padding=2, output_padding=1)
        self.bn2 = nn.BatchNorm2d(dim)
        self.deconv3 = nn.ConvTranspose2d(dim, channels, 5, stride=2, padding=2, output_padding=1)
    def forward(self, z):
        h = torch.relu(self.bn0(self.linear(z))).view(-1, 4 * self.dim, 4, 4)
        h = torch.relu(self.bn1(self.deconv1(h)))
        h = torch.relu(self.bn2(self.deconv2(h)))
        return torch.tanh(self.deconv3(h))

class Generator64(nn.Module):
    def __init__(self, dim=64, latent=128, channels=3):
        super().__init__()
        self.dim = dim
        self.linear = nn.Linear(latent, 4 * 4 * 8 * dim)
        self.bn0 = nn.BatchNorm2d(8 * dim)
        widths = [8 * dim, 4 * dim, 2 * dim, dim, channels]
        self.deconvs = nn.ModuleList(nn.ConvTranspose2d(a, b, 5, stride=2, padding=2, output_padding=1)
                                     for a, b in zip(widths, widths[1:]))
        self.bns = nn.ModuleList(nn.BatchNorm2d(b) for b in widths[1:-1])
    def forward(self, z):
        h = torch.relu(self.bn0(self.linear(z).view(-1, 8 * self.dim, 4, 4)))
        for deconv, bn in zip(self.deconvs, self.bns):
            h = torch.relu(bn(deconv(h)))
        return torch.tanh(self.deconvs[-1](h))

class Critic64(nn.Module):
    def __init__(self, dim=64, channels=3):
        super().__init__()
        widths = [channels, dim, 2 * dim, 4 * dim, 8 * dim]
        self.convs = nn.ModuleList(nn.Conv2d(a, b, 5, stride=2, padding=2) for a, b in zip(widths, widths[1:]))
        self.norms = nn.ModuleList(nn.GroupNorm(1, b) for b in widths[2:])
        self.linear = nn.Linear(4 * 4 * 8 * dim, 1)
    def forward(self, x):
        h = nn.functional.leaky_relu(self.convs[0](x), 0.2)
        for conv, norm in zip(self.convs[1:], self.norms):
            h = nn.functional.leaky_relu(norm(conv(h)), 0.2)
        return self.linear(h.flatten(1))

class Critic(nn.Module):
    def __init__(self, dim=128, channels=3):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, dim, 5, stride=2, padding=2)
        self.conv2 = nn.Conv2d(dim, 2 * dim, 5, stride=2, padding=2)
        self.conv3 = nn.Conv2d(2 * dim, 4 * dim, 5, stride=2, padding=2)
        self.linear = nn.Linear(4 * 4 * 4 * dim, 1)
    def forward(self, x):
        lr = nn.functional.leaky_relu
        h = lr(self.conv1(x), 0.2)
        h = lr(self.conv2(h), 0.2)
        h = lr(self.conv3(h), 0.2)
        return self.linear(h.flatten(1))

def penalty(D, real, fake):
    a = torch.rand(real.shape[0], 1, 1, 1)
    x = (real + a * (fake - real)).requires_grad_(True)
    d = D(x)
    g = torch.autograd.grad(d, x, torch.ones_like(d), create_graph=True)[0]
    return ((g.flatten(1).norm(2, dim=1) - 1) ** 2).mean()

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--iters", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--dim", type=int)
    ap.add_argument("--size", type=int, choices=(32, 64), default=32)
    a = ap.parse_args()
    a.dim = a.dim or (128 if a.size == 32 else 64)
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    data = torch.from_numpy(rng.integers(0, 256, (2048, 3, a.size, a.size), dtype=np.uint8).astype(np.float32) / 127.5 - 1)
    G, D = (Generator(a.dim), Critic(a.dim)) if a.size == 32 else (Generator64(a.dim), Critic64(a.dim))
    oG = torch.optim.Adam(G.parameters(), lr=1e-4, betas=(0.5, 0.9))
    oD = torch.optim.Adam(D.parameters(), lr=1e-4, betas=(0.5, 0.9))
    def real():
        return data[torch.from_numpy(rng.integers(0, data.shape[0], a.batch))]
    def iteration(i):
        if i > 0:
            oG.zero_grad()
            lG = -D(G(torch.randn(a.batch, 128))).mean()
            lG.backward(); oG.step()
        for _ in range(5):
            r = real()
            with torch.no_grad():
                f = G(torch.randn(a.batch, 128))
            oD.zero_grad()
            lD = D(f).mean() - D(r).mean() + 10 * penalty(D, r, f)
            lD.backward(); oD.step()
        return float(lD.detach())
    for i in range(a.warmup):
        iteration(i)
    t = time.perf_counter()
    for i in range(a.iters):
        l = iteration(a.warmup + i)
    dt = time.perf_counter() - t
    print(f"torch {torch.__version__} threads={a.threads} batch={a.batch} size={a.size} dim={a.dim} last D_loss={l:.4f}")
    print(f"ms_per_iter {1000 * dt / a.iters:.1f}")
    print(f"iters_per_s {a.iters / dt:.4f}")

if __name__ == "__main__":
    main()
