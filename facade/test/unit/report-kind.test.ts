import { reportKind } from '../../src/core/comparison';

describe('a WebDAV REPORT is its own endpoint by its root element', () => {
  it('names the report by the local name of its root, after a declaration, comments and whitespace', () => {
    expect(reportKind(Buffer.from('<?xml version="1.0" encoding="utf-8"?>\n<S:log-report xmlns:S="svn:"><S:start-revision>3</S:start-revision></S:log-report>'))).toBe('log-report');
    expect(reportKind(Buffer.from('<S:file-revs-report xmlns:S="svn:">'))).toBe('file-revs-report');
    expect(reportKind(Buffer.from('\uFEFF<!-- x --> <C:calendar-multiget xmlns:C="urn:ietf:params:xml:ns:caldav"/>'))).toBe('calendar-multiget');
    expect(reportKind(Buffer.from('<sync-collection xmlns="DAV:"/>'))).toBe('sync-collection');
  });
  it('says nothing of an empty body or one that is no XML', () => {
    expect(reportKind(null)).toBeUndefined();
    expect(reportKind(Buffer.alloc(0))).toBeUndefined();
    expect(reportKind(Buffer.from('{"a":1}'))).toBeUndefined();
  });
});
