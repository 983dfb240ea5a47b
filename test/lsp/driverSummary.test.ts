/** vfioVariant/driverSummary (the VS Code status bar's count) covers the whole driver, open files or not. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { checkJson } from '../support/cli';
import { ensureKernel } from '../support/kernel';
import { TestClient } from '../support/lspClient';

interface Summary {
  driver: string;
  isVariantDriver: boolean;
  undocumented: number;
  findings: number;
  files: { uri: string; undocumented: number; findings: number }[];
}

describe('vfioVariant/driverSummary', () => {
  let root: string;
  let client: TestClient;
  const dir = () => path.join(root, 'drivers/vfio/pci/mlx5');
  const summary = (uri: string) => client.conn.sendRequest<Summary>('vfioVariant/driverSummary', { uri });

  before(async () => {
    root = ensureKernel();
    client = new TestClient();
    await client.initialize(pathToFileURL(root).href);
  });
  after(async () => {
    if (client) assert.equal(await client.shutdown(), 0);
  });

  it('counts every file of the driver like the CLI does, without opening them', async () => {
    const s = await summary(pathToFileURL(path.join(dir(), 'main.c')).href);
    const cli = checkJson(['drivers/vfio/pci/mlx5'], root);
    const undocumented = new Set(cli.filter((f) => !f.documented).map((f) => `${f.file}:${f.line}:${f.column}`));
    assert.equal(s.driver, dir());
    assert.equal(s.isVariantDriver, true);
    assert.equal(s.findings, cli.length);
    assert.equal(s.undocumented, undocumented.size);
    assert.ok(s.undocumented > 10);
    // Findings sit in more than one file of mlx5 (main.c and cmd.c).
    const files = s.files.map((f) => path.basename(new URL(f.uri).pathname)).sort();
    assert.ok(files.includes('main.c') && files.includes('cmd.c'), files.join(','));
    assert.equal(
      s.files.reduce((n, f) => n + f.undocumented, 0),
      s.undocumented,
    );
  });

  it('follows unsaved edits of an open file and reports non-drivers as such', async () => {
    const file = path.join(dir(), 'main.c');
    const uri = pathToFileURL(file).href;
    const before = await summary(uri);
    const text = fs.readFileSync(file, 'utf8');
    const at = text.indexOf('static int mlx5vf_pci_get_device_state(');
    assert.ok(at > 0);
    // Documenting one handler in the buffer (not on disk) lowers both counts by one.
    const doc = '/**\n * mlx5vf_pci_get_device_state() - Report the state\n * @vdev: device\n * @curr_state: out\n *\n * Return: 0\n */\n';
    await client.open(uri, text.slice(0, at) + doc + text.slice(at), 1);
    await client.diagnostics(uri, (p) => p.version === 1);
    const afterEdit = await summary(uri);
    assert.equal(afterEdit.undocumented, before.undocumented - 1);
    assert.equal(afterEdit.findings, before.findings - 1);

    const other = await summary(pathToFileURL(path.join(root, 'include/linux/vfio.h')).href);
    assert.equal(other.isVariantDriver, false);
    assert.equal(other.undocumented, 0);
  });
});
