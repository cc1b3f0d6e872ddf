// "Did you mean" hints for mistyped names (flags, commands, config keys), shared by the CLI and the library.

/** Levenshtein distance. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length];
}

/**
 * The closest candidate within `maxDistance` edits (default 2), if any; a guess that rewrites the whole word
 * is no help. Ties go to the earlier candidate.
 */
export function closest(word: string, candidates: readonly string[], maxDistance = 2): string | undefined {
  const scored = candidates.map((c) => ({ c, d: editDistance(word, c) })).filter(({ d }) => d <= maxDistance && d < word.length);
  return scored.sort((a, b) => a.d - b.d)[0]?.c; // sort is stable
}

/**
 * A name from input as it should appear inside an error message: control characters and line breaks escaped
 * (an error message is one line), cut to `max` characters (a hostile file may hold a megabyte of it).
 */
export function shownName(name: string, max = 60): string {
  const escaped = JSON.stringify(name).slice(1, -1);
  return escaped.length > max ? `${escaped.slice(0, max - 3)}...` : escaped;
}
