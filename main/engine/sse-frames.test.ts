import { describe, expect, it } from 'vitest';
import { sseFrames } from './sse-frames';

const parse = (frame: string) => {
  expect(frame.startsWith('data: ')).toBe(true);
  expect(frame.endsWith('\n\n')).toBe(true);
  return JSON.parse(frame.slice('data: '.length));
};

describe('sseFrames', () => {
  const base = { id: 'chatcmpl-1', created: 1700000000, model: 'tiny "q8".gguf' };

  it('chat frames are the chunks OpenAI clients parse: role, content deltas, finish', () => {
    const frames = sseFrames('chat.completion', base.id, base.created, base.model);
    const head = { ...base, object: 'chat.completion.chunk' };
    expect(parse(frames.role())).toEqual({
      ...head,
      choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
    });
    // Text that needs escaping survives: quotes, newlines, control characters, non-ASCII.
    const tricky = 'a "quote"\n\\ \u0001 é 🙂';
    expect(parse(frames.text(tricky))).toEqual({ ...head, choices: [{ index: 0, delta: { content: tricky }, finish_reason: null }] });
    expect(parse(frames.finish('length'))).toEqual({ ...head, choices: [{ index: 0, delta: {}, finish_reason: 'length' }] });
    // Thinking comes apart from the answer, as llama-server and DeepSeek's API send it.
    expect(parse(frames.reasoning(tricky))).toEqual({
      ...head,
      choices: [{ index: 0, delta: { reasoning_content: tricky }, finish_reason: null }],
    });
  });

  it('chat frames carry the calls the model made, as they are written or whole, and the usage after the finish when asked', () => {
    const frames = sseFrames('chat.completion', base.id, base.created, base.model);
    const head = { ...base, object: 'chat.completion.chunk' };
    const delta = (call: object) => ({ ...head, choices: [{ index: 0, delta: { tool_calls: [call] }, finish_reason: null }] });
    // As OpenAI streams a call: its id and name with empty arguments, then the arguments piece by piece.
    expect(parse(frames.callStart(1, 'call_1', 'weather'))).toEqual(
      delta({ index: 1, id: 'call_1', type: 'function', function: { name: 'weather', arguments: '' } }),
    );
    expect(parse(frames.callArguments(1, '{"city": "O\\"'))).toEqual(delta({ index: 1, function: { arguments: '{"city": "O\\"' } }));
    const whole = { id: 'call_2', type: 'function' as const, function: { name: 'time', arguments: '{}' } };
    expect(parse(frames.toolCall(0, whole))).toEqual(delta({ index: 0, ...whole }));
    const usage = { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 };
    expect(parse(frames.usage(usage))).toEqual({ ...head, choices: [], usage });
  });

  it('completion frames carry text', () => {
    const frames = sseFrames('text_completion', 'cmpl-1', base.created, base.model);
    const head = { id: 'cmpl-1', created: base.created, model: base.model, object: 'text_completion' };
    expect(parse(frames.text('hi'))).toEqual({ ...head, choices: [{ index: 0, text: 'hi', finish_reason: null }] });
    expect(parse(frames.finish('stop'))).toEqual({ ...head, choices: [{ index: 0, text: '', finish_reason: 'stop' }] });
  });
});
