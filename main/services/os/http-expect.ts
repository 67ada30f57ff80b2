/** Reads a dotted path (`data.0.owned_by`) out of parsed JSON. */
export function jsonAt(value: unknown, dotted: string): unknown {
  let current = value;
  for (const key of dotted.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

export type JsonExpectation = Record<string, string | number | boolean | { exists: true }>;

/** The first way `body` misses the expectation, or undefined when it matches. */
export function jsonMismatch(body: unknown, expected: JsonExpectation): string | undefined {
  for (const [field, want] of Object.entries(expected)) {
    const got = jsonAt(body, field);
    if (typeof want === 'object') {
      if (got === undefined) return `${field} is missing`;
    } else if (got !== want) {
      return `${field} is ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`;
    }
  }
  return undefined;
}

export function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
