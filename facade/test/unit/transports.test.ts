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
