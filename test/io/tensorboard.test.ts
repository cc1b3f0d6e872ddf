// TensorBoard event files: CRC-32C against published check values, the writer's files read back through an
// independent TFRecord reader (framing and both CRCs checked bit by bit) and the same TensorBoard schema, values
// round-tripping exactly; Python's own event reader where tensorboard is installed; and `ganforge train
// --tensorboard` writing the run's scalars, grid and config.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_CONFIG, parseStoredConfig } from '../../src/gan/config';
import { RunRecorder } from '../../src/gan/recorder';
import { RunDir } from '../../src/gan/run-dir';
import { resumedConfig } from '../../src/gan/run';
import type { FamilyRun } from '../../src/gan/types';
import type { EvalResult, Judge } from '../../src/metrics/judge';
import { crc32c, EventWriter, FILE_VERSION, maskedCrc32c, tensorboardType } from '../../src/io/tensorboard';
import { encodePng } from '../../src/io/png';
import { ganforge, mnistSubsetFolder, tempDir } from '../helpers/fixtures';
import { python } from '../helpers/python';

/** CRC-32C bit by bit (no table), to check the framing independently of the module under test. */
function slowCrc32c(bytes: Uint8Array): number {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0x82f63b78 & -(crc & 1));
  }
  return ~crc >>> 0;
}
const slowMasked = (bytes: Uint8Array) => {
  const c = slowCrc32c(bytes);
  return (((c >>> 15) | (c << 17)) + 0xa282ead8) >>> 0;
};

interface ReadValue {
  tag: string;
  simple_value?: number;
  image?: { height: number; width: number; colorspace: number; encoded_image_string: Uint8Array };
  tensor?: { dtype: number; string_val: Uint8Array[] };
  metadata?: { plugin_data?: { plugin_name: string } };
}
interface ReadEvent {
  wall_time: number;
  step: number;
  file_version?: string;
  session_log?: { status: number };
  summary?: { value: ReadValue[] };
}

/** Every record of a TFRecord file, its length and both masked CRCs checked; each decoded as an Event. */
function readEvents(file: string): ReadEvent[] {
  const bytes = fs.readFileSync(file);
  const Event = tensorboardType('Event');
  const events: ReadEvent[] = [];
  let at = 0;
  while (at < bytes.length) {
    assert.ok(at + 12 <= bytes.length, `a record header is cut short at byte ${at}`);
    const length = Number(bytes.readBigUInt64LE(at));
    assert.equal(bytes.readUInt32LE(at + 8), slowMasked(bytes.subarray(at, at + 8)), `length CRC at byte ${at}`);
    const data = bytes.subarray(at + 12, at + 12 + length);
    assert.equal(data.length, length, `record at byte ${at} is cut short`);
    assert.equal(bytes.readUInt32LE(at + 12 + length), slowMasked(data), `data CRC at byte ${at}`);
    const event = Event.toObject(Event.decode(data), { longs: Number }) as ReadEvent;
    events.push({ ...event, step: event.step ?? 0 }); // proto3 leaves a zero step off the wire
    at += 12 + length + 4;
  }
  return events;
}

const values = (events: ReadEvent[]) => events.flatMap((e) => (e.summary?.value ?? []).map((v) => ({ step: e.step, ...v })));

describe('TensorBoard event files', () => {
  it('CRC-32C matches the published check values (RFC 3720 B.4, the CRC catalogue)', () => {
    const iota = Uint8Array.from({ length: 32 }, (_, i) => i);
    const cases: [Uint8Array, number][] = [
      [Buffer.from('123456789'), 0xe3069283],
      [new Uint8Array(32), 0x8a9136aa],
      [new Uint8Array(32).fill(0xff), 0x62a8ab43],
      [iota, 0x46dd794e],
      [iota.slice().reverse(), 0x113fdb5c],
      [new Uint8Array(0), 0],
    ];
    for (const [bytes, expected] of cases) {
      assert.equal(crc32c(bytes), expected);
      assert.equal(slowCrc32c(bytes), expected);
    }
    assert.equal(maskedCrc32c(new Uint8Array(0)), 0xa282ead8);
    const random = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7919 + 13) & 0xff);
    assert.equal(maskedCrc32c(random), slowMasked(random));
  });

  const image = { width: 3, height: 2, channels: 3 as const, pixels: Uint8Array.from({ length: 18 }, (_, i) => i * 14) };
  const png = encodePng(image);
  const markdown = '```json\n{ "model": "mlp", "lrG": 0.0002, "note": "ünïcode ✓" }\n```';
  const scalars: [string, number, number][] = [
    ['train/loss_d', 0.1, 1], ['train/loss_d', 1.3862943611198906, 2], ['train/d_x', 1e-30, 3], ['train/big', 3.4e38, 4],
    ['train/nan', NaN, 5], ['train/inf', -Infinity, 6], ['lr/G', 2e-4, 2 ** 40],
  ];

  function writeSample(dir: string): string {
    const before = Date.now() / 1000;
    const writer = new EventWriter(dir);
    for (const [tag, value, step] of scalars) writer.scalar(tag, value, step);
    writer.image('samples', png, image.width, image.height, image.channels, 7);
    writer.text('config', markdown, 0);
    writer.sessionStart(12);
    writer.close();
    writer.close(); // closing twice is harmless
    assert.throws(() => writer.scalar('x', 1, 1), /closed/);
    assert.ok(fs.statSync(writer.path).mtimeMs / 1000 >= Math.floor(before));
    return writer.path;
  }

  it('writes a file_version event, then scalars, an image and text that read back exactly', () => {
    const dir = path.join(tempDir('tb'), 'tb');
    const before = Date.now() / 1000;
    const file = writeSample(dir);
    assert.match(path.basename(file), /^events\.out\.tfevents\.\d{10}\.[A-Za-z0-9._-]+\.\d+$/);
    const events = readEvents(file);
    assert.equal(events.length, 1 + scalars.length + 3);
    assert.deepEqual([events.at(-1)!.step, events.at(-1)!.session_log], [12, { status: 1 }]); // SessionLog.START
    assert.equal(events[0].file_version, FILE_VERSION);
    assert.equal(events[0].summary, undefined);
    for (const e of events) assert.ok(e.wall_time >= before - 1 && e.wall_time <= Date.now() / 1000 + 1, `wall_time ${e.wall_time}`);

    const read = values(events);
    scalars.forEach(([tag, value, step], i) => {
      assert.equal(read[i].tag, tag);
      assert.equal(read[i].step, step);
      assert.ok(Object.is(read[i].simple_value, Math.fround(value)), `${tag}: ${read[i].simple_value} ≠ ${Math.fround(value)}`);
    });
    const img = read[scalars.length];
    assert.equal(img.tag, 'samples');
    assert.equal(img.step, 7);
    assert.deepEqual({ ...img.image, encoded_image_string: undefined }, { height: 2, width: 3, colorspace: 3, encoded_image_string: undefined });
    assert.ok(Buffer.from(img.image!.encoded_image_string).equals(png));
    const text = read[scalars.length + 1];
    assert.equal(text.tag, 'config');
    assert.equal(text.metadata?.plugin_data?.plugin_name, 'text');
    assert.equal(text.tensor?.dtype, 7); // DT_STRING
    assert.equal(text.tensor?.string_val.length, 1);
    assert.equal(Buffer.from(text.tensor!.string_val[0]).toString('utf8'), markdown);

    // The wire bytes of the first scalar, by hand from event.proto / summary.proto's field numbers: Event.step = 2
    // (varint), Event.summary = 5, Summary.value = 1, Value.tag = 1, Value.simple_value = 2 (fixed32 float).
    const bytes = fs.readFileSync(file);
    const first = 12 + Number(bytes.readBigUInt64LE(0)) + 4;
    const record = bytes.subarray(first + 12, first + 12 + Number(bytes.readBigUInt64LE(first)));
    const float = Buffer.alloc(4);
    float.writeFloatLE(0.1);
    const tag = Buffer.from('train/loss_d');
    const value = Buffer.concat([Buffer.from([0x0a, tag.length]), tag, Buffer.from([0x15]), float]);
    assert.equal(record[0], 0x09); // wall_time = 1, a double
    assert.deepEqual([...record.subarray(9)], [0x10, 1, 0x2a, value.length + 2, 0x0a, value.length, ...value]);

    // A second writer in the same folder (same second, same process) gets a file of its own.
    const second = writeSample(dir);
    assert.notEqual(second, file);
    assert.match(path.basename(second), /tfevents/);
    assert.equal(readEvents(file).length, events.length);
  });

  it("reads back with Python's tensorboard event loader (skipped where tensorboard is not installed)", (t) => {
    const file = writeSample(path.join(tempDir('tb-py'), 'tb'));
    const script = `
import json, struct, sys
from tensorboard.backend.event_processing import event_file_loader
loader = getattr(event_file_loader, 'LegacyEventFileLoader', event_file_loader.EventFileLoader)
out = []
for e in loader(sys.argv[1]).Load():
    if e.HasField('file_version'):
        out.append({'step': e.step, 'file_version': e.file_version})
    if e.HasField('session_log'):
        out.append({'step': e.step, 'session_log': e.session_log.status})
    for v in e.summary.value:
        kind = v.WhichOneof('value')
        row = {'step': e.step, 'tag': v.tag, 'kind': kind}
        if kind == 'simple_value':
            row['value'] = struct.pack('<d', v.simple_value).hex()
        elif kind == 'image':
            row['png'] = v.image.encoded_image_string.hex()
            row['size'] = [v.image.width, v.image.height, v.image.colorspace]
        elif kind == 'tensor':
            row['text'] = [s.decode('utf8') for s in v.tensor.string_val]
            row['plugin'] = v.metadata.plugin_data.plugin_name
        out.append(row)
print(json.dumps(out))
`;
    const stdout = python(t, 'tensorboard', script, [file]);
    if (stdout === null) return;
    const rows = JSON.parse(stdout) as Record<string, unknown>[];
    assert.deepEqual(rows[0], { step: 0, file_version: FILE_VERSION });
    scalars.forEach(([tag, value, step], i) => {
      const row = rows[1 + i];
      assert.deepEqual([row.tag, row.step, row.kind], [tag, step, 'simple_value']);
      assert.ok(Object.is(Buffer.from(row.value as string, 'hex').readDoubleLE(0), Math.fround(value)), tag);
    });
    assert.deepEqual(rows[1 + scalars.length], { step: 7, tag: 'samples', kind: 'image', png: png.toString('hex'), size: [3, 2, 3] });
    assert.deepEqual(rows[2 + scalars.length], { step: 0, tag: 'config', kind: 'tensor', text: [markdown], plugin: 'text' });
    assert.deepEqual(rows[3 + scalars.length], { step: 12, session_log: 1 });
  });

  it('the tensorboard key: off by default, absent from older stored configs (read as off), changeable on resume', () => {
    assert.equal(DEFAULT_CONFIG.tensorboard, false);
    const older: Record<string, unknown> = { ...DEFAULT_CONFIG, steps: 10, epochs: null };
    delete older.tensorboard;
    const saved = parseStoredConfig(older, 'config.json');
    assert.equal(saved.tensorboard, false);
    assert.equal(resumedConfig(saved, { tensorboard: true }).tensorboard, true);
    assert.throws(() => parseStoredConfig({ ...older, tensorboard: 'yes' }, 'config.json'), /'tensorboard' must be a boolean, got "yes"/);
  });

  it('the recorder writes eval scores, skips keys no step has measured yet, and writes nothing when off', async () => {
    const fakeRun = {
      logFields: [{ label: 'Loss_D', keys: ['loss_d'] }, { label: 'Loss_G', keys: ['loss_g'] }], probabilisticOutputs: false,
      batchesPerEpoch: 2, sample: () => ({ images: new Float32Array(4), shape: [1, 1, 2, 2] }),
    } as unknown as FamilyRun;
    const scores: EvalResult = {
      protocol: {} as EvalResult['protocol'], fid: 12.5, kid: { mean: 0.0123, std: 0.002 }, inceptionScore: null,
      precision: 0.7, recall: 0.6, coverage: { shares: [0.5, 0.5], normalizedEntropy: 1, missing: [] },
    };
    const judge = { evaluate: async () => scores } as unknown as Judge;
    const record = async (tensorboard: boolean, from = 0) => {
      const dir = new RunDir(path.join(tempDir('tb-rec'), 'run'));
      dir.prepare();
      const config = { ...DEFAULT_CONFIG, steps: 2, epochs: null, evalEvery: 2, metricsEvery: 2, tensorboard };
      const recorder = new RunRecorder(dir, config, fakeRun, { log: () => undefined, judge }, 1);
      {
        using session = recorder.open(from);
        const scalars = recorder.merge({ loss_d: 0.25 }); // loss_g never measured: NaN, left out
        await recorder.record({ step: 2, epoch: 2, batchInEpoch: 0, elapsedMs: 10 }, 2, scalars, 1.5, true);
        session.grid({ width: 1, height: 1, channels: 1, pixels: new Uint8Array(1) }, png, 2);
      }
      return dir;
    };
    const off = await record(false);
    assert.equal(fs.existsSync(off.tensorboardDir), false);

    const on = await record(true);
    const [file] = fs.readdirSync(on.tensorboardDir);
    const read = values(readEvents(path.join(on.tensorboardDir, file)));
    const scalarsAt2 = Object.fromEntries(read.filter((v) => v.simple_value !== undefined).map((v) => [v.tag, v.simple_value]));
    const f = Math.fround;
    assert.deepEqual(scalarsAt2, {
      'train/loss_d': 0.25, 'time/step_ms': 1.5, 'lr/G': f(2e-4), 'lr/D': f(2e-4),
      'eval/fid': 12.5, 'eval/kid': f(0.0123), 'eval/kid_std': f(0.002), 'eval/precision': f(0.7), 'eval/recall': f(0.6), 'eval/coverage_entropy': 1,
    });
    assert.ok(read.filter((v) => v.simple_value !== undefined).every((v) => v.step === 2));
    assert.deepEqual(read.map((v) => v.tag).filter((t) => !t.includes('/')), ['config', 'samples']);
    const fresh = readEvents(path.join(on.tensorboardDir, file));
    assert.deepEqual([fresh[1].step, fresh[1].session_log], [1, { status: 1 }]);

    // Resumed at step 1: a session start at step 2 comes before anything else of the new session.
    const resumed = await record(true, 1);
    const events = readEvents(path.join(resumed.tensorboardDir, fs.readdirSync(resumed.tensorboardDir)[0]));
    assert.deepEqual([events[1].step, events[1].session_log], [2, { status: 1 }]);
    assert.deepEqual([events[2].step, events[2].summary?.value[0].tag], [1, 'config']);
  });

  it('ganforge train --tensorboard writes every recorded scalar, the grid and the config to OUT/tb', () => {
    const data = mnistSubsetFolder(64); // 4 batches of 16: the 4 steps are one epoch
    const out = path.join(tempDir('tb-cli'), 'run');
    const run = ganforge(['train', '--model', 'mlp', '--dataset', data, '--steps', '4', '--batch-size', '16', '--metrics-every', '1',
      '--grid-size', '4', '--tensorboard', '--out', out]);
    assert.equal(run.status, 0, run.stderr);
    const files = fs.readdirSync(path.join(out, 'tb'));
    assert.equal(files.length, 1);
    assert.match(files[0], /^events\.out\.tfevents\./);
    const read = values(readEvents(path.join(out, 'tb', files[0])));

    const records = fs.readFileSync(path.join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
    assert.equal(records.length, 4);
    const familyKeys = Object.keys(records[0]).filter((k) => !['step', 'epoch', 'step_ms', 'elapsed_s', 'live_tensors', 'rss_mib'].includes(k));
    assert.ok(familyKeys.includes('loss_d') && familyKeys.includes('d_g_z'), familyKeys.join());
    const expectedTags = ['config', 'lr/D', 'lr/G', 'samples', 'time/step_ms', ...familyKeys.map((k) => `train/${k}`)].sort();
    assert.deepEqual([...new Set(read.map((v) => v.tag))].sort(), expectedTags);

    const config = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(config.tensorboard, true);
    const text = read.filter((v) => v.tag === 'config');
    assert.equal(text.length, 1);
    assert.equal(text[0].step, 0);
    assert.equal(Buffer.from(text[0].tensor!.string_val[0]).toString('utf8'), '```json\n' + JSON.stringify(config, null, 2) + '\n```');

    for (const record of records) {
      const at = (tag: string) => read.find((v) => v.tag === tag && v.step === record.step)?.simple_value;
      for (const key of familyKeys) assert.ok(Object.is(at(`train/${key}`), Math.fround(record[key])), `${key} at step ${record.step}`);
      assert.ok(Object.is(at('time/step_ms'), Math.fround(record.step_ms)));
      assert.ok(Object.is(at('lr/G'), Math.fround(config.lrG as number)));
      assert.ok(Object.is(at('lr/D'), Math.fround(config.lrD as number)));
    }
    const grids = read.filter((v) => v.tag === 'samples');
    assert.equal(grids.length, 1);
    assert.equal(grids[0].step, 4);
    assert.ok(Buffer.from(grids[0].image!.encoded_image_string).equals(fs.readFileSync(path.join(out, 'samples', 'epoch-0001.png'))));
    assert.equal(grids[0].image!.colorspace, 1);
  });
});
