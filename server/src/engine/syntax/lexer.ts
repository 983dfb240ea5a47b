/** Character tests of C text shared by the engine's text readers. */

/** Whether char code `c` may start a C identifier: `[A-Za-z_]`. */
export function isIdentStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
}

/** Whether char code `c` may continue a C identifier: `[A-Za-z0-9_]` (false for NaN, past the end of a string). */
export function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 0x30 && c <= 0x39);
}
