// Two reference proxies on Node's own llhttp binding (the parser node:http uses, from the internal
// `_http_common` module), for `npm run bench -- --references`: they measure how much of the facade's
// floor is node:http's server objects and undici's client, not what a proxy must do. Hand-rolled
// framing, for measuring only: GETs and bodies with a length, no pipelining, no timeouts, no 1xx,
// no upgrades, no error answers; never a way to run the facade.
//   llhttp         net server + llhttp for requests, pooled upstream sockets + llhttp for answers
//   llhttp-client  node:http server, the same pooled llhttp client for the upstream
import http from 'node:http';
import net from 'node:net';

interface LlhttpParser {
  initialize(type: number, resource: object, maxHeaderSize: number, lenient: number): void;
  execute(data: Buffer): number | Error;
  [callback: number]: unknown;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { HTTPParser, methods } = require('_http_common') as {
  HTTPParser: { new (): LlhttpParser; REQUEST: number; RESPONSE: number; kOnHeaders: number; kOnHeadersComplete: number; kOnBody: number; kOnMessageComplete: number };
  methods: string[];
};

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'upgrade', 'transfer-encoding']);

/** `name: value` lines of raw headers without the hop-by-hop ones. */
function headerLines(raw: string[]): string {
  let out = '';
  for (let i = 0; i < raw.length; i += 2) {
    if (!HOP_BY_HOP.has(raw[i]!.toLowerCase())) out += `${raw[i]}: ${raw[i + 1]}\r\n`;
  }
  return out;
}

/** Calls `on` with a message's whole header list (llhttp hands over long lists in parts). */
function onHeaderList(parser: LlhttpParser, on: (headers: string[], method: number, url: string, status: number, message: string) => number): void {
  let parts: string[] = [];
  parser[HTTPParser.kOnHeaders] = (h: string[]) => { parts = parts.concat(h); };
  parser[HTTPParser.kOnHeadersComplete] = (_major: number, _minor: number, h: string[] | undefined, method: number, url: string, status: number, message: string) => {
    const all = parts.length ? parts.concat(h ?? []) : h ?? [];
    parts = [];
    return on(all, method, url, status, message);
  };
}

interface Exchange { head(status: number, message: string, headers: string[], chunked: boolean): void; body(chunk: Buffer): void; done(): void }

/** Keep-alive sockets to one upstream, each with its answer parser; `send` writes a request head. */
function llhttpPool(target: URL): { send(head: string, exchange: Exchange, isHead: boolean): void } {
  const idle: Connection[] = [];
  class Connection {
    readonly socket = net.connect({ host: target.hostname, port: Number(target.port) });
    readonly parser = new HTTPParser();
    exchange: Exchange | null = null;
    isHead = false;
    constructor() {
      this.socket.setNoDelay(true);
      this.parser.initialize(HTTPParser.RESPONSE, {}, 0, 0);
      onHeaderList(this.parser, (headers, _m, _u, status, message) => {
        const chunked = headers.some((h, i) => i % 2 === 0 && h.toLowerCase() === 'transfer-encoding');
        this.exchange?.head(status, message, headers, chunked);
        return this.isHead ? 1 : 0; // 1: the answer to a HEAD has no body
      });
      this.parser[HTTPParser.kOnBody] = (chunk: Buffer) => this.exchange?.body(chunk);
      this.parser[HTTPParser.kOnMessageComplete] = () => {
        const exchange = this.exchange;
        this.exchange = null;
        idle.push(this);
        exchange?.done();
      };
      this.socket.on('data', (data) => { if (this.parser.execute(data) instanceof Error) this.socket.destroy(); });
      this.socket.on('error', () => undefined);
      this.socket.on('close', () => { const i = idle.indexOf(this); if (i >= 0) idle.splice(i, 1); });
    }
  }
  return {
    send(head, exchange, isHead) {
      const c = idle.pop() ?? new Connection();
      c.exchange = exchange;
      c.isHead = isHead;
      c.socket.write(head, 'latin1');
    },
  };
}

export function llhttpProxy(target: URL): net.Server {
  const pool = llhttpPool(target);
  return net.createServer({ noDelay: true }, (client) => {
    const parser = new HTTPParser();
    parser.initialize(HTTPParser.REQUEST, {}, 0, 0);
    onHeaderList(parser, (headers, method, url) => {
      const name = methods[method]!;
      client.pause(); // one exchange at a time
      pool.send(`${name} ${url} HTTP/1.1\r\n${headerLines(headers)}\r\n`, {
        head(status, message, answer, chunked) {
          client.cork(); // head and a first body chunk leave in one writev
          client.write(`HTTP/1.1 ${status} ${message}\r\n${headerLines(answer)}${chunked ? 'Transfer-Encoding: chunked\r\n' : ''}\r\n`, 'latin1');
          this.body = chunked ? (b) => { client.write(`${b.length.toString(16)}\r\n`); client.write(b); client.write('\r\n'); } : (b) => { client.write(b); };
          this.done = () => {
            if (chunked) client.write('0\r\n\r\n');
            process.nextTick(() => client.uncork());
            client.resume();
          };
        },
        body() { /* replaced at the head */ },
        done() { client.resume(); },
      }, name === 'HEAD');
      return 0;
    });
    client.on('data', (data) => { if (parser.execute(data) instanceof Error) client.destroy(); });
    client.on('error', () => undefined);
  });
}

export function llhttpClientProxy(target: URL): http.Server {
  const pool = llhttpPool(target);
  return http.createServer((req, res) => {
    pool.send(`${req.method} ${req.url} HTTP/1.1\r\n${headerLines(req.rawHeaders)}\r\n`, {
      head(status, _message, answer) {
        const headers: string[] = [];
        for (let i = 0; i < answer.length; i += 2) if (!HOP_BY_HOP.has(answer[i]!.toLowerCase())) headers.push(answer[i]!, answer[i + 1]!);
        res.writeHead(status, headers);
      },
      body(chunk) { res.write(chunk); },
      done() { res.end(); },
    }, req.method === 'HEAD');
  });
}
