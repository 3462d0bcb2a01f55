// The media type of a Content-Type: its `type/subtype`, lower-cased, without parameters
// (RFC 9110 §8.3.1). One reading for the body comparison, the header comparison and the stream rule. Pure.

/** `Application/JSON; charset=utf-8` → `application/json`; '' when absent. */
export function mediaTypeOf(contentType: string | readonly string[] | undefined): string {
  const value = typeof contentType === 'string' ? contentType : contentType?.[0];
  if (!value) return '';
  const semi = value.indexOf(';');
  return (semi < 0 ? value : value.slice(0, semi)).trim().toLowerCase();
}
