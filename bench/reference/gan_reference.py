#!/usr/bin/env python3
"""The PyTorch reference for ganforge's models (--model mlp | conv | dcgan | acgan): the same architecture,
hyperparameters, batch, data and step as ganforge's, for `npm run bench` and the parity tests.

Used by `npm run bench` (speed) and by the parity test (same seed and data order: same losses as ganforge).
It mirrors ganforge's order of random draws: seed, build G, build D, draw the 64×100 fixed noise; then each
step draws z ~ N(0, 1) [batch, 100]. Epoch e's data order is randperm(N) from a private generator seeded with
seed * 1000003 + e; pixels are scaled as x * (2/255) - 1. Incomplete final batches are dropped.

AC-GAN (the default recipe's model, with --labels) draws its fake labels with randint after z, as ganforge does.
With --snapshots, G's samples are written at those seconds of training (the time spent writing them excluded),
for `npm run bench:time-to-quality`.

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


def read_idx_labels(path):
    with open(path, 'rb') as f:
        data = f.read()
    if data[:4] != b'\x00\x00\x08\x01':
        sys.exit(f'{path}: not a one-dimensional uint8 IDX file')
    (count,) = struct.unpack('>I', data[4:8])
    return torch.from_numpy(np.frombuffer(data, dtype=np.uint8, offset=8, count=count).astype(np.int64))


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


def dcgan_stages(shape):
    """(start, count): 28 = 7·2², 32 = 4·2³, 64 = 4·2⁴, as stagesFor in src/gan/models/dcgan-parts.ts."""
    h = shape[1]
    start = 7 if h % 7 == 0 and (h // 7) & (h // 7 - 1) == 0 else 4
    return start, int(np.log2(h // start))


def dcgan_generator_layers(latent_dim, shape, width):
    """G from z [N, latent, 1, 1]: ConvT to start×start, then ×2 per stage, halving channels; tanh."""
    start, count = dcgan_stages(shape)
    ch = width * 2 ** (count - 1)
    g = [nn.ConvTranspose2d(latent_dim, ch, start, bias=False), nn.BatchNorm2d(ch), nn.ReLU()]
    for _ in range(1, count):
        g += [nn.ConvTranspose2d(ch, ch // 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ch // 2), nn.ReLU()]
        ch //= 2
    return g + [nn.ConvTranspose2d(ch, shape[0], 4, 2, 1, bias=False), nn.Tanh()]


def dcgan_discriminator_trunk(shape, width):
    """D's strided convs down to [N, channels, start, start]; returns (layers, channels, start)."""
    start, count = dcgan_stages(shape)
    ch = width
    d = [nn.Conv2d(shape[0], ch, 4, 2, 1, bias=False), nn.LeakyReLU(0.2)]
    for _ in range(1, count):
        d += [nn.Conv2d(ch, ch * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ch * 2), nn.LeakyReLU(0.2)]
        ch *= 2
    return d, ch, start


class AcganGenerator(nn.Module):
    """src/gan/models/acgan.ts: the class's embedding (N(0, 1), not re-initialised) multiplies the noise."""
    def __init__(self, latent_dim, shape, classes, width):
        super().__init__()
        self.latent_dim = latent_dim
        self.label_emb = nn.Embedding(classes, latent_dim)
        self.main = nn.Sequential(*dcgan_generator_layers(latent_dim, shape, width))
        dcgan_init(self.main)

    def forward(self, z, labels):
        return self.main((z * self.label_emb(labels)).reshape(z.shape[0], self.latent_dim, 1, 1))


class AcganDiscriminator(nn.Module):
    """D's trunk, then a real/fake logit and class logits, each a conv over the last start×start map."""
    def __init__(self, shape, classes, width):
        super().__init__()
        d, ch, start = dcgan_discriminator_trunk(shape, width)
        self.trunk = nn.Sequential(*d)
        self.adv = nn.Conv2d(ch, 1, start)
        self.aux = nn.Conv2d(ch, classes, start)
        dcgan_init(self)
        for conv in (self.adv, self.aux):
            nn.init.zeros_(conv.bias)

    def forward(self, x):
        features = self.trunk(x)
        return torch.cat([self.adv(features).flatten(1), self.aux(features).flatten(1)], 1)


def build_acgan(latent_dim, shape, width=64, classes=10):
    return AcganGenerator(latent_dim, shape, classes, width), AcganDiscriminator(shape, classes, width)


def build_dcgan(latent_dim, shape, width=64):
    """28×28: ConvT 7→14→28; side 4·2^n: the standard DCGAN. Mirrors src/gan/models/dcgan-parts.ts."""
    generator = nn.Sequential(Reshape(latent_dim, 1, 1), *dcgan_generator_layers(latent_dim, shape, width))
    d, ch, start = dcgan_discriminator_trunk(shape, width)
    discriminator = nn.Sequential(*d, nn.Conv2d(ch, 1, start, bias=False), nn.Flatten())
    dcgan_init(generator)
    dcgan_init(discriminator)
    return generator, discriminator


MODELS = {
    # model: (builder, Adam settings) as in each family's defaults (src/gan/models/*.ts)
    'mlp': (build_mlp, dict(lr=2e-4, betas=(0.5, 0.999))),
    'conv': (build_conv, dict(lr=1e-3, betas=(0.9, 0.999), amsgrad=True)),
    'dcgan': (build_dcgan, dict(lr=2e-4, betas=(0.5, 0.999))),
    'acgan': (build_acgan, dict(lr=2e-4, betas=(0.5, 0.999))),
}
WIDTH_MODELS = {'dcgan', 'acgan'}
CONDITIONAL_MODELS = {'acgan'}


def draw_samples(generator, count, latent_dim, classes, device, shape, first_noise=None):
    """`count` images of G as float32 [-1, 1]; a conditional G gets the classes in turn (0, 1, …, 9, 0, …) as
    ganforge's samples do; `first_noise` (the fixed noise) leads where given."""
    was_training = generator.training
    generator.eval()
    with torch.no_grad():
        noise = [] if first_noise is None else [first_noise[:count]]
        drawn = sum(z.shape[0] for z in noise)
        if count > drawn:
            noise.append(torch.randn(count - drawn, latent_dim, device=device))
        noise = torch.cat(noise)
        labels = torch.arange(count, device=device) % classes if classes else None
        batches = [generator(z, labels[i:i + 500]) if classes else generator(z)
                   for i, z in zip(range(0, count, 500), noise.split(500))]
        samples = torch.cat([b.reshape(b.shape[0], *shape) for b in batches]).float().cpu().numpy().astype(np.float32)
    generator.train(was_training)
    return samples


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--model', default='mlp', choices=sorted(MODELS))
    parser.add_argument('--data', required=True, help='uint8 IDX file of images (N×28×28 or N×C×H×W)')
    parser.add_argument('--labels', help='uint8 IDX file of the class of each image (acgan)')
    parser.add_argument('--steps', type=int, default=100)
    parser.add_argument('--warmup', type=int, default=10, help='steps run before timing starts')
    parser.add_argument('--seed', type=int, default=1)
    parser.add_argument('--batch-size', type=int, default=64)
    parser.add_argument('--width', type=int, default=64, help='dcgan/acgan: base channel width (the default recipe: 32)')
    parser.add_argument('--lr', type=float, default=0, help="Adam's learning rate for G and D (0: the model's default)")
    parser.add_argument('--class-weight', type=float, default=1, help="acgan: weight of G's classification loss (ganforge's classWeight)")
    parser.add_argument('--classify-fakes', type=int, default=1, choices=[0, 1],
                        help="acgan: 1: D's classifier also learns on G's images (the paper); 0: on real images only (ganforge's classifyFakes)")
    parser.add_argument('--threads', type=int, default=0, help='intra-op threads (0: PyTorch default)')
    parser.add_argument('--device', default='cpu', help='cpu or cuda[:k]: models, data and noise all live there')
    parser.add_argument('--precision', default='fp32', choices=['fp32', 'bf16'],
                        help='bf16: torch.autocast on CUDA around the forward passes and losses')
    parser.add_argument('--time-budget', type=float, default=0, help='also stop after this many seconds of training (0: no limit)')
    parser.add_argument('--fixed-noise', type=int, default=64,
                        help="rows of fixed noise drawn after building the models (ganforge's gridSize: 100 for acgan)")
    parser.add_argument('--samples-out', help='write G(fixed noise) as float32 .npy in [-1, 1] at the end')
    parser.add_argument('--samples-count', type=int, default=64,
                        help='images in --samples-out and each snapshot: the 64 fixed-noise images first, then fresh noise')
    parser.add_argument('--snapshots', default='', help='comma-separated seconds of training at which to write samples')
    parser.add_argument('--snapshot-prefix', help='snapshot files: PREFIX-<seconds>s.npy')
    args = parser.parse_args()

    if args.threads > 0:
        torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    conditional = args.model in CONDITIONAL_MODELS
    if conditional and not args.labels:
        sys.exit(f'--model {args.model} needs --labels')
    snapshots = sorted(float(t) for t in args.snapshots.split(',') if t)
    if snapshots and not args.snapshot_prefix:
        sys.exit('--snapshots needs --snapshot-prefix')
    # The whole data set moves to the device once, as ganforge's loader keeps it there.
    images = read_idx_images(args.data).to(device)
    labels = read_idx_labels(args.labels).to(device) if conditional else None
    count, shape = images.shape[0], tuple(images.shape[1:])
    if labels is not None and labels.shape[0] != count:
        sys.exit(f'{args.labels}: {labels.shape[0]} labels for {count} images')
    classes = int(labels.max().item()) + 1 if conditional else 0
    batches_per_epoch = count // args.batch_size

    torch.manual_seed(args.seed)
    builder, adam = MODELS[args.model]
    if args.lr > 0:
        adam = dict(adam, lr=args.lr)
    if conditional:
        generator, discriminator = builder(100, shape, args.width, classes)
    elif args.model in WIDTH_MODELS:
        generator, discriminator = builder(100, shape, args.width)
    else:
        generator, discriminator = builder(100, shape)
    generator, discriminator = generator.to(device), discriminator.to(device)
    fixed_noise = torch.randn(args.fixed_noise, 100).to(device)
    # torch 1.13 checks for bf16 support even when autocast is disabled, so fp32 uses a context that does nothing.
    autocast = torch.autocast('cuda', dtype=torch.bfloat16) if args.precision == 'bf16' else contextlib.nullcontext()
    opt_g = torch.optim.Adam(generator.parameters(), **adam)
    opt_d = torch.optim.Adam(discriminator.parameters(), **adam)
    bce = nn.BCEWithLogitsLoss()
    cross_entropy = nn.CrossEntropyLoss()
    flat = args.model == 'mlp'

    def judge(x):
        """D's real/fake logits and, for AC-GAN, its class logits."""
        out = discriminator(x.flatten(1) if flat else x)
        return (out[:, :1], out[:, 1:]) if conditional else (out, None)

    order, order_epoch = None, None
    step_ms, losses = [], []
    # Training time, without the time spent writing snapshots.
    trained_s, snapshot_s, snapshot_steps = 0.0, 0.0, {}
    for step in range(args.warmup + args.steps):
        if args.time_budget > 0 and trained_s > args.time_budget:
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
        if conditional:
            real_labels = labels.index_select(0, picked)
            fake_labels = torch.randint(0, classes, (args.batch_size,), device=device)
        with autocast:
            fake = (generator(z, fake_labels) if conditional else generator(z)).reshape(args.batch_size, *shape)

        opt_d.zero_grad(set_to_none=True)
        with autocast:
            real_logits, real_classes = judge(real)
            fake_logits, fake_classes = judge(fake.detach())
            loss_d = bce(real_logits, torch.ones_like(real_logits)) + bce(fake_logits, torch.zeros_like(fake_logits))
            if conditional:
                loss_d = loss_d + cross_entropy(real_classes, real_labels)
                if args.classify_fakes:
                    loss_d = loss_d + cross_entropy(fake_classes, fake_labels)
        loss_d.backward()
        opt_d.step()

        # As ganforge: D's weights are frozen while G trains through D (same gradient for G, less work).
        opt_g.zero_grad(set_to_none=True)
        discriminator.requires_grad_(False)
        with autocast:
            fake_logits_after, fake_classes_after = judge(fake)
            loss_g = bce(fake_logits_after, torch.ones_like(fake_logits_after))
            if conditional:
                loss_g = loss_g + cross_entropy(fake_classes_after, fake_labels) * args.class_weight
        loss_g.backward()
        discriminator.requires_grad_(True)
        opt_g.step()
        ld, lg = loss_d.item(), loss_g.item()
        elapsed = time.perf_counter() - started
        trained_s += elapsed
        if step >= args.warmup:
            step_ms.append(elapsed * 1000)
        losses.append([ld, lg])
        while snapshots and trained_s >= snapshots[0]:
            at = snapshots.pop(0)
            writing = time.perf_counter()
            # The samples' noise comes from its own seed; training goes on with the random stream as it was.
            state = torch.get_rng_state()
            torch.manual_seed(args.seed + 1)
            np.save(f'{args.snapshot_prefix}-{at:g}s.npy',
                    draw_samples(generator, args.samples_count, 100, classes, device, shape))
            torch.set_rng_state(state)
            snapshot_steps[f'{at:g}'] = step + 1
            snapshot_s += time.perf_counter() - writing

    if args.samples_out:
        np.save(args.samples_out, draw_samples(generator, args.samples_count, 100, classes, device, shape, fixed_noise))
    print(json.dumps({'device': str(device), 'torch': torch.__version__, 'threads': torch.get_num_threads(),
                      'step_ms': step_ms, 'losses': losses, 'trained_s': trained_s, 'snapshot_s': snapshot_s, 'steps': len(losses),
                      'snapshot_steps': snapshot_steps}))


if __name__ == '__main__':
    main()
