import { decide, primaryAlone } from '../../src/core/decide';
import { isSessionTransport } from '../../src/core/transports';

describe('requests of a real-time transport\'s session', () => {
  it.each([
    ['/socket.io/', 'EIO=4&transport=polling&t=P1x2&sid=Dc3TFQA'],
    ['/socket.io/', 'EIO=4&transport=polling&t=P1x1'], // the handshake
    ['/realtime/', 't=1&EIO=3&transport=polling'], // a custom engine.io path
    ['/echo/123/a1b2c3d4/xhr_send', ''], // SockJS
    ['/signalr/poll', 'transport=longPolling&clientProtocol=2.1&connectionToken=AQAAANCMnd8'],
    ['/cometd/connect', ''],
    ['/socket/longpoll', 'vsn=2.0.0'], // Phoenix
    ['/chat', 'X-Atmosphere-tracking-id=0&X-Atmosphere-Transport=long-polling'],
  ])('%s?%s is one', (path, query) => {
    expect(isSessionTransport(path, query)).toBe(true);
  });

  it('knows ASP.NET Core SignalR by its client\'s header, whatever the path', () => {
    // The browser client's long poll and send carry only `?id=<connection token>`.
    expect(isSessionTransport('/hubs/chat', 'id=GJDl5cTi1cWpvS5HjT0p0g&_=1700000000000', { 'x-signalr-user-agent': 'Microsoft SignalR/8.0 (8.0.7; Unknown OS; Browser; Unknown Runtime Version)' })).toBe(true);
    expect(isSessionTransport('/hubs/chat/negotiate', 'negotiateVersion=1', { 'user-agent': 'Microsoft SignalR/8.0 (8.0.0+abc; Linux; .NET; .NET 8.0.0)' })).toBe(true);
    expect(isSessionTransport('/hubs/chat', 'id=GJDl5cTi1cWpvS5HjT0p0g', { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64)' })).toBe(false);
  });

  it.each([
    ['/api/orders', 'page=2'],
    ['/api/transport', 'transport=truck'],
    ['/api/products/123/xhr', ''], // no session segment between SockJS's server and transport
    ['/docs/longpoll-guide', ''],
  ])('%s?%s is not', (path, query) => {
    expect(isSessionTransport(path, query)).toBe(false);
  });

  it('goes to the stage\'s primary alone: no shadow for a read, no second write for a write', () => {
    expect(primaryAlone(decide('shadow', 'GET'))).toEqual({ stage: 'shadow', kind: 'read', primary: 'monolith', shadow: null, then: null });
    expect(primaryAlone(decide('live', 'POST'))).toEqual({ stage: 'live', kind: 'write', primary: 'service', shadow: null, then: null });
  });
});
