// HTML building blocks for the monolith's server-rendered pages: escaping and one shared
// layout. Every interpolated value goes through `escapeHtml`, or is built with `html`.

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for use in element content and quoted attribute values. */
export function escapeHtml(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);
}

/** Already-escaped markup; `html` passes it through instead of escaping it again. */
export class SafeHtml {
  constructor(readonly markup: string) {}
  toString(): string {
    return this.markup;
  }
}

type HtmlValue = string | number | SafeHtml | readonly SafeHtml[] | null | undefined;

/** Tagged template that escapes every interpolation except SafeHtml (and arrays of it). */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += renderValue(value) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

function renderValue(value: HtmlValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof SafeHtml) return value.markup;
  if (Array.isArray(value)) return value.map((v: SafeHtml) => v.markup).join('');
  return escapeHtml(value as string | number);
}

export interface LayoutOptions {
  title: string;
  /** Shown in the header when a session cookie belongs to a user. */
  userEmail?: string | null;
}

/** Wraps page content in the shop's one layout. */
export function layout(opts: LayoutOptions, body: SafeHtml): string {
  const who = opts.userEmail
    ? html`<span class="who">Signed in as ${opts.userEmail}</span>`
    : html`<a href="/login">Log in</a>`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${opts.title} - Legacy Shop</title>
</head>
<body>
<header><a href="/">Legacy Shop</a> ${who}</header>
<main>
${body}
</main>
</body>
</html>
`.markup;
}

/** The HTML 404 page: the monolith answers with it for unknown paths and missing records, even under /api/. */
export function notFoundPage(path: string): string {
  return layout({ title: 'Not Found' }, html`<h1>404 Not Found</h1>
<p>Nothing lives at <code>${path}</code>.</p>`);
}

/** A plain error page for form submissions and server errors. */
export function errorPage(title: string, message: string): string {
  return layout({ title }, html`<h1>${title}</h1>
<p>${message}</p>
<p><a href="/">Back to the shop</a></p>`);
}
