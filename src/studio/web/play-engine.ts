// Running an exported generator in the page with onnxruntime-web's wasm build, loaded at run time from the
// server that serves the page (the studio's /ort/, or ort/ beside a static export): it is not bundled, so the
// studio's script builds and runs without it, and nothing comes from a CDN. One thread: no SharedArrayBuffer,
// so no cross-origin isolation is needed from whoever hosts the page.

/** The few parts of onnxruntime-web's API used here (typed locally: the package is optional). */
interface OrtTensor { readonly data: unknown; readonly dims: readonly number[] }
interface OrtSession { run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>; release(): Promise<void> }
interface Ort {
  env: { wasm: { numThreads: number; wasmPaths: string; proxy: boolean } };
  Tensor: new (type: 'float32' | 'int64', data: Float32Array | BigInt64Array, dims: number[]) => OrtTensor;
  InferenceSession: { create(model: Uint8Array, options: Record<string, unknown>): Promise<OrtSession> };
}

export interface Generator {
  /** z [n, latentDim] (and classes [n]) → images [n, C, H, W] in [-1, 1]. */
  run(z: Float32Array, n: number, classes?: number[]): Promise<Float32Array>;
}

/** Loads the runtime from `runtimeBase` (an absolute URL ending in /) and the model from `modelUrl`. */
export async function loadGenerator(runtimeBase: string, modelUrl: string, latentDim: number): Promise<Generator> {
  const entry = `${runtimeBase}ort.wasm.min.mjs`;
  const ort = (await import(entry)) as Ort;
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  ort.env.wasm.wasmPaths = runtimeBase;
  const answer = await fetch(modelUrl, { credentials: 'same-origin' });
  if (!answer.ok) {
    const body = await answer.json().catch(() => ({})) as { error?: string };
    throw new Error(body.error ?? `the model could not be fetched (HTTP ${answer.status})`);
  }
  const session = await ort.InferenceSession.create(new Uint8Array(await answer.arrayBuffer()), { executionProviders: ['wasm'] });
  return {
    async run(z, n, classes) {
      const feeds: Record<string, OrtTensor> = { z: new ort.Tensor('float32', z, [n, latentDim]) };
      if (classes) feeds.class = new ort.Tensor('int64', BigInt64Array.from(classes, (c) => BigInt(c)), [n]);
      const { image } = await session.run(feeds);
      return image.data as Float32Array;
    },
  };
}
