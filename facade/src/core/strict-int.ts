// Strict whole numbers for command-line options: plain decimal digits only, so `0x10`, `1e1`,
// ` 5`, `5.0`, `+5` and `05` are refused with a message instead of quietly read as some number.

const DECIMAL = /^(0|[1-9][0-9]*)$/;

/** The integer `text` spells, or a message saying why it is not one in [min, max]. */
export function parseStrictInt(text: string, min: number, max: number = Number.MAX_SAFE_INTEGER): { ok: true; value: number } | { ok: false; message: string } {
  const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
  if (!DECIMAL.test(text)) return { ok: false, message: `must be a whole number ${range}, written in plain digits (got ${JSON.stringify(text)}).` };
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min || value > max) return { ok: false, message: `must be a whole number ${range} (got ${text}).` };
  return { ok: true, value };
}
