/** The rule registry: add a rule module here and it is checked, documented, configurable and fixable everywhere. */
import { docTemplateUnfilled } from './docTemplateUnfilled';
import { kernelDocInvalid } from './kernelDocInvalid';
import { doubleFreeViaRelease } from './doubleFreeViaRelease';
import { errPtrCheckedAsNull } from './errPtrCheckedAsNull';
import { freeMismatch } from './freeMismatch';
import { leakOnErrorPath } from './leakOnErrorPath';
import { lockImbalance } from './lockImbalance';
import { lockLifecycle } from './lockLifecycle';
import { lockVariantMismatch } from './lockVariantMismatch';
import { maintainersEntryMissing } from './maintainersEntryMissing';
import { migrationHandlerNotKernelDoc } from './migrationHandlerNotKernelDoc';
import { migrationHandlerUndocumented } from './migrationHandlerUndocumented';
import { migrationOverviewMissing } from './migrationOverviewMissing';
import { opsIncomplete } from './opsIncomplete';
import { pciDriverIncomplete } from './pciDriverIncomplete';
import { migrationPosNotApplied } from './migrationPosNotApplied';
import { migrationPosUnlocked } from './migrationPosUnlocked';
import { overflowCheckCast } from './overflowCheckCast';
import { parentCallUndocumented } from './parentCallUndocumented';
import { parentCallUserDataUnchecked } from './parentCallUserDataUnchecked';
import type { Rule } from './rule';
import { useAfterFree } from './useAfterFree';
import { sleepInAtomic } from './sleepInAtomic';
import { userCopyUnderStateMutex } from './userCopyUnderStateMutex';
import { userLengthUnbounded } from './userLengthUnbounded';

export const RULES: readonly Rule[] = [
  parentCallUndocumented,
  migrationHandlerUndocumented,
  migrationHandlerNotKernelDoc,
  migrationOverviewMissing,
  maintainersEntryMissing,
  docTemplateUnfilled,
  kernelDocInvalid,
  errPtrCheckedAsNull,
  useAfterFree,
  doubleFreeViaRelease,
  freeMismatch,
  leakOnErrorPath,
  opsIncomplete,
  pciDriverIncomplete,
  lockVariantMismatch,
  lockImbalance,
  migrationPosUnlocked,
  overflowCheckCast,
  userCopyUnderStateMutex,
  sleepInAtomic,
  migrationPosNotApplied,
  userLengthUnbounded,
  parentCallUserDataUnchecked,
  lockLifecycle,
];

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.meta.id === id);
}
