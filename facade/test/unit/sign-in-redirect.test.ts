// A write answered by a redirect to a sign-in page was not taken (core/sign-in-redirect.ts).
import { isSignInRedirect, secondSentToSignIn } from '../../src/core/sign-in-redirect';

describe('a redirect to a sign-in page', () => {
  it('is recognised by its path, relative or absolute, whatever the framework', () => {
    for (const location of ['/admin/login/?next=/admin/auth/group/add/', '/accounts/login/?next=/', 'https://shop.example/users/sign_in', '/wp-login.php?redirect_to=%2Fwp-admin%2F',
      '/session/new', '/login', 'http://sso.example/realms/shop/protocol/openid-connect/auth?client_id=x', '/oauth2/authorize?response_type=code', '/signin', '/cas/login?service=x']) {
      expect([location, isSignInRedirect(302, location)]).toEqual([location, true]);
    }
  });

  it('is not a redirect elsewhere, a page whose name only contains the word, or a status that is no redirect', () => {
    expect(isSignInRedirect(302, '/admin/auth/group/')).toBe(false);
    expect(isSignInRedirect(303, '/orders/7')).toBe(false);
    expect(isSignInRedirect(302, '/blog/loginless-checkout-is-here')).toBe(false);
    expect(isSignInRedirect(302, '/docs/login-troubleshooting')).toBe(false);
    expect(isSignInRedirect(200, '/login')).toBe(false);
    expect(isSignInRedirect(302, undefined)).toBe(false);
  });

  it('on the second side alone is a write it did not take; on both sides it is one answer', () => {
    expect(secondSentToSignIn({ status: 302, location: '/admin/auth/group/' }, { status: 302, location: '/admin/login/?next=/admin/auth/group/add/' })).toBe(true);
    expect(secondSentToSignIn({ status: 201 }, { status: 303, location: '/login' })).toBe(true);
    expect(secondSentToSignIn({ status: 302, location: '/login' }, { status: 302, location: '/accounts/login/' })).toBe(false);
    expect(secondSentToSignIn({ status: 302, location: '/items/7' }, { status: 302, location: '/items/9' })).toBe(false);
  });
});
