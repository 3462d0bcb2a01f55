// When a side is asked again: at which fields did its second answer disagree with its first, as
// far as the difference from the other side is concerned? A field where it did is noise evidence
// (noise-model.ts rule 1), a field where it repeated itself is evidence that the difference is real
// (rule 2). A second answer can differ from the first at a field and still repeat what the other
// side got wrong there:
//   - only by generated values within the route's policy (a fresh jti, the time a price was quoted
//     at), where the difference from the other side is more than that (a role, a price); not in a
//     cookie's value, which its client never reads into (a session id beside a node name);
//   - by value, where the other side lacks the field (a CSRF token, a `next` link, a rate-limit
//     header it never sends): the second answer has the field again;
//   - at other words of a string than the other side's (a signature, a nonce, where the other side
//     has `inv-8.pdf` for `inv-7.pdf`, `/signout` for `/logout`, `page[size]=20` for `2`, or lacks
//     a cookie's `HttpOnly`);
//   - at array members, at other words than the other side's (a fresh signature on every image,
//     where the other side lists another image first);
//   - at array members' numbers, moved only in their last digits, where the other side has fewer or
//     more members (an embedding whose floats jitter on every answer, from a model of fewer dimensions),
//     or a member beyond such jitter (a label beside a tensor of jittering probabilities);
//   - by the order of an array's members only (a set a hash map orders anew on every answer, of
//     values or of objects), where the other side's members differ (one missing, one more, one
//     other, one with another price).
// Pure.
import { withinPolicy } from './generated';
import type { ClassifyRules } from './classify';
import type { FieldFact } from './record';

const absent = (v: unknown): boolean => v === undefined || v === null;

/** One side has the field (not null) and the other has not. */
function presenceDiffers(f: FieldFact): boolean {
  return f.kind === 'removed' || f.kind === 'added' || (f.kind === 'type' && absent(f.primary) !== absent(f.shadow));
}

/** The second answer's difference at a path, against the other side's there: does it still repeat the latter? */
function repeats(self: FieldFact, other: FieldFact | undefined): boolean {
  if (other === undefined) return false;
  if (presenceDiffers(other)) return !presenceDiffers(self);
  // Words of the first answer where the other side differs and the second answer does not.
  if (!other.words || !self.words) return false;
  const moved = new Set(self.words);
  return other.words.some((w) => !moved.has(w));
}

type Scalar = string | number | boolean | null;
const isScalar = (v: unknown): v is Scalar => v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
/** A path inside an array's member: the member itself (`$.tags[3]`) or a leaf of it (`$.items[3].price`). */
const IN_MEMBER = /\[\d+\]/;

/**
 * Whether the facts are all scalars inside array members: a set of values (`$.tags[3]`), or one
 * column of a set of objects (`$.items[3].price`, grouped by field `$.items[*].price`).
 */
function atScalarMembers(facts: readonly FieldFact[]): boolean {
  const member = (v: unknown): boolean => v === undefined || isScalar(v);
  return facts.every((f) => IN_MEMBER.test(f.path) && f.kind !== 'type' && member(f.primary) && member(f.shadow));
}

/** Whether the differing members hold the same values on both sides, in another order. */
function sameMembers(facts: readonly FieldFact[]): boolean {
  const count = new Map<string, number>();
  const add = (v: unknown, n: number): void => {
    if (v === undefined) return;
    const key = JSON.stringify(v);
    count.set(key, (count.get(key) ?? 0) + n);
  };
  for (const f of facts) { add(f.primary, 1); add(f.shadow, -1); }
  for (const n of count.values()) if (n !== 0) return false;
  return true;
}

/**
 * At an array's members: the second answer only reordered them (each column of an array of objects
 * holds the same values, in another order), and the other side's differ (a member missing, a price
 * changed in one member of a set the primary shuffles on every answer).
 */
function reorderedOnly(self: readonly FieldFact[], other: readonly FieldFact[] | undefined): boolean {
  if (other === undefined || !atScalarMembers(self) || !atScalarMembers(other)) return false;
  return self.every((f) => f.kind === 'changed') && sameMembers(self) && !sameMembers(other);
}

/**
 * At an array's members: the word positions the second answer moved at any member of a field (a
 * fresh signature on every image), against the other side's differences there. One at a position
 * the primary never moved (another image first, under a fresh signature) is a difference the
 * primary repeats, though each member's string changed.
 */
function memberRepeats(self: readonly FieldFact[], other: readonly FieldFact[] | undefined): boolean {
  const moved = new Set<number>();
  for (const x of self) {
    if (!x.words) return false; // a member whose words do not line up: no position to go by
    for (const w of x.words) moved.add(w);
  }
  return (other ?? []).some((o) => !!o.words && o.words.length > 0 && o.words.some((w) => !moved.has(w)));
}

/** Two numbers apart only in their last digits: the same figure read again (a float a GPU sums in another order). */
export const jittered = (a: unknown, b: unknown): boolean => typeof a === 'number' && typeof b === 'number'
  && Math.abs(a - b) <= Math.max(1e-6, 1e-3 * Math.max(Math.abs(a), Math.abs(b)));

/**
 * At an array's members: the other side lacks members the primary has (or has more), and the second
 * answer has as many as the first, its members moved only in their last digits (an embedding's
 * floats): the primary repeats its members, and their count, which the other side's answer does not
 * have. Members that change (a random sample) are the primary's own variation, count or not.
 */
function countRepeats(self: readonly FieldFact[], other: readonly FieldFact[] | undefined): boolean {
  return (other ?? []).some(presenceDiffers) && self.every((f) => f.kind === 'changed' && jittered(f.primary, f.shadow));
}

/**
 * At an array's members: the second answer moved numbers only in their last digits, and the other
 * side differs at a member by more than that (a string, a number moved further, a value of another
 * type): KServe's `outputs[*].data[*]` holds a tensor of jittering floats and, in another output, the
 * label; a changed label is not the floats' jitter. Generated values within policy do not count.
 */
function beyondJitter(self: readonly FieldFact[], other: readonly FieldFact[] | undefined, rules: ClassifyRules): boolean {
  if (!self.every((f) => f.kind === 'changed' && jittered(f.primary, f.shadow))) return false;
  return (other ?? []).some((o) => !(o.kind === 'changed' && jittered(o.primary, o.shadow)) && !withinPolicy(o.generated, o.path, rules.generated));
}

function byField(facts: readonly FieldFact[]): Map<string, FieldFact[]> {
  const out = new Map<string, FieldFact[]>();
  for (const f of facts) {
    const list = out.get(f.field);
    if (list) list.push(f);
    else out.set(f.field, [f]);
  }
  return out;
}

/**
 * The fields (of `again`'s facts: a side's first answer against its second) where the second
 * answer disagreed with the first. `against`: the comparison's facts (primary against shadow);
 * `open`: its fields whose difference is more than generated values within policy.
 */
export function selfDifferingFields(again: readonly FieldFact[], against: readonly FieldFact[], rules: ClassifyRules, open: ReadonlySet<string>): string[] {
  const byPath = new Map<string, FieldFact>();
  for (const f of against) byPath.set(f.path, f);
  const out = new Set<string>();
  let members: Map<string, FieldFact[]> | null = null; // grouped only when an array's member moved
  let selves: Map<string, FieldFact[]> | null = null;
  const kept = new Set<string>();
  for (const f of again) {
    // A cookie's value is opaque to its client: a new one from the primary is its own, generated or not.
    const generated = !f.path.startsWith('cookies.') && withinPolicy(f.generated, f.path, rules.generated);
    if (open.has(f.field) && (generated || repeats(f, byPath.get(f.path)))) continue;
    if (open.has(f.field) && IN_MEMBER.test(f.path) && !out.has(f.field)) {
      if (!kept.has(f.field)) {
        members ??= byField(against);
        selves ??= byField(again);
        const self = selves.get(f.field)!;
        const other = members.get(f.field);
        if (memberRepeats(self, other) || reorderedOnly(self, other) || countRepeats(self, other) || beyondJitter(self, other, rules)) kept.add(f.field);
      }
      if (kept.has(f.field)) continue;
    }
    out.add(f.field);
  }
  return [...out];
}
