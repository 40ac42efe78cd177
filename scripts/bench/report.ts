/** The benchmark's table: one row per measure, one column per system measured (kenpo-id per database, the baseline), and the target. */
export class Report {
  private readonly columns: string[] = [];
  private readonly rows = new Map<string, { cells: Map<string, string>; target?: string; everywhere?: string }>();
  readonly notes: string[] = [];

  /** Fixes the order of these rows (others follow in the order they are first set). */
  declare(...measures: string[]): void {
    for (const measure of measures) this.row(measure);
  }

  private row(measure: string) {
    let row = this.rows.get(measure);
    if (!row) this.rows.set(measure, row = { cells: new Map() });
    return row;
  }

  set(measure: string, column: string, value: string): void {
    if (!this.columns.includes(column)) this.columns.push(column);
    this.row(measure).cells.set(column, value);
  }

  /** A value against a target: marked met or MISSED. */
  check(measure: string, column: string, value: string, met: boolean): void {
    this.set(measure, column, `${value} ${met ? '(met)' : '(MISSED)'}`);
  }

  /** One value for every column (the hash alone bounds them all). */
  everywhere(measure: string, value: string): void {
    this.row(measure).everywhere = value;
  }

  target(measure: string, text: string): void {
    this.row(measure).target = text;
  }

  /** A Markdown table (it reads as aligned text in a terminal too) and the notes under it. */
  print(): void {
    const header = ['measure', ...this.columns, 'target'];
    const body = [...this.rows].filter(([, row]) => row.cells.size || row.everywhere)
      .map(([measure, row]) => [measure, ...this.columns.map((c) => row.cells.get(c) ?? row.everywhere ?? '—'), row.target ?? '']);
    const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
    const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
    console.log(['', line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line), '', ...this.notes.map((n) => `- ${n}`), ''].join('\n'));
  }
}

export const rate = (s: { rate: number; p50: number; p95: number }) => `${s.rate.toFixed(1)} (${s.p50.toFixed(0)} / ${s.p95.toFixed(0)} ms)`;
