"""The official gan_64x64.py's default pair (GoodGenerator, GoodDiscriminator) in PyTorch, written from the
TensorFlow file for `wgan`'s parity test and speed comparison; the state-dict names are those of
`--model good-resnet` (Sources/WGANModels/Models/GoodResNet64.swift).

    python bench/torch_good_resnet.py --iters 1 [--warmup 1] [--threads 2] [--dim 64] [--batch 64]
    python bench/torch_good_resnet.py --fixture Tests/WGANTests/Fixtures/good_resnet_steps

Generator: z128 -> Linear 4*4*8*DIM -> [8*DIM,4,4] -> four residual 'up' blocks (8->8, 8->4, 4->2, 2->1 times DIM:
BN-ReLU-upsample-Conv3x3 without bias-BN-ReLU-Conv3x3, plus upsample-Conv1x1) -> BN -> ReLU -> Conv3x3 -> tanh.
Critic: Conv3x3 3->DIM -> four residual 'down' blocks (1->2, 2->4, 4->8, 8->8 times DIM: norm-ReLU-Conv3x3 without
bias (keeping the channels)-norm-ReLU-Conv3x3-meanpool, plus meanpool-Conv1x1) -> Linear 4*4*8*DIM -> 1. The
critic's norm is tflib's Layernorm (over C, H, W, per-channel scale and offset, eps 1e-5) under the penalty and
BatchNorm otherwise; the generator's is BatchNorm with batch statistics (eps 1e-5). Initialisation as tflib:
uniform with std sqrt(4/(fan_in+fan_out)) (he_init) or sqrt(2/(fan_in+fan_out)) (the 1x1 shortcuts, the critic's
input conv, the linear layers), fan = channels*k*k, biases zero. WGAN-GP: Adam(1e-4, betas (0, 0.9)), lambda 10,
five critic steps per generator step, interpolates real + alpha*(fake - real).
"""
import argparse, json, math, time
import torch, torch.nn as nn


def tflib_uniform_(weight, std):
    with torch.no_grad():
        weight.uniform_(-std * math.sqrt(3), std * math.sqrt(3))


def conv(cin, cout, k, he_init=True, bias=True):
    layer = nn.Conv2d(cin, cout, k, padding=k // 2, bias=bias)
    tflib_uniform_(layer.weight, math.sqrt((4.0 if he_init else 2.0) / (cin * k * k + cout * k * k)))
    if bias:
        nn.init.zeros_(layer.bias)
    return layer


def linear(cin, cout):
    layer = nn.Linear(cin, cout)
    tflib_uniform_(layer.weight, math.sqrt(2.0 / (cin + cout)))
    nn.init.zeros_(layer.bias)
    return layer


def mean_pool(x):
    return (x[:, :, ::2, ::2] + x[:, :, 1::2, ::2] + x[:, :, ::2, 1::2] + x[:, :, 1::2, 1::2]) / 4


def upsample(x):
    return x.repeat_interleave(2, dim=2).repeat_interleave(2, dim=3)


class LayerNorm(nn.Module):
    """tflib's Layernorm over [1, 2, 3] with one scale and offset per channel."""
    def __init__(self, c):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(c))
        self.bias = nn.Parameter(torch.zeros(c))

    def forward(self, x):
        mean = x.mean(dim=(1, 2, 3), keepdim=True)
        var = ((x - mean) ** 2).mean(dim=(1, 2, 3), keepdim=True)
        return (x - mean) / torch.sqrt(var + 1e-5) * self.weight[None, :, None, None] + self.bias[None, :, None, None]


class UpBlock(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.shortcut = conv(cin, cout, 1, he_init=False)
        self.bn1 = nn.BatchNorm2d(cin, eps=1e-5)
        self.conv1 = conv(cin, cout, 3, bias=False)
        self.bn2 = nn.BatchNorm2d(cout, eps=1e-5)
        self.conv2 = conv(cout, cout, 3)

    def forward(self, x):
        h = self.conv1(upsample(torch.relu(self.bn1(x))))
        return self.shortcut(upsample(x)) + self.conv2(torch.relu(self.bn2(h)))


class DownBlock(nn.Module):
    def __init__(self, cin, cout, layer_norm=True):
        super().__init__()
        norm = LayerNorm if layer_norm else (lambda c: nn.BatchNorm2d(c, eps=1e-5))
        self.shortcut = conv(cin, cout, 1, he_init=False)
        self.norm1 = norm(cin)
        self.conv1 = conv(cin, cin, 3, bias=False)
        self.norm2 = norm(cin)
        self.conv2 = conv(cin, cout, 3)

    def forward(self, x):
        h = self.conv1(torch.relu(self.norm1(x)))
        return self.shortcut(mean_pool(x)) + mean_pool(self.conv2(torch.relu(self.norm2(h))))


class Generator(nn.Module):
    def __init__(self, dim=64, latent=128, channels=3):
        super().__init__()
        self.dim = dim
        self.input = linear(latent, 4 * 4 * 8 * dim)
        for i, (a, b) in enumerate([(8, 8), (8, 4), (4, 2), (2, 1)]):
            setattr(self, f"res{i + 1}", UpBlock(a * dim, b * dim))
        self.output_bn = nn.BatchNorm2d(dim, eps=1e-5)
        self.output = conv(dim, channels, 3)

    def forward(self, z):
        h = self.input(z).view(-1, 8 * self.dim, 4, 4)
        for block in (self.res1, self.res2, self.res3, self.res4):
            h = block(h)
        return torch.tanh(self.output(torch.relu(self.output_bn(h))))


class Critic(nn.Module):
    def __init__(self, dim=64, channels=3, layer_norm=True):
        super().__init__()
        self.input = conv(channels, dim, 3, he_init=False)
        for i, (a, b) in enumerate([(1, 2), (2, 4), (4, 8), (8, 8)]):
            setattr(self, f"res{i + 1}", DownBlock(a * dim, b * dim, layer_norm))
        self.output = linear(4 * 4 * 8 * dim, 1)

    def forward(self, x):
        h = self.input(x)
        for block in (self.res1, self.res2, self.res3, self.res4):
            h = block(h)
        return self.output(h.flatten(1))


def critic_step(G, D, opt, real, z, alpha, lam=10.0):
    fake = G(z).detach()
    d_real, d_fake = D(real), D(fake)
    interpolates = (real + alpha * (fake - real)).requires_grad_(True)
    grad, = torch.autograd.grad(D(interpolates).sum(), interpolates, create_graph=True)
    gp = ((grad.flatten(1).norm(2, dim=1) - 1) ** 2).mean()
    loss = d_fake.mean() - d_real.mean() + lam * gp
    opt.zero_grad()
    loss.backward()
    opt.step()
    return loss.detach(), gp.detach()


def generator_step(G, D, opt, z):
    loss = -D(G(z)).mean()
    opt.zero_grad()
    D.zero_grad()
    loss.backward()
    opt.step()
    return loss.detach()


def run_steps(dtype, start, inputs, dim):
    """Two critic steps and a generator step from the state dicts `start`, in `dtype`; every value recorded."""
    G, D = Generator(dim).to(dtype), Critic(dim).to(dtype)
    G.load_state_dict(start["G"])
    D.load_state_dict(start["D"])
    betas = (0.0, 0.9)
    opt_g, opt_d = torch.optim.Adam(G.parameters(), 1e-4, betas=betas), torch.optim.Adam(D.parameters(), 1e-4, betas=betas)
    out = {}
    for s in range(2):
        real, z, alpha = (inputs[f"critic{s}.{k}"].to(dtype) for k in ("real", "z", "alpha"))
        loss, gp = critic_step(G, D, opt_d, real, z, alpha)
        out[f"critic{s}.loss"], out[f"critic{s}.gp"] = loss.reshape(1), gp.reshape(1)
    for name, value in D.state_dict().items():
        out[f"after.D.{name}"] = value
    out["generator.loss"] = generator_step(G, D, opt_g, inputs["generator.z"].to(dtype)).reshape(1)
    for name, value in G.state_dict().items():
        out[f"after.G.{name}"] = value
    return out


def write_fixture(prefix, dim=4, batch=4, seed=0):
    """float32 starting values and inputs, float64 results, and each result's bound: max(1e-4, 5 x float32's own
    error), an absolute bound for values that are zero by construction, exactness for integers."""
    from safetensors.torch import save_file
    torch.manual_seed(seed)
    G, D = Generator(dim), Critic(dim)
    start = {"G": G.state_dict(), "D": D.state_dict()}
    inputs = {}
    for s in range(2):
        inputs[f"critic{s}.real"] = torch.rand(batch, 3, 64, 64) * 2 - 1
        inputs[f"critic{s}.z"] = torch.randn(batch, 128)
        inputs[f"critic{s}.alpha"] = torch.rand(batch, 1, 1, 1)
    inputs["generator.z"] = torch.randn(batch, 128)
    exact = run_steps(torch.float64, {k: {n: v.double() if v.is_floating_point() else v for n, v in sd.items()}
                                      for k, sd in start.items()}, inputs, dim)
    single = run_steps(torch.float32, start, inputs, dim)
    tensors, tolerances = {}, {}
    for side, sd in start.items():
        for name, value in sd.items():
            tensors[f"init.{side}.{name}"] = value.contiguous()
    for name, value in inputs.items():
        tensors[name] = value.reshape(batch, 1) if name.endswith("alpha") else value.contiguous()
    for key, value in exact.items():
        tensors[key] = value.contiguous()
        if not value.is_floating_point():
            tolerances[key] = {"exact": True}
        elif value.abs().max() < 1e-9:
            # Zero by construction (the biases that a norm or the loss's difference cancels): float32 rounding
            # leaves their gradients at noise level, which Adam's normalisation turns into steps of up to about
            # its learning rate, so the bound is three steps' worth.
            tolerances[key] = {"abs": 3e-4}
        else:
            own = ((single[key].double() - value).norm() / value.norm()).item()
            tolerances[key] = {"rel": max(1e-4, 5 * own)}
    save_file(tensors, prefix + ".safetensors")
    with open(prefix + "_tolerances.json", "w") as f:
        json.dump({"measure": "rel: |a-b|/|b| against the float64 value; abs: max |a|; exact: integers",
                   "tolerances": tolerances}, f, indent=1, sort_keys=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--iters", type=int, default=1)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--dim", type=int, default=64)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--fixture")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    if args.fixture:
        write_fixture(args.fixture)
        return
    G, D = Generator(args.dim), Critic(args.dim)
    betas = (0.0, 0.9)
    opt_g, opt_d = torch.optim.Adam(G.parameters(), 1e-4, betas=betas), torch.optim.Adam(D.parameters(), 1e-4, betas=betas)

    def iteration():
        for _ in range(5):
            critic_step(G, D, opt_d, torch.rand(args.batch, 3, 64, 64) * 2 - 1, torch.randn(args.batch, 128),
                        torch.rand(args.batch, 1, 1, 1))
        generator_step(G, D, opt_g, torch.randn(args.batch, 128))

    for _ in range(args.warmup):
        iteration()
    start = time.perf_counter()
    for _ in range(args.iters):
        iteration()
    print(f"ms_per_iter {(time.perf_counter() - start) * 1000 / args.iters:.1f}")


if __name__ == "__main__":
    main()
