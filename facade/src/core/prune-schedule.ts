// When a diff store writer trims a route to its newest `rowsPerRoute` comparisons. Finding the
// cut-off row walks `rowsPerRoute` index entries (and the newest diffs' cut-off further), so doing it
// on every batch cost more than the inserts themselves (a CPU profile at `shadow`: 58 % of the
// store's SQLite time). A route is trimmed once it has gained a twentieth of its limit since the
// last trim, and on its first batch (a limit lowered in the config applies at once): it holds at
// most 5 % more rows than the limit between trims. Pure.

/** Rows a route may gain between trims: 5 % of its limit, at least 1 (small limits trim on every batch). */
export function pruneSlack(rowsPerRoute: number): number {
  return Math.max(1, Math.floor(rowsPerRoute / 20));
}

export class PruneSchedule {
  private readonly gained = new Map<string, number>();
  private readonly slack: number;

  constructor(rowsPerRoute: number) {
    this.slack = pruneSlack(rowsPerRoute);
  }

  /** Notes `rows` written to `route`; true when the route is due a trim now (its count starts again). */
  written(route: string, rows: number): boolean {
    const seen = this.gained.get(route);
    const total = (seen ?? this.slack) + rows; // a route not trimmed yet by this writer is due at once
    if (total < this.slack) { this.gained.set(route, total); return false; }
    this.gained.set(route, 0);
    return true;
  }
}
