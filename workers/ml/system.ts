/** Handlers for the System cell: backend initialisation and the numeric self-test. */
import * as tf from '@tensorflow/tfjs';
import { selfTest } from '../../lib/compute/selftest';
import { initBackend } from '../backend';
import type { Handlers } from '../../lib/rpc/server';
import type { BackendName } from '../protocol/backend';
import type { MlMethods } from '../protocol/ml';

export const systemHandlers: Pick<Handlers<MlMethods>, 'backend.init' | 'backend.selftest'> = {
  'backend.init': ({ preferred }) => initBackend(preferred),
  'backend.selftest': async ({ n, seed }) => {
    const t0 = performance.now();
    const values = await selfTest(tf, n, seed);
    return { backend: tf.getBackend() as BackendName, values, ms: performance.now() - t0 };
  },
};
