// A write answered by a redirect to a sign-in page was not taken: the side asked the client to log
// in first (a session it does not know, a login that expired). Its status is a 3xx, below 400, so a
// second write the other side answered so counted as applied, and the write was lost in silence
// (probes14: Django's admin at dualwrite, each save on the service a 302 to /admin/login/?next=…).
// Pure: the caller gives both sides' statuses and Location headers.

/** A path that is a sign-in page: `/login`, `/accounts/login/`, `/users/sign_in`, `/wp-login.php`, `/session/new`, an OAuth authorize. */
const SIGN_IN = /(?:^|\/)(?:log-?in|sign-?in|sign_in|signon|sso|cas\/login|session\/new|wp-login\.php|oauth2?\/authorize|protocol\/openid-connect\/auth)(?:[/.;]|$)/i;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Whether an answer is a redirect to a sign-in page. */
export function isSignInRedirect(status: number, location: string | undefined): boolean {
  if (!REDIRECTS.has(status) || !location) return false;
  let path: string;
  try {
    path = new URL(location, 'http://relative.invalid').pathname;
  } catch {
    return false;
  }
  return SIGN_IN.test(path);
}

/**
 * The second side sent the client to sign in where the first side did not: the write reached it
 * and was not applied. Both sending the client to sign in is one answer (neither took it).
 */
export function secondSentToSignIn(first: { status: number; location?: string }, second: { status: number; location?: string }): boolean {
  return isSignInRedirect(second.status, second.location) && !isSignInRedirect(first.status, first.location);
}
