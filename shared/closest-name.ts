/**
 * The candidate a mistyped name most likely meant: the nearest by edit distance (case ignored), if
 * within `maxEdits`; undefined when none is that near. For "did you mean …?" in refusals.
 */
export function closestName(word: string, candidates: readonly string[], maxEdits = 2): string | undefined {
  const scored = candidates.map((c) => ({ c, d: editDistance(word.toLowerCase(), c.toLowerCase()) })).sort((a, b) => a.d - b.d);
  return scored[0] && scored[0].d <= maxEdits ? scored[0].c : undefined;
}

/** Levenshtein distance, one row at a time (names are short). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = row;
  }
  return previous[b.length]!;
}
