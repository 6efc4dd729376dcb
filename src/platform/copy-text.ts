/** Values in PostgreSQL COPY's text format (no dependencies, so worker threads can use it). */

const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const NEEDS_COPY_ESCAPE = /[\\\t\n\r]/;
const COPY_ESCAPE_ALL = /[\\\t\n\r]/g;

/** One value in COPY's text format: backslash, tab, newline and CR escaped; null as \N. */
export function copyTextValue(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  let text: string;
  switch (typeof value) {
    case 'string':
      text = value;
      break;
    case 'number':
      if (!Number.isFinite(value)) throw new Error(`cannot COPY the number ${value}`);
      return String(value);
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 't' : 'f';
    default:
      text = value instanceof Date ? value.toISOString() : JSON.stringify(value);
  }
  return copyTextOfString(text);
}

/** A string in COPY's text format; a char scan finds the common case of nothing to escape. */
export function copyTextOfString(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // Backslash, or tab / newline / carriage return (all below 14).
    if (c === 92 || c < 14) return NEEDS_COPY_ESCAPE.test(text) ? text.replace(COPY_ESCAPE_ALL, (x) => COPY_ESCAPES[x]!) : text;
  }
  return text;
}
