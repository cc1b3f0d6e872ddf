#!/usr/bin/env python3
"""The PyTorch reference for ganforge's models (--model mlp | conv | dcgan): the same architecture,
hyperparameters, batch, data and step as ganforge's, for `npm run bench` and the parity tests.

Used by `npm run bench` (speed) and by the parity test (same seed and data order: same losses as ganforge).
It mirrors ganforge's order of random draws: seed, build G, build D, draw the 64×100 fixed noise; then each
step draws z ~ N(0, 1) [batch, 100]. Epoch e's data order is randperm(N) from a private generator seeded with
seed * 1000003 + e; pixels are scaled as x * (2/255) - 1. Incomplete final batches are dropped.

Prints one JSON object on stdout: per-step milliseconds (after warm-up) and per-step losses.
"""
import argparse
import contextlib
import gzip
import json
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn


def read_idx_images(path):
    with open(path, 'rb') as f:
        data = f.read()
    if data[:2] == b'\x1f\x8b':
        data = gzip.decompress(data)
    if data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        sys.exit(f'{path}: not a uint8 IDX file')
    ndim = data[3]
    dims = struct.unpack('>' + 'I' * ndim, data[4:4 + 4 * ndim])
    images = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)
    if images.ndim == 3:
        images = images[:, None, :, :]
    return torch.from_numpy(images.copy())


def build_mlp(latent_dim, shape):
    pixels = int(np.prod(shape))
    generator = nn.Sequential(
        nn.Linear(latent_dim, 256), nn.LeakyReLU(0.2),
        nn.Linear(256, 512), nn.LeakyReLU(0.2),
        nn.Linear(512, 1024), nn.LeakyReLU(0.2),
        nn.Linear(1024, pixels), nn.Tanh())
    discriminator = nn.Sequential(
        nn.Linear(pixels, 1024), nn.LeakyReLU(0.2),
        nn.Linear(1024, 512), nn.LeakyReLU(0.2),
        nn.Linear(512, 256), nn.LeakyReLU(0.2),
        nn.Linear(256, 1))
    return generator, discriminator


class Reshape(nn.Module):
    def __init__(self, *shape):
        super().__init__()
        self.shape = shape

    def forward(self, x):
        return x.reshape(x.shape[0], *self.shape)


class ToSymmetric(nn.Module):
    """The tutorial conv G ends in a sigmoid; ganforge maps it to [-1, 1] as 2s - 1."""
    def forward(self, x):
        return x * 2 - 1


def build_conv(latent_dim, shape):
    c, h, w = shape
    generator = nn.Sequential(
        nn.Linear(latent_dim, 256 * (h // 4) * (w // 4)), Reshape(256, h // 4, w // 4),
        nn.Upsample(scale_factor=2, mode='bilinear', align_corners=True), nn.Conv2d(256, 128, 3, padding=1), nn.BatchNorm2d(128), nn.ReLU(),
        nn.Upsample(scale_factor=2, mode='bilinear', align_corners=True), nn.Conv2d(128, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(),
        nn.Conv2d(64, c, 1), nn.Sigmoid(), ToSymmetric())
    discriminator = nn.Sequential(
        nn.Conv2d(c, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(),
        nn.Flatten(), nn.Linear(64 * (h // 4) * (w // 4), 1))
    return generator, discriminator


def dcgan_init(module):
    for m in module.modules():
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.normal_(m.weight, 0.0, 0.02)
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.normal_(m.weight, 1.0, 0.02)
            nn.init.zeros_(m.bias)


def build_dcgan(latent_dim, shape, width=64):
    """28×28: ConvT 7→14→28; side 4·2^n: the standard DCGAN. Mirrors src/gan/models/dcgan-parts.ts."""
    c, h, _ = shape
    start = 7 if h % 7 == 0 and (h // 7) & (h // 7 - 1) == 0 else 4
    count = int(np.log2(h // start))
    ch = width * 2 ** (count - 1)
    layers = [Reshape(latent_dim, 1, 1), nn.ConvTranspose2d(latent_dim, ch, start, bias=False), nn.BatchNorm2d(ch), nn.ReLU()]
    for _ in range(1, count):
        layers += [nn.ConvTranspose2d(ch, ch // 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ch // 2), nn.ReLU()]
        ch //= 2
    layers += [nn.ConvTranspose2d(ch, c, 4, 2, 1, bias=False), nn.Tanh()]
    generator = nn.Sequential(*layers)
    ch = width
    layers = [nn.Conv2d(c, ch, 4, 2, 1, bias=False), nn.LeakyReLU(0.2)]
    for _ in range(1, count):
        layers += [nn.Conv2d(ch, ch * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ch * 2), nn.LeakyReLU(0.2)]
        ch *= 2
    layers += [nn.Conv2d(ch, 1, start, bias=False), nn.Flatten()]
    discriminator = nn.Sequential(*layers)
    dcgan_init(generator)
    dcgan_init(discriminator)
    return generator, discriminator


MODELS = {
    # model: (builder, Adam settings) as in each family's defaults (src/gan/models/*.ts)
    'mlp': (build_mlp, dict(lr=2e-4, betas=(0.5, 0.999))),
    'conv': (build_conv, dict(lr=1e-3, betas=(0.9, 0.999), amsgrad=True)),
    'dcgan': (build_dcgan, dict(lr=2e-4, betas=(0.5, 0.999))),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--model', default='mlp', choices=sorted(MODELS))
    parser.add_argument('--data', required=True, help='uint8 IDX file of images (N×28×28 or N×C×H×W)')
    parser.add_argument('--steps', type=int, default=100)
    parser.add_argument('--warmup', type=int, default=10, help='steps run before timing starts')
    parser.add_argument('--seed', type=int, default=1)
    parser.add_argument('--batch-size', type=int, default=64)
    parser.add_argument('--threads', type=int, default=0, help='intra-op threads (0: PyTorch default)')
    parser.add_argument('--device', default='cpu', help='cpu or cuda[:k]: models, data and noise all live there')
    parser.add_argument('--precision', default='fp32', choices=['fp32', 'bf16'],
                        help='bf16: torch.autocast on CUDA around the forward passes and losses')
    parser.add_argument('--time-budget', type=float, default=0, help='also stop after this many seconds of training (0: no limit)')
    parser.add_argument('--samples-out', help='write G(fixed noise) as float32 .npy in [-1, 1] at the end')
    parser.add_argument('--samples-count', type=int, default=64,
                        help='images in --samples-out: the 64 fixed-noise images first, then fresh noise')
    args = parser.parse_args()

    if args.threads > 0:
        torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    # The whole data set moves to the device once, as ganforge's loader keeps it there.
    images = read_idx_images(args.data).to(device)
    count, shape = images.shape[0], tuple(images.shape[1:])
    batches_per_epoch = count // args.batch_size

    torch.manual_seed(args.seed)
    builder, adam = MODELS[args.model]
    generator, discriminator = builder(100, shape)
    generator, discriminator = generator.to(device), discriminator.to(device)
    fixed_noise = torch.randn(64, 100).to(device)
    # torch 1.13 checks for bf16 support even when autocast is disabled, so fp32 uses a context that does nothing.
    autocast = torch.autocast('cuda', dtype=torch.bfloat16) if args.precision == 'bf16' else contextlib.nullcontext()
    opt_g = torch.optim.Adam(generator.parameters(), **adam)
    opt_d = torch.optim.Adam(discriminator.parameters(), **adam)
    bce = nn.BCEWithLogitsLoss()

    order, order_epoch = None, None
    step_ms, losses = [], []
    training_started = time.perf_counter()
    for step in range(args.warmup + args.steps):
        if args.time_budget > 0 and time.perf_counter() - training_started > args.time_budget:
            break
        epoch, index = step // batches_per_epoch + 1, step % batches_per_epoch
        if order_epoch != epoch:
            gen = torch.Generator()
            gen.manual_seed(args.seed * 1000003 + epoch)
            order, order_epoch = torch.randperm(count, generator=gen).to(device), epoch
        started = time.perf_counter()
        picked = order[index * args.batch_size:(index + 1) * args.batch_size]
        real = images.index_select(0, picked).float().mul(2 / 255).sub(1)
        z = torch.randn(args.batch_size, 100, device=device)
        with autocast:
            fake = generator(z).reshape(args.batch_size, *shape)

        opt_d.zero_grad(set_to_none=True)
        with autocast:
            real_logits = discriminator(real if args.model != 'mlp' else real.flatten(1))
            fake_logits = discriminator(fake.detach() if args.model != 'mlp' else fake.detach().flatten(1))
            loss_d = bce(real_logits, torch.ones_like(real_logits)) + bce(fake_logits, torch.zeros_like(fake_logits))
        loss_d.backward()
        opt_d.step()

        # As ganforge: D's weights are frozen while G trains through D (same gradient for G, less work).
        opt_g.zero_grad(set_to_none=True)
        discriminator.requires_grad_(False)
        with autocast:
            fake_logits_after = discriminator(fake if args.model != 'mlp' else fake.flatten(1))
            loss_g = bce(fake_logits_after, torch.ones_like(fake_logits_after))
        loss_g.backward()
        discriminator.requires_grad_(True)
        opt_g.step()
        ld, lg = loss_d.item(), loss_g.item()
        if step >= args.warmup:
            step_ms.append((time.perf_counter() - started) * 1000)
        losses.append([ld, lg])

    if args.samples_out:
        generator.eval()
        with torch.no_grad():
            noise = [fixed_noise[:args.samples_count]]
            if args.samples_count > 64:
                noise.append(torch.randn(args.samples_count - 64, 100, device=device))
            samples = torch.cat([generator(z).reshape(z.shape[0], *shape) for z in torch.cat(noise).split(500)])
            samples = samples.float().cpu().numpy().astype(np.float32)
        np.save(args.samples_out, samples)
    print(json.dumps({'device': str(device), 'torch': torch.__version__, 'threads': torch.get_num_threads(), 'step_ms': step_ms, 'losses': losses}))


if __name__ == '__main__':
    main()
