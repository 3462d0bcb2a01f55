import { compileEndpointPattern, endpointOf } from '../../../src/core/comparison';

describe('endpointOf', () => {
  it.each([
    ['GET', '/api/orders/42', 'GET /api/orders/:id'],
    ['GET', '/api/users/6f1c3f7e-8a4b-4c1d-9e2f-0a1b2c3d4e5f/orders', 'GET /api/users/:id/orders'],
    ['PUT', '/api/inventory/SKU-000011/reserve', 'PUT /api/inventory/:id/reserve'],
    ['GET', '/api/objects/5f8d0d55b54764421b7156c9', 'GET /api/objects/:id'],
    ['GET', '/api/tags', 'GET /api/tags'],
    ['GET', '/', 'GET /'],
    ['GET', '/api/v2/items', 'GET /api/v2/items'],
  ])('%s %s counts under %s', (method, path, endpoint) => {
    expect(endpointOf(method, path)).toBe(endpoint);
  });

  it("a route's own template wins over the automatic rule (a username is an id too)", () => {
    const patterns = [compileEndpointPattern('/api/profiles/:username')];
    expect(endpointOf('GET', '/api/profiles/jake', patterns)).toBe('GET /api/profiles/:username');
    expect(endpointOf('GET', '/API/Profiles/jake', patterns)).toBe('GET /api/profiles/:username');
    expect(endpointOf('GET', '/api/articles/how-to', patterns)).toBe('GET /api/articles/how-to');
  });
});
