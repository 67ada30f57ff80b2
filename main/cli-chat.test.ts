import { describe, expect, it } from 'vitest';
import { AppFailure } from '../shared/errors';
import { onlyModel, questionOf, samplingOf } from './cli-chat';
import { UsageError } from './cli-common';

const route = (model: string, healthy = true) => ({
  model,
  strategy: 'round-robin' as const,
  targets: [{ providerId: 'engine', baseUrl: 'http://127.0.0.1:1', healthy, state: healthy ? 'running' : 'unhealthy' }],
});
const onDemand = (ids: string[], enabled = true) => ({ settings: { enabled } as never, models: ids.map((id) => ({ id }) as never) });

describe('onlyModel', () => {
  it('takes the one model served, else the one loadable on demand', () => {
    expect(onlyModel({ routes: [route('a')] }, onDemand(['b']))).toBe('a');
    expect(onlyModel({ routes: [route('a', false)] }, onDemand(['b']))).toBe('b');
    expect(onlyModel({ routes: [] }, onDemand(['b']))).toBe('b');
  });

  it('asks for a name when several could answer, listing them', () => {
    expect(() => onlyModel({ routes: [route('a'), route('b')] }, undefined)).toThrow(UsageError);
    expect(() => onlyModel({ routes: [route('a'), route('b')] }, undefined)).toThrow('Several models can answer: a, b. Name one');
    expect(() => onlyModel({ routes: [] }, onDemand(['x', 'y']))).toThrow('Several models can answer: x, y');
  });

  it('says how to get a model when none can answer (on demand turned off counts as none)', () => {
    expect(() => onlyModel({ routes: [] }, onDemand(['b'], false))).toThrow(AppFailure);
    expect(() => onlyModel({ routes: [route('a', false)] }, undefined)).toThrow(/No model can answer/);
  });
});

describe('samplingOf', () => {
  it('takes --max-tokens and --temperature, leaving out what was not given', () => {
    expect(samplingOf({})).toEqual({});
    expect(samplingOf({ 'max-tokens': '6', temperature: '0' })).toEqual({ maxTokens: 6, temperature: 0 });
    expect(samplingOf({ temperature: '1.5' })).toEqual({ temperature: 1.5 });
  });

  it('refuses values a provider would refuse, saying the range', () => {
    for (const temperature of ['', ' ', 'hot', '-0.1', '2.5', 'NaN', 'Infinity'])
      expect(() => samplingOf({ temperature }), temperature).toThrow('--temperature takes a number from 0 to 2');
    for (const maxTokens of ['0', '1.5', '9000', 'lots']) expect(() => samplingOf({ 'max-tokens': maxTokens })).toThrow(UsageError);
  });
});

describe('questionOf', () => {
  it('is the line itself, or the lines between """ and """ as one question', () => {
    expect(questionOf(['hello'])).toBe('hello');
    expect(questionOf(['"""first'])).toBe(undefined);
    expect(questionOf(['"""first', 'second'])).toBe(undefined);
    expect(questionOf(['"""first', 'second', 'end"""'])).toBe('first\nsecond\nend');
    expect(questionOf(['"""', 'a', '"""'])).toBe('\na\n');
    expect(questionOf(['  """one line"""  '])).toBe('one line');
  });
});
