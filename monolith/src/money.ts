// Money at the monolith's edges: stored as integer cents, shown as a two-decimal string
// ("12.50"). This legacy wire format is part of the contract the extracted services copy.

/** Formats non-negative integer cents as the legacy two-decimal string: 1250 -> "12.50". */
export function centsToString(cents: number): string {
  if (!Number.isSafeInteger(cents) || cents < 0) {
    throw new RangeError(`cents must be a non-negative safe integer, got ${cents}`);
  }
  const whole = Math.floor(cents / 100);
  const rest = cents % 100;
  return `${whole}.${rest.toString().padStart(2, '0')}`;
}

/** Parses "12.50" / "12.5" / "12" into cents without going through a float; null if malformed. */
export function stringToCents(text: string): number | null {
  const match = /^(\d{1,12})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!match) return null;
  const whole = Number(match[1]);
  const fraction = (match[2] ?? '').padEnd(2, '0');
  return whole * 100 + Number(fraction);
}

/** Display form for HTML pages: "$12.50". */
export function formatPrice(cents: number, currency = 'USD'): string {
  return currency === 'USD' ? `$${centsToString(cents)}` : `${centsToString(cents)} ${currency}`;
}
