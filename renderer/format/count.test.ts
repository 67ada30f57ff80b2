import { describe, expect, it } from 'vitest';
import { formatCount, formatInteger } from './count';

describe('formatCount', () => {
  it('uses the suffixes model cards use', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(950)).toBe('950');
    expect(formatCount(1_234)).toBe('1.2K');
    expect(formatCount(1_200_000)).toBe('1.2M');
    expect(formatCount(124_439_808)).toBe('124M');
    expect(formatCount(7_241_732_096)).toBe('7.2B');
    expect(formatCount(8_000_000_000)).toBe('8B');
    expect(formatCount(1_500_000_000_000)).toBe('1.5T');
  });

  it('moves up a unit when rounding reaches 1000', () => {
    expect(formatCount(999_960)).toBe('1M');
    expect(formatCount(999_400)).toBe('999K');
  });

  it('shows a dash for nonsense', () => {
    expect(formatCount(-1)).toBe('—');
    expect(formatCount(Number.NaN)).toBe('—');
  });
});

describe('formatInteger', () => {
  it('groups thousands', () => {
    expect(formatInteger(4096)).toBe('4,096');
    expect(formatInteger(131_072)).toBe('131,072');
    expect(formatInteger(32)).toBe('32');
  });
});
