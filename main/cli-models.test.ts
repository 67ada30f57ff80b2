import { describe, expect, it } from 'vitest';
import { parsePullTarget } from './cli-models';

describe('models pull targets', () => {
  it('a quantisation, a file, or the repository alone (the recommended quantisation)', () => {
    expect(parsePullTarget('org/repo:Q4_K_M')).toEqual({ repo: 'org/repo', pick: 'Q4_K_M' });
    expect(parsePullTarget('org/repo/Q8_0/m-00001-of-00002.gguf')).toEqual({ repo: 'org/repo', pick: 'Q8_0/m-00001-of-00002.gguf' });
    expect(parsePullTarget('org/repo')).toEqual({ repo: 'org/repo' });
    expect(parsePullTarget('not-a-repo')).toBeUndefined();
    expect(parsePullTarget('org/repo/README.md')).toBeUndefined();
  });
});
