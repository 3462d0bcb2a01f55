// When a side is asked again: at which fields did its second answer disagree with its first, as
// far as the difference from the other side is concerned? A field where it did is noise evidence
// (noise-model.ts rule 1), a field where it repeated itself is evidence that the difference is real
// (rule 2). A second answer can differ from the first at a field and still repeat what the other
// side got wrong there:
//   - only by generated values within the route's policy (a fresh jti, the time a price was quoted
//     at), where the difference from the other side is more than that (a role, a price);
//   - by value, where the other side lacks the field (a CSRF token, a `next` link, a rate-limit
//     header it never sends): the second answer has the field again;
//   - at other words of a string than the other side's (a signature, a nonce, where the other side
//     has `inv-8.pdf` for `inv-7.pdf`, `/signout` for `/logout`, `page[size]=20` for `2`).
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

/**
 * The fields (of `again`'s facts: a side's first answer against its second) where the second
 * answer disagreed with the first. `against`: the comparison's facts (primary against shadow);
 * `open`: its fields whose difference is more than generated values within policy.
 */
export function selfDifferingFields(again: readonly FieldFact[], against: readonly FieldFact[], rules: ClassifyRules, open: ReadonlySet<string>): string[] {
  const byPath = new Map<string, FieldFact>();
  for (const f of against) byPath.set(f.path, f);
  const out = new Set<string>();
  for (const f of again) {
    if (open.has(f.field) && (withinPolicy(f.generated, f.path, rules.generated) || repeats(f, byPath.get(f.path)))) continue;
    out.add(f.field);
  }
  return [...out];
}
