// autograd.grad: gradients of outputs with respect to chosen inputs, returned rather than accumulated.
// With createGraph the gradients are themselves differentiable (double backward, as WGAN-GP needs).
import { native } from './native';
import { Tensor } from './tensor';

export interface GradOptions {
  gradOutputs?: Tensor[];
  retainGraph?: boolean;
  createGraph?: boolean;
}

/** One gradient per input; null where an input does not influence the outputs. */
export function grad(outputs: Tensor[], inputs: Tensor[], options: GradOptions = {}): (Tensor | null)[] {
  const result = native.autogradGrad(
    outputs.map((t) => t.handle),
    inputs.map((t) => t.handle),
    options.gradOutputs ? options.gradOutputs.map((t) => t.handle) : null,
    options.retainGraph,
    options.createGraph ?? false,
  );
  return result.map((h) => (h === null ? null : new Tensor(h)));
}
