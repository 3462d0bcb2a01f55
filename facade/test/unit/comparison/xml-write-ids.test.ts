// A write's XML answer naming what each side created under its own id (S3's CreateMultipartUpload:
// `<UploadId>` minted per side; probes18: every multipart upload through a shadow route left the
// field unjudged, and the gate waited for ever) is a generated value, as the same id in JSON is.
import { diffBodies, compileNormalizers } from '../../../src/core/compare';
import { elementOfTextField } from '../../../src/core/compare/markup-names';
import { markOwnNumbers } from '../../../src/pipeline/record-write';
import type { FieldFact } from '../../../src/core/comparison';

const xml = (inner: string): Buffer => Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n<InitiateMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>b1</Bucket><Key>big.bin</Key>${inner}</InitiateMultipartUploadResult>`);

/** The facts a write's two XML answers give, as the comparison step records them (no generated value yet). */
function factsOf(primary: Buffer, shadow: Buffer): FieldFact[] {
  const diffs = diffBodies({ primary, shadow, primaryType: 'application/xml', shadowType: 'application/xml' }, compileNormalizers([]));
  return diffs.map((d) => ({ path: d.path, field: d.path, kind: 'changed', primary: d.primary, shadow: d.shadow, primaryHash: String(d.primary), shadowHash: String(d.shadow), generated: null }) as FieldFact);
}

describe('ids a write answered in XML elements', () => {
  it('an element named as an id, each side its own random id, is generated', () => {
    const facts = factsOf(xml('<UploadId>35d30e39c54d0106f35f5745cb7c93c7</UploadId>'), xml('<UploadId>9f1c2b7a0e4d4b58a3c6e1f20d7b9a44</UploadId>'));
    expect(facts.map((f) => f.path)).toEqual(['text["InitiateMultipartUploadResult/UploadId/text()"]']);
    expect(markOwnNumbers(facts)[0]!.generated).toMatchObject({ kind: 'sequence' });
  });

  it('a number of each side\'s own sequence in an id element (namespace prefix, an index) is generated', () => {
    const facts = factsOf(Buffer.from('<r><a:Order><a:OrderId>1043</a:OrderId></a:Order></r>'), Buffer.from('<r><a:Order><a:OrderId>35</a:OrderId></a:Order></r>'));
    expect(markOwnNumbers(facts).map((f) => f.generated?.kind)).toEqual(['sequence']);
  });

  it('the same shapes stay real where they are data: another element, a word, two ids of another shape', () => {
    const key = factsOf(Buffer.from(xml('<UploadId>35d30e39c54d0106f35f5745cb7c93c7</UploadId>').toString().replace('big.bin', 'a.txt')), xml('<UploadId>35d30e39c54d0106f35f5745cb7c93c7</UploadId>'));
    expect(key.length).toBeGreaterThan(0);
    expect(markOwnNumbers(key).every((f) => f.generated === null)).toBe(true);
    const words = factsOf(Buffer.from('<r><StatusId>active</StatusId></r>'), Buffer.from('<r><StatusId>closed</StatusId></r>'));
    expect(markOwnNumbers(words)[0]!.generated).toBeNull();
    const shapes = factsOf(Buffer.from('<r><UploadId>35d30e39c54d0106f35f5745cb7c93c7</UploadId></r>'), Buffer.from('<r><UploadId>upload-7</UploadId></r>'));
    expect(markOwnNumbers(shapes)[0]!.generated).toBeNull();
  });

  it('names the element of a markup text field only', () => {
    expect(elementOfTextField('text["ListBucketResult/Contents[2]/Size/text()"]')).toBe('Size');
    expect(elementOfTextField('text["s3:Result/s3:UploadId/text()"]')).toBe('UploadId');
    expect(elementOfTextField('text["body/main/td.order_id/text()"]')).toBe('td');
    expect(elementOfTextField('text["body/main/p/node()"]')).toBeUndefined();
    expect(elementOfTextField('$.UploadId')).toBeUndefined();
    expect(elementOfTextField('text[4]')).toBeUndefined();
  });
});
