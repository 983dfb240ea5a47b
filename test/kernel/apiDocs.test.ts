/**
 * Parent APIs' kernel-doc read from the 6.12 tree: the summary, the file and the
 * MAINTAINERS entry that owns it, on hover; also the derived facts templates use.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { buildReport, describeItem, normalizeSettings, renderReport, Workspace } from '../../server/src/engine';
import { stateArcs, releaseFacts, boundsChecks } from '../../server/src/engine/model/derived';
import { nodeFileSystem } from '../../server/src/node/fsHost';
import { ensureKernel } from '../support/kernel';

describe('parent API docs and derived facts (Linux 6.12)', () => {
  const root = ensureKernel();
  const ws = new Workspace(nodeFileSystem, normalizeSettings({}));
  const model = (driver: string, file: string) => ws.driverFor(path.join(root, 'drivers/vfio/pci', driver, file)).model;

  it('hover on a parent call: kernel-doc summary, its file, the owning MAINTAINERS entry, every call site', () => {
    const m = model('mlx5', 'main.c');
    const call = m.parentCalls.find((c) => c.call.callee === 'mlx5_vf_get_core_dev');
    assert.ok(call);
    const text = describeItem(call);
    assert.match(text, /Get the mlx5 core device from a given VF PCI device/);
    assert.match(text, /drivers\/net\/ethernet\/mellanox\/mlx5\/core\/main\.c:\d+/);
    assert.match(text, /Who must ack: \*\*MELLANOX MLX5 core VPI driver\*\* owns it \(MAINTAINERS\); Acked-by from /);
    assert.match(text, /Called 1 time\(s\) in this driver:\n- `cmd\.c:\d+` in `mlx5vf_cmd_set_migratable\(\)`/);
    // The catalog's header folder is named as a folder, not as a header `<linux/mlx5/>`.
    assert.doesNotMatch(text, /<linux\/mlx5\/>/);
    assert.match(text, /the headers under `include\/linux\/mlx5\/`/);
  });

  it('plain comments in kernel-doc form count (virtio admin commands), a source listed alone in MAINTAINERS too', () => {
    const v = model('virtio', 'main.c');
    const call = v.parentCalls.find((c) => c.call.callee === 'virtio_pci_admin_legacy_io_notify_info');
    assert.ok(call);
    assert.equal(v.apiDocs?.lookup(call)?.relPath, 'drivers/virtio/virtio_pci_admin_legacy_io.c');
  });

  it('derived facts: arcs with parent calls, read bounds, release vs reset locking', () => {
    const m = model('mlx5', 'main.c');
    const setState = m.handlers.find((h) => h.fn.name === 'mlx5vf_pci_set_device_state')!;
    const arcs = stateArcs(m, setState);
    assert.equal(arcs.length, 15);
    const stopCopy = arcs.find((a) => a.from === 'STOP' && a.to === 'STOP_COPY')!;
    assert.ok(stopCopy.parentCalls.some((c) => c.callee === 'mlx5_cmd_exec_inout' && c.parent === 'mlx5_core'));
    const read = m.handlers.find((h) => h.fn.name === 'mlx5vf_save_read')!;
    assert.deepEqual(boundsChecks(read).checks, ['if (pos)']);
    const release = m.handlers.find((h) => h.fn.name === 'mlx5vf_release_file')!;
    const r = releaseFacts(m, release);
    assert.ok(r.frees.includes('kfree'));
    assert.deepEqual(r.reset?.fns, ['mlx5vf_pci_aer_reset_done']);
  });

  it('report: the arcs, a Mermaid diagram of them and the paste-able facts', () => {
    const r = buildReport(ws, path.join(root, 'drivers/vfio/pci/pds'));
    assert.equal(r.migration.derived.arcs.length, 8);
    assert.match(r.migration.derived.mermaid, /^stateDiagram-v2\n {4}STOP --> STOP_COPY/);
    assert.match(r.migration.derived.text, /pds_vfio_set_device_state\(\):\n {2}State arcs handled/);
    const md = renderReport(r, 'markdown');
    assert.match(md, /### Derived from the code[\s\S]*```mermaid\nstateDiagram-v2/);
  });
});
