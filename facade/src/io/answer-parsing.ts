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

/** How many times one upstream's unread answers are diagnosed (io/strict-diagnosis.ts) before they are only failed. */
const DIAGNOSES = 5;

export class AnswerParsing {
  /** Answers are read by the lenient parser (from the start, or since `auto` saw one the strict parser refused). */
  lenient: boolean;
  private listener: ((reason: string) => void) | null = null;
  private diagnosing: Promise<boolean> | null = null;
  private diagnoses = 0;

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

  /**
   * undici refused an answer before reading its head for a reason it does not name (its llhttp
   * reports a bare-LF head, two lengths and a length beside chunked all as a length mismatch), and
   * `auto` could still turn lenient: a strict read of the same request tells which (strict-diagnosis.ts).
   */
  undiagnosed(err: Error, headRead: boolean): boolean {
    return this.mode === 'auto' && !this.lenient && !headRead && this.diagnoses < DIAGNOSES && upstreamErrno(err) === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH';
  }

  /**
   * Runs `strictRead` (one at a time: requests that failed together share its verdict) and turns
   * lenient when its error is one lenience lifts. True when this upstream is read leniently now.
   */
  diagnose(strictRead: () => Promise<Error | null>): Promise<boolean> {
    if (this.lenient) return Promise.resolve(true);
    if (this.diagnosing) return this.diagnosing;
    this.diagnoses++;
    this.diagnosing = strictRead().then((err) => {
      this.diagnosing = null;
      return err !== null && this.turnedLenient(err);
    });
    return this.diagnosing;
  }
}
