// TensorBoard event files: `tensorboard --logdir runs` reads what a run writes to runs/NAME/tb/.
//
// An event file is a TFRecord stream of serialized Event messages (schema.ts). Each record is framed as
//   uint64 length (little-endian) | masked CRC-32C of those 8 bytes | the data | masked CRC-32C of the data
// (tensorflow/tsl/lib/io/record_writer.cc). The first event carries file_version "brain.Event:2"; the others one
// Summary value each: a scalar (simple_value), an image (an encoded PNG) or text (a string tensor marked for the
// text plugin). Every record is appended and written through at once, so a crash loses at most the record it was
// writing; a resumed run opens a new file, and TensorBoard merges a folder's files by step.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { maskedCrc32c } from './crc32c';
import { DT_STRING, SESSION_START, tensorboardType } from './schema';

export { crc32c, maskedCrc32c } from './crc32c';
export { TENSORBOARD_PROTO, tensorboardSchema, tensorboardType } from './schema';

export const FILE_VERSION = 'brain.Event:2';

/** One TFRecord: the framed bytes of `data`. */
export function frameRecord(data: Uint8Array): Buffer {
  const header = Buffer.alloc(12);
  header.writeBigUInt64LE(BigInt(data.length), 0);
  header.writeUInt32LE(maskedCrc32c(header.subarray(0, 8)), 8);
  const footer = Buffer.alloc(4);
  footer.writeUInt32LE(maskedCrc32c(data), 0);
  return Buffer.concat([header, data, footer]);
}

/** Summary.Image colorspace for 1 (gray), 2 (gray + alpha), 3 (RGB) and 4 (RGBA) channels: the same numbers. */
export type ImageChannels = 1 | 2 | 3 | 4;

export class EventWriter {
  readonly path: string;
  #fd: number | null;
  readonly #event = tensorboardType('Event');

  /**
   * Creates `dir` and a new event file in it, named as TensorBoard looks for them
   * (events.out.tfevents.SECONDS.HOST.PID), and writes the file_version event.
   */
  constructor(dir: string) {
    fs.mkdirSync(dir, { recursive: true });
    const seconds = Math.floor(Date.now() / 1000);
    const base = `events.out.tfevents.${seconds}.${os.hostname().replace(/[^A-Za-z0-9._-]/g, '_')}.${process.pid}`;
    // A second writer in the same folder, process and second (per-class runs never share a folder; tests might):
    // a numbered suffix keeps the 'tfevents' name and never appends to another writer's file.
    let fd: number | null = null;
    let file = '';
    for (let n = 0; fd === null; n++) {
      file = path.join(dir, n === 0 ? base : `${base}.${n}`);
      try {
        fd = fs.openSync(file, 'wx');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || n >= 1000) throw err;
      }
    }
    this.path = file;
    this.#fd = fd;
    this.#write({ wall_time: Date.now() / 1000, step: 0, file_version: FILE_VERSION });
  }

  /** A scalar as Summary.Value.simple_value (float32: values are rounded to float, NaN and ±Infinity kept). */
  scalar(tag: string, value: number, step: number): void {
    this.#summary(step, { tag, simple_value: value });
  }

  /** An encoded image (PNG bytes) of `width`×`height` with `channels` channels. */
  image(tag: string, encoded: Uint8Array, width: number, height: number, channels: ImageChannels, step: number): void {
    this.#summary(step, { tag, image: { height, width, colorspace: channels, encoded_image_string: encoded } });
  }

  /** Markdown text, shown by TensorBoard's text plugin: a scalar DT_STRING tensor with plugin_name "text". */
  text(tag: string, markdown: string, step: number): void {
    this.#summary(step, {
      tag,
      metadata: { plugin_data: { plugin_name: 'text' } },
      tensor: { dtype: DT_STRING, tensor_shape: {}, string_val: [Buffer.from(markdown, 'utf8')] },
    });
  }

  /**
   * A SessionLog START at `step`: TensorBoard's event accumulator then drops what earlier files hold at `step` and
   * after (steps a killed session trained past its last checkpoint, which the resumed session trains again).
   */
  sessionStart(step: number): void {
    if (!Number.isSafeInteger(step) || step < 0) throw new RangeError(`step must be a non-negative integer, got ${step}`);
    this.#write({ wall_time: Date.now() / 1000, step, session_log: { status: SESSION_START } });
  }

  close(): void {
    if (this.#fd === null) return;
    fs.closeSync(this.#fd);
    this.#fd = null;
  }

  #summary(step: number, value: Record<string, unknown>): void {
    if (!Number.isSafeInteger(step) || step < 0) throw new RangeError(`step must be a non-negative integer, got ${step}`);
    this.#write({ wall_time: Date.now() / 1000, step, summary: { value: [value] } });
  }

  #write(event: Record<string, unknown>): void {
    if (this.#fd === null) throw new Error(`${this.path} is closed`);
    const data = this.#event.encode(this.#event.fromObject(event)).finish();
    // One write per record; the file is opened without buffering, so the record is in the OS once this returns.
    const record = frameRecord(data);
    for (let done = 0; done < record.length;) done += fs.writeSync(this.#fd, record, done, record.length - done);
  }
}
