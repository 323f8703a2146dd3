/**
 * `test` asked at most once per row: answers are kept in one byte per row
 * (0 = not asked, 1 = passes, 2 = fails) for as long as the returned
 * function lives, which is one query call. The selectivity sample, a graph
 * walk that gives up, the exact scan after it, and every query embedding of
 * the call then share the answers, so a costly filter (a metadata decode per
 * row) runs once per row at most. Rows must be in [0, rows).
 */
export function memoizeRows(rows: number, test: (row: number) => boolean): (row: number) => boolean {
  const answers = new Uint8Array(rows);
  return (row) => {
    const known = answers[row];
    if (known !== 0) return known === 1;
    const passes = test(row);
    answers[row] = passes ? 1 : 2;
    return passes;
  };
}
