/**
 * Results kept across driver models (flow/locks.ts keeps a function's lock flow with its
 * file version while the driver helpers it calls keep their effect) must never show:
 * after each edit of one file, the findings of every file of the driver equal those of a
 * fresh workspace given the same texts. The edits change what a lock helper in
 * helpers.c does; main.c, never edited, calls it before copying to userspace.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { Workspace, type Finding } from '../../server/src/engine';
import { nodeFileSystem } from '../../server/src/node/fsHost';
import { REPO } from '../support/kernel';

const plain = (fs: Finding[]) => fs.map((f) => `${path.basename(f.path)}:${f.line + 1} ${f.rule}`).sort();

/** The helpers, taking and dropping `lock` of the device (or nothing when `lock` is empty). */
const helpers = (lock: string) =>
  `#include "acme.h"\n\nvoid acmevf_take(struct acmevf_core_device *acme_vdev)\n{\n\t${lock ? `mutex_lock(&acme_vdev->${lock});` : ''}\n}\n\n` +
  `void acmevf_drop(struct acmevf_core_device *acme_vdev)\n{\n\t${lock ? `mutex_unlock(&acme_vdev->${lock});` : ''}\n}\n`;

const caller = `
static int acmevf_report_state(struct acmevf_core_device *acme_vdev, char __user *buf)
{
	int ret = 0;

	acmevf_take(acme_vdev);
	if (copy_to_user(buf, &acme_vdev->mig_state, sizeof(acme_vdev->mig_state)))
		ret = -EFAULT;
	acmevf_drop(acme_vdev);
	return ret;
}
`;

describe('results kept across edits', () => {
  it('equal a fresh analysis after edits that change a lock helper another file calls', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kept-'));
    fs.writeFileSync(path.join(dir, 'main.c'), fs.readFileSync(path.join(REPO, 'examples/acme-vfio/main.c'), 'utf8') + caller);
    fs.writeFileSync(
      path.join(dir, 'acme.h'),
      'void acmevf_take(struct acmevf_core_device *acme_vdev);\nvoid acmevf_drop(struct acmevf_core_device *acme_vdev);\n',
    );
    const helpersC = path.join(dir, 'helpers.c');
    fs.writeFileSync(helpersC, helpers('state_mutex'));
    const texts = [
      helpers(''), // no lock: the copy is fine
      helpers('state_mutex'), // back: copy_to_user() under the state mutex
      helpers('other_mutex'),
      helpers('state_mutex'),
    ];
    const incremental = new Workspace(nodeFileSystem);
    incremental.openDocument(helpersC, fs.readFileSync(helpersC, 'utf8'), 1);
    const copiesInMain = (fs: string[]) => fs.filter((f) => f.startsWith('main.c:') && f.endsWith('user-copy-under-state-mutex')).length;
    const seen: number[] = [copiesInMain(plain(incremental.driverFindings(dir).findings))];
    texts.forEach((text, i) => {
      incremental.updateDocument(helpersC, text, i + 2);
      const kept = plain(incremental.driverFindings(dir).findings);
      const fresh = new Workspace(nodeFileSystem);
      fresh.openDocument(helpersC, text, 1);
      assert.deepEqual(kept, plain(fresh.driverFindings(dir).findings), `after edit ${i + 1}`);
      seen.push(copiesInMain(kept));
    });
    // The edits change main.c's findings (otherwise this test would prove nothing).
    assert.deepEqual(seen, [1, 0, 1, 0, 1]);
  });
});

describe('flow findings carried while typing', () => {
  it('move with unchanged functions, vanish from edited ones, and come back fresh when asked', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'carry-'));
    const mainC = path.join(dir, 'main.c');
    const original = fs.readFileSync(path.join(REPO, 'examples/acme-vfio/main.c'), 'utf8') + caller;
    fs.writeFileSync(mainC, original);
    fs.writeFileSync(path.join(dir, 'helpers.c'), helpers('state_mutex'));
    fs.writeFileSync(path.join(dir, 'acme.h'), '');
    const ws = new Workspace(nodeFileSystem);
    const copies = (r: { findings: Finding[] }) => r.findings.filter((f) => f.rule === 'user-copy-under-state-mutex');

    ws.openDocument(mainC, original, 1);
    const first = ws.findings(mainC, { carryFlow: true });
    assert.equal(first.carried, false, 'nothing to carry yet: the flow rules ran');
    const [copy] = copies(first);
    assert.ok(copy, 'copy_to_user() under the state mutex found');

    // Two lines typed at the top: the finding moves down with its function.
    const moved = '/* a */\n/* b */\n' + original;
    ws.updateDocument(mainC, moved, 2);
    const carried = ws.findings(mainC, { carryFlow: true });
    assert.equal(carried.carried, true);
    assert.deepEqual(
      copies(carried).map((f) => [f.line, f.column, f.version]),
      [[copy.line + 2, copy.column, 2]],
    );
    const fresh = new Workspace(nodeFileSystem);
    fresh.openDocument(mainC, moved, 2);
    assert.deepEqual(
      copies(carried).map((f) => [f.line, f.column, f.endLine, f.endColumn, f.anchorLine, f.message]),
      copies(fresh.findings(mainC)).map((f) => [f.line, f.column, f.endLine, f.endColumn, f.anchorLine, f.message]),
    );

    // An edit inside the function: its carried finding is dropped until the rules run again.
    const edited = moved.replace('\tint ret = 0;\n\n\tacmevf_take', '\tint ret = 0;\n\t;\n\tacmevf_take');
    assert.notEqual(edited, moved);
    ws.updateDocument(mainC, edited, 3);
    assert.deepEqual(copies(ws.findings(mainC, { carryFlow: true })), []);
    const rerun = ws.findings(mainC);
    assert.equal(rerun.carried, false);
    assert.equal(copies(rerun).length, 1);
    assert.equal(copies(rerun)[0].line, copy.line + 2); // the blank line became `;`
  });
});
