import { countdownFact, formTokenFact, generatedFact, instanceFact, isMetricsPage, labelledInstanceFact, mintedIdFact, revisionFact, sampleFact, sequenceFact, timeNamed, tokenFact, withinPolicy, writeTimingFact, type GeneratedPolicy } from '../../../src/core/comparison';

const jwt = (claims: object, alg = 'HS256'): string =>
  `${Buffer.from(JSON.stringify({ alg, typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig${Math.random().toString(36).slice(2)}`;
/** When these pairs were compared: epoch numbers are times only near it. */
const NOW = Date.parse('2026-12-05T10:00:00Z');
const policy: GeneratedPolicy = { toleranceMs: 60_000, kinds: new Set(['timestamp', 'jwt', 'uuid', 'ulid', 'objectid']), exactFields: [] };

describe('generated values', () => {
  it('two ISO timestamps of the same format a few seconds apart are a generated timestamp with their distance', () => {
    expect(generatedFact('2026-12-05T10:00:00.120Z', '2026-12-05T10:00:02.500Z', NOW)).toEqual({ kind: 'timestamp', deltaMs: 2380 });
  });

  it('an ISO timestamp against an epoch number is a real difference of format, not a generated value', () => {
    expect(generatedFact('2026-12-05T10:00:00Z', 1796464800, NOW)).toBeNull();
  });

  it('epoch seconds and milliseconds are timestamps only near the comparison, so counts, prices and numbers in the epoch range are not', () => {
    expect(generatedFact(1796464800, 1796464805, NOW)).toEqual({ kind: 'timestamp', deltaMs: 5000 });
    expect(generatedFact(1796464800123, 1796464800456, NOW)).toEqual({ kind: 'timestamp', deltaMs: 333 });
    expect(generatedFact('1796464800', '1796464801', NOW)).toEqual({ kind: 'timestamp', deltaMs: 1000 });
    expect(generatedFact(NOW / 1000 + 30 * 86_400, NOW / 1000 + 30 * 86_400 + 2, NOW)).toEqual({ kind: 'timestamp', deltaMs: 2000 }); // an expiry a month ahead
    expect(generatedFact(12, 13, NOW)).toBeNull();
    expect(generatedFact(1000004211, 1000004212, NOW)).toBeNull(); // an order number (2001 as seconds)
    expect(generatedFact(1288490188, 1288490176, NOW)).toBeNull(); // a file size (2010)
    expect(generatedFact('2125551234', '2125551243', NOW)).toBeNull(); // a phone number (2037)
    expect(generatedFact('4006381333931', '4006381333924', NOW)).toBeNull(); // a GTIN (2096 as ms)
  });

  it('a date a day off is outside the default tolerance', () => {
    const fact = generatedFact('2026-12-05', '2026-12-06', NOW);
    expect(fact).toEqual({ kind: 'timestamp', deltaMs: 86_400_000 });
    expect(withinPolicy(fact, '$.date', policy)).toBe(false);
  });

  it('JWTs with the same claims and their own iat/exp/jti are generated; a different subject is not', () => {
    const a = jwt({ sub: 'u1', role: 'admin', iat: 1796464800, exp: 1796468400, jti: 'x' });
    const b = jwt({ sub: 'u1', role: 'admin', iat: 1796464801, exp: 1796468401, jti: 'y' });
    expect(generatedFact(a, b, NOW)).toEqual({ kind: 'jwt', deltaMs: 1000 });
    expect(generatedFact(a, jwt({ sub: 'u2', role: 'admin', iat: 1796464800, exp: 1796468400 }), NOW)).toBeNull();
  });

  it('uuids of the same version are generated; of different versions they are not', () => {
    expect(generatedFact('6f1c3f7e-8a4b-4c1d-9e2f-0a1b2c3d4e5f', '0b6e2d8a-1c3f-4a5b-8c7d-9e0f1a2b3c4d', NOW)).toEqual({ kind: 'uuid', deltaMs: null });
    expect(generatedFact('6f1c3f7e-8a4b-4c1d-9e2f-0a1b2c3d4e5f', '0b6e2d8a-1c3f-1a5b-8c7d-9e0f1a2b3c4d', NOW)).toBeNull();
  });

  it('ids and times inside a longer string are generated when the text around them is the same', () => {
    const [u1, u2] = ['6f1c3f7e-8a4b-4c1d-9e2f-0a1b2c3d4e5f', '0b6e2d8a-1c3f-4a5b-8c7d-9e0f1a2b3c4d'];
    expect(generatedFact(`/customers/${u1}/invoices?page=1`, `/customers/${u2}/invoices?page=1`, NOW)).toEqual({ kind: 'uuid', deltaMs: null });
    expect(generatedFact('avatars/01HF8Z3K4M5N6P7Q8R9S0T1V2W.png', 'avatars/01HF8Z3K4M5N6P7Q8R9S0T1V3X.png', NOW)).toEqual({ kind: 'ulid', deltaMs: null });
    expect(generatedFact(`Account ${u1} opened at 2026-12-06T10:00:00Z`, `Account ${u2} opened at 2026-12-06T10:00:02Z`, NOW)).toEqual({ kind: 'uuid', deltaMs: 2000 });
  });

  it('a string that differs around its ids, or in a token that is no generated value, is not', () => {
    const [u1, u2] = ['6f1c3f7e-8a4b-4c1d-9e2f-0a1b2c3d4e5f', '0b6e2d8a-1c3f-4a5b-8c7d-9e0f1a2b3c4d'];
    expect(generatedFact(`/customers/${u1}/invoices`, `/customers/${u2}/orders`, NOW)).toBeNull();
    expect(generatedFact(`/customers/${u1}`, `/customers/${u2}/`, NOW)).toBeNull();
    expect(generatedFact('commit 0123456789abcdef0123456789abcdef01234567', 'commit 0123456789abcdef0123456789abcdef01234568', NOW)).toBeNull(); // a hash, not an ObjectId
    expect(generatedFact(`/customers/${u1}`, '/customers/0b6e2d8a-1c3f-1a5b-8c7d-9e0f1a2b3c4d', NOW)).toBeNull(); // another uuid version
  });

  it('a kind switched off, or a field marked exact, is compared for equality', () => {
    const fact = generatedFact('2026-12-05T10:00:00Z', '2026-12-05T10:00:01Z', NOW);
    expect(withinPolicy(fact, '$.at', { ...policy, kinds: new Set(['uuid']) })).toBe(false);
    expect(withinPolicy(fact, '$.at', { ...policy, exactFields: [{ covers: (p: string) => p === '$.at' }] })).toBe(false);
    expect(withinPolicy(fact, '$.at', policy)).toBe(true);
  });

  it('a write\'s own sequence numbers: integers or alike strings at a field named as an identifier, nothing else', () => {
    const seq = { kind: 'sequence', deltaMs: null };
    expect(sequenceFact('orderId', 1040, 35)).toEqual(seq);
    expect(sequenceFact('id', 7, 8)).toEqual(seq);
    expect(sequenceFact('order_id', '1040', '35')).toEqual(seq);
    expect(sequenceFact('invoiceNumber', 'INV-2026-1040', 'INV-2026-35')).toEqual(seq);
    expect(sequenceFact('ID', 1, 2)).toEqual(seq);
    expect(sequenceFact('total', 1040, 35)).toBeNull(); // not an identifier
    expect(sequenceFact('valid', 1, 2)).toBeNull(); // ends in "id" but is no identifier name
    expect(sequenceFact('orderId', 'ORD-1040', 'INV-35')).toBeNull(); // another scheme
    expect(sequenceFact('orderId', 1040.5, 35)).toBeNull();
    expect(sequenceFact('orderId', 'abc', 'abd')).toBeNull();
    expect(sequenceFact(3, 1040, 35)).toBeNull(); // an array index
  });

  it('base64 JSON (a cursor, a state token) is generated when only generated values differ inside it', () => {
    const enc = (v: unknown, alphabet: 'base64' | 'base64url' = 'base64url'): string => Buffer.from(JSON.stringify(v)).toString(alphabet);
    const t = Math.floor(NOW / 1000);
    expect(generatedFact(enc({ snapshot: t, after: 20 }), enc({ snapshot: t + 1, after: 20 }), NOW)).toEqual({ kind: 'encoded', deltaMs: 1000 });
    expect(generatedFact(enc({ at: '2026-12-05T10:00:00Z', q: ['a'] }, 'base64'), enc({ at: '2026-12-05T10:00:03Z', q: ['a'] }, 'base64'), NOW)).toEqual({ kind: 'encoded', deltaMs: 3000 });
    expect(generatedFact(enc({ snapshot: t, after: 20 }), enc({ snapshot: t + 1, after: 19 }), NOW)).toBeNull(); // off by one inside
    expect(generatedFact(enc({ snapshot: t, after: 20 }), enc({ snapshot: t, after: 20, extra: 1 }), NOW)).toBeNull();
    expect(generatedFact('not-base64-json-at-all', 'not-base64-json-at-alm', NOW)).toBeNull();
  });

  it('values at a field named for the answering process are each side\'s own', () => {
    const own = { kind: 'instance', deltaMs: null };
    expect(instanceFact('uptime', 120, 41)).toEqual(own);
    expect(instanceFact('uptimeSeconds', 120, 41)).toEqual(own);
    expect(instanceFact('pid', 4242, 17)).toEqual(own);
    expect(instanceFact('hostname', 'shop-web-2', 'catalog-7f9c')).toEqual(own);
    expect(instanceFact('startedAt', '2026-12-02T08:00:00Z', '2026-12-05T09:59:19Z')).toEqual(own);
    expect(instanceFact('price', 1, 2)).toBeNull();
    expect(instanceFact('host', 'a', 'b')).toBeNull(); // a host in data may well be wrong
    expect(instanceFact('pid', 1, '1')).toBeNull(); // a type change is the client's business
    expect(instanceFact('uptime', { s: 1 }, { s: 2 })).toBeNull();
  });

  it('values under an object of the process\'s own figures, a health check\'s uptime check and the build a side runs are its own', () => {
    const own = { kind: 'instance', deltaMs: null };
    expect(instanceFact('$.checks.uptime[0].observedValue', 259218, 47)).toEqual(own); // health+json's uptime check
    expect(instanceFact('$.memstats.NumGC', 27, 1)).toEqual(own); // Go's expvar
    expect(instanceFact('$.process.memoryUsage.heapUsed', 27, 1)).toEqual(own);
    expect(instanceFact('$.build', 'a1b2c3d', '9f8e7d6')).toEqual(own);
    expect(instanceFact('$.instance', 'shop-web-2', 'catalog-7f9c-x2k')).toEqual(own); // the instance that served it
    expect(instanceFact('$.meta.gitSha', 'a1b2c3d', '9f8e7d6')).toEqual(own);
    expect(instanceFact('$.checks.database[0].observedValue', 12, 40)).toBeNull(); // a check of the data, not of the process
    expect(instanceFact('$.order.total', 27, 1)).toBeNull();
    expect(instanceFact('$.uptime.sla', { a: 1 }, { a: 2 })).toBeNull(); // not a scalar
    expect(instanceFact('$.version', '3.2.0', '3.3.0')).toBeNull(); // an API version is the client's business
  });

  it('two samples of one series on a metrics page are each process\'s own count; a renamed label or metric is not', () => {
    expect(isMetricsPage('text/plain; version=0.0.4; charset=utf-8')).toBe(true);
    expect(isMetricsPage('application/openmetrics-text; version=1.0.0')).toBe(true);
    expect(isMetricsPage('text/plain; charset=utf-8')).toBe(false);
    const own = { kind: 'instance', deltaMs: null };
    expect(sampleFact('process_start_time_seconds 1796340221.94', 'process_start_time_seconds 1796599393.28')).toEqual(own);
    expect(sampleFact('http_requests_total{code="500",method="get"} 11', 'http_requests_total{code="500",method="get"} 0')).toEqual(own);
    expect(sampleFact('go_gc_duration_seconds{quantile="0.5"} 1.2e-05 1765055701000', 'go_gc_duration_seconds{quantile="0.5"} NaN')).toEqual(own);
    expect(sampleFact('http_requests_total{code="200"} 1097', 'http_requests_total{status="200"} 72')).toBeNull();
    expect(sampleFact('http_requests_total 3', 'http_request_total 3')).toBeNull();
    expect(sampleFact('# TYPE a counter', '# TYPE a gauge')).toBeNull();
  });

  it('a series whose labels differ only where they name the process or its machine is one series; another label value is another series', () => {
    const own = { kind: 'instance', deltaMs: null };
    expect(sampleFact('target_info{host_name="legacy-app-03",service_instance_id="ed7b01d0",service_name="orders"} 1',
      'target_info{host_name="catalog-svc-6d4b9c7f8-x2kqp",service_instance_id="8c95e1ff",service_name="orders"} 1')).toEqual(own);
    expect(sampleFact('node_uname_info{machine="x86_64",nodename="legacy-app-03",release="5.15.0-1051-aws"} 1',
      'node_uname_info{machine="x86_64",nodename="catalog-svc",release="6.1.58+"} 1')).toEqual(own);
    expect(sampleFact('target_info{host_name="a",service_name="orders"} 1', 'target_info{host_name="b",service_name="billing"} 1')).toBeNull();
    expect(sampleFact('http_requests_total{code="200",instance="a"} 5', 'http_requests_total{code="500",instance="b"} 5')).toBeNull();
    expect(sampleFact('target_info{host_name="a"} 1', 'target_info{host_name="a",extra="x"} 1')).toBeNull();
  });

  it('secrets each side mints at a field named for one are its own: same alphabet, about one length', () => {
    const own = { kind: 'token', deltaMs: null };
    expect(tokenFact('$.access_token', 'mF_9.B5f-4.1JqM8Zr2kLw0', 'Qx7-aP3sLm.92KdfUq1Vb8z')).toEqual(own); // OAuth 2 bearer tokens
    expect(tokenFact('$.refresh_token', 'tGzv3JOkF0XG5Qx2TlKWIA', 'Ab8Lm2Qz9Xc4Vb7Nn1Kk0w')).toEqual(own);
    expect(tokenFact('$.session.sessionId', 'a3f9c2b1e0d4f5a6b7c8d9e0', '0b1c2d3e4f5a6b7c8d9e0f1a')).toEqual(own);
    expect(tokenFact('$.csrfToken', 'Zm9vYmFyYmF6cXV4cXV1eA==', 'cXV1eHF1dXhmb29iYXJiYQ==')).toEqual(own);
    expect(tokenFact('$.token', 'a3f9c2b1e0d4f5a6b7c8d9e0', '')).toBeNull(); // an empty token is a bug
    expect(tokenFact('$.token', 'a3f9c2b1e0d4f5a6b7c8d9e0', 'abc')).toBeNull(); // short
    expect(tokenFact('$.token', 'a3f9c2b1e0d4f5a6b7c8d9e0', 'Zm9vYmFyYmF6cXV4cXV1eA==')).toBeNull(); // hex against base64
    expect(tokenFact('$.token', 'a3f9c2b1e0d4f5a6b7c8d9e0', 'a3f9c2b1e0d4f5a6b7c8d9e0a3f9c2b1e0d4f5a6b7c8d9e0')).toBeNull(); // twice as long
    expect(tokenFact('$.token', 'not a token at all, words', 'another sentence, not one')).toBeNull();
    expect(tokenFact('$.tokenCount', 'a3f9c2b1e0d4f5a6b7c8d9e0', '0b1c2d3e4f5a6b7c8d9e0f1a')).toBeNull(); // not named for a secret
    expect(tokenFact('$.description', 'a3f9c2b1e0d4f5a6b7c8d9e0', '0b1c2d3e4f5a6b7c8d9e0f1a')).toBeNull();
    const jwtA = jwt({ sub: '1', role: 'user' });
    const jwtB = jwt({ sub: '1', role: 'admin' });
    expect(tokenFact('$.access_token', jwtA, jwtB)).toBeNull(); // a JWT is judged by its claims
  });

  it('countdowns each side reads from its own clock are times apart by their difference: expires_in, ttl, a max-age, Retry-After', () => {
    expect(countdownFact('$.expires_in', 3593, 3592)).toEqual({ kind: 'timestamp', deltaMs: 1000 });
    expect(countdownFact('$.session.ttlMs', 59_400, 59_100)).toEqual({ kind: 'timestamp', deltaMs: 300 });
    expect(countdownFact('headers.cache-control', 'public, max-age=3593', 'public, max-age=3592')).toEqual({ kind: 'timestamp', deltaMs: 1000 });
    expect(countdownFact('headers.cache-control', 'max-age=60, s-maxage=600', 'max-age=58, s-maxage=598')).toEqual({ kind: 'timestamp', deltaMs: 2000 });
    expect(countdownFact('headers.retry-after', '30', '29')).toEqual({ kind: 'timestamp', deltaMs: 1000 });
    expect(countdownFact('$.expires_in', 3600, 360)).toBeNull(); // a TTL changed, not a clock: judged as any value
    expect(countdownFact('headers.cache-control', 'public, max-age=300', 'public, max-age=250')).toBeNull(); // jittered per answer
    expect(countdownFact('headers.cache-control', 'public, max-age=60', 'private, max-age=60')).toBeNull();
    expect(countdownFact('headers.cache-control', 'public, max-age=60', 'public, max-age=59, immutable')).toBeNull();
    expect(countdownFact('$.expires_in', '3593', 3592)).toBeNull(); // a type change is the client's business
    expect(countdownFact('$.quantity', 3, 2)).toBeNull();
    expect(withinPolicy(countdownFact('$.expires_in', 3593, 3592), '$.expires_in', policy)).toBe(true);
  });

  it('ids a side minted for what a write created (a type prefix and random characters) are its own, alone or in a link', () => {
    const own = { kind: 'sequence', deltaMs: null };
    expect(mintedIdFact('ch_3NxYzAbCdEfGh1234567', 'ch_3MqPlKjHgFdSa9876543')).toEqual(own);
    expect(mintedIdFact('txn_1MqXyZ0aBcDeFgHiJk', 'txn_1NbQwErTyUiOpAsDfG')).toEqual(own);
    expect(mintedIdFact('https://pay.example/receipts/acct_1Mq2aBcDeFgHiJkL/ch_3NxYzAbCdEfGh12', 'https://pay.example/receipts/acct_1Mq2aBcDeFgHiJkL/ch_3MqPlKjHgFdSa98')).toEqual(own);
    expect(mintedIdFact('ch_3NxYzAbCdEfGh1234567', 'py_3MqPlKjHgFdSa9876543')).toBeNull(); // another type of object
    expect(mintedIdFact('ch_3NxYzAbCdEfGh1234567', 'ch_3MqPl')).toBeNull(); // another shape
    expect(mintedIdFact('https://pay.example/receipts/ch_3NxYzAbCdEfGh12', 'https://pay.example/refunds/ch_3MqPlKjHgFdSa98')).toBeNull();
    expect(mintedIdFact('order_total', 'order_count')).toBeNull();
    // Mollie's ten random characters, in a link too; a Matrix event id
    expect(mintedIdFact('tr_TcdiQVItwN', 'tr_XWIaEY4YXF')).toEqual(own);
    expect(mintedIdFact('https://api.mollie.com/v2/payments/tr_TcdiQVItwN', 'https://api.mollie.com/v2/payments/tr_XWIaEY4YXF')).toEqual(own);
    expect(mintedIdFact('$A0uu7gknpCk7jJYNJgQjNqSUFU0zQGB-LlIUbyAMywA', '$gtIH90dbICuOES2L-uxXNxNLQNHC2rooPhxBuX8Dg1Q')).toEqual(own);
    expect(mintedIdFact('tmp_processing', 'tmp_completedok')).toBeNull(); // names, not random parts
  });

  it('ISO times with a fraction of any length (Go\'s RFC3339Nano drops trailing zeros) and Z or an offset are one format; a fraction or a zone on one side only is not', () => {
    expect(generatedFact('2026-12-05T10:00:00.12Z', '2026-12-05T10:00:01.123456789Z', NOW)).toMatchObject({ kind: 'timestamp' });
    expect(generatedFact('2026-12-05T10:00:00.5Z', '2026-12-05T10:00:01.250+00:00', NOW)).toMatchObject({ kind: 'timestamp' });
    expect(generatedFact('2026-12-05T10:00:00Z', '2026-12-05T10:00:01.123Z', NOW)).toBeNull(); // a fraction dropped
    expect(generatedFact('2026-12-05T10:00:00.123', '2026-12-05T10:00:01.123Z', NOW)).toBeNull(); // a zone dropped
  });

  it('a compact stamp in a file name is a time when it is near the comparison', () => {
    expect(generatedFact('attachment; filename="orders-20261205-100000.csv"', 'attachment; filename="orders-20261205-100001.csv"', NOW)).toEqual({ kind: 'timestamp', deltaMs: 1000 });
    expect(generatedFact('backup_20261205_095959.tar', 'backup_20261205_100000.tar', NOW)).toEqual({ kind: 'timestamp', deltaMs: 1000 });
    expect(generatedFact('ref 20261205095959', 'ref 20261205100000', NOW)).toEqual({ kind: 'timestamp', deltaMs: 1000 });
    expect(generatedFact('batch 19990101-000000', 'batch 19990101-000001', NOW)).toBeNull(); // not near now: data
    expect(generatedFact('orders-20261205-100000.csv', 'invoices-20261205-100001.csv', NOW)).toBeNull();
  });

  it('times inside links, cookies and lines as they are written there: ISO basic, HTTP dates, epoch numbers near now', () => {
    const t = Math.floor(NOW / 1000);
    expect(generatedFact(`https://cdn.example/a.png?Expires=${t}&Key-Pair-Id=K1`, `https://cdn.example/a.png?Expires=${t + 1}&Key-Pair-Id=K1`, NOW)).toEqual({ kind: 'timestamp', deltaMs: 1000 });
    expect(generatedFact('https://b.s3.example/k?X-Amz-Date=20261205T100000Z&X-Amz-Expires=300', 'https://b.s3.example/k?X-Amz-Date=20261205T100002Z&X-Amz-Expires=300', NOW)).toEqual({ kind: 'timestamp', deltaMs: 2000 });
    expect(generatedFact('sid=abc; Expires=Sat, 05 Dec 2026 10:00:00 GMT; Path=/', 'sid=abc; Expires=Sat, 05 Dec 2026 10:00:01 GMT; Path=/', NOW)).toEqual({ kind: 'timestamp', deltaMs: 1000 });
    expect(generatedFact(`# generated ${t}000`, `# generated ${t}250`, NOW)).toEqual({ kind: 'timestamp', deltaMs: 250 });
    expect(generatedFact('order 1000004211 shipped', 'order 1000004212 shipped', NOW)).toBeNull(); // a number in the epoch range, not near now
    expect(generatedFact(`total 12.00 at ${t}`, `total 12.50 at ${t + 1}`, NOW)).toBeNull(); // the text around differs
    // Two whole timestamps of different formats: a difference of format, and no endless look inside them.
    expect(generatedFact('2026-12-05T10:00:00Z', '2026-12-05T10:00:00.000+01:00', NOW)).toBeNull();
  });

  it('assets a build names by their digest are the build a side runs; another file is not', () => {
    const css = (d: string, name = 'application') => `<link href="/assets/${name}-${d}.css" rel="stylesheet">`;
    expect(generatedFact(css('abe2f1fe6510c9db12e3ff9b6f5d'), css('d89972c362b560384dc912a6dafe'), NOW)).toEqual({ kind: 'instance', deltaMs: null });
    expect(generatedFact('/static/js/main.8a9ee65e.js', '/static/js/main.7101f5bf.js', NOW)).toEqual({ kind: 'instance', deltaMs: null });
    expect(generatedFact('<script src="/_next/static/a1b2c3d/_buildManifest.js">', '<script src="/_next/static/9f8e7d6/_buildManifest.js">', NOW)).toEqual({ kind: 'instance', deltaMs: null });
    const chunks = (a: string, b: string) => `!function(e){var t={179:"${a}",736:"${b}"};e.u=function(n){return"static/js/"+n+"."+t[n]+".chunk.js"}}(self.w={})`;
    expect(generatedFact(chunks('a1064424', '94cf1862'), chunks('08addfbe', '349e2ce5'), NOW)).toEqual({ kind: 'instance', deltaMs: null }); // webpack's chunk map
    expect(generatedFact('{"179":"a1064424"}', '{"179":"08addfbe"}', NOW)).toBeNull(); // a map of ids, not a runtime's
    expect(generatedFact(css('abe2f1fe6510c9db'), css('d89972c362b56038', 'admin'), NOW)).toBeNull(); // another stylesheet
    expect(generatedFact('/files/inv-12345678.pdf', '/files/inv-12345679.pdf', NOW)).toBeNull(); // a document, not a build's asset
    expect(generatedFact('static/js/453.7ebfda66.chunk.js', 'static/js/453.1c9d0e42.chunk.js', NOW)).toEqual({ kind: 'instance', deltaMs: null }); // CRA's chunks
    // Vite's digests: one side's has a digit, the other's (one in eleven) neither a digit nor three capitals.
    expect(generatedFact('/assets/lazy-OoDBIH4f.js', '/assets/lazy-fEsufEdk.js', NOW)).toEqual({ kind: 'instance', deltaMs: null });
    expect(generatedFact('/assets/lazy-fEsufEdk.js', '/assets/lazy-OoDBIH4f.js', NOW)).toEqual({ kind: 'instance', deltaMs: null });
    expect(generatedFact('/assets/main-settings.js', '/assets/main-checkout.js', NOW)).toBeNull(); // two files by name
    expect(generatedFact('/assets/lazy-OoDBIH4f.js', '/assets/cart-fEsufEdk.js', NOW)).toBeNull(); // another file
  });

  it('epoch seconds written as text with a fraction (Slack\'s ts) are times near the comparison', () => {
    expect(generatedFact('1796464800.001320', '1796464801.000247', NOW)).toEqual({ kind: 'timestamp', deltaMs: expect.closeTo(998.927, 2) });
    expect(generatedFact('1796464800.000100', '1796464800.0001', NOW)).toBeNull(); // another format: a different id
  });

  it('a signed cursor (encoded JSON, then a signature) is judged by its payload', () => {
    const cursor = (o: object, sig: string) => `${Buffer.from(JSON.stringify(o)).toString('base64url')}.${sig}`;
    expect(generatedFact(cursor({ after: 22, ts: 1796464800 }, 'CuajAw4QzP9kLm2n'), cursor({ after: 22, ts: 1796464803 }, 'eHj7TJC9aB1cD2eF'), NOW)).toEqual({ kind: 'encoded', deltaMs: 3000 });
    expect(generatedFact(cursor({ after: 22, ts: 1796464800 }, 'CuajAw4QzP9kLm2n'), cursor({ after: 23, ts: 1796464803 }, 'eHj7TJC9aB1cD2eF'), NOW)).toBeNull();
  });

  it('a cluster\'s own id is the answering process\'s', () => {
    expect(instanceFact('$.header.cluster_id', '14841639068965178418', '9387283728193847261')).toEqual({ kind: 'instance', deltaMs: null });
    expect(instanceFact('$.clusterUuid', 'a', 'b')).toEqual({ kind: 'instance', deltaMs: null });
  });

  it('a write\'s ids drawn at random, log positions, Twilio SIDs and Firebase push ids are each side\'s own', () => {
    expect(sequenceFact('_id', 'rJrBt6YnsCmrF0dZPoAO', 'VgvVTkYUefuKyfqhJF5e')).toEqual({ kind: 'sequence', deltaMs: null });
    expect(sequenceFact('_id', 'rJrBtYnsCmrFdZPoAOxy', 'VgvVTkYUefuKyfqhJFey')).toEqual({ kind: 'sequence', deltaMs: null }); // no digit drawn
    expect(sequenceFact('_seq_no', 1319, 246)).toEqual({ kind: 'sequence', deltaMs: null });
    expect(sequenceFact('offset', 41323, 40250)).toEqual({ kind: 'sequence', deltaMs: null });
    expect(sequenceFact('_id', 'rJrBt6YnsCmrF0dZPoAO', 'VgvVTkYUefuKyfqhJF')).toBeNull(); // another length
    expect(sequenceFact('customer_id', 'internationalization', 'internationalisation')).toBeNull(); // words, not random ids
    const uri = (sid: string) => `/2010-04-01/Accounts/AC0b2b6fb3ed5bd1ee7d8ca5f3c2d8a9e1/Messages/${sid}.json`;
    expect(mintedIdFact(uri('SM8901ad4c1e2f3a4b5c6d7e8f9a0b1c2d'), uri('SMe709a1261e2f3a4b5c6d7e8f9a0b1c2d'))).toEqual({ kind: 'sequence', deltaMs: null });
    expect(mintedIdFact(uri('SM8901ad4c1e2f3a4b5c6d7e8f9a0b1c2d'), uri('MM8901ad4c1e2f3a4b5c6d7e8f9a0b1c2d').replace('Messages', 'Media'))).toBeNull();
    expect(mintedIdFact('-P8DGb5IGN9XI6a6cv1_', '-P8DGb5J089YMm55RGRi')).toEqual({ kind: 'sequence', deltaMs: null });
  });

  it('an OpenID Connect id_token\'s hashes of its side\'s own tokens and session are its own; another claim is not', () => {
    const base = { iss: 'https://id.example', sub: 'u-42', aud: 'shop', email: 'a@example.com', email_verified: true };
    expect(generatedFact(jwt({ ...base, iat: 1796464800, at_hash: 'x1Yb2Zc3', sid: 's-1' }), jwt({ ...base, iat: 1796464801, at_hash: 'Q9w8E7r6', sid: 's-2' }), NOW)).toEqual({ kind: 'jwt', deltaMs: 1000 });
    expect(generatedFact(jwt({ ...base, at_hash: 'x1Yb2Zc3' }), jwt({ ...base, email_verified: 'true', at_hash: 'Q9w8E7r6' }), NOW)).toBeNull();
  });

  it('a clock time in a page\'s words is a time when it is the comparison\'s in some zone; a duration is not', () => {
    // NOW is 10:00:00 UTC
    expect(generatedFact('Stand: 10:00:01 Uhr', 'Stand: 10:00:02 Uhr', NOW)).toEqual({ kind: 'timestamp', deltaMs: 1000 });
    expect(generatedFact('Updated 5:00:30 AM EST', 'Updated 5:00:31 AM EST', NOW)).toEqual({ kind: 'timestamp', deltaMs: 1000 }); // UTC-5
    expect(generatedFact('07/12/2026, 15:30:59', '07/12/2026, 15:31:00', NOW)).toEqual({ kind: 'timestamp', deltaMs: 1000 }); // UTC+5:30
    expect(generatedFact('Length 01:02:03', 'Length 01:02:04', NOW)).toBeNull(); // not now anywhere: a duration
    expect(generatedFact('Stand: 10:00:01 Uhr', 'Stand: 11:00:01 Uhr', NOW)).toEqual({ kind: 'timestamp', deltaMs: 3_600_000 }); // an hour off: over any tolerance
  });

  it('a form field named for a secret, alike but for its value, is each side\'s own token; another field is not', () => {
    const input = (name: string, value: string) => `<input type="hidden" name="${name}" value="${value}">`;
    expect(formTokenFact(input('csrfmiddlewaretoken', 'Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5'), input('csrfmiddlewaretoken', 'cXV4Zm9vYmF6YmFyOTg3NjU0MzIx'))).toEqual({ kind: 'token', deltaMs: null });
    expect(formTokenFact(input('csrf', 'a1b2c3d4e5f6a7b8c9d0'), input('csrf', 'f0e9d8c7b6a5f4e3d2c1'))).toEqual({ kind: 'token', deltaMs: null });
    expect(formTokenFact(input('__RequestVerificationToken', 'CfDJ8Abc123xyz456QRS'), input('__RequestVerificationToken', 'CfDJ8Zyx987wvu654TSR'))).toEqual({ kind: 'token', deltaMs: null });
    expect(formTokenFact(input('amount', 'Zm9vYmFyYmF6cXV4MTIzNDU2'), input('amount', 'cXV4Zm9vYmF6YmFyOTg3NjU0'))).toBeNull();
    expect(formTokenFact(input('csrf', 'a1b2c3d4e5f6a7b8c9d0'), input('csrf', ''))).toBeNull(); // the service sends none
  });

  it('epochs in microseconds and nanoseconds are times at a field named for one; elsewhere 16 and 19 digits are ids', () => {
    const us = NOW * 1000;
    expect(generatedFact(us + 1_000, us + 2_224, NOW, true, true)?.deltaMs).toBeCloseTo(1.224, 2);
    expect(generatedFact(String(us + 1_000), String(us + 2_000), NOW, true, true)?.deltaMs).toBeCloseTo(1, 2);
    expect(generatedFact(`${NOW}000000`, `${NOW + 2}000000`, NOW, true, true)?.deltaMs).toBeCloseTo(2, 2); // Go's UnixNano
    expect(generatedFact(`${NOW}000000`, `${NOW}000001`, NOW)).toBeNull(); // two neighbouring 19-digit ids
    expect(generatedFact(us + 1, us + 2, NOW)).toBeNull();
    expect(generatedFact(4006381333931000, 4006381333924000, NOW, true, true)).toBeNull(); // far from now in any unit
    expect(generatedFact(NOW / 1000 + 0.999, NOW / 1000 + 1, NOW)?.kind).toBe('timestamp'); // Prometheus' [1796…762.999, …] against [1796…763, …]
    for (const name of ['$.result.servedAtUs', '$.readTime', '$.points[0].timeUnixNano', '$.created_at', '$.start_time_ns', '$.ts']) expect([name, timeNamed(name)]).toEqual([name, true]);
    for (const name of ['$.id_str', '$.format', '$.seat', '$.account', '$.startOffset']) expect([name, timeNamed(name)]).toEqual([name, false]);
  });

  it('a document\'s revision of the same generation (CouchDB, Verdaccio) is each store\'s own hash; another generation is not', () => {
    expect(revisionFact('$._rev', '10-3064b2f1c6a84d7e9b0a5c3d2e1f4a6b', '10-fe37a1b2c3d4e5f60718293a4b5c6d7e')).toEqual({ kind: 'sequence', deltaMs: null });
    expect(revisionFact('$.docs[3]._rev', '2-3064b2f1c6a84d7e9b0a5c3d2e1f4a6b', '2-fe37a1b2c3d4e5f60718293a4b5c6d7e')).toEqual({ kind: 'sequence', deltaMs: null });
    expect(revisionFact('$._rev', '10-3064b2f1c6a84d7e9b0a5c3d2e1f4a6b', '11-fe37a1b2c3d4e5f60718293a4b5c6d7e')).toBeNull(); // an update lost or made twice
    expect(revisionFact('$.rev', '10-3064b2f1c6a84d7e9b0a5c3d2e1f4a6b', '10-fe37a1b2c3d4e5f60718293a4b5c6d7e')).toBeNull();
    // Verdaccio 5's: 8 random bytes (probes17); a generation apart stays a difference, and so does a short code.
    expect(revisionFact('$._rev', '10-0fdc2633fc556586', '10-59797a3e37f368b4')).toEqual({ kind: 'sequence', deltaMs: null });
    expect(revisionFact('$._rev', '3-754220eac97697f4', '6-482aa6e5d66c773d')).toBeNull();
    expect(revisionFact('$._rev', '3-75422', '3-48a2a')).toBeNull();
  });

  it('XML-RPC\'s dateTime.iso8601 (ISO basic with the time\'s colons) is a time', () => {
    expect(generatedFact('20261205T10:00:00', '20261205T10:00:01', NOW)).toEqual({ kind: 'timestamp', deltaMs: 1000 });
    expect(generatedFact('<value><dateTime.iso8601>20261205T10:00:00</dateTime.iso8601></value>', '<value><dateTime.iso8601>20261205T10:00:01</dateTime.iso8601></value>', NOW))
      .toEqual({ kind: 'timestamp', deltaMs: 1000 });
  });

  it('a page\'s `label: value` line naming a figure of the process (uptime, host name, start) is each side\'s own; another label is not', () => {
    expect(labelledInstanceFact('Server uptime: 3 days, 00:00:16', 'Server uptime: 0 days, 00:00:45')).toEqual({ kind: 'instance', deltaMs: null });
    expect(labelledInstanceFact('Started at: 2026-12-01 10:00', 'Started at: 2026-12-05 09:12')).toEqual({ kind: 'instance', deltaMs: null });
    expect(labelledInstanceFact('Host name = web-7', 'Host name = catalog-1')).toEqual({ kind: 'instance', deltaMs: null });
    expect(labelledInstanceFact('Total: 12,50 EUR', 'Total: 1,25 EUR')).toBeNull();
    expect(labelledInstanceFact('Order id: 1043', 'Order id: 1044')).toBeNull();
    expect(labelledInstanceFact('Server uptime: 3 days', 'Uptime: 3 days')).toBeNull(); // another label
  });

  it('names of the process\'s own figures in words of any case and separator: Apache\'s ServerUptimeSeconds, PHP-FPM\'s "start since"', () => {
    expect(labelledInstanceFact('ServerUptimeSeconds: 259214', 'ServerUptimeSeconds: 43')).toEqual({ kind: 'instance', deltaMs: null });
    expect(labelledInstanceFact('RestartTime: Saturday, 05-Dec-2026 10:00:01 UTC', 'RestartTime: Monday, 07-Dec-2026 07:58:12 UTC')).toEqual({ kind: 'instance', deltaMs: null });
    expect(instanceFact('$["start time"]', 1796369702, 1796628873)).toEqual({ kind: 'instance', deltaMs: null });
    expect(instanceFact('$.pool["start since"]', 259214, 43)).toEqual({ kind: 'instance', deltaMs: null });
    expect(instanceFact('$.ProcessUptimeMs', 1200, 98000)).toEqual({ kind: 'instance', deltaMs: null });
    expect(instanceFact('$["order total"]', 12, 13)).toBeNull();
    expect(instanceFact('$.startTimeSlot', 9, 10)).toBeNull(); // a booking's slot, not a start
    expect(labelledInstanceFact('uptime_in_seconds:259214', 'uptime_in_seconds:43')).toEqual({ kind: 'instance', deltaMs: null }); // Redis INFO
    expect(instanceFact('$.resourceMetrics[0].scopeMetrics[0].metrics[0].sum.dataPoints[0].startTimeUnixNano', '1796369702000000000', '1796628873000000000'))
      .toEqual({ kind: 'instance', deltaMs: null }); // OTLP: a cumulative series starts with its process
    expect(instanceFact('$.builtAt', 1796369702000, 1796628873000)).toEqual({ kind: 'instance', deltaMs: null }); // webpack's stats
    expect(instanceFact('$.webpackCompilationHash', 'a1b2c3d4e5f6', 'f6e5d4c3b2a1')).toEqual({ kind: 'instance', deltaMs: null }); // Gatsby
  });

  it('a cookie\'s Max-Age counting down to a fixed moment is a countdown when the rest of the cookie is alike', () => {
    expect(countdownFact('cookies.deal', 'deal=1; max-age=69057; path=/', 'deal=1; max-age=69056; path=/')).toEqual({ kind: 'timestamp', deltaMs: 1000 });
    expect(countdownFact('cookies.deal', 'deal=1; max-age=69057; path=/', 'deal=1; max-age=300; path=/')).toBeNull(); // another lifetime
    expect(countdownFact('cookies.deal', 'deal=1; max-age=69057; path=/', 'deal=1; max-age=69056; path=/shop')).toBeNull();
  });

  it('a write\'s id_str beside its id, and a booking\'s code, are the side\'s own numbering; a status is not', () => {
    expect(sequenceFact('id_str', '2129799289101107184', '2129799289105356519')).toEqual({ kind: 'sequence', deltaMs: null });
    expect(sequenceFact('confirmationCode', '6C42BW', 'D9CKDL')).toEqual({ kind: 'sequence', deltaMs: null });
    expect(sequenceFact('pnr', 'X7K2QA', 'X7K2QAB')).toBeNull(); // another length
    expect(sequenceFact('confirmationCode', '6C42BW', 'pending')).toBeNull();
    expect(sequenceFact('status_str', 'CONFIRMED', 'PENDING')).toBeNull();
  });

  it('a write\'s own timings (GraphQL tracing, a search\'s took) are each side\'s clock; other numbers, or timings far apart, are not', () => {
    expect(writeTimingFact('$.extensions.tracing.duration', 8_772_392, 9_345_364)).toEqual({ kind: 'instance', deltaMs: null });
    expect(writeTimingFact('$.extensions.tracing.execution.resolvers[0].duration', 8_707_382, 9_282_565)).toEqual({ kind: 'instance', deltaMs: null });
    expect(writeTimingFact('$.took', 3, 12)).toEqual({ kind: 'instance', deltaMs: null });
    expect(writeTimingFact('$.extensions.tracing.execution.resolvers[0].startOffset', 24_219, 23_391)).toEqual({ kind: 'instance', deltaMs: null });
    expect(writeTimingFact('$.total', 12.5, 1.25)).toBeNull();
    expect(writeTimingFact('$.booking.duration', 60, 90)).toBeNull(); // a booking's length
    expect(writeTimingFact('$.tracing.duration', 3, 3_600_000)).toBeNull();
    expect(writeTimingFact('$.took', -1, 3)).toBeNull();
  });

  it('a chunk Nuxt names by its digest alone, and the SRI digest beside a build\'s own asset, are the build; a CDN file\'s integrity is not', () => {
    expect(generatedFact('<link href="/_nuxt/DlAUqK2U.js" rel="modulepreload">', '<link href="/_nuxt/kRTY6BBW.js" rel="modulepreload">', NOW)).toEqual({ kind: 'instance', deltaMs: null });
    expect(generatedFact('<script src="/js/vendor12.js">', '<script src="/js/vendor13.js">', NOW)).toBeNull();
    expect(generatedFact('<script integrity="sha384-isPl4JDVk9Q+" src="/assets/app-abe2f1fe6510c9db12e3.js">', '<script integrity="sha384-Sin3BNNNx7R/" src="/assets/app-d89972c3a0b1c2d3e4f5.js">', NOW))
      .toEqual({ kind: 'instance', deltaMs: null });
    expect(generatedFact('<script integrity="sha384-AAAAbbbb" src="https://cdn.example/jquery-3.7.1.min.js">', '<script integrity="sha384-CCCCdddd" src="https://cdn.example/jquery-3.7.1.min.js">', NOW)).toBeNull();
  });
});
