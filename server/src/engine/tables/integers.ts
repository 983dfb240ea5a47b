/**
 * Kernel integer types by width and signedness (LP64, as on every architecture the
 * vfio-pci variant drivers build for): the data overflow-check rules compare casts with.
 */
export interface IntegerType {
  bits: number;
  signed: boolean;
}

const u = (bits: number): IntegerType => ({ bits, signed: false });
const s = (bits: number): IntegerType => ({ bits, signed: true });

export const INTEGER_TYPES: ReadonlyMap<string, IntegerType> = new Map([
  ['u8', u(8)],
  ['u16', u(16)],
  ['u32', u(32)],
  ['u64', u(64)],
  ['__u8', u(8)],
  ['__u16', u(16)],
  ['__u32', u(32)],
  ['__u64', u(64)],
  ['uint8_t', u(8)],
  ['uint16_t', u(16)],
  ['uint32_t', u(32)],
  ['uint64_t', u(64)],
  ['s8', s(8)],
  ['s16', s(16)],
  ['s32', s(32)],
  ['s64', s(64)],
  ['__s8', s(8)],
  ['__s16', s(16)],
  ['__s32', s(32)],
  ['__s64', s(64)],
  ['int8_t', s(8)],
  ['int16_t', s(16)],
  ['int32_t', s(32)],
  ['int64_t', s(64)],
  ['char', s(8)],
  ['signed char', s(8)],
  ['unsigned char', u(8)],
  ['short', s(16)],
  ['unsigned short', u(16)],
  ['int', s(32)],
  ['signed int', s(32)],
  ['signed', s(32)],
  ['unsigned', u(32)],
  ['unsigned int', u(32)],
  ['long', s(64)],
  ['long int', s(64)],
  ['unsigned long', u(64)],
  ['long long', s(64)],
  ['unsigned long long', u(64)],
  ['size_t', u(64)],
  ['ssize_t', s(64)],
  ['loff_t', s(64)],
  ['off_t', s(64)],
  ['__kernel_loff_t', s(64)],
  ['phys_addr_t', u(64)],
  ['dma_addr_t', u(64)],
  ['resource_size_t', u(64)],
  ['uintptr_t', u(64)],
  ['ptrdiff_t', s(64)],
  ['__le32', u(32)],
  ['__le64', u(64)],
]);

/** Overflow-checking helpers: the operands are the first `operands` arguments, the result pointer follows. */
export const OVERFLOW_CHECKS: ReadonlyMap<string, { operands: number }> = new Map([
  ['check_add_overflow', { operands: 2 }],
  ['check_sub_overflow', { operands: 2 }],
  ['check_mul_overflow', { operands: 2 }],
  ['check_shl_overflow', { operands: 2 }],
  ['__builtin_add_overflow', { operands: 2 }],
  ['__builtin_sub_overflow', { operands: 2 }],
  ['__builtin_mul_overflow', { operands: 2 }],
]);

/** The integer type a declaration's type text names (qualifiers dropped), if known. */
export function integerType(typeText: string): IntegerType | undefined {
  const t = typeText
    .replace(/\b(?:const|volatile|static|register|__user|__force)\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return INTEGER_TYPES.get(t);
}
