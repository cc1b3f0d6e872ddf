#!/usr/bin/env python3
"""The PyTorch reference for ganforge's MLP GAN: same architecture, hyperparameters, batch, data and step.

Used by `npm run bench` (speed) and by the parity test (same seed and data order: same losses as ganforge).
It mirrors ganforge's order of random draws: seed, build G, build D, draw the 64×100 fixed noise; then each
step draws z ~ N(0, 1) [batch, 100]. Epoch e's data order is randperm(N) from a private generator seeded with
seed * 1000003 + e; pixels are scaled as x * (2/255) - 1. Incomplete final batches are dropped.

Prints one JSON object on stdout: per-step milliseconds (after warm-up) and per-step losses.
"""
import argparse
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


def build(latent_dim, pixels):
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--data', required=True, help='uint8 IDX file of images (N×28×28 or N×C×H×W)')
    parser.add_argument('--steps', type=int, default=100)
    parser.add_argument('--warmup', type=int, default=10, help='steps run before timing starts')
    parser.add_argument('--seed', type=int, default=1)
    parser.add_argument('--batch-size', type=int, default=64)
    parser.add_argument('--threads', type=int, default=0, help='intra-op threads (0: PyTorch default)')
    parser.add_argument('--samples-out', help='write G(fixed noise) as float32 .npy in [-1, 1] at the end')
    args = parser.parse_args()

    if args.threads > 0:
        torch.set_num_threads(args.threads)
    images = read_idx_images(args.data)
    count, shape = images.shape[0], tuple(images.shape[1:])
    pixels = int(np.prod(shape))
    batches_per_epoch = count // args.batch_size

    torch.manual_seed(args.seed)
    generator, discriminator = build(100, pixels)
    fixed_noise = torch.randn(64, 100)
    opt_g = torch.optim.Adam(generator.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=2e-4, betas=(0.5, 0.999))
    bce = nn.BCEWithLogitsLoss()

    order, order_epoch = None, None
    step_ms, losses = [], []
    for step in range(args.warmup + args.steps):
        epoch, index = step // batches_per_epoch + 1, step % batches_per_epoch
        if order_epoch != epoch:
            gen = torch.Generator()
            gen.manual_seed(args.seed * 1000003 + epoch)
            order, order_epoch = torch.randperm(count, generator=gen), epoch
        started = time.perf_counter()
        picked = order[index * args.batch_size:(index + 1) * args.batch_size]
        real = images.index_select(0, picked).float().mul(2 / 255).sub(1)
        z = torch.randn(args.batch_size, 100)
        fake = generator(z).reshape(args.batch_size, *shape)

        opt_d.zero_grad(set_to_none=True)
        real_logits = discriminator(real.flatten(1))
        fake_logits = discriminator(fake.detach().flatten(1))
        loss_d = bce(real_logits, torch.ones_like(real_logits)) + bce(fake_logits, torch.zeros_like(fake_logits))
        loss_d.backward()
        opt_d.step()

        opt_g.zero_grad(set_to_none=True)
        fake_logits_after = discriminator(fake.flatten(1))
        loss_g = bce(fake_logits_after, torch.ones_like(fake_logits_after))
        loss_g.backward()
        opt_g.step()
        ld, lg = loss_d.item(), loss_g.item()
        if step >= args.warmup:
            step_ms.append((time.perf_counter() - started) * 1000)
        losses.append([ld, lg])

    if args.samples_out:
        with torch.no_grad():
            samples = generator(fixed_noise).reshape(64, *shape).numpy().astype(np.float32)
        np.save(args.samples_out, samples)
    print(json.dumps({'torch': torch.__version__, 'threads': torch.get_num_threads(), 'step_ms': step_ms, 'losses': losses}))


if __name__ == '__main__':
    main()
