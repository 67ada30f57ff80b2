import { describe, expect, it } from 'vitest';
import { satisfiesPython } from './version-range';

describe('satisfiesPython', () => {
  it.each([
    ['3.11.7', '>=3.10,<3.14', true],
    ['3.14.0', '>=3.10,<3.14', false],
    ['3.9.18', '>=3.10', false],
    ['3.12.4', '>=3.11,<3.12', false],
    ['3.11.9', '>=3.11,<3.12', true],
    ['3.11.9', '==3.11.*', true],
    ['3.12.0', '==3.11.*', false],
    ['3.12.0', '!=3.11.*', true],
    ['3.10.2', '~=3.10', true],
    ['4.0.0', '~=3.10', false],
    ['3.10.9', '~=3.10.2', true],
    ['3.11.0', '~=3.10.2', false],
    ['3.8.10', '> 3.8', true],
    ['3.8.0', '<=3.8', true],
    ['3.10.0', '', true],
    ['3.10.0', 'whatever', true],
  ])('%s against %j → %s', (version, specifier, expected) => {
    expect(satisfiesPython(version, specifier)).toBe(expected);
  });
});
