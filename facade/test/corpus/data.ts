// The records both fixture servers share (the data was migrated): products, users, orders and
// small PNG images, each derived from its id alone, so either side can answer for any id and
// the two agree byte for byte unless an endpoint makes them differ on purpose.
import { createHash } from 'node:crypto';
import zlib from 'node:zlib';
import {
  ADJECTIVES, CATALOG, CATEGORIES, FIRST_NAMES, LAST_NAMES, SEED_BASE_MS, SELLING_POINTS, WAREHOUSES,
  intBetween, mulberry32, pick, type Random,
} from '../../../monolith/src/seed-data';

const DAY_MS = 86_400_000;

function recordRandom(kind: string, id: number | string): Random {
  return mulberry32(createHash('sha256').update(`${kind}:${id}`).digest().readUInt32BE(0));
}

/** A deterministic name-based uuid (version 5 layout) for sample paths: `corpusUuid(3)`. */
export function corpusUuid(n: number): string {
  const b = createHash('sha1').update(`corpus-record-${n}`).digest().subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Money as shops print it: cents to `"12.50"`. */
export const money = (cents: number): string => (cents / 100).toFixed(2);

export interface Product {
  readonly id: number;
  readonly sku: string;
  readonly name: string;
  readonly category: string;
  readonly priceCents: number;
  readonly currency: 'EUR';
  readonly description: string;
  readonly tagIds: readonly number[];
  readonly barcode: string;
  readonly weightKg: number;
  readonly warehouse: string;
}

export function product(id: number): Product {
  const r = recordRandom('product', id);
  const category = pick(r, CATEGORIES);
  const name = `${pick(r, ADJECTIVES)} ${pick(r, CATALOG[category]!)}`;
  // long enough (> 255 characters) that a varchar(255) column cuts it
  const description = [0, 1, 2, 3, 4, 5, 6, 7].map((k) => SELLING_POINTS[(id + k) % SELLING_POINTS.length]).join(' ');
  return {
    id, sku: `SKU-${String(id).padStart(5, '0')}`, name, category, priceCents: intBetween(r, 5, 250) * 50 + 50 * (id % 2),
    currency: 'EUR', description: `${name}. ${description}`, tagIds: [id % 7 + 1, id % 11 + 8, id % 13 + 20],
    barcode: `87${String(1_000_000_000 + id * 7919).slice(-10)}${id % 10}`, weightKg: intBetween(r, 1, 80) / 4,
    warehouse: pick(r, WAREHOUSES),
  };
}

export interface User {
  readonly id: number;
  readonly username: string;
  readonly email: string;
  readonly displayName: string;
  readonly birthDate: string;
  readonly bio: null;
  readonly image: null;
}

export function user(id: number): User {
  const r = recordRandom('user', id);
  const first = pick(r, FIRST_NAMES);
  const last = pick(r, LAST_NAMES);
  const username = `${first}.${last}`.toLowerCase().replace(/[^a-z.]/g, '') + id;
  const birth = new Date(Date.UTC(1960, 0, 1) + intBetween(r, 0, 15_000) * DAY_MS);
  return {
    id, username, email: `${username}@example.org`, displayName: `${first} ${last}`,
    birthDate: birth.toISOString().slice(0, 10), bio: null, image: null,
  };
}

export interface OrderLine {
  readonly sku: string;
  readonly name: string;
  readonly qty: number;
  readonly unitPrice: string;
}

export interface Order {
  readonly id: number;
  readonly number: string;
  readonly status: 'PLACED' | 'PAID' | 'SHIPPED' | 'DELIVERED';
  readonly placedAt: string;
  readonly customer: { readonly id: number; readonly name: string; readonly email: string };
  readonly lines: readonly OrderLine[];
  readonly shipping: { readonly street: string; readonly city: string; readonly zip: string; readonly country: string };
  readonly totals: { readonly items: string; readonly shipping: string; readonly grandTotal: string };
}

export function order(id: number): Order {
  const r = recordRandom('order', id);
  const customer = user(id % 40 + 1);
  const lines = [0, 1, 2].slice(0, 2 + (id % 2)).map((k) => {
    const p = product(id * 3 + k);
    return { sku: p.sku, name: p.name, qty: intBetween(r, 1, 4), unitPrice: money(p.priceCents) };
  });
  const itemsCents = lines.reduce((sum, l) => sum + Math.round(Number(l.unitPrice) * 100) * l.qty, 0);
  const shippingCents = itemsCents >= 5000 ? 0 : 495;
  return {
    id, number: `SO-${2024_0000 + id}`, status: pick(r, ['PLACED', 'PAID', 'SHIPPED', 'DELIVERED'] as const),
    placedAt: new Date(SEED_BASE_MS + id * 3_600_000).toISOString(),
    customer: { id: customer.id, name: customer.displayName, email: customer.email },
    lines,
    shipping: { street: `${intBetween(r, 1, 250)} Keizersgracht`, city: 'Amsterdam', zip: `10${intBetween(r, 10, 99)} AB`, country: 'NL' },
    totals: { items: money(itemsCents), shipping: money(shippingCents), grandTotal: money(itemsCents + shippingCents) },
  };
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A valid size x size RGB PNG filled with one colour (a product thumbnail). */
export function png(size: number, rgb: readonly [number, number, number]): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits, truecolour, deflate, no filter method, no interlace
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(size * 3).map((_, i) => rgb[i % 3]!)]);
  const pixels = zlib.deflateSync(Buffer.concat(Array.from({ length: size }, () => row)), { level: 9 });
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', pixels), chunk('IEND', Buffer.alloc(0))]);
}

/** The colour of product `id`'s thumbnail. */
export function thumbnailColour(id: number): [number, number, number] {
  return [(id * 53) % 256, (id * 97) % 256, (id * 193) % 256];
}
