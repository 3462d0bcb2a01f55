import { carriesSession } from '../../src/core/sessions';
import { endpointOf } from '../../src/core/comparison/endpoint';

describe('a request of a user\'s server-side session', () => {
  it.each([
    'JSESSIONID=9F2A1C; _ga=GA1.2.3', '_ga=GA1.2.3; PHPSESSID=abc', 'ASP.NET_SessionId=x', '.AspNetCore.Session=x', 'sessionid=x',
    '_shop_session=x', 'laravel_session=x', 'SESS0123456789abcdef0123=x', 'connect.sid=s%3Ax', '__Host-session=x',
  ])('%s carries one', (cookie) => {
    expect(carriesSession(cookie, '/app/captcha.jsp')).toBe(true);
  });

  it('analytics and preference cookies carry none; `;jsessionid=` in the URL does', () => {
    expect(carriesSession('_ga=GA1.2.3; _gid=GA1.2.4; locale=de', '/')).toBe(false);
    expect(carriesSession(undefined, '/app/captcha.jsp')).toBe(false);
    expect(carriesSession(undefined, '/app/captcha.jsp;jsessionid=9F2A1C')).toBe(true);
  });

  it('a segment\'s `;parameters` name no other endpoint: one endpoint, not one per session', () => {
    expect(endpointOf('GET', '/app/index.jsp;jsessionid=9F2A1C0B')).toBe('GET /app/index.jsp');
    expect(endpointOf('GET', '/app;v=2/orders/42')).toBe('GET /app/orders/:id');
  });
});
