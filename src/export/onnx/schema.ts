// Loads the part of ONNX's schema that ganforge writes (onnx.proto beside this file: ONNX's own messages,
// fields and numbers; see its header) into protobufjs, and names the enum values the exporter uses.
import * as fs from 'fs';
import * as path from 'path';
import type * as Protobuf from 'protobufjs';

/** onnx.proto: beside this file when run from src/, under src/ of the package root when run from dist/src/. */
function protoFile(): string {
  const candidates = [path.join(__dirname, 'onnx.proto'), path.join(__dirname, '..', '..', '..', '..', 'src', 'export', 'onnx', 'onnx.proto')];
  const found = candidates.find((file) => fs.existsSync(file));
  if (!found) throw new Error(`ganforge is incomplete: the ONNX schema onnx.proto is missing (looked in ${candidates.join(', ')})`);
  return found;
}

/** TensorProto.DataType values used here. */
export const DATA_TYPE = { float32: 1, int64: 7 } as const;
export type ElementType = keyof typeof DATA_TYPE;

/** AttributeProto.AttributeType values used here. */
export const ATTRIBUTE_TYPE = { float: 1, int: 2, string: 3, floats: 6, ints: 7 } as const;

let root: Protobuf.Root | null = null;

/** The message type `onnx.NAME` (ModelProto, …), field names as in the .proto (snake_case). */
export function onnxType(name: string): Protobuf.Type {
  // Loaded on first use, as the TensorBoard schema is: commands that never export don't pay for protobufjs.
  const protobuf: typeof Protobuf = require('protobufjs');
  root ??= protobuf.parse(fs.readFileSync(protoFile(), 'utf8'), { keepCase: true }).root;
  return root.lookupType(`onnx.${name}`);
}
