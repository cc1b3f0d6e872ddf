// Memory scopes. Native tensors are freed when their owner calls dispose(); loops make that tedious, so
// `tidy(fn)` disposes every tensor created inside fn except what fn returns (and what `keep` marks).
// The GC frees forgotten tensors too, but only eventually: scopes keep memory flat in training loops.
import { native } from './native';

/** Implemented by Tensor; kept abstract here so this file does not import tensor.ts. */
export interface ScopedTensor {
  dispose(): void;
  scope: Set<ScopedTensor> | null;
}

const SCOPED = Symbol.for('ganforge.scoped');
const scopeStack: Set<ScopedTensor>[] = [];

export function markScoped(t: ScopedTensor): void {
  (t as unknown as Record<symbol, boolean>)[SCOPED] = true;
}

function isScoped(value: unknown): value is ScopedTensor {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[SCOPED] === true;
}

/** Called by every new Tensor: it belongs to the innermost open scope, if any. */
export function adopt(t: ScopedTensor): void {
  const scope = scopeStack[scopeStack.length - 1];
  if (scope) {
    scope.add(t);
    t.scope = scope;
  }
}

// Tensors reachable from a tidy's result (a tensor, or arrays and plain objects holding tensors) survive it.
function collect(value: unknown, out: Set<ScopedTensor>, depth = 0): void {
  if (depth > 8 || value === null || typeof value !== 'object') return;
  if (isScoped(value)) {
    out.add(value);
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) collect(v, out, depth + 1);
    return;
  }
  if (Object.getPrototypeOf(value) === Object.prototype || value instanceof Map) {
    const values = value instanceof Map ? [...value.values()] : Object.values(value);
    for (const v of values) collect(v, out, depth + 1);
  }
}

/**
 * Runs fn and disposes every tensor it created, except those in its result (which move to the enclosing
 * scope) and those passed to keep(). fn must be synchronous.
 */
export function tidy<T>(fn: () => T): T {
  const scope = new Set<ScopedTensor>();
  scopeStack.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (err) {
    scopeStack.pop();
    for (const t of scope) t.dispose();
    throw err;
  }
  scopeStack.pop();
  if (result instanceof Promise) {
    for (const t of scope) t.dispose();
    throw new Error('tidy() takes a synchronous function; async work cannot be scoped');
  }
  const survivors = new Set<ScopedTensor>();
  collect(result, survivors);
  const parent = scopeStack[scopeStack.length - 1] ?? null;
  for (const t of scope) {
    if (survivors.has(t)) {
      t.scope = parent;
      parent?.add(t);
    } else {
      t.dispose();
    }
  }
  return result;
}

/** Takes a tensor out of every scope: it lives until its owner disposes it. */
export function keep<T extends ScopedTensor>(t: T): T {
  t.scope?.delete(t);
  t.scope = null;
  return t;
}

/** Runs fn with autograd recording off (restoring the previous mode afterwards). */
export function noGrad<T>(fn: () => T): T {
  const previous = native.gradEnabled();
  native.setGradEnabled(false);
  try {
    return fn();
  } finally {
    native.setGradEnabled(previous);
  }
}

/** Live native tensors (those not yet disposed or collected) and their bytes. */
export function memory(): { liveTensors: number; bytes: number } {
  return native.memory();
}
