// The twelfth noise corpus (and the tenth's S3 and GCS links): a signed URL's signature and the key,
// account or session each side signs with are that side's own credentials; the object, its other
// parameters and the resource a CloudFront policy grants are compared.
import { generatedFact, withinPolicy, GENERATED_KINDS } from '../../../src/core/comparison';

const NOW = Date.parse('2026-12-07T12:00:00Z');
const policy = { kinds: new Set(GENERATED_KINDS), toleranceMs: 60_000, exactFields: [] };
const judged = (a: string, b: string): boolean => withinPolicy(generatedFact(a, b, NOW), '$.download', policy);
const hex = (seed: string, n: number): string => seed.repeat(n).slice(0, n);

const s3 = (key: string, access: string, date: string, sig: string, extra = ''): string =>
  `https://acme-docs.s3.eu-west-1.amazonaws.com/invoices/${key}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${encodeURIComponent(`${access}/20261207/eu-west-1/s3/aws4_request`)}`
  + `&X-Amz-Date=${date}&X-Amz-Expires=900&X-Amz-SignedHeaders=host${extra}&X-Amz-Signature=${sig}`;
const cfb64 = (s: string): string => Buffer.from(s).toString('base64').replace(/\+/g, '-').replace(/=/g, '_').replace(/\//g, '~');
const cloudFront = (path: string, expires: number, keyPair: string, sig: string): string => {
  const res = `https://d111111abcdef8.cloudfront.net/invoices/${path}`;
  return `${res}?Policy=${cfb64(JSON.stringify({ Statement: [{ Resource: res, Condition: { DateLessThan: { 'AWS:EpochTime': expires } } }] }))}&Signature=${sig}&Key-Pair-Id=${keyPair}`;
};
const gcs = (account: string, sig: string): string =>
  `https://storage.googleapis.com/acme-media/img/110.jpg?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=${encodeURIComponent(`${account}/20261207/auto/storage/goog4_request`)}&X-Goog-Date=20261207T120000Z&X-Goog-Expires=600&X-Goog-SignedHeaders=host&X-Goog-Signature=${sig}`;

describe('a signed URL', () => {
  it('is each side\'s own signing when only its signature, signer and stamped times differ', () => {
    expect(judged(s3('invoice-7.pdf', 'AKIAIOSFODNN7EXAMPLE', '20261207T120000Z', hex('a1', 64)), s3('invoice-7.pdf', 'AKIAI44QH8DHBEXAMPLE', '20261207T120001Z', hex('b2', 64)))).toBe(true);
    // the service signs with a role's temporary credentials: a session token on its side alone
    expect(judged(s3('invoice-7.pdf', 'AKIAIOSFODNN7EXAMPLE', '20261207T120000Z', hex('a1', 64)), s3('invoice-7.pdf', 'ASIAY34FZKBOKMUTVV7A', '20261207T120000Z', hex('b2', 64), '&X-Amz-Security-Token=IQoJb3JpZ2luX2VjEJr'))).toBe(true);
    expect(judged(gcs('legacy-web@acme-prod.iam.gserviceaccount.com', hex('c3', 512)), gcs('catalog-svc@acme-prod.iam.gserviceaccount.com', hex('d4', 512)))).toBe(true);
    const t = NOW / 1000 + 900;
    expect(judged(cloudFront('invoice-7.pdf', t, 'K2JCJMDEHXQW5F', 'Zm9v~YmFy'), cloudFront('invoice-7.pdf', t + 1, 'APKAEIBAERJR2EXAMPLE', 'cXV4~YmF6'))).toBe(true);
  });

  it('stays a difference for another object, another parameter, a policy for another resource, or no signature at all', () => {
    expect(judged(s3('invoice-7.pdf', 'AKIAIOSFODNN7EXAMPLE', '20261207T120000Z', hex('a1', 64)), s3('invoice-97.pdf', 'AKIAI44QH8DHBEXAMPLE', '20261207T120000Z', hex('b2', 64)))).toBe(false);
    expect(judged(s3('invoice-7.pdf', 'AKIAIOSFODNN7EXAMPLE', '20261207T120000Z', hex('a1', 64), '&response-content-disposition=attachment'),
      s3('invoice-7.pdf', 'AKIAIOSFODNN7EXAMPLE', '20261207T120000Z', hex('b2', 64), '&response-content-disposition=inline'))).toBe(false);
    expect(judged(s3('invoice-7.pdf', 'AKIAIOSFODNN7EXAMPLE', '20261207T120000Z', hex('a1', 64)), s3('invoice-7.pdf', 'AKIAIOSFODNN7EXAMPLE', '20261207T110000Z', hex('b2', 64)))).toBe(false); // an hour older
    const t = NOW / 1000 + 900;
    const a = cloudFront('invoice-7.pdf', t, 'K2JCJMDEHXQW5F', 'Zm9v');
    // the same path in the URL, a policy that grants another resource
    const b = a.replace(/Policy=[^&]+/, `Policy=${cfb64(JSON.stringify({ Statement: [{ Resource: 'https://d111111abcdef8.cloudfront.net/invoices/*', Condition: { DateLessThan: { 'AWS:EpochTime': t } } }] }))}`);
    expect(judged(a, b.replace('Zm9v', 'cXV4'))).toBe(false);
    expect(judged('https://api.example/orders?credential=AKIA1&page=2', 'https://api.example/orders?credential=AKIA2&page=2')).toBe(false);
  });
});
