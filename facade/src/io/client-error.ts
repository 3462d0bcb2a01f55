// What a client gets when node:http could not read its request at all (no IncomingMessage exists):
// the status that fits the failure and a message that names it, instead of a bare 400. Node's own
// default sends 408 on a timeout and 431 on oversized headers; hostile or broken clients (slowloris,
// smuggling attempts, raw UTF-8 in a URL) need to learn which rule they broke.
import type { FacadeConfig } from '../config';

interface ParseError { readonly code?: string; readonly reason?: string; readonly message?: string }

export interface ClientErrorAnswer {
  readonly status: number;
  readonly error: string;
  readonly message: string;
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' };

/** llhttp's reason for a bad URL does not say what to do about it. */
const URL_HINT = 'spaces and non-ASCII characters must be percent-encoded';

export function clientErrorAnswer(err: ParseError, limits: FacadeConfig['listen']): ClientErrorAnswer {
  const code = err.code ?? '';
  if (code === 'HPE_HEADER_OVERFLOW') {
    return { status: 431, error: 'HEADERS_TOO_LARGE', message: `the request line and headers are over ${limits.maxHeaderBytes} bytes (listen.maxHeaderBytes)` };
  }
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return {
      status: 408, error: 'REQUEST_TIMEOUT',
      message: `the request did not arrive in time: its headers within ${limits.headersTimeoutMs} ms (listen.headersTimeoutMs), `
        + `all of it within ${limits.requestTimeoutMs} ms (listen.requestTimeoutMs)`,
    };
  }
  const reason = err.reason ?? err.message ?? 'malformed';
  const hint = code === 'HPE_INVALID_URL' ? ` (${URL_HINT})` : '';
  return { status: 400, error: 'BAD_REQUEST', message: `the request could not be read as HTTP/1.1: ${reason}${hint}${code ? ` [${code}]` : ''}` };
}

/** The answer as the bytes written to the socket (nothing else can be sent: the connection closes). */
export function clientErrorBytes(answer: ClientErrorAnswer): string {
  const body = JSON.stringify({ error: answer.error, message: answer.message });
  return `HTTP/1.1 ${answer.status} ${STATUS_TEXT[answer.status]}\r\ncontent-type: application/json\r\n`
    + `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`;
}
