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

export interface Feed { data: Float32Array | BigInt64Array; dims: number[] }

export interface OnnxModel {
  /** Runs the graph once; its float outputs by name. */
  run(feeds: Record<string, Feed>): Promise<Record<string, Float32Array>>;
}

/** Loads the runtime from `runtimeBase` (an absolute URL ending in /) and the model from `modelUrl`. */
export async function loadModel(runtimeBase: string, modelUrl: string): Promise<OnnxModel> {
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
    async run(feeds) {
      const tensors: Record<string, OrtTensor> = {};
      for (const [name, feed] of Object.entries(feeds)) tensors[name] = new ort.Tensor(feed.data instanceof BigInt64Array ? 'int64' : 'float32', feed.data, feed.dims);
      const outputs = await session.run(tensors);
      return Object.fromEntries(Object.entries(outputs).map(([name, t]) => [name, t.data as Float32Array]));
    },
  };
}
