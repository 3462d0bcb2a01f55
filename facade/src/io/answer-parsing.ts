// How the facade reads one upstream's answers. llhttp (in undici and in Node) refuses answers that
// nginx, curl and browsers read: bare LF line ends (a hand-written or CGI-era server), a space
// before a header's colon, control bytes in a value, a folded header line, `HTTP/1.2`. A legacy
// monolith that sends them works behind nginx and must work behind the facade: `lenient` reads its
// answers with Node's insecureHTTPParser (io/lenient-dispatcher.ts); `auto`, the default, starts
// strict and turns lenient for good at the first answer the strict parser refused for one of
// those reasons, and says so once. Garbage (no status line at all) stays an error either way.
import { upstreamErrno } from '../errors';

export type ParsingMode = 'auto' | 'strict' | 'lenient';

/**
 * llhttp's errors that its lenient flags lift (Node's insecureHTTPParser sets them all) and that are
 * about spelling, not framing: line ends, header tokens, the version. A framing error (two lengths,
 * a length beside chunked) never turns an upstream lenient by itself; `lenient` must be asked for.
 */
const LIFTED_BY_LENIENCE = new Set(['HPE_CR_EXPECTED', 'HPE_LF_EXPECTED', 'HPE_INVALID_HEADER_TOKEN', 'HPE_INVALID_VERSION', 'HPE_UNEXPECTED_SPACE']);

export class AnswerParsing {
  /** Answers are read by the lenient parser (from the start, or since `auto` saw one the strict parser refused). */
  lenient: boolean;
  private listener: ((reason: string) => void) | null = null;

  constructor(readonly mode: ParsingMode) {
    this.lenient = mode === 'lenient';
  }

  /** Told once, when `auto` turns lenient (the facade logs it). */
  onLenient(listener: (reason: string) => void): void {
    this.listener = listener;
  }

  /**
   * After a failed exchange: true when the strict parser refused the answer for a reason the lenient
   * one accepts and this upstream has just turned lenient, so the request may go again at once.
   */
  turnedLenient(err: Error): boolean {
    if (this.mode !== 'auto' || this.lenient) return false;
    const code = upstreamErrno(err);
    if (code === undefined || !LIFTED_BY_LENIENCE.has(code)) return false;
    this.lenient = true;
    this.listener?.(`${code}: ${err.message}`);
    return true;
  }
}
