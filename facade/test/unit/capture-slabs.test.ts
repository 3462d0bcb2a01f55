// The slabs a shadowed read's captured answers are joined in: the bytes are the answer's, a slab
// is reused only after it was given back, and never handed to two holders at once.
import { CaptureSlabs } from '../../src/io/capture-slabs';

const chunksOf = (body: Buffer, size: number): Buffer[] => {
  const out: Buffer[] = [];
  for (let at = 0; at < body.length; at += size) out.push(body.subarray(at, at + size));
  return out;
};
const bytes = (n: number, seed: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff));

it('joins chunks into exactly the answer, small and large alike', () => {
  const slabs = new CaptureSlabs();
  for (const n of [0, 10, 5_000, 16 * 1024, 100_000, 1024 * 1024, 1024 * 1024 + 1]) {
    const body = bytes(n, n);
    const joined = slabs.join(chunksOf(body, 7_919), n);
    expect(joined.length).toBe(n);
    expect(joined.equals(body)).toBe(true);
  }
});

it('reuses a slab only once it is given back', () => {
  const slabs = new CaptureSlabs();
  const a = slabs.join([bytes(100_000, 1)], 100_000);
  const b = slabs.join([bytes(100_000, 2)], 100_000);
  expect(a.buffer).not.toBe(b.buffer); // both held: two slabs
  slabs.give(a);
  expect(slabs.idleBytes).toBe(128 * 1024);
  const c = slabs.join([bytes(90_000, 3)], 90_000); // same class: a's slab again
  expect(c.buffer).toBe(a.buffer);
  expect(c.equals(bytes(90_000, 3))).toBe(true);
  expect(b.equals(bytes(100_000, 2))).toBe(true); // b untouched
  expect(slabs.idleBytes).toBe(0);
});

it('ignores a body given back twice, and bodies that are not its own', () => {
  const slabs = new CaptureSlabs();
  const a = slabs.join([bytes(50_000, 1)], 50_000);
  slabs.give(a);
  slabs.give(a); // a second give must not put the slab on the free list twice
  const x = slabs.join([bytes(50_000, 2)], 50_000);
  const y = slabs.join([bytes(50_000, 3)], 50_000);
  expect(x.buffer).not.toBe(y.buffer);
  slabs.give(Buffer.alloc(50_000));
  slabs.give(Buffer.concat([bytes(20_000, 4)]));
  slabs.give(null);
  expect(slabs.idleBytes).toBe(0);
});

it('keeps at most 8 MB of free slabs', () => {
  const slabs = new CaptureSlabs();
  const held = Array.from({ length: 20 }, (_, i) => slabs.join([Buffer.alloc(1_000_000, i)], 1_000_000));
  for (const h of held) slabs.give(h);
  expect(slabs.idleBytes).toBe(8 * 1024 * 1024);
});

it('refuses chunks that do not add up to the stated size', () => {
  const slabs = new CaptureSlabs();
  expect(() => slabs.join([bytes(20_000, 1)], 30_000)).toThrow(/20000 bytes, not the stated 30000/);
  expect(() => slabs.join([bytes(40_000, 1)], 30_000)).toThrow(/exceed the stated 30000/);
});
