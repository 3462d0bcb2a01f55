// One fixture server's own state, as a real implementation has it: its own seeded random
// generator, its own clock and counters, the values it generated for each record (uuids, object
// ids, creation times, session tokens), its own host names and JWT secret.
import { createHmac } from 'node:crypto';
import { mulberry32, type Random } from '../../../monolith/src/seed-data';

export type SideName = 'monolith' | 'service';

/** What makes one side differ from the other by construction. */
export interface SideProfile {
  readonly name: SideName;
  readonly seed: number;
  /** This side's clock offset from the machine clock (two hosts never agree exactly). */
  readonly clockSkewMs: number;
  /** Dual-written records reach this side this much later (range, ms; 0 for the side written first). */
  readonly writeLagMs: readonly [number, number];
  readonly hosts: readonly string[];
  readonly counterStart: number;
  readonly jwtSecret: string;
}

export const MONOLITH: SideProfile = {
  name: 'monolith', seed: 0x5eed_0001, clockSkewMs: 0, writeLagMs: [0, 0],
  hosts: ['shop-web-1', 'shop-web-2', 'shop-web-3'], counterStart: 1000, jwtSecret: 'monolith-secret',
};
// Lag of at least one second: a second-precision generated time always lands in another second.
export const SERVICE: SideProfile = {
  name: 'service', seed: 0x5eed_0002, clockSkewMs: 137, writeLagMs: [1100, 2000],
  hosts: ['catalog-7f9c-x2k', 'catalog-7f9c-p8q'], counterStart: 10, jwtSecret: 'service-secret',
};

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export class SideState {
  readonly name: SideName;
  /** The generator of the endpoint being answered (useStream). */
  random: Random;
  private readonly streams = new Map<string, Random>();
  /** Machine-clock reading (with skew) when the side started: the base of its stored record times. */
  readonly startedAt: number;
  private readonly ticks = new Map<string, number>();
  private readonly counters = new Map<string, number>();
  private readonly last = new Map<string, string>();
  private readonly memo = new Map<string, unknown>();

  constructor(readonly profile: SideProfile) {
    this.name = profile.name;
    this.random = mulberry32(profile.seed);
    this.startedAt = this.wall();
  }

  /**
   * Draws for one endpoint come from a stream of its own, as a real server's HIT/MISS on one
   * endpoint does not depend on how often others were asked: with one stream for the side, how
   * many times the facade re-asked other endpoints moved every later endpoint's draws, and a
   * comparison rule change elsewhere changed which values a few-valued noise field showed here.
   */
  useStream(key: string): void {
    let stream = this.streams.get(key);
    if (!stream) {
      let h = this.profile.seed >>> 0;
      for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
      stream = mulberry32(h);
      this.streams.set(key, stream);
    }
    this.random = stream;
  }

  /** The side's machine clock (ms), with its skew: for stamping writes. */
  wall(): number {
    return Date.now() + this.profile.clockSkewMs;
  }

  /**
   * "Now" as the handler of `key` (one endpoint) reads it for a noise field. Time runs fast in the
   * fixture: each reading lands in a later second than the previous reading under the same key,
   * so two answers of one endpoint carry different second-precision times, as two production
   * requests a second apart would. Under load a key's clock runs ahead of the machine clock by
   * about a second per answer of that endpoint.
   */
  tick(key: string): number {
    const last = this.ticks.get(key) ?? 0;
    const next = Math.max(this.wall(), (Math.floor(last / 1000) + 1) * 1000 + Math.floor(this.random() * 1000));
    this.ticks.set(key, next);
    return next;
  }

  /** Next value of a named counter (views, requests served), starting at the profile's start. */
  next(key: string): number {
    const n = (this.counters.get(key) ?? this.profile.counterStart) + 1;
    this.counters.set(key, n);
    return n;
  }

  /** A per-answer value that never repeats the previous one under the same key (redrawn if it would). */
  fresh<T>(key: string, make: () => T): T {
    for (let attempt = 0; attempt < 1000; attempt++) {
      const value = make();
      const text = JSON.stringify(value);
      if (text !== this.last.get(key)) {
        this.last.set(key, text);
        return value;
      }
    }
    throw new Error(`fresh(${key}): the generator keeps making the previous value`);
  }

  /** A value generated once per key and kept: what this side assigned to a record. */
  stored<T>(key: string, make: () => T): T {
    if (!this.memo.has(key)) this.memo.set(key, make());
    return this.memo.get(key) as T;
  }

  /** The instance behind the side's load balancer that served this answer (never the same one twice in a row per key). */
  host(key: string): { host: string; pid: number } {
    const i = this.fresh(`host:${key}`, () => this.int(0, this.profile.hosts.length - 1));
    return { host: this.profile.hosts[i]!, pid: 4100 + 37 * i + (this.name === 'service' ? 1 : 0) };
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  bytes(n: number): Buffer {
    return Buffer.from(Array.from({ length: n }, () => Math.floor(this.random() * 256)));
  }

  hex(n: number): string {
    return this.bytes(n).toString('hex');
  }

  /** A random (version 4) uuid from the side's generator. */
  uuid(): string {
    const b = this.bytes(16);
    b[6] = (b[6]! & 0x0f) | 0x40;
    b[8] = (b[8]! & 0x3f) | 0x80;
    const h = b.toString('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  /** A ULID for an instant: 10 characters of time, 16 of randomness. */
  ulid(ms: number): string {
    let time = '';
    for (let t = ms, k = 0; k < 10; k++, t = Math.floor(t / 32)) time = CROCKFORD[t % 32]! + time;
    let rest = '';
    for (let k = 0; k < 16; k++) rest += CROCKFORD[Math.floor(this.random() * 32)];
    return time + rest;
  }

  /** A MongoDB-style object id: 4 bytes of seconds, 5 random bytes, 3 bytes of counter. */
  objectId(ms: number): string {
    const seconds = Math.floor(ms / 1000).toString(16).padStart(8, '0');
    const counter = this.next('objectid').toString(16).padStart(6, '0').slice(-6);
    return seconds + this.hex(5) + counter;
  }

  /** A HS256 JWT signed with the side's own secret. */
  jwt(claims: Record<string, unknown>): string {
    const part = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
    const head = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
    return `${head}.${createHmac('sha256', this.profile.jwtSecret).update(head).digest('base64url')}`;
  }

  /** Permutation of `items` that differs from the one this side last answered under `key`. */
  shuffled<T>(key: string, items: readonly T[]): T[] {
    return this.fresh(key, () => {
      const out = [...items];
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(this.random() * (i + 1));
        [out[i], out[j]] = [out[j]!, out[i]!];
      }
      return out;
    });
  }

  /**
   * When a dual-written record (`key`, created `ageMs` before start) was stored on this side:
   * the monolith's time, plus this side's write lag.
   */
  createdAt(key: string, ageMs: number): number {
    const [min, max] = this.profile.writeLagMs;
    return this.stored(`created:${key}`, () => this.startedAt - ageMs + this.int(min, max));
  }
}
