// Whether a request belongs to a user's server-side session: a session cookie (Tomcat's JSESSIONID,
// PHP's PHPSESSID, ASP.NET's, Rails', Django's, Laravel's, Drupal's SESS…) or Java's `;jsessionid=`
// in the URL. Such a GET may change what the session holds (a captcha's code, a Struts token saved
// at each render): asked again, it replaces what the user was just shown, and the form the user
// posts next fails. Analytics cookies (`_ga`) are no session. Pure.

const SESSION_COOKIE = /(?:^|;)\s*(?:JSESSIONID|PHPSESSID|ASP\.NET_SessionId|ASPSESSIONID[A-Z]*|\.AspNetCore\.(?:Session|Cookies)|CFID|CFTOKEN|sessionid|session|sid|connect\.sid|laravel_session|ci_session|_session_id|[A-Za-z0-9_.-]+_session|rack\.session|S?SESS[0-9a-f]{16,}|wordpress_logged_in_[0-9a-f]+|__Host-[^=;]*|__Secure-[^=;]*|remember_[^=;]*|auth[^=;]*)=/i;

/** The URL's `;jsessionid=` (servlet URL rewriting when the browser keeps no cookie). */
const URL_SESSION = /;jsessionid=/i;

export function carriesSession(cookie: string | readonly string[] | undefined, url: string): boolean {
  if (URL_SESSION.test(url)) return true;
  if (cookie === undefined) return false;
  return typeof cookie === 'string' ? SESSION_COOKIE.test(cookie) : cookie.some((c) => SESSION_COOKIE.test(c));
}
