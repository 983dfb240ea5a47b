/**
 * Per-file facts: everything the driver-level analysis needs from one C file,
 * pulled out of the syntax tree in a single walk. Facts are plain data, so they
 * can be cached per file version and combined across the files of a driver.
 *
 * The code lives in facts/: types.ts (the facts), text.ts and declarators.ts
 * (readers of C text), nodes.ts (readers of syntax-tree nodes), calls.ts (direct
 * calls), visit.ts (one node's facts) and extract.ts (a file's facts, by chunk).
 */
export type {
  AssignFact,
  CallContext,
  CallFact,
  CommentFact,
  EditRegion,
  FactChunk,
  FileFacts,
  FunctionFact,
  IncludeFact,
  OpsInitFact,
  OpsMemberFact,
  ParamFact,
  Refs,
} from './facts/types';
export { anchorLinesOf, callContext, functionDeclarator, innermostIdentifier, resultTarget } from './facts/nodes';
export { extractChunks, extractFacts, mergeChunks } from './facts/extract';
