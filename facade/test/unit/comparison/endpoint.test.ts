import { compileEndpointPattern, endpointOf, frontControllerOf } from '../../../src/core/comparison';

describe('endpointOf', () => {
  it.each([
    ['GET', '/api/orders/42', 'GET /api/orders/:id'],
    ['GET', '/api/users/6f1c3f7e-8a4b-4c1d-9e2f-0a1b2c3d4e5f/orders', 'GET /api/users/:id/orders'],
    ['PUT', '/api/inventory/SKU-000011/reserve', 'PUT /api/inventory/:id/reserve'],
    ['GET', '/api/objects/5f8d0d55b54764421b7156c9', 'GET /api/objects/:id'],
    ['GET', '/api/tags', 'GET /api/tags'],
    ['GET', '/', 'GET /'],
    ['GET', '/api/v2/items', 'GET /api/v2/items'],
    // content addresses: a registry's blobs, git's objects and packs
    ['GET', '/v2/library/shop/blobs/sha256:4f3c2b1a0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b', 'GET /v2/library/shop/blobs/:id'],
    ['GET', '/repo.git/objects/3f/2a9c1e4b5d6f708192a3b4c5d6e7f8091a2b3c', 'GET /repo.git/objects/:id/:id'],
    ['GET', '/repo.git/objects/ab/cdef0123456789abcdef0123456789abcdef01', 'GET /repo.git/objects/:id/:id'],
    ['GET', '/repo.git/objects/pack/pack-9f3c2b1a0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b.pack', 'GET /repo.git/objects/pack/:id'],
    ['GET', '/api/de/items', 'GET /api/de/items'], // two hex letters before a name: a word
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

describe('front controllers', () => {
  it('name their page by the routing parameters of the query (phpMyAdmin, WordPress admin, Joomla, MediaWiki), ids in them as :id', () => {
    expect(frontControllerOf('/index.php', 'route=/database/structure&db=shop&token=ab12')).toBe('?route=/database/structure');
    expect(frontControllerOf('/wp-admin/post.php', 'post=31&action=edit')).toBe('?action=edit');
    expect(frontControllerOf('/wp-admin/admin.php', 'page=wc-orders&status=pending')).toBe('?page=wc-orders');
    expect(frontControllerOf('/index.php', 'option=com_content&view=article&id=5')).toBe('?option=com_content&view=article');
    expect(frontControllerOf('/index.php', 'title=Main_Page&action=history')).toBe('?action=history');
    expect(frontControllerOf('/index.php', 'route=/table/sql/12345')).toBe('?route=/table/sql/:id');
    expect(frontControllerOf('/', 'page=checkout')).toBe('?page=checkout');
  });

  it('leave a REST path, a page view by title, a search and odd values as they are', () => {
    expect(frontControllerOf('/api/orders', 'page=2')).toBe(''); // pagination, not a page of the application
    expect(frontControllerOf('/index.php', 'title=Main_Page')).toBe('');
    expect(frontControllerOf('/index.php', 'q=shoes')).toBe('');
    expect(frontControllerOf('/index.php', 'route=<script>')).toBe('');
    expect(frontControllerOf('/index.php', '')).toBe('');
  });
});
