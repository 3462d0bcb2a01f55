// The twelfth noise corpus: a TileJSON's tile URL carries the tileset build as a version query
// (`{z}/{x}/{y}.pbf?v=b2d8b0be`), as a page's style sheet does; another tileset or zoom is compared.
import { generatedFact } from '../../../src/core/comparison';

const NOW = Date.parse('2026-12-07T12:00:00Z');
const tiles = (layer: string, v: string, ext = 'pbf'): string => `https://tiles.acme.example/${layer}/{z}/{x}/{y}.${ext}?v=${v}`;

describe('a tile URL\'s version query', () => {
  it('is the build each side serves', () => {
    expect(generatedFact(tiles('parcels', 'b2d8b0be'), tiles('parcels', '8ca40f68'), NOW)).toEqual({ kind: 'instance', deltaMs: null });
    expect(generatedFact(tiles('parcels', 'b2d8b0be', 'mvt'), tiles('parcels', '8ca40f68', 'mvt'), NOW)).toEqual({ kind: 'instance', deltaMs: null });
  });

  it('stays a difference when the layer or the format changed', () => {
    expect(generatedFact(tiles('parcels', 'b2d8b0be'), tiles('buildings', '8ca40f68'), NOW)).toBeNull();
    expect(generatedFact(tiles('parcels', 'b2d8b0be'), tiles('parcels', '8ca40f68', 'json'), NOW)).toBeNull();
  });
});
