// Weight initialisation, in place and unrecorded by autograd. Draws come from the global generator in the
// order of the calls, so a model built after manualSeed(s) matches PyTorch's built the same way.

/** Fan-in and fan-out as PyTorch computes them: dims 0 and 1, times the receptive field size. */
export function fans(shape: number[]): { fanIn: number; fanOut: number } {
  if (shape.length < 2) throw new Error(`fan in and fan out need at least 2 dimensions, got [${shape}]`);
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[1] * receptive, fanOut: shape[0] * receptive };
}

interface Fillable {
  shape: number[];
  uniform_(low: number, high: number): unknown;
  normal_(mean: number, std: number): unknown;
  fill_(value: number): unknown;
}

/** Gain for leaky_relu with negative slope a: sqrt(2 / (1 + a²)). */
export function leakyReluGain(a: number): number {
  return Math.sqrt(2 / (1 + a * a));
}

/** He-uniform on fan-in; PyTorch's default for Linear and Conv weights uses a = √5. */
export function kaimingUniform_(t: Fillable, a = 0): void {
  const { fanIn } = fans(t.shape);
  const bound = Math.sqrt(3) * (leakyReluGain(a) / Math.sqrt(fanIn));
  t.uniform_(-bound, bound);
}

/** PyTorch's default bias init: U(-1/√fanIn, 1/√fanIn). */
export function biasUniform_(bias: Fillable, fanIn: number): void {
  const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
  bias.uniform_(-bound, bound);
}

export function normal_(t: Fillable, mean: number, std: number): void {
  t.normal_(mean, std);
}

export function constant_(t: Fillable, value: number): void {
  t.fill_(value);
}
