import fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { spoolRequest } from '../../../src/io/body-spool';

/** A request stream (the part of the body not read yet). */
function request(): PassThrough & { complete: boolean; socket: { bytesRead: number } } {
  return Object.assign(new PassThrough(), { complete: false, socket: { bytesRead: 0 } });
}

afterEach(() => jest.restoreAllMocks());

it('writes a body read past the in-memory cap to disk whole, waiting for the file one drain at a time (Node warns past ten listeners)', async () => {
  const files: fs.WriteStream[] = [];
  const create = fs.createWriteStream;
  jest.spyOn(fs, 'createWriteStream').mockImplementation(((...args: Parameters<typeof create>) => {
    const out = create(...args);
    files.push(out);
    return out;
  }) as typeof create);
  const req = request();
  const head = Array.from({ length: 40 }, (_, i) => Buffer.alloc(64 * 1024, i)); // 2.5 MB already read, in chunks the file cannot take at once
  const spooling = spoolRequest(req as unknown as IncomingMessage, head, 100 * 1024 * 1024, 5000);
  expect(files).toHaveLength(1);
  expect(files[0]!.listenerCount('drain')).toBe(1); // a MaxListenersExceededWarning on the operator's console past 10
  req.write(Buffer.alloc(1000, 99));
  req.complete = true;
  req.end();
  const r = await spooling;
  expect(r.kind).toBe('spooled');
  if (r.kind !== 'spooled') return;
  expect(r.body.length).toBe(40 * 64 * 1024 + 1000);
  r.body.remove();
});
