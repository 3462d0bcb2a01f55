import { endKnownAtHead } from '../../src/core/upload-overlap';

describe('endKnownAtHead: an answer begun mid-upload closes the connection at its head unless it may outlast the upload', () => {
  it('a length-framed answer (a 401, a 413) is a refusal of the rest', () => {
    expect(endKnownAtHead(401, { 'content-length': '4' }, 'POST')).toBe(true);
    expect(endKnownAtHead(200, { 'content-length': '2' }, 'POST')).toBe(true);
  });
  it('no body at all, or a body up to the close, is settled at the head too', () => {
    expect(endKnownAtHead(204, {}, 'POST')).toBe(true);
    expect(endKnownAtHead(304, { 'transfer-encoding': 'chunked' }, 'PUT')).toBe(true);
    expect(endKnownAtHead(200, { 'transfer-encoding': 'chunked' }, 'HEAD')).toBe(true);
    expect(endKnownAtHead(200, {}, 'POST')).toBe(true);
  });
  it('a chunked answer may be a full-duplex one: decided at its end', () => {
    expect(endKnownAtHead(200, { 'transfer-encoding': 'chunked' }, 'POST')).toBe(false);
    expect(endKnownAtHead(401, { 'transfer-encoding': 'chunked' }, 'POST')).toBe(false);
  });
});
