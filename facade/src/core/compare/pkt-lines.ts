// Git's smart-HTTP bodies are pkt-lines (gitprotocol-common): a 4-hex-digit length, then the
// payload; `0000` a flush, `0001` a delimiter, `0002` a response end. With side-band(-64k) the
// payloads travel inside band 1 packets, band 2 is progress (`Resolving deltas`) and band 3 a fatal
// error. Read here as one text line per packet, so a ref advertisement or a push's report is
// compared (compare/body.ts) and judged (core/failure-in-body.ts) by its lines. Pure.
import { isUtf8 } from 'node:buffer';

const PRINTABLE = /^[^\x00-\x08\x0b-\x1f\x7f]*$/;

/**
 * The packets as text lines: a flush or delimiter as its four digits, the capabilities after a
 * ref's NUL as ` \0 …`, band 1 read as the pkt-lines it carries (at its first packet's place),
 * band 2 left out, band 3 as `fatal: <message>`. Null for bytes that are no pkt-line stream or
 * carry binary payloads (a pack).
 */
export function pktLines(buf: Buffer, depth = 0): string[] | null {
  const out: string[] = [];
  const band1: Buffer[] = [];
  let band1At = -1;
  let at = 0;
  while (at < buf.length) {
    if (at + 4 > buf.length) return null;
    const head = buf.toString('latin1', at, at + 4);
    if (!/^[0-9a-f]{4}$/i.test(head)) return null;
    const len = Number.parseInt(head, 16);
    if (len < 4) { out.push(head); at += 4; continue; }
    if (at + len > buf.length) return null;
    const payload = buf.subarray(at + 4, at + len);
    at += len;
    if (depth === 0 && payload.length > 0 && payload[0]! >= 1 && payload[0]! <= 3) {
      if (payload[0] === 1) { if (band1At < 0) band1At = out.length; band1.push(payload.subarray(1)); }
      else if (payload[0] === 3) out.push(`fatal: ${payload.subarray(1).toString('utf8').trimEnd()}`);
      continue;
    }
    if (!isUtf8(payload)) return null;
    const [text, caps] = payload.toString('utf8').replace(/\n$/, '').split('\0', 2) as [string, string | undefined];
    if (!PRINTABLE.test(text) || (caps !== undefined && !PRINTABLE.test(caps))) return null;
    out.push(caps === undefined ? text : `${text} \\0 ${caps}`);
  }
  if (band1.length > 0) {
    const inner = pktLines(Buffer.concat(band1), 1);
    if (inner === null) return null;
    out.splice(band1At, 0, ...inner);
  }
  return out;
}
