// Generated per side: values each side made for itself when the same record was dual-written
// (its own creation time, a uuid, an object id, a ULID, a session JWT). Stable when one side is
// asked twice, different between the sides by construction, the same instant within ~2 s.
import { product, user } from '../data';
import { fixture, idParam, json, type CorpusFixture } from '../fixture';

const iso = (ms: number): string => new Date(ms).toISOString();
const HOUR = 3_600_000;

export const GENERATED: readonly CorpusFixture[] = [
  fixture({
    template: '/corpus/generated/accounts/:id', kind: 'createdAt / updatedAt stamped by each side', generated: ['$.createdAt', '$.updatedAt'],
    handle: (s, req) => {
      const id = idParam(req);
      const u = user(id);
      return json({ id, username: u.username, createdAt: iso(s.createdAt(`account:${id}`, id * HOUR)), updatedAt: iso(s.createdAt(`account-updated:${id}`, id * 60_000)) });
    },
  }),
  fixture({
    template: '/corpus/generated/customers/:id', kind: 'uuid each side assigned to the same record', generated: ['$.externalId'],
    handle: (s, req) => {
      const id = idParam(req);
      return json({ id, name: user(id).displayName, externalId: s.stored(`external:${id}`, () => s.uuid()) });
    },
  }),
  fixture({
    template: '/corpus/generated/sessions/:id', kind: 'JWT issued at login (same claims, own iat/exp/jti)', generated: ['$.token', '$.expiresAt'],
    handle: (s, req) => {
      const id = idParam(req);
      const issued = s.createdAt(`session:${id}`, 10 * 60_000);
      const iat = Math.floor(issued / 1000);
      const token = s.stored(`session-token:${id}`, () => s.jwt({ sub: `user-${id}`, roles: ['customer'], iat, exp: iat + 3600, jti: s.uuid() }));
      return json({ userId: id, tokenType: 'Bearer', token, expiresAt: iso(issued + HOUR) });
    },
  }),
  fixture({
    template: '/corpus/generated/documents/:id', kind: 'object id per side', generated: ['$._id'],
    handle: (s, req) => {
      const id = idParam(req);
      const createdAt = s.createdAt(`document:${id}`, id * HOUR);
      return json({ _id: s.stored(`document-oid:${id}`, () => s.objectId(createdAt)), title: `Manual for ${product(id).name}`, pages: id % 40 + 4 });
    },
  }),
  fixture({
    template: '/corpus/generated/events/:id', kind: 'ULID per side', generated: ['$.eventId'],
    handle: (s, req) => {
      const id = idParam(req);
      const at = s.createdAt(`event:${id}`, id * 60_000);
      return json({ eventId: s.stored(`event-ulid:${id}`, () => s.ulid(at)), type: 'order.shipped', orderId: id });
    },
  }),
  fixture({
    template: '/corpus/generated/invoices/:id', kind: 'epoch ms and per-line ISO times per side', generated: ['$.issuedAt', '$.lines[*].addedAt'],
    handle: (s, req) => {
      const id = idParam(req);
      const lines = [1, 2].map((k) => ({ sku: product(id * 2 + k).sku, addedAt: iso(s.createdAt(`invoice-line:${id}:${k}`, id * HOUR + k * 1000)) }));
      return json({ invoiceId: id, issuedAt: s.createdAt(`invoice:${id}`, id * HOUR - 5000), lines });
    },
  }),
  fixture({
    template: '/corpus/generated/files/:id', kind: 'RFC 1123 and epoch s upload time per side', generated: ['$.uploadedAt', '$.uploadedEpoch'],
    handle: (s, req) => {
      const id = idParam(req);
      const at = s.createdAt(`file:${id}`, id * HOUR);
      return json({ fileId: id, name: `invoice-${id}.pdf`, uploadedAt: new Date(at).toUTCString(), uploadedEpoch: Math.floor(at / 1000) });
    },
  }),
];
