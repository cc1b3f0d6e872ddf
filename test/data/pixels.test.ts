import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { bytesToSigned, bytesToSignedTensor, signedToBytes, signedToUnit, unitToSigned } from '../../src/data/pixels';
import { tensor } from '../../src/torch';

test('uint8 pixels map to [-1, 1] and back to the same bytes', () => {
  const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
  const signed = bytesToSigned(bytes);
  assert.equal(signed[0], -1);
  assert.equal(signed[255], 1);
  assert.deepEqual(signedToBytes(signed), bytes);
  const fromTensor = bytesToSignedTensor(tensor(bytes, [256], 'uint8'));
  assert.deepEqual(fromTensor.shape, [256]);
  const values = fromTensor.toArray();
  fromTensor.dispose();
  values.forEach((v, i) => assert.ok(Math.abs(v - signed[i]) < 1e-6, `byte ${i}`));
});

test('signed values clamp into uint8 and map to [0, 1]; [0, 1] values clamp into [-1, 1]', () => {
  assert.deepEqual([...signedToBytes(Float32Array.of(-2, -1, 0, 1, 2))], [0, 0, 128, 255, 255]);
  assert.deepEqual([...signedToUnit(Float32Array.of(-1, 0, 1))], [0, 0.5, 1]);
  assert.deepEqual([unitToSigned(-1e-7), unitToSigned(0.5), unitToSigned(1 + 1e-7)], [-1, 0, 1]);
});
