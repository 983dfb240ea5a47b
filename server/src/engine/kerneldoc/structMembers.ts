/**
 * A struct or union body as the script rewrites it before listing its members:
 * private parts, comments and attributes out, `struct_group()` and `DECLARE_*()`
 * macros expanded, nested structs and unions flattened into `outer.inner` members.
 */
import { ATTRIBUTE } from './patterns';
import { re, split, sub } from './perlRe';

/** The members between a struct's braces, as `type name; ` declarations the parameter list is built from. */
export function flattenStructMembers(members: string): string {
  const type = '(?:struct|union)';
  let s = members;
  s = sub(s, '\\/\\*\\s*private:.*?\\/\\*\\s*public:.*?\\*\\/', '', 'gis');
  s = sub(s, '\\/\\*\\s*private:.*', '', 'gis');
  s = s.replace(/\/\*[\s\S]*?\*\//g, '');
  s = sub(s, `\\s*${ATTRIBUTE}`, ' ', 'gi');
  s = sub(s, '\\s*__aligned\\s*\\([^;]*\\)', ' ', 'gs');
  s = sub(s, '\\s*__counted_by\\s*\\([^;]*\\)', ' ', 'gs');
  s = sub(s, '\\s*__counted_by_(le|be)\\s*\\([^;]*\\)', ' ', 'gs');
  s = sub(s, '\\s*__packed\\s*', ' ', 'gs');
  s = sub(s, '\\s*CRYPTO_MINALIGN_ATTR', ' ', 'gs');
  s = sub(s, '\\s*____cacheline_aligned_in_smp', ' ', 'gs');
  s = sub(s, '\\s*____cacheline_aligned', ' ', 'gs');
  s = sub(s, '\\bstruct_group\\s*\\(([^,]*,)', 'STRUCT_GROUP(', 'gs');
  s = sub(s, '\\bstruct_group_attr\\s*\\(([^,]*,){2}', 'STRUCT_GROUP(', 'gs');
  s = sub(s, '\\bstruct_group_tagged\\s*\\(([^,]*),([^,]*),', 'struct $1 $2; STRUCT_GROUP(', 'gs');
  s = sub(s, '\\b__struct_group\\s*\\(([^,]*,){3}', 'STRUCT_GROUP(', 'gs');
  s = unwrapStructGroup(s);
  const args = '([^,)]+)';
  s = sub(s, '__ETHTOOL_DECLARE_LINK_MODE_MASK\\s*\\(([^\\)]+)\\)', 'DECLARE_BITMAP($1, __ETHTOOL_LINK_MODE_MASK_NBITS)', 'gs');
  s = sub(s, 'DECLARE_PHY_INTERFACE_MASK\\s*\\(([^\\)]+)\\)', 'DECLARE_BITMAP($1, PHY_INTERFACE_MODE_MAX)', 'gs');
  s = sub(s, `DECLARE_BITMAP\\s*\\(${args},\\s*${args}\\)`, 'unsigned long $1[BITS_TO_LONGS($2)]', 'gs');
  s = sub(s, `DECLARE_HASHTABLE\\s*\\(${args},\\s*${args}\\)`, 'unsigned long $1[1 << (($2) - 1)]', 'gs');
  s = sub(s, `DECLARE_KFIFO\\s*\\(${args},\\s*${args},\\s*${args}\\)`, '$2 *$1', 'gs');
  s = sub(s, `DECLARE_KFIFO_PTR\\s*\\(${args},\\s*${args}\\)`, '$2 *$1', 'gs');
  s = sub(s, `(?:__)?DECLARE_FLEX_ARRAY\\s*\\(${args},\\s*${args}\\)`, '$1 $2[]', 'gs');
  s = sub(s, `DEFINE_DMA_UNMAP_ADDR\\s*\\(${args}\\)`, 'dma_addr_t $1', 'gs');
  s = sub(s, `DEFINE_DMA_UNMAP_LEN\\s*\\(${args}\\)`, '__u32 $1', 'gs');

  const structMembers = `(${type})([^\\{\\};]+)\\{([^\\{\\}]*)\\}([^\\{\\}\\;]*)\\;`;
  let sm: RegExpExecArray | null;
  while ((sm = re(structMembers).exec(s))) {
    let newmember = '';
    const maintype = sm[1];
    const ids = sm[4];
    const content = sm[3];
    for (let id of split(',', ids)) {
      newmember += `${maintype} ${id}; `;
      id = id.replace(/[:[][\s\S]*/, '');
      id = sub(id, '^\\s*\\**(\\S+)\\s*', '$1');
      for (let arg of split(';', content)) {
        if (re('^\\s*$').test(arg)) continue;
        let fm: RegExpExecArray | null;
        if ((fm = re('^([^\\(]+\\(\\*?\\s*)([\\w\\.]*)(\\s*\\).*)').exec(arg))) {
          const [, t, name, extra] = fm;
          if (!name) continue;
          newmember += re('^\\s*$').test(id) ? `${t}${name}${extra}; ` : `${t}${id}.${name}${extra}; `;
        } else {
          arg = sub(arg, '^\\s+', '');
          arg = sub(arg, '\\s+$', '');
          arg = sub(arg, ':\\s*\\d+\\s*', '', 'g');
          arg = arg.replace(/\[[^\n]*\]/g, '');
          arg = sub(arg, '\\s*,\\s*', ',', 'g');
          const tm = re('(.*)\\s+([\\S+,]+)').exec(arg);
          if (!tm) {
            newmember += `${arg}; `;
            continue;
          }
          const [, t, names] = tm;
          for (let n of split(',', names)) {
            n = sub(n, '^\\s*\\**(\\S+)\\s*', '$1');
            if (re('^\\s*$').test(n)) continue;
            newmember += re('^\\s*$').test(id) ? `${t} ${n}; ` : `${t} ${id}.${n}; `;
          }
        }
      }
    }
    s = s.replace(re(structMembers), () => newmember);
  }
  s = s.replace(/(\{[^{}]*\})/g, '');
  return s;
}

/** `s/\bSTRUCT_GROUP(\(((?:(?>[^)(]+)|(?1))*)\))[^;]*;/$2/gos`: the recursive pattern by hand. */
function unwrapStructGroup(s: string): string {
  let out = '';
  let from = 0;
  const word = /\bSTRUCT_GROUP\(/g;
  let m: RegExpExecArray | null;
  while ((m = word.exec(s))) {
    const open = m.index + 'STRUCT_GROUP'.length;
    let depth = 0;
    let close = -1;
    for (let i = open; i < s.length; i++) {
      if (s[i] === '(') depth++;
      else if (s[i] === ')' && --depth === 0) {
        close = i;
        break;
      }
    }
    if (close < 0) continue;
    const semi = s.indexOf(';', close);
    if (semi < 0) continue;
    out += s.slice(from, m.index) + s.slice(open + 1, close);
    from = semi + 1;
    word.lastIndex = from;
  }
  return out + s.slice(from);
}
