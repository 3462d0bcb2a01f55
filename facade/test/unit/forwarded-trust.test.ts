import { ForwardedTrust, PRIVATE_NETWORKS } from '../../src/io/forwarded-trust';
import { parseConfig } from '../../src/config';
import type { Socket } from 'node:net';

const peer = (remoteAddress: string): Socket => ({ remoteAddress }) as Socket;

describe('whose X-Forwarded-* headers are passed on', () => {
  it('by default a load balancer\'s: loopback and private networks, not the internet', () => {
    const t = new ForwardedTrust(PRIVATE_NETWORKS);
    for (const a of ['127.0.0.1', '10.1.2.3', '172.20.0.5', '192.168.1.9', '::1', 'fd12::1', '::ffff:10.0.0.7']) expect([a, t.trusts(peer(a))]).toEqual([a, true]);
    for (const a of ['203.0.113.7', '8.8.8.8', '2001:db8::1', '::ffff:203.0.113.7', '172.32.0.1']) expect([a, t.trusts(peer(a))]).toEqual([a, false]);
  });

  it('a list of its own, one address, or every peer', () => {
    expect(new ForwardedTrust(['10.0.0.0/8']).trusts(peer('127.0.0.1'))).toBe(false);
    expect(new ForwardedTrust(['198.51.100.4']).trusts(peer('198.51.100.4'))).toBe(true);
    expect(new ForwardedTrust(['*']).trusts(peer('203.0.113.7'))).toBe(true);
    expect(new ForwardedTrust([]).trusts(peer('127.0.0.1'))).toBe(false);
  });

  it('a malformed entry is a config error naming it', () => {
    expect(() => parseConfig({ listen: { trustForwardedFrom: ['10.0.0.0/33'] } }, 'test.json')).toThrow(/listen\.trustForwardedFrom\[0\].*CIDR/);
    expect(() => parseConfig({ listen: { trustForwardedFrom: ['lb.internal'] } }, 'test.json')).toThrow(/listen\.trustForwardedFrom\[0\]/);
  });
});
