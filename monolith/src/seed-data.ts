// Deterministic ingredients for the demo data set: a seeded PRNG and the word lists that
// make product names, descriptions and people look like a real shop's. No I/O here.

/** mulberry32: tiny, fast, good-enough 32-bit PRNG; same seed, same sequence, on every platform. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Random = () => number;

/** Uniform integer in [min, max]. */
export function intBetween(rand: Random, min: number, max: number): number {
  return min + Math.floor(rand() * (max - min + 1));
}

export function pick<T>(rand: Random, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)]!;
}

/** Category slug -> nouns sold in it. */
export const CATALOG: Readonly<Record<string, readonly string[]>> = {
  kitchen: ['Saucepan', 'Chef Knife', 'Cutting Board', 'Kettle', 'Colander', 'Frying Pan', 'Spatula Set'],
  garden: ['Hose Reel', 'Pruning Shears', 'Planter', 'Watering Can', 'Garden Gloves', 'Rake'],
  office: ['Desk Lamp', 'Notebook', 'Stapler', 'Monitor Stand', 'Desk Organizer', 'Gel Pens'],
  outdoor: ['Camping Chair', 'Tent', 'Headlamp', 'Cooler Box', 'Sleeping Bag', 'Hiking Poles'],
  toys: ['Building Blocks', 'Puzzle', 'Plush Bear', 'Kite', 'Toy Train', 'Board Game'],
  books: ['Cookbook', 'Travel Guide', 'Sketchbook', 'Novel', 'Field Guide', 'Atlas'],
  electronics: ['Headphones', 'USB-C Charger', 'Bluetooth Speaker', 'Power Bank', 'Webcam', 'Keyboard'],
  bath: ['Bath Towel', 'Shower Caddy', 'Soap Dispenser', 'Bath Mat', 'Toothbrush Holder'],
  lighting: ['Floor Lamp', 'String Lights', 'Pendant Light', 'Night Light', 'LED Bulb Pack'],
  pets: ['Dog Bed', 'Cat Tree', 'Pet Bowl', 'Leash', 'Chew Toy', 'Litter Scoop'],
  sports: ['Yoga Mat', 'Dumbbell Set', 'Jump Rope', 'Water Bottle', 'Tennis Balls', 'Foam Roller'],
  beauty: ['Hair Dryer', 'Makeup Brush Set', 'Face Mask', 'Nail Kit', 'Hand Cream'],
};

export const CATEGORIES: readonly string[] = Object.keys(CATALOG);

export const ADJECTIVES: readonly string[] = [
  'Classic', 'Compact', 'Deluxe', 'Eco', 'Ergonomic', 'Heavy-Duty', 'Lightweight', 'Nordic',
  'Premium', 'Rustic', 'Smart', 'Sturdy', 'Travel', 'Vintage', 'Everyday', 'Modern',
];

export const SELLING_POINTS: readonly string[] = [
  'Built to last for years of daily use.',
  'A customer favourite since the shop opened.',
  'Easy to clean and easy to store.',
  'Backed by our two-year warranty.',
  'Designed in Amsterdam, made with care.',
  'Perfect as a gift.',
];

export const WAREHOUSES: readonly string[] = ['AMS-1', 'FRA-2', 'DUB-1'];

export const FIRST_NAMES: readonly string[] = [
  'Ada', 'Bram', 'Chloe', 'Dmitri', 'Elif', 'Finn', 'Grace', 'Hugo', 'Ines', 'Jonas',
  'Keiko', 'Lars', 'Maya', 'Noah', 'Olga', 'Pedro', 'Quinn', 'Rosa', 'Sven', 'Tara',
];

export const LAST_NAMES: readonly string[] = [
  'Andersen', 'Bakker', 'Costa', 'Dubois', 'Eriksson', 'Fischer', 'Garcia', 'Horvat', 'Ivanova', 'Jansen',
  "O'Brien", 'Kowalski', 'Larsen', 'Meyer', 'Novak', 'Okafor', 'Peeters', 'Rossi', 'Schmidt', 'Visser',
];

/** Fixed origin of every seeded timestamp: 2024-01-01 00:00:00 UTC. */
export const SEED_BASE_MS = Date.UTC(2024, 0, 1, 0, 0, 0);
