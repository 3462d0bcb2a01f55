// Shortens the text of `strangler replay` for the walkthrough's page: a replay of a build with one bug
// prints every failing case in full, often a hundred alike. Cases are grouped by how they fail (the
// outcome and the real or unjudged fields); the first of each group is kept whole, the rest counted
// on one marked line. A case that fails differently is never folded into another one's group.

/** One way of failing, with the first case that failed so and how many did. */
export interface FailureGroup {
  /** `fail: real $.warehouse`, `error: the target did not answer: …` */
  readonly signature: string;
  readonly first: readonly string[];
  readonly count: number;
}

export interface ReplayText {
  readonly header: string;
  readonly groups: readonly FailureGroup[];
  /** The `not sent (n):` list and the summary line, as printed. */
  readonly tail: readonly string[];
}

const FIELD = /^ {4}(real|unjudged) +(.+?): recorded /;
const ERROR = /^ {4}the target did not answer: (.*)$/;

function signatureOf(block: readonly string[]): string {
  const outcome = /^\S+ (\S+)/.exec(block[0] ?? '')?.[1] ?? '?';
  const parts: string[] = [];
  for (const line of block.slice(1)) {
    const f = FIELD.exec(line);
    if (f) parts.push(`${f[1]} ${f[2]}`);
    const e = ERROR.exec(line);
    if (e) parts.push(e[1]!);
  }
  return `${outcome}: ${parts.sort().join(', ')}`;
}

/** Reads the text report: its first line, the failing cases grouped (in order of first appearance), the rest. */
export function parseReplayText(text: string): ReplayText {
  const lines = text.replace(/\n$/, '').split('\n');
  const header = lines[0] ?? '';
  const tailAt = lines.findIndex((l, i) => i > 0 && (/^not sent \(/.test(l) || i === lines.length - 1));
  const body = lines.slice(1, tailAt < 0 ? lines.length : tailAt);
  const blocks: string[][] = [];
  for (const line of body) {
    if (!line.startsWith(' ') || blocks.length === 0) blocks.push([line]);
    else blocks[blocks.length - 1]!.push(line);
  }
  const groups = new Map<string, { first: string[]; count: number }>();
  for (const block of blocks) {
    const sig = signatureOf(block);
    const g = groups.get(sig);
    if (g) g.count += 1;
    else groups.set(sig, { first: block, count: 1 });
  }
  return {
    header,
    groups: [...groups].map(([signature, g]) => ({ signature, first: g.first, count: g.count })),
    tail: tailAt < 0 ? [] : lines.slice(tailAt),
  };
}

/** The report with each group's first case whole and one `[…]` line for the others that failed the same way. */
export function shortenReplayText(text: string): string {
  const r = parseReplayText(text);
  const out = [r.header];
  for (const g of r.groups) {
    out.push(...g.first);
    if (g.count > 1) {
      const more = g.count - 1;
      out.push(`[… ${more} more case${more === 1 ? '' : 's'} failing the same way (${g.signature}), left out here …]`);
    }
  }
  out.push(...r.tail);
  return `${out.join('\n')}\n`;
}
