/**
 * The whole kernel's drivers/ and include/ (about 1.2 GB unpacked), for the
 * whole-tree benchmark only. Extracted once into .kernel/full (ignored by git).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { KERNEL_TARBALL, REPO } from '../test/support/kernel';

const BASE = path.join(REPO, '.kernel', 'full');
export const FULL_ROOT = path.join(BASE, 'linux-source-6.12');
const MARKER = path.join(BASE, '.extracted-6.12');

export function ensureFullKernel(): string {
  if (fs.existsSync(MARKER)) return FULL_ROOT;
  if (!fs.existsSync(KERNEL_TARBALL)) throw new Error(`${KERNEL_TARBALL} not found: apt-get install linux-source-6.12`);
  fs.mkdirSync(BASE, { recursive: true });
  console.error('extracting drivers/ and include/ of linux-source-6.12 (once, about a minute)...');
  execFileSync(
    'tar',
    [
      '-xJf',
      KERNEL_TARBALL,
      '-C',
      BASE,
      '--wildcards',
      'linux-source-6.12/drivers/*',
      'linux-source-6.12/include/*',
      'linux-source-6.12/MAINTAINERS',
    ],
    { stdio: 'inherit' },
  );
  fs.writeFileSync(MARKER, new Date().toISOString());
  return FULL_ROOT;
}
