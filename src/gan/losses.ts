// GAN objectives on discriminator logits. D maximises log D(x) + log(1 − D(G(z))), i.e. minimises the BCE
// of real logits against 1 and fake logits against 0. For G:
//   'non-saturating' minimises −log D(G(z)) = BCE(fake, 1): strong gradients while D rejects early fakes;
//   'minimax' minimises log(1 − D(G(z))) = −BCE(fake, 0): the original objective, which saturates.
import { F, ones, Tensor, zeros } from '../torch';

export const GAN_LOSSES = ['non-saturating', 'minimax'] as const;
export type GanLossName = (typeof GAN_LOSSES)[number];

export interface GanLoss {
  discriminator(realLogits: Tensor, fakeLogits: Tensor): Tensor;
  generator(fakeLogits: Tensor): Tensor;
}

function bceAgainst(logits: Tensor, label: 0 | 1): Tensor {
  const target = label === 1 ? ones(logits.shape) : zeros(logits.shape);
  const loss = F.bceWithLogits(logits, target);
  target.dispose();
  return loss;
}

function discriminatorBce(realLogits: Tensor, fakeLogits: Tensor): Tensor {
  const real = bceAgainst(realLogits, 1);
  const fake = bceAgainst(fakeLogits, 0);
  const total = real.add(fake);
  real.dispose();
  fake.dispose();
  return total;
}

export function ganLoss(name: GanLossName): GanLoss {
  switch (name) {
    case 'non-saturating':
      return { discriminator: discriminatorBce, generator: (fake) => bceAgainst(fake, 1) };
    case 'minimax':
      return {
        discriminator: discriminatorBce,
        generator: (fake) => {
          const bce = bceAgainst(fake, 0);
          const loss = bce.neg();
          bce.dispose();
          return loss;
        },
      };
  }
}
