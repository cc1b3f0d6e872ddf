// Module: a tree of named parameters, buffers and sub-modules, with PyTorch's naming ("model.0.weight")
// so state dicts line up with PyTorch's and safetensors files load on either side.
import { clearGrads, keep, noGrad, Tensor } from '../torch';

/** A module that maps one tensor to one tensor, so it can sit in a Sequential. */
export interface Layer {
  forward(x: Tensor): Tensor;
}

export abstract class Module {
  training = true;
  readonly #parameters = new Map<string, Tensor>();
  readonly #buffers = new Map<string, Tensor>();
  readonly #children = new Map<string, Module>();

  /** Registers a trainable tensor; the module owns it from now on (it leaves any tidy scope). */
  protected addParameter(name: string, value: Tensor): Tensor {
    this.#checkName(name);
    keep(value).requiresGrad_(true);
    this.#parameters.set(name, value);
    return value;
  }

  /** Registers state that is saved but not trained (e.g. running statistics). */
  protected addBuffer(name: string, value: Tensor): Tensor {
    this.#checkName(name);
    this.#buffers.set(name, keep(value));
    return value;
  }

  protected addModule<M extends Module>(name: string, module: M): M {
    this.#checkName(name);
    this.#children.set(name, module);
    return module;
  }

  #checkName(name: string): void {
    if (!name || name.includes('.')) throw new Error(`invalid name '${name}' in ${this.constructor.name}`);
    if (this.#parameters.has(name) || this.#buffers.has(name) || this.#children.has(name)) {
      throw new Error(`${this.constructor.name} already has a member named '${name}'`);
    }
  }

  namedChildren(): [string, Module][] {
    return [...this.#children];
  }

  /** This module and every module below it, depth first. */
  modules(): Module[] {
    return [this, ...[...this.#children.values()].flatMap((child) => child.modules())];
  }

  /** Every parameter with its dotted path, depth first in registration order (as PyTorch). */
  namedParameters(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [name, p] of this.#parameters) out.push([prefix + name, p]);
    for (const [name, child] of this.#children) out.push(...child.namedParameters(`${prefix}${name}.`));
    return out;
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  namedBuffers(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [name, b] of this.#buffers) out.push([prefix + name, b]);
    for (const [name, child] of this.#children) out.push(...child.namedBuffers(`${prefix}${name}.`));
    return out;
  }

  numParameters(): number {
    return this.parameters().reduce((n, p) => n + p.numel, 0);
  }

  /** Parameters and buffers by name. The tensors are the module's own: do not dispose them. */
  stateDict(): Map<string, Tensor> {
    return new Map([...this.namedParameters(), ...this.namedBuffers()]);
  }

  /**
   * Copies values into this module's tensors. Names, shapes and dtypes must match exactly; a mismatch throws one
   * error listing what is missing, unexpected or mis-shaped, and nothing is copied.
   */
  loadStateDict(state: Map<string, Tensor>, source = 'state dict'): void {
    const own = this.stateDict();
    const missing = [...own.keys()].filter((k) => !state.has(k));
    const unexpected = [...state.keys()].filter((k) => !own.has(k));
    const misShaped = [...own]
      .filter(([k, t]) => state.has(k) && state.get(k)!.shape.join('x') !== t.shape.join('x'))
      .map(([k, t]) => `${k} (expected [${t.shape}], found [${state.get(k)!.shape}])`);
    // No silent conversion: a tensor of another dtype is refused, named, like a wrong shape.
    const misTyped = [...own]
      .filter(([k, t]) => state.has(k) && state.get(k)!.dtype !== t.dtype)
      .map(([k, t]) => `${k} (expected ${t.dtype}, found ${state.get(k)!.dtype})`);
    const problems = [
      missing.length ? `missing ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}` : '',
      unexpected.length ? `unexpected ${unexpected.slice(0, 5).join(', ')}${unexpected.length > 5 ? ', …' : ''}` : '',
      misShaped.length ? `wrong shape ${misShaped.slice(0, 3).join(', ')}` : '',
      misTyped.length ? `wrong dtype ${misTyped.slice(0, 3).join(', ')}` : '',
    ].filter(Boolean);
    if (problems.length) throw new Error(`${source} does not fit ${this.constructor.name}: ${problems.join('; ')}`);
    noGrad(() => {
      for (const [k, t] of own) t.copy_(state.get(k)!);
    });
  }

  /** Training mode (dropout on, batch statistics); returns this. */
  train(mode = true): this {
    this.training = mode;
    for (const child of this.#children.values()) child.train(mode);
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Turns gradient recording for every parameter on or off (e.g. freeze D while G trains through it). */
  requiresGrad_(flag: boolean): this {
    for (const p of this.parameters()) p.requiresGrad_(flag);
    return this;
  }

  zeroGrad(): void {
    clearGrads(this.parameters());
  }

  /** Frees every parameter and buffer of this module and its children. */
  dispose(): void {
    for (const t of this.#parameters.values()) t.dispose();
    for (const t of this.#buffers.values()) t.dispose();
    for (const child of this.#children.values()) child.dispose();
  }
}
