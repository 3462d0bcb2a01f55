// How far a difference is from what a side answers, for ranking real differences only: a difference
// in an amount, a count, a word, a flag, a field there or not (0) is read before one between two
// versions of the software a side runs (1: chosen, and sometimes the regression), that before one
// between two times each side stamped (2), and that before one between two values that name what
// each side IS: its ids, keys, hosts, install paths (3). Nothing here hides a difference or changes a class. Pure.
import { alikeButForTimes, differsOnlyInIdentityWords, differsOnlyInOpaqueWords } from '../compare/tokens';
import { lastName } from '../compare/path-pattern';
import { generatedFact } from './generated';

/** What a side answers (0), the version it runs (1), a time it stamped (2), what names it (3). */
export type IdentityTier = 0 | 1 | 2 | 3;

/** A dotted IPv4 address, or an IPv6 one (hex groups and colons, `::` allowed). */
const IP_ADDRESS = /^(?:\d{1,3}(?:\.\d{1,3}){3}|(?=[0-9A-Fa-f:]*:[0-9A-Fa-f:]*:)[0-9A-Fa-f:]{2,39})$/;

/** An absolute path on a server's disk, where a deployment puts itself (`/srv/wp-mono/wp-content`, `/opt/orders/releases/…`). */
const INSTALL_PATH = /(?<![\w/.:~-])\/(?:srv|opt|var|home|usr|app|apps|data|workspace|tmp|etc|mnt|run|deploy|www)(?:\/[\w.@+~-]+)*\/?/g;

/**
 * A host's DNS name: three labels or more, the last one letters, the first with a digit or a `-`
 * (`es-data-2.prod.internal`, `ip-10-0-1-23.ec2.internal`); a file's name (`report.pdf`, `archive.tar.gz`) is none.
 */
const HOST_NAME = /^(?=.{6,253}$)(?=[a-z]*[0-9-])[a-z0-9][a-z0-9-]{0,62}(?:\.[a-z0-9][a-z0-9-]{0,62})+\.[a-z]{2,63}$/i;

/** A pod's name: a Deployment's name, its ReplicaSet's hash and its own five characters. */
const POD_NAME = /^[a-z0-9][a-z0-9-]{0,200}-[bcdfghjklmnpqrstvwxz2456789]{6,10}-[bcdfghjklmnpqrstvwxz2456789]{5}$/;

/** An integer of 16 digits or more: a snowflake, a key's id (no amount or count is that long). */
const LONG_INTEGER = /^\d{16,}$/;

/** A field's last word that says it counts versions of an object or names a build (`observedGeneration`, `…/revision`, `_version`). */
const VERSION_NAME = /(?:^|_)(?:version|revision|generation|build|serial)$/;

/** Words that say a version names software (`KernelVersion`, `PRODID:`, `<generator version=…>`, `Server:`), so a version beside them is the build a side runs. */
const SOFTWARE_CONTEXT = /version|build|release|generator|prodid|kernel|server|agent|powered|runtime/i;

/** A version written out (`4.6.4`, `v2.14.1`, `5.15.0-1051-aws`, `6.1.58+`): two points or a `v` at least, so a price is none. */
const VERSION = /^(?:v\d+(?:\.\d+)+|\d+(?:\.\d+){2,3})(?:[-+~][0-9A-Za-z.+~-]{0,40})?$/;

/** An HTTP date (`Sat, 28 Nov 2026 20:05:04 GMT`), as `Last-Modified` gives it. */
const HTTP_DATE = /\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT\b/g;

/** A number labelled as a build (`AcmeTrack 4.2.0 (build 1187)`, `Build #412`): the build a side runs. */
const BUILD_NUMBER = /(?<=\bbuild[ #:=]{1,3})\d{1,12}\b/gi;

const wordsKey = (name: string): string => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase().split(/[^a-z0-9]+/).filter((w) => w !== '').join('_');

/** A value that names one side's host: an address, a DNS name, a pod's name. */
const hostShaped = (v: string): boolean => IP_ADDRESS.test(v) || HOST_NAME.test(v) || POD_NAME.test(v);

/** Two strings that differ only where each side is installed on its disk. */
function installOnly(a: string, b: string): boolean {
  const x = a.replace(INSTALL_PATH, '\u0000');
  return x !== a && x === b.replace(INSTALL_PATH, '\u0000');
}

/** The field's own name (`$.docker.KernelVersion` → KernelVersion), array steps aside; undefined for a page's line. */
const fieldName = (path: string): string | undefined => (path.startsWith('$') ? lastName(path.replace(/(?:\[(?:\d+|\*)\])+$/, '')) : undefined);

/**
 * The tier of a difference between two example values (see the top). Identity (3): ids, keys,
 * salts and certificates (opaque words, UUIDs), host names and addresses, install paths, numbers of
 * 16 digits or more. Times (2): two instants, or a text alike but for its times. Versions (1):
 * versions or build numbers where the field or the text says they name software, and versions of
 * an object at a field named so. A value one side lacks, another type, a boolean, a status, a word or a figure: 0.
 * `path`: the example's concrete path (`$.metadata.generation`, `text[3]`); `nowMs`: when it was compared.
 */
export function identityTier(path: string, primary: unknown, shadow: unknown, nowMs: number): IdentityTier {
  if (primary === shadow || primary === undefined || shadow === undefined || path === 'status') return 0;
  const name = fieldName(path);
  if (typeof primary === 'string' && typeof shadow === 'string') {
    if (primary.length > 4096 || shadow.length > 4096) return 0;
    if ((hostShaped(primary) && hostShaped(shadow)) || (LONG_INTEGER.test(primary) && LONG_INTEGER.test(shadow))) return 3;
    if (differsOnlyInOpaqueWords(primary, shadow, nowMs) || installOnly(primary, shadow) || differsOnlyInIdentityWords(primary, shadow, nowMs)) return 3;
    const software = SOFTWARE_CONTEXT.test(name ?? '') || SOFTWARE_CONTEXT.test(primary);
    if (software && VERSION.test(primary) && VERSION.test(shadow)) return 1;
    const a = software ? primary.replace(BUILD_NUMBER, '\u0000') : primary;
    const b = software ? shadow.replace(BUILD_NUMBER, '\u0000') : shadow;
    if (a === b || differsOnlyInIdentityWords(a, b, nowMs, software)) return 1;
    const x = a.replace(HTTP_DATE, '\u0001');
    if (x !== a && x === b.replace(HTTP_DATE, '\u0001')) return 2;
    if (alikeButForTimes(primary, shadow, nowMs)) return 2;
  }
  const scalar = (v: unknown): v is string | number => typeof v === 'string' || typeof v === 'number';
  if (!scalar(primary) || !scalar(shadow)) return 0;
  if (typeof primary === 'number' && typeof shadow === 'number' && Number.isInteger(primary) && Number.isInteger(shadow)
    && Math.abs(primary) >= 1e15 && Math.abs(shadow) >= 1e15) return 3;
  if (name !== undefined && VERSION_NAME.test(wordsKey(name)) && /^\d+$/.test(String(primary)) && /^\d+$/.test(String(shadow))) return 1;
  return generatedFact(primary, shadow, nowMs, false)?.kind === 'timestamp' ? 2 : 0;
}
