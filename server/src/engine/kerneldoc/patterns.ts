/**
 * The script's regular expressions for kernel-doc comment lines (as Perl sources for
 * `re()`), and its section names.
 */

export const SECTION_DEFAULT = 'Description';
export const SECTION_INTRO = 'Introduction';
export const SECTION_CONTEXT = 'Context';
export const SECTION_RETURN = 'Return';
export const UNDESCRIBED = '-- undescribed --';

export const DOC_START = '^/\\*\\*\\s*$';
export const DOC_END = '\\*/';
export const DOC_COM = '\\s*\\*\\s*';
export const DOC_COM_BODY = '\\s*\\* ?';
export const DOC_DECL = DOC_COM + '(\\w+)';
export const DOC_SECT = DOC_COM + '\\s*(\\@[.\\w]+|\\@\\.\\.\\.|description|context|returns?|notes?|examples?)\\s*:([^:].*)?$';
export const DOC_CONTENT = DOC_COM_BODY + '(.*)';
export const DOC_BLOCK = DOC_COM + 'DOC:\\s*(.*)?';
export const DOC_INLINE_START = '^\\s*/\\*\\*\\s*$';
export const DOC_INLINE_SECT = '\\s*\\*\\s*(@\\s*[\\w][\\w\\.]*\\s*):(.*)';
export const DOC_INLINE_END = '^\\s*\\*/\\s*$';
export const DOC_INLINE_ONELINE = '^\\s*/\\*\\*\\s*(@[\\w\\s]+):\\s*(.*)\\s*\\*/\\s*$';
export const ATTRIBUTE = '__attribute__\\s*\\(\\([a-z0-9,_\\*\\s\\(\\)]*\\)\\)';
export const TYPE_PARAM = '\\@(\\w*((\\.\\w+)|(->\\w+))*(\\.\\.\\.)?)';
