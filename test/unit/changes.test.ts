/**
 * Changed-line logic (engine/changes/) and the get_maintainer.pl-format list
 * (engine/maintainers/getMaintainer.ts) on small inputs: patch parsing as git
 * writes patches, applying hunks, limiting findings to a change, the overlay
 * host, and get_maintainer.pl's rules for roles, ties and patches.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyChange, changeBetween, parseChanges } from '../../server/src/engine/changes/patch';
import { findingsInChange, resolveChanges } from '../../server/src/engine/changes/scope';
import { overlayHost } from '../../server/src/engine/changes/overlayHost';
import { getMaintainerLines, patchFileNames, renderCc, parentOwnerLines } from '../../server/src/engine/maintainers/getMaintainer';
import { parseMaintainers } from '../../server/src/engine/maintainers/maintainers';
import type { FileSystemHost } from '../../server/src/engine/host';
import type { Finding } from '../../server/src/engine/rules';

const FORMAT_PATCH = `From 1111111111111111111111111111111111111111 Mon Sep 17 00:00:00 2001
From: A U Thor <author@example.com>
Date: Wed, 2 Dec 2026 10:00:00 +0000
Subject: [PATCH 1/1] vfio/acme: two changes

--- a quoted line in the commit message is no header
---
 drivers/vfio/pci/acme/main.c | 3 ++-
 drivers/vfio/pci/acme/new.h  | 2 ++
 2 files changed, 4 insertions(+), 1 deletion(-)

diff --git a/drivers/vfio/pci/acme/main.c b/drivers/vfio/pci/acme/main.c
index 1234567..89abcde 100644
--- a/drivers/vfio/pci/acme/main.c
+++ b/drivers/vfio/pci/acme/main.c
@@ -2,3 +2,4 @@ int x;
 a
-b
+B
 c
+d
diff --git a/drivers/vfio/pci/acme/new.h b/drivers/vfio/pci/acme/new.h
new file mode 100644
index 0000000..fedcba9
--- /dev/null
+++ b/drivers/vfio/pci/acme/new.h
@@ -0,0 +1,2 @@
+#pragma once
+int y;
diff --git a/drivers/vfio/pci/acme/old.c b/drivers/vfio/pci/acme/renamed.c
similarity index 100%
rename from drivers/vfio/pci/acme/old.c
rename to drivers/vfio/pci/acme/renamed.c
-- 
2.39.5

`;

describe('parseChanges', () => {
  const changes = parseChanges(FORMAT_PATCH);

  it('reads every file of a format-patch mail, signature and commit-message dashes included', () => {
    assert.deepEqual(
      changes.map((c) => [c.oldPath, c.newPath]),
      [
        ['drivers/vfio/pci/acme/main.c', 'drivers/vfio/pci/acme/main.c'],
        [undefined, 'drivers/vfio/pci/acme/new.h'],
        ['drivers/vfio/pci/acme/old.c', 'drivers/vfio/pci/acme/renamed.c'],
      ],
    );
    assert.equal(changes[0].oldBlob, '1234567');
    assert.equal(changes[0].newBlob, '89abcde');
    assert.equal(changes[1].oldBlob, undefined, 'an all-zero id is no blob');
  });

  it('collects 0-based added and removed lines', () => {
    // @@ -2,3 +2,4 @@: a (line 2), b -> B (line 3), c, + d (line 5): 0-based 2 and 4 added, 2 removed.
    assert.deepEqual([...changes[0].added], [2, 4]);
    assert.deepEqual([...changes[0].removed], [2]);
    assert.deepEqual([...changes[1].added], [0, 1]);
    assert.equal(changes[2].added.size, 0);
  });

  it('reads zero-context hunks (git diff --unified=0), insertions and deletions', () => {
    const [c] = parseChanges('--- a/f.c\n+++ b/f.c\n@@ -4,0 +5,2 @@\n+x\n+y\n@@ -8,2 +9,0 @@\n-p\n-q\n');
    assert.deepEqual([...c.added], [4, 5]);
    assert.deepEqual([...c.removed], [7, 8]);
  });

  it('applies a change to its pre-image, keeps CRLF, and refuses one that does not fit', () => {
    const pre = 'int x;\na\nb\nc\n';
    assert.equal(applyChange(pre, changes[0]), 'int x;\na\nB\nc\nd\n');
    assert.equal(applyChange(pre.replace(/\n/g, '\r\n'), changes[0]), 'int x;\r\na\r\nB\r\nc\r\nd\r\n');
    assert.equal(applyChange('something else\n', changes[0]), undefined);
    assert.equal(applyChange('', changes[1]), '#pragma once\nint y;\n');
  });

  it('changeBetween gives the lines of an edited buffer', () => {
    const c = changeBetween('/t/f.c', 'a\nb\nc\n', 'a\nX\nc\nd\n');
    assert.deepEqual([...c.added], [1, 3]);
    assert.deepEqual([...c.removed], [1]);
    assert.equal(changeBetween('/t/f.c', undefined, 'a\n').oldPath, undefined);
  });

  it('patchFileNames lists what get_maintainer.pl reads from a patch', () => {
    // Like get_maintainer.pl, a `--- ` line in the commit message counts too (`a`); it matches THE REST only.
    assert.deepEqual(patchFileNames(FORMAT_PATCH), [
      'a',
      'dev/null',
      'drivers/vfio/pci/acme/main.c',
      'drivers/vfio/pci/acme/new.h',
      'drivers/vfio/pci/acme/old.c',
      'drivers/vfio/pci/acme/renamed.c',
    ]);
  });
});

function finding(path: string, line: number, name: string, rule = 'parent-call-undocumented'): Finding {
  return { path, line, name, rule, kind: 'parent-call', column: 1, severity: 'warning', parent: 'p' } as unknown as Finding;
}

describe('findingsInChange', () => {
  const changes = resolveChanges(parseChanges(FORMAT_PATCH), (rel) => `/k/${rel}`);
  const main = '/k/drivers/vfio/pci/acme/main.c';

  it('keeps findings on added lines and drops old ones that only moved', () => {
    const before = [finding(main, 0, 'old_call'), finding(main, 3, 'moved_call')];
    const after = [finding(main, 0, 'old_call'), finding(main, 2, 'new_call'), finding(main, 5, 'moved_call')];
    assert.deepEqual(
      findingsInChange(after, before, changes).map((f) => f.name),
      ['new_call'],
    );
  });

  it('reports a finding the change creates on an old line (a comment removed, a new wiring)', () => {
    const after = [finding(main, 0, 'old_call'), finding(main, 1, 'was_documented')];
    assert.deepEqual(
      findingsInChange(after, [finding(main, 0, 'old_call')], changes).map((f) => f.name),
      ['was_documented'],
    );
  });

  it('counts repeated calls: one more of the same callee is one new finding', () => {
    const before = [finding(main, 0, 'f'), finding(main, 1, 'f')];
    const after = [finding(main, 0, 'f'), finding(main, 1, 'f'), finding(main, 5, 'f')];
    assert.equal(findingsInChange(after, before, changes).length, 1);
  });

  it('a finding on a rewritten line is new even when an old one had the same name', () => {
    const before = [finding(main, 2, 'g')]; // pre-image line 3 (0-based 2) is removed
    const after = [finding(main, 2, 'g')]; // post-image line 3 is added
    assert.equal(findingsInChange(after, before, changes).length, 1);
  });

  it('follows renames and reports nothing for an unchanged file', () => {
    const old = '/k/drivers/vfio/pci/acme/old.c';
    const renamed = '/k/drivers/vfio/pci/acme/renamed.c';
    const other = '/k/drivers/vfio/pci/acme/other.c';
    const before = [finding(old, 4, 'r'), finding(other, 1, 'o')];
    const after = [finding(renamed, 4, 'r'), finding(other, 1, 'o')];
    assert.deepEqual(findingsInChange(after, before, changes), []);
  });
});

describe('overlayHost', () => {
  const base: FileSystemHost = {
    readBytes: (p) => (p === '/d/a.c' ? new TextEncoder().encode('disk') : undefined),
    readDir: (p) => (p === '/d' ? ['a.c', 'b.c'] : undefined),
    stat: (p) =>
      p === '/d/a.c' || p === '/d/b.c' ? { isFile: true, isDirectory: false, isSymbolicLink: false, size: 4, mtimeMs: 1 } : undefined,
    realPath: (p) => p,
  };
  const host = overlayHost(
    base,
    new Map([
      ['/d/a.c', new TextEncoder().encode('other version')],
      ['/d/b.c', null],
      ['/d/new.c', new TextEncoder().encode('added')],
    ]),
  );

  it('shows overlaid files, hides removed ones, lists added ones', () => {
    assert.equal(new TextDecoder().decode(host.readBytes('/d/a.c')), 'other version');
    assert.equal(host.stat('/d/a.c')?.size, 13);
    assert.equal(host.stat('/d/b.c'), undefined);
    assert.equal(host.readBytes('/d/b.c'), undefined);
    assert.deepEqual(host.readDir('/d')?.sort(), ['a.c', 'new.c']);
  });
});

const MAINTAINERS = `Descriptions of section entries and preferred order
	M: Mail patches to: FullName <address@domain>

ACME VFIO DRIVER
M:	Ada Lovelace <ada@example.com>
L:	kvm@vger.kernel.org
S:	Supported
F:	drivers/vfio/pci/acme/

A VERY LONG ENTRY TITLE THAT GET_MAINTAINER CUTS AFTER FIFTY CHARACTERS
M:	"Q. Person" <q@example.com>
L:	moderated@example.com (moderated for non-subscribers)
L:	closed@example.com (subscribers-only)
S:	Odd Fixes
F:	drivers/vfio/pci/acme/main.c

VFIO PCI DEVICE SPECIFIC DRIVERS
R:	Ada Lovelace <ada@example.com>
R:	Bob Reviewer <bob@example.com>
L:	kvm@vger.kernel.org
S:	Maintained
F:	drivers/vfio/pci/*/

ACME PF DRIVER
M:	Pat Parent <pat@example.com>
R:	Rae Review <rae@example.com>
L:	netdev@vger.kernel.org
S:	Maintained
F:	include/linux/acme/
K:	\\bacme_pf_\\w+

THE REST
M:	Linus Torvalds <torvalds@linux-foundation.org>
L:	linux-kernel@vger.kernel.org
S:	Buried alive in reporters
F:	*
F:	*/
`;

describe('get_maintainer.pl format', () => {
  const host: FileSystemHost = {
    readBytes: () => undefined,
    readDir: () => undefined,
    stat: (p) => (/\/(acme|\*)$/.test(p) ? { isFile: false, isDirectory: true, isSymbolicLink: false, size: 0, mtimeMs: 0 } : undefined),
    realPath: (p) => p,
  };
  const mf = parseMaintainers(MAINTAINERS, '/k/MAINTAINERS');

  it('roles from S:, titles cut at 50, quoted names, moderated lists, no subscribers-only list, no chief penguin', () => {
    const lines = renderCc(getMaintainerLines(mf, ['drivers/vfio/pci/acme/main.c'], host), []);
    assert.ok(
      lines.includes('"Q. Person" <q@example.com> (odd fixer:A VERY LONG ENTRY TITLE THAT GET_MAINTAINER CUT...)'),
      lines.join('\n'),
    );
    assert.ok(lines.includes('moderated@example.com (moderated list:A VERY LONG ENTRY TITLE THAT GET_MAINTAINER CUT...)'));
    assert.ok(lines.includes('linux-kernel@vger.kernel.org (open list)'));
    assert.ok(!lines.some((l) => l.includes('closed@') || l.includes('torvalds')));
    // People first, then lists.
    const firstList = lines.findIndex((l) => !l.includes('<'));
    assert.ok(lines.slice(firstList).every((l) => !l.includes('<')));
  });

  it('a person named by two entries of equal depth gets both roles get_maintainer.pl can print', () => {
    const lines = renderCc(getMaintainerLines(mf, ['drivers/vfio/pci/acme/Kconfig'], host), []);
    assert.ok(lines.includes('Ada Lovelace <ada@example.com> (supporter:ACME VFIO DRIVER)'));
    assert.ok(lines.includes('Ada Lovelace <ada@example.com> (reviewer:VFIO PCI DEVICE SPECIFIC DRIVERS)'));
    assert.ok(lines.includes('kvm@vger.kernel.org (open list:ACME VFIO DRIVER)'));
    assert.ok(lines.includes('kvm@vger.kernel.org (open list:VFIO PCI DEVICE SPECIFIC DRIVERS)'));
    const plain = renderCc(getMaintainerLines(mf, ['drivers/vfio/pci/acme/Kconfig'], host), [], { rolestats: false });
    assert.deepEqual(plain, [
      'Ada Lovelace <ada@example.com>',
      'Bob Reviewer <bob@example.com>',
      'kvm@vger.kernel.org',
      'linux-kernel@vger.kernel.org',
    ]);
  });

  it('K: keywords match a patch', () => {
    const patch =
      'Subject: x\n---\n--- a/drivers/vfio/pci/acme/main.c\n+++ b/drivers/vfio/pci/acme/main.c\n@@ -1 +1 @@\n-x\n+acme_pf_reset(pf);\n';
    const lines = renderCc(getMaintainerLines(mf, patchFileNames(patch), host, { patchText: patch }), []);
    assert.ok(lines.includes('Pat Parent <pat@example.com> (maintainer:ACME PF DRIVER:Keyword:\\bacme_pf_\\w+)'), lines.join('\n'));
  });

  it('parent owners are marked; --no-m/--no-r/--no-l, --separator and --no-rolestats shape the list', () => {
    const pf = mf.entries.find((e) => e.title === 'ACME PF DRIVER')!;
    const parents = parentOwnerLines([{ parent: 'acme_pf', entries: [pf] }]);
    const files = getMaintainerLines(mf, ['drivers/vfio/pci/acme/main.c'], host);
    const lines = renderCc(files, parents);
    assert.ok(lines.includes('Pat Parent <pat@example.com> (maintainer:ACME PF DRIVER,parent owner:acme_pf)'));
    assert.ok(lines.includes('Rae Review <rae@example.com> (reviewer:ACME PF DRIVER,parent:acme_pf)'));
    assert.ok(lines.includes('netdev@vger.kernel.org (open list:ACME PF DRIVER,parent:acme_pf)'));
    // main.c's own F: line is the deepest match, so its entry's list comes first.
    assert.deepEqual(renderCc(files, parents, { rolestats: false, m: false, r: false }), [
      'moderated@example.com',
      'kvm@vger.kernel.org',
      'linux-kernel@vger.kernel.org',
      'netdev@vger.kernel.org',
    ]);
    assert.deepEqual(renderCc(files, parents, { rolestats: false, l: false, separator: ', ' }).length, 1);
    const probable = renderCc([], parentOwnerLines([{ parent: 'acme_pf', entries: [pf], probable: true }]));
    assert.ok(probable.includes('Pat Parent <pat@example.com> (maintainer:ACME PF DRIVER,probable parent owner:acme_pf)'));
  });
});
