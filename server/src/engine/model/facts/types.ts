/** The facts of a C file, as plain data: what extract.ts pulls out of the syntax tree. */

export interface CommentFact {
  start: number;
  end: number;
  startLine: number;
  endLine: number;
  text: string;
  /** Nothing but white space before it on its first line and after it on its last. */
  standalone: boolean;
  kernelDoc: boolean;
}

export interface ParamFact {
  name: string;
}

export interface FunctionFact {
  name: string;
  nameStart: number;
  nameLine: number;
  nameColumn: number;
  start: number;
  startLine: number;
  end: number;
  endLine: number;
  params: ParamFact[];
  variadic: boolean;
  returnsValue: boolean;
  /** Parameter and local variable names: a call through one of these is a call through a pointer. */
  locals: Set<string>;
}

/** Identifiers and struct fields that an expression mentions. */
export interface Refs {
  idents: string[];
  fields: string[];
}

export interface CallFact {
  callee: string;
  start: number;
  line: number;
  column: number;
  /** Enclosing function, if any. */
  fn?: string;
  /** What each argument mentions (read from the text: see refsIn). */
  args: Refs[];
  /** The callee is a parameter or local variable: a call through a function pointer. */
  throughPointer: boolean;
}

/** Where a call sits in its function; only needed for the few calls that become review items. */
export interface CallContext {
  /**
   * Lines on which a statement relevant to this call starts, innermost first:
   * the statement containing the call, then enclosing if/for/while/do/switch.
   */
  anchorLines: number[];
  /** Where the call's result is stored: a local variable or a struct field. */
  resultLocal?: string;
  resultField?: string;
}

export interface OpsMemberFact {
  member: string;
  fn: string;
  line: number;
  column: number;
}

export interface OpsInitFact {
  structType: string;
  variable: string;
  line: number;
  column: number;
  members: OpsMemberFact[];
}

export interface IncludeFact {
  path: string;
  system: boolean;
  line: number;
}

export interface AssignFact {
  fn?: string;
  local: string;
  refs: Refs;
}

export interface FileFacts {
  includes: IncludeFact[];
  functions: FunctionFact[];
  /** Names of functions declared (prototypes) in this file. */
  prototypes: Set<string>;
  /** Names of #define macros, object-like and function-like. */
  macros: Set<string>;
  functionMacros: Set<string>;
  calls: CallFact[];
  comments: CommentFact[];
  opsInits: OpsInitFact[];
  /** `x.member = fn` / `x->member = fn` assignments of functions at run time. */
  memberAssigns: OpsMemberFact[];
  /** File-scope variables of struct type: name -> struct tag. */
  structVars: Map<string, string>;
  localAssigns: AssignFact[];
  /** `x->field = expr` / `x.field = expr`, by field name. */
  fieldAssigns: { field: string; refs: Refs }[];
}

/**
 * The facts of one top-level piece of a file (a function, a declaration, a
 * comment, ...). Pieces untouched by an edit are reused, shifted, instead of
 * walked again: that keeps an edit's cost proportional to the function edited.
 */
export interface FactChunk {
  start: number;
  end: number;
  startRow: number;
  endRow: number;
  type: string;
  facts: FileFacts;
}

/** Where the parsed text changed: offsets and rows, old and new end. */
export interface EditRegion {
  start: number;
  oldEnd: number;
  newEnd: number;
  startRow: number;
  oldEndRow: number;
  newEndRow: number;
}
