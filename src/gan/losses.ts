// GAN objectives on the discriminator's raw outputs (logits for the BCE losses, scores for the others).
//   minimax         D: BCE(real, 1) + BCE(fake, 0);  G: minimise log(1 − D(G(z))) = −BCE(fake, 0) (saturates)
//   non-saturating  D: as minimax;                    G: minimise −log D(G(z)) = BCE(fake, 1)
//   lsgan           D: ½(D(x) − b)² + ½(D(G(z)) − a)²; G: ½(D(G(z)) − c)²   (Mao et al. 2017)
//   wgan-gp         D: D(G(z)) − D(x) + λ·GP;          G: −D(G(z))          (Gulrajani et al. 2017)
//   hinge           D: relu(1 − D(x)) + relu(1 + D(G(z))); G: −D(G(z))      (Miyato et al., Lim & Ye)
// One-sided label smoothing replaces the BCE target 1 for real images by 1 − s.
import { F, full, grad, rand, Tensor, tidy } from '../torch';

export const GAN_LOSSES = ['non-saturating', 'minimax', 'lsgan', 'wgan-gp', 'hinge'] as const;
export type GanLossName = (typeof GAN_LOSSES)[number];

export interface LossOptions {
  labelSmoothing: number;
  lsganA: number;
  lsganB: number;
  lsganC: number;
}

export interface GanLoss {
  name: GanLossName;
  /** D's outputs are logits (so sigmoid gives D(x) as a probability) rather than unbounded scores. */
  probabilistic: boolean;
  discriminator(realOut: Tensor, fakeOut: Tensor): Tensor;
  generator(fakeOut: Tensor): Tensor;
}

function bceAgainst(logits: Tensor, target: number): Tensor {
  return tidy(() => F.bceWithLogits(logits, full(logits.shape, target, { dtype: logits.dtype })));
}

function squaredDistance(out: Tensor, target: number): Tensor {
  return tidy(() => out.sub(target).square().mean().mul(0.5));
}

export function ganLoss(name: GanLossName, o: LossOptions): GanLoss {
  const bceDiscriminator = (real: Tensor, fake: Tensor) => tidy(() => bceAgainst(real, 1 - o.labelSmoothing).add(bceAgainst(fake, 0)));
  switch (name) {
    case 'non-saturating':
      return { name, probabilistic: true, discriminator: bceDiscriminator, generator: (fake) => bceAgainst(fake, 1) };
    case 'minimax':
      return { name, probabilistic: true, discriminator: bceDiscriminator, generator: (fake) => tidy(() => bceAgainst(fake, 0).neg()) };
    case 'lsgan':
      return {
        name, probabilistic: false,
        discriminator: (real, fake) => tidy(() => squaredDistance(real, o.lsganB).add(squaredDistance(fake, o.lsganA))),
        generator: (fake) => squaredDistance(fake, o.lsganC),
      };
    case 'wgan-gp':
      return {
        name, probabilistic: false,
        discriminator: (real, fake) => tidy(() => fake.mean().sub(real.mean())),
        generator: (fake) => tidy(() => fake.mean().neg()),
      };
    case 'hinge':
      return {
        name, probabilistic: false,
        discriminator: (real, fake) => tidy(() => real.neg().add(1).relu().mean().add(fake.add(1).relu().mean())),
        generator: (fake) => tidy(() => fake.mean().neg()),
      };
  }
}

/**
 * The WGAN-GP penalty E[(‖∇x̂ D(x̂)‖₂ − 1)²] at x̂ = εx + (1 − ε)x̃, with one ε ~ U(0, 1) per sample and the
 * norm taken over each sample's whole flattened gradient. The gradient keeps its graph (double backward),
 * so the penalty trains D. `critic` maps images to one score per image. `coefficients(shape)` draws ε (a data
 * parallel rank draws the global batch's and keeps its own rows).
 */
export function gradientPenalty(
  critic: (x: Tensor) => Tensor, real: Tensor, fake: Tensor,
  coefficients: (shape: number[]) => Tensor = (shape) => rand(shape, { dtype: real.dtype }),
): Tensor {
  return tidy(() => {
    const n = real.shape[0];
    const eps = coefficients([n, ...real.shape.slice(1).map(() => 1)]);
    const mixed = real.detach().mul(eps).add(fake.detach().mul(eps.neg().add(1))).requiresGrad_();
    const [g] = grad([critic(mixed).sum()], [mixed], { createGraph: true });
    const norms = g!.reshape([n, -1]).square().sum([1]).add(1e-12).sqrt();
    return norms.sub(1).square().mean();
  });
}
