// Asking a side again until its answers decide the differing fields: the facade's re-asks of the
// primary (pipeline/record-comparison.ts) and a case replay's of its target (io/case-replay.ts).
// The asking itself is the caller's; this is only the loop and what it learnt.

export interface Reasked {
  /** Fields where an answer asked again differed from the first answer, sorted. */
  readonly selfFields: string[];
  /** Answers asked again and received. */
  readonly reasks: number;
}

/**
 * Asks again up to `times` times, stopping once every field in `open` has disagreed with the first
 * answer (nothing more to learn) or when `askOnce` gets no answer (null: budget spent, target down).
 * `askOnce` resolves with the fields where its answer differs from the first one.
 */
export async function askUntilDecided(times: number, open: ReadonlySet<string>, askOnce: () => Promise<Iterable<string> | null>): Promise<Reasked> {
  const self = new Set<string>();
  let reasks = 0;
  while (reasks < times && [...open].some((f) => !self.has(f))) {
    const differing = await askOnce();
    if (differing === null) break;
    reasks++;
    for (const f of differing) self.add(f);
  }
  return { selfFields: [...self].sort(), reasks };
}
