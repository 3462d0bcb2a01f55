// Low-level stand-ins for misbehaving upstreams (raw TCP servers that answer garbage or hang up)
// and free-port lookup for configs that need a port known before the process starts.
import net from 'node:net';

export interface RawServer {
  readonly url: string;
  readonly port: number;
  readonly server: net.Server;
  close(): Promise<void>;
}

/** A TCP server on 127.0.0.1:0 handing each connection to `onConnection`; close() destroys them all. */
export async function startRawServer(onConnection: (socket: net.Socket) => void): Promise<RawServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    onConnection(socket);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`, port, server,
    close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
  };
}

/**
 * A hand-written keep-alive HTTP/1.1 server: each request read by its head and its Content-Length
 * (no chunked bodies), and answered with the raw bytes `answer` returns. The head is Latin-1 text
 * without its final CRLF CRLF.
 */
export async function startLengthFramedServer(answer: (head: string, body: string) => string): Promise<RawServer> {
  return startRawServer((socket) => {
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buffered.subarray(0, end).toString('latin1');
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (buffered.length < end + 4 + length) return;
        const body = buffered.subarray(end + 4, end + 4 + length).toString();
        buffered = buffered.subarray(end + 4 + length);
        socket.write(answer(head, body));
      }
    });
  });
}

/** A port nothing listens on right now (the OS picked it, then it was released). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** True when a listener can bind `port` on 127.0.0.1 (i.e. nobody holds it any more). */
export async function portIsFree(port: number): Promise<boolean> {
  const server = net.createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}
