import { describe, expect, it } from 'vitest';
import { chatHistory, chatOutcome, paramsTo } from './runtime';

describe('chatHistory', () => {
  it('starts a new model response after a user message', () => {
    expect(
      chatHistory([
        { role: 'system', text: 's' },
        { role: 'user', text: 'hi' },
      ]),
    ).toEqual([
      { type: 'system', text: 's' },
      { type: 'user', text: 'hi' },
      { type: 'model', response: [] },
    ]);
  });

  it('puts an answer made after tool answers into the response that made the calls, and goes on with it after the answers', () => {
    const call = { name: 'weather', params: { city: 'Oslo' }, result: { c: 3 } };
    const afterAnswers = chatHistory([
      { role: 'user', text: 'weather?' },
      { role: 'assistant', text: 'Looking.', calls: [call] },
    ]);
    expect(afterAnswers).toEqual([
      { type: 'user', text: 'weather?' },
      { type: 'model', response: ['Looking.', { type: 'functionCall', ...call }] },
    ]);
    const answered = chatHistory([
      { role: 'user', text: 'weather?' },
      { role: 'assistant', text: '', calls: [call] },
      { role: 'assistant', text: 'It is 3 degrees.', calls: [] },
      { role: 'user', text: 'thanks' },
    ]);
    expect(answered).toEqual([
      { type: 'user', text: 'weather?' },
      { type: 'model', response: [{ type: 'functionCall', ...call }, 'It is 3 degrees.'] },
      { type: 'user', text: 'thanks' },
      { type: 'model', response: [] },
    ]);
  });
});

describe('chatOutcome', () => {
  it('answers calls as tool_calls with their arguments as JSON text', () => {
    expect(
      chatOutcome({
        response: '',
        functionCalls: [
          { functionName: 'weather', params: { city: 'Oslo' } as never, raw: [] },
          { functionName: 'time', params: undefined, raw: [] },
        ],
        metadata: { stopReason: 'functionCalls' },
      }),
    ).toEqual({
      text: '',
      finishReason: 'tool_calls',
      aborted: false,
      toolCalls: [
        { name: 'weather', arguments: '{"city":"Oslo"}' },
        { name: 'time', arguments: '{}' },
      ],
    });
  });

  it('says why text stopped', () => {
    expect(chatOutcome({ response: 'hi', metadata: { stopReason: 'eogToken' } })).toEqual({
      text: 'hi',
      finishReason: 'stop',
      aborted: false,
    });
    expect(chatOutcome({ response: 'hi', metadata: { stopReason: 'maxTokens' } })).toMatchObject({ finishReason: 'length' });
    expect(chatOutcome({ response: 'h', metadata: { stopReason: 'abort' } })).toMatchObject({ aborted: true });
  });
});

describe('paramsTo', () => {
  it("streams each call node-llama-cpp makes as it is written: named once, then its parameters' JSON, without the template's end-of-call text", () => {
    const events: string[] = [];
    const onChunk = paramsTo({
      start: (index, name) => events.push(`start ${index} ${name}`),
      args: (index, text) => events.push(`args ${index} ${text}`),
    });
    // As node-llama-cpp gives them: a call's pieces share its callIndex; the piece that ends a call
    // (done) holds the tokens that tripped its stop, the template's text after the JSON.
    onChunk({ callIndex: 0, functionName: 'weather', paramsChunk: '{"city": "O', done: false });
    onChunk({ callIndex: 0, functionName: 'weather', paramsChunk: 'slo"}\n</tool_call>', done: true });
    onChunk({ callIndex: 1, functionName: 'time', paramsChunk: '{}', done: false });
    onChunk({ callIndex: 1, functionName: 'time', paramsChunk: '\n', done: true });
    expect(events).toEqual(['start 0 weather', 'args 0 {"city": "O', 'args 0 slo"}', 'start 1 time', 'args 1 {}']);
  });
});
