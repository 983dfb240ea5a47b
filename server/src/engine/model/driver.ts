/**
 * The driver model: a driver is the directory holding the file, all its .c and
 * .h files analysed together (ops structs and handlers often live apart).
 * Produces the two kinds of review items: parent-driver calls and migration
 * state handlers, each with its documentation state.
 */
import * as path from 'path';
import type { CommentFact, CallContext, CallFact, FunctionFact } from './facts';
import type { DriverItem } from './driverChecks';
import { classifySources } from './driverKind';
import type { HeaderIndex } from './kernelTree';
import { findHandlers } from './migrationHandlers';
import { findParentCalls } from './parentCalls';
import { isGenericKernelApi } from './parents';
import type { Settings } from '../settings';
import type { ApiDocLookup } from './apiDocs';
import type { SourceFile } from './sourceFile';

export { classifySources, sourceTraits, type DriverKind, type SourceTraits } from './driverKind';
export { DEVICE_OPS, FILE_OPS, LOG_OPS, MIGRATION_FOPS_MEMBERS, MIGRATION_OPS } from './migrationHandlers';
export type { Classified } from './parentCalls';

export type Evidence =
  | { kind: 'pf-lookup' }
  | { kind: 'catalog' }
  | { kind: 'settings' }
  | { kind: 'header'; include: string; declared: boolean }
  | { kind: 'data-flow'; via: string }
  /** The driver declares the prototype itself but defines it nowhere: it lives in a companion driver. */
  | { kind: 'declared-by-driver' };

export interface ParentCallItem {
  kind: 'parent-call';
  file: SourceFile;
  call: CallFact;
  /** Statement lines and result target of the call, looked up for review items only. */
  context: CallContext;
  parent: string;
  evidence: Evidence;
  fn?: FunctionFact;
  documented: boolean;
  docComment?: CommentFact;
  suppressed: string[] | undefined;
  /** A call through a table of parent functions: the table member called (`ggtt.load`). */
  via?: string;
  /** A call through a table: the table, the expression called and every parent function behind it. */
  pointer?: { table: string; expression: string; candidates: string[] };
  /** An entry of a table of parent functions: the table and the member. */
  entry?: { table: string; member: string };
  /** Length of the name at the position when it is not the callee's (the member of a call through a table). */
  span?: number;
}

export interface HandlerWiring {
  ops: string;
  member: string;
  variable: string;
  file: SourceFile;
  line: number;
  column: number;
}

export interface HandlerItem {
  kind: 'migration-handler';
  file: SourceFile;
  fn: FunctionFact;
  wiring: HandlerWiring[];
  documented: boolean;
  kernelDoc: boolean;
  docComment?: CommentFact;
  suppressed: string[] | undefined;
}

export type ReviewItem = ParentCallItem | HandlerItem | DriverItem;

export interface HeaderHelperCall {
  file: SourceFile;
  call: CallFact;
  parent: string;
  /** The parent header whose family defines it. */
  include: string;
}

export interface DriverModel {
  dir: string;
  files: SourceFile[];
  /** Why the directory is (not) analysed. */
  isVariantDriver: boolean;
  reason: string;
  parentCalls: ParentCallItem[];
  handlers: HandlerItem[];
  /** Calls of a parent header's static inlines and macros that run no code of the parent (report inventory only). */
  headerHelpers: HeaderHelperCall[];
  /** Directory-level items (driverChecks.ts), filled in by the workspace. */
  driverItems?: DriverItem[];
  /** Parent APIs' kernel-doc in the kernel tree (apiDocs.ts), filled in by the workspace. */
  apiDocs?: ApiDocLookup;
  /** The kernel tree around the driver, when there is one: its files can be read by path relative to its root. */
  kernel?: { root: string; read(relativePath: string): string | undefined };
}

export interface DriverContext {
  settings: Settings;
  kernelRoot?: string;
  headers?: HeaderIndex;
  /** Members of vfio_migration_ops / vfio_log_ops in the kernel tree's include/linux/vfio.h, when there is one. */
  vfioOpsMembers?: ReadonlySet<string>;
}

export function analyzeDriver(dir: string, files: SourceFile[], ctx: DriverContext, kind = classifySources(files)): DriverModel {
  const model: DriverModel = {
    dir,
    files,
    isVariantDriver: kind.ok,
    reason: kind.reason,
    parentCalls: [],
    handlers: [],
    headerHelpers: [],
  };
  if (!kind.ok) return model;
  const { kernelRoot, headers } = ctx;
  if (kernelRoot && headers) model.kernel = { root: kernelRoot, read: (rel) => headers.readText(path.join(kernelRoot, rel)) };
  const local = localNames(files);
  model.handlers = findHandlers(files, local.functions, ctx.vfioOpsMembers);
  const found = findParentCalls(dir, files, local, ctx);
  model.parentCalls = found.items;
  model.headerHelpers = found.helpers;
  return model;
}

export interface LocalNames {
  functions: Map<string, { file: SourceFile; fn: FunctionFact }>;
  macros: Set<string>;
  /** Prototypes in the driver's files for functions it does not define. */
  externs: Set<string>;
}

function localNames(files: SourceFile[]): LocalNames {
  const functions = new Map<string, { file: SourceFile; fn: FunctionFact }>();
  const macros = new Set<string>();
  const prototypes = new Set<string>();
  for (const file of files) for (const p of file.facts.prototypes) prototypes.add(p);
  for (const file of files) {
    for (const fn of file.facts.functions) {
      if (functions.has(fn.name) || (prototypes.has(fn.name) && isConfigStub(file, fn))) continue;
      functions.set(fn.name, { file, fn });
    }
    for (const m of file.facts.macros) macros.add(m);
  }
  const externs = new Set<string>();
  for (const file of files) {
    for (const p of file.facts.prototypes) if (!functions.has(p) && !macros.has(p) && !isGenericKernelApi(p)) externs.add(p);
  }
  return { functions, macros, externs };
}

const CONDITIONAL = new Set(['preproc_if', 'preproc_ifdef', 'preproc_else', 'preproc_elif', 'preproc_elifdef']);

/**
 * `#if IS_ENABLED(CONFIG_PF) int pf_pause(...); #else static inline int pf_pause(...) { return -ENODEV; } #endif`
 * in a header: the definition is a stand-in for a function another driver
 * implements, so the name stays a prototype declared but not defined.
 */
function isConfigStub(file: SourceFile, fn: FunctionFact): boolean {
  if (!file.path.endsWith('.h')) return false;
  for (let n = file.parsed.tree.rootNode.descendantForIndex(fn.nameStart).parent; n; n = n.parent) {
    if (n.type === 'function_definition') continue;
    // A branch of a conditional with another branch (an include guard has none).
    if (CONDITIONAL.has(n.type) && ((!n.type.endsWith('if') && !n.type.endsWith('ifdef')) || n.childForFieldName('alternative')))
      return true;
    if (n.type === 'translation_unit') return false;
  }
  return false;
}
