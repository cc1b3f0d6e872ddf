// Age-cGAN's identity-preserving latent optimisation (Antipov et al. 2017, section 3.2): a face x of age group y
// is encoded to z₀ = E(x), then z is moved by a few Adam steps to minimise
//   IDENTITY_WEIGHT · ‖I(x) − I(G(z, y))‖² / D  +  PIXEL_WEIGHT · ‖x − G(z, y)‖² / P
// (I: the identity embedding's 128 features; both terms means, per image, over features and pixels), so that
// G(z*, y) looks like x and is the same person; the paper's "IP-Opt" uses a face recognition network, its
// "Pixelwise-Opt" the pixels; this uses both. Then G(z*, y') draws that person at age y'. Every image's z moves
// on its own objective: the batch's mean objective has, per z, its own gradient over N, which Adam's scaling
// cancels. G, E and I stay frozen and in eval mode (batch norm's running statistics).
import type { ClassifierNet } from '../../metrics/classifier';
import { Adam } from '../../optim';
import { keep, noGrad, stack, Tensor, tidy } from '../../torch';
import type { AgeEncoder, AgeGenerator } from './agecgan-parts';

/** Adam steps on z per image (the paper's optimisation ran to convergence on 128-pixel faces; a few suffice here). */
export const INVERSION_STEPS = 40;
export const INVERSION_LR = 0.05;
export const IDENTITY_WEIGHT = 1;
export const PIXEL_WEIGHT = 1;

export interface InversionNets {
  generator: AgeGenerator;
  encoder: AgeEncoder;
  identity: ClassifierNet;
}

/** The objective above for each image of x [N, C, H, W] at z [N, latent] with ages [N] (int64) → [N]. */
function objective(nets: InversionNets, x: Tensor, target: Tensor, z: Tensor, ages: Tensor): Tensor {
  return tidy(() => {
    const drawn = nets.generator.forward(z, ages);
    const identity = nets.identity.forward(drawn).features.sub(target).square().mean([1]);
    const pixels = drawn.sub(x).square().reshape([x.shape[0], -1]).mean([1]);
    return identity.mul(IDENTITY_WEIGHT).add(pixels.mul(PIXEL_WEIGHT));
  });
}

/**
 * z* for faces x [N, C, H, W] in [-1, 1] of age groups `ages` [N] (int64), and the batch's mean objective before
 * each step and after the last (steps + 1 values: it should fall).
 */
export function invertFaces(nets: InversionNets, x: Tensor, ages: Tensor, steps = INVERSION_STEPS): { z: Tensor; objective: number[] } {
  const modules = [nets.generator, nets.encoder, nets.identity];
  const training = modules.map((m) => m.training);
  modules.forEach((m) => m.eval().requiresGrad_(false));
  const target = noGrad(() => tidy(() => nets.identity.forward(x).features));
  const z = noGrad(() => tidy(() => nets.encoder.forward(x).detach())).requiresGrad_(true);
  const optimizer = new Adam([z], { lr: INVERSION_LR });
  const trace: Tensor[] = [];
  try {
    for (let step = 0; step < steps; step++) {
      tidy(() => {
        optimizer.zeroGrad();
        const loss = objective(nets, x, target, z, ages).mean();
        loss.backward();
        optimizer.step();
        trace.push(keep(loss.detach()));
      });
    }
    trace.push(noGrad(() => tidy(() => objective(nets, x, target, z, ages).mean())));
    const values = tidy(() => stack(trace.map((t) => t.reshape([]))).toFloat32Array());
    return { z: tidy(() => z.detach().clone()), objective: Array.from(values) };
  } finally {
    trace.forEach((t) => t.dispose());
    optimizer.dispose();
    target.dispose();
    z.dispose();
    modules.forEach((m, k) => m.train(training[k]).requiresGrad_(true));
  }
}
