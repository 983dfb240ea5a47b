/** isGenericKernelApi: kernel core APIs by name prefix, which data-flow inference must not call parent calls. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isGenericKernelApi } from '../../server/src/engine/model/parents';

describe('isGenericKernelApi', () => {
  it('a generic prefix counts when it ends at `_` or at the end of the name, after any leading underscores', () => {
    for (const name of [
      'pci_read_config_dword',
      'pci',
      '__pci_reset_function_locked',
      'dma_wmb',
      'kstrtou_x',
      'strncpy_from_user',
      'smp_mb__after_atomic',
      'copy_from_user',
    ]) {
      assert.equal(isGenericKernelApi(name), true, name);
    }
  });

  it('a prefix that runs on into the name, a driver prefix, or an empty name does not', () => {
    for (const name of ['pcix_thing', 'mlx5_cmd_exec', 'hisi_qm_wait_mb_ready', 'kstrtoul', 'x_pci', '', '_', '___', 'devlinkx']) {
      assert.equal(isGenericKernelApi(name), false, name);
    }
  });
});
