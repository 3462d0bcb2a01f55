// Which clients' X-Forwarded-For/-Proto/-Host the facade passes on. A load balancer in front of the
// facade sets them (the client's address, `https` where it ended TLS) and the monolith builds its
// redirects and links from them; a client on the internet can set them too, to make a redirect point
// elsewhere or an address look like another's. By default, as Rails' trusted proxies, loopback and
// private addresses are trusted; from any other peer the facade writes its own values.
import { BlockList, isIPv4, type Socket } from 'node:net';

/** Loopback and private ranges: where a load balancer in front of the facade lives. */
export const PRIVATE_NETWORKS: readonly string[] = Object.freeze(['127.0.0.0/8', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '::1/128', 'fc00::/7', 'fe80::/10']);

/** A CIDR (`10.0.0.0/8`, `fd00::/8`) or one address; `*` trusts every peer. Throws on anything else. */
function addTo(list: BlockList, entry: string): void {
  const [address, bits] = entry.split('/') as [string, string | undefined];
  const family = isIPv4(address) ? 'ipv4' : 'ipv6';
  if (bits === undefined) list.addAddress(address, family);
  else list.addSubnet(address, Number(bits), family);
}

export class ForwardedTrust {
  private readonly list: BlockList | null;
  private readonly bySocket = new WeakMap<Socket, boolean>();

  constructor(entries: readonly string[]) {
    if (entries.includes('*')) { this.list = null; return; }
    this.list = new BlockList();
    for (const e of entries) addTo(this.list, e);
  }

  /** Whether the peer of `socket` may set X-Forwarded-* (asked once per connection). */
  trusts(socket: Socket): boolean {
    if (this.list === null) return true;
    let t = this.bySocket.get(socket);
    if (t === undefined) {
      const raw = socket.remoteAddress ?? '';
      const address = raw.startsWith('::ffff:') && isIPv4(raw.slice(7)) ? raw.slice(7) : raw; // an IPv4 peer on a dual-stack socket
      t = address !== '' && this.list.check(address, isIPv4(address) ? 'ipv4' : 'ipv6');
      this.bySocket.set(socket, t);
    }
    return t;
  }
}
