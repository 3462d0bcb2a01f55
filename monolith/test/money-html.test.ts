// Unit tests for the two legacy formats everything else leans on: money strings and
// HTML escaping. No sockets, no database.
import { escapeHtml, html, notFoundPage } from '../src/html';
import { centsToString, formatPrice, stringToCents } from '../src/money';

describe('money', () => {
  it.each([
    [0, '0.00'],
    [5, '0.05'],
    [100, '1.00'],
    [1250, '12.50'],
    [49995, '499.95'],
  ])('formats %i cents as "%s"', (cents, text) => {
    expect(centsToString(cents)).toBe(text);
    expect(stringToCents(text)).toBe(cents);
  });

  it('parses without float error and refuses malformed input', () => {
    expect(stringToCents('0.29')).toBe(29);
    expect(stringToCents('12.5')).toBe(1250);
    expect(stringToCents('12')).toBe(1200);
    expect(stringToCents('1.234')).toBeNull();
    expect(stringToCents('-1.00')).toBeNull();
    expect(stringToCents('abc')).toBeNull();
  });

  it('refuses negative or fractional cents', () => {
    expect(() => centsToString(-1)).toThrow(RangeError);
    expect(() => centsToString(1.5)).toThrow(RangeError);
  });

  it('shows USD prices with a dollar sign', () => {
    expect(formatPrice(1999)).toBe('$19.99');
  });
});

describe('html', () => {
  it('escapes the five HTML-special characters', () => {
    expect(escapeHtml(`<a href="x">O'Brien & co</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;O&#39;Brien &amp; co&lt;/a&gt;',
    );
  });

  it('escapes interpolations but not nested html fragments', () => {
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`<p>${inner}${'&'}${[inner, inner]}</p>`.markup).toBe(
      '<p><b>&lt;i&gt;</b>&amp;<b>&lt;i&gt;</b><b>&lt;i&gt;</b></p>',
    );
  });

  it('escapes the requested path on the 404 page', () => {
    expect(notFoundPage('/<script>')).toContain('/&lt;script&gt;');
  });
});
