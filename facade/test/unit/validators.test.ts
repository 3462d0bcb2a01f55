// The rules for a conditional request's copies (core/validators.ts): which headers are the client's
// validators, which primary answers were made from them, and whether a side's own whole answer
// meets the client's condition (RFC 9110 §13).
import { answeredFromValidators, hasPreconditions, notModifiedFor, withoutPreconditions } from '../../src/core/validators';

describe('preconditions', () => {
  it('are the five If-* headers; a request without them keeps its headers object as it is', () => {
    const plain = { accept: 'application/json', range: 'bytes=0-9' };
    expect(hasPreconditions(plain)).toBe(false);
    expect(withoutPreconditions(plain)).toBe(plain);
    const conditional = { accept: '*/*', 'if-none-match': '"a"', 'if-modified-since': 'x', 'if-match': '"b"', 'if-unmodified-since': 'y', 'if-range': '"c"', range: 'bytes=0-9' };
    expect(hasPreconditions(conditional)).toBe(true);
    expect(withoutPreconditions(conditional)).toEqual({ accept: '*/*', range: 'bytes=0-9' });
  });
});

describe('answeredFromValidators', () => {
  it('a 304 or 412 to a conditional request, and a whole 200 to a range with If-Range', () => {
    expect(answeredFromValidators({ 'if-none-match': '"a"' }, 304)).toBe(true);
    expect(answeredFromValidators({ 'if-match': '"a"' }, 412)).toBe(true);
    expect(answeredFromValidators({ range: 'bytes=0-9', 'if-range': '"a"' }, 200)).toBe(true);
    expect(answeredFromValidators({ range: 'bytes=0-9', 'if-range': '"a"' }, 206)).toBe(false);
    expect(answeredFromValidators({ 'if-none-match': '"a"' }, 200)).toBe(false);
    expect(answeredFromValidators({}, 304)).toBe(false); // a 304 nobody asked for is the upstream's own answer
    expect(answeredFromValidators({ 'if-none-match': '"a"' }, null)).toBe(false);
  });
});

describe('notModifiedFor', () => {
  it('If-None-Match compares entity-tags weakly, in a list, and * matches any current answer', () => {
    expect(notModifiedFor({ 'if-none-match': 'W/"12-abc"' }, 200, { etag: 'W/"12-abc"' })).toBe(true);
    expect(notModifiedFor({ 'if-none-match': '"12-abc"' }, 200, { etag: 'W/"12-abc"' })).toBe(true);
    expect(notModifiedFor({ 'if-none-match': '"x", W/"12-abc"' }, 200, { etag: '"12-abc"' })).toBe(true);
    expect(notModifiedFor({ 'if-none-match': 'W/"12-abc"' }, 200, { etag: 'W/"12-abd"' })).toBe(false);
    expect(notModifiedFor({ 'if-none-match': 'W/"12-abc"' }, 200, {})).toBe(false);
    expect(notModifiedFor({ 'if-none-match': '*' }, 200, {})).toBe(true);
    expect(notModifiedFor({ 'if-none-match': '*' }, 404, {})).toBe(false);
  });

  it('If-Modified-Since holds when the side\'s Last-Modified is not later; If-None-Match wins over it', () => {
    const since = { 'if-modified-since': 'Wed, 01 Jan 2025 00:00:00 GMT' };
    expect(notModifiedFor(since, 200, { 'last-modified': 'Wed, 01 Jan 2025 00:00:00 GMT' })).toBe(true);
    expect(notModifiedFor(since, 200, { 'last-modified': 'Tue, 31 Dec 2024 12:00:00 GMT' })).toBe(true);
    expect(notModifiedFor(since, 200, { 'last-modified': 'Mon, 01 Jun 2026 00:00:00 GMT' })).toBe(false);
    expect(notModifiedFor({ 'if-modified-since': 'not a date' }, 200, { 'last-modified': 'Tue, 31 Dec 2024 12:00:00 GMT' })).toBe(false);
    expect(notModifiedFor({ ...since, 'if-none-match': '"other"' }, 200, { etag: '"mine"', 'last-modified': 'Tue, 31 Dec 2024 12:00:00 GMT' })).toBe(false);
  });

  it('a side that answered 304 itself agrees; an error does not', () => {
    expect(notModifiedFor({ 'if-none-match': '"a"' }, 304, {})).toBe(true);
    expect(notModifiedFor({ 'if-none-match': '"a"' }, 500, { etag: '"a"' })).toBe(false);
  });
});
