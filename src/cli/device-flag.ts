// The --device flag that every command doing tensor work takes, and its one way of being applied.
import { resolveDevice, setDefaultDevice } from '../torch';
import { FlagSpec, UsageError } from './args';

export const DEVICE_FLAG = {
  name: 'device', type: 'string', default: 'auto', placeholder: 'DEV',
  help: 'where tensors live: auto (the first GPU where this libtorch has CUDA and one is visible, else the CPU), cpu, cuda, cuda:K',
} as const satisfies FlagSpec;

/** Makes the flag's device the default of every tensor from here on; says so when it is a GPU. */
export function applyDeviceFlag(request: string): string {
  let device: string;
  try {
    device = resolveDevice(request);
  } catch (err) {
    throw new UsageError(`--device: ${(err as Error).message}`);
  }
  setDefaultDevice(device);
  if (device !== 'cpu') process.stderr.write(`device: ${device}\n`);
  return device;
}
