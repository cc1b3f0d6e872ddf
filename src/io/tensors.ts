// Tensors to and from safetensors files: the bridge between src/torch and the byte-level format.
import * as fs from 'fs';
import { DType, Tensor, tensor } from '../torch';
import { writeFileAtomic } from './atomic';
import { decodeSafetensors, encodeSafetensors, RawTensor, rawFromTypedArray, SafeDType, typedArrayFromRaw } from './safetensors';

// Half-precision tensors (mixed-precision activations; parameters stay float32) are stored widened to F32, exactly.
const TO_SAFE: Record<DType, SafeDType> = {
  float32: 'F32', float64: 'F64', float16: 'F32', bfloat16: 'F32', int64: 'I64', int32: 'I32', uint8: 'U8', bool: 'BOOL',
};
const FROM_SAFE: Record<SafeDType, DType> = { F32: 'float32', F64: 'float64', I64: 'int64', I32: 'int32', U8: 'uint8', BOOL: 'bool' };

export function tensorToRaw(t: Tensor): RawTensor {
  const data = t.dtype === 'float16' || t.dtype === 'bfloat16' ? t.toFloat32Array() : t.toTypedArray();
  return rawFromTypedArray(data, t.shape, TO_SAFE[t.dtype]);
}

export function rawToTensor(raw: RawTensor): Tensor {
  return tensor(typedArrayFromRaw(raw), raw.shape, FROM_SAFE[raw.dtype]);
}

/** Writes the tensors (in map order) and string metadata to `file`, atomically (temp file + rename). */
export function saveTensors(file: string, tensors: Map<string, Tensor>, metadata: Record<string, string> = {}): void {
  const raw = new Map<string, RawTensor>();
  for (const [name, t] of tensors) raw.set(name, tensorToRaw(t));
  writeFileAtomic(file, encodeSafetensors(raw, metadata));
}

/** Reads a safetensors file into new tensors (the caller owns them). Errors name the file. */
export function loadTensors(file: string): { tensors: Map<string, Tensor>; metadata: Record<string, string> } {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    throw new Error(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  const decoded = decodeSafetensors(bytes, file);
  const tensors = new Map<string, Tensor>();
  for (const [name, raw] of decoded.tensors) tensors.set(name, rawToTensor(raw));
  return { tensors, metadata: decoded.metadata };
}
