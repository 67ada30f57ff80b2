import { describe, expect, it } from 'vitest';
import type { ChatTurn } from './chat-turns';
import { planTools } from './tool-choice';

const turns: ChatTurn[] = [{ role: 'user', text: 'weather in Oslo?' }];
const weather = {
  type: 'function' as const,
  function: { name: 'weather', description: 'The weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
};
const time = { type: 'function' as const, function: { name: 'time' } };
const followed = async () => undefined;

describe('planTools', () => {
  it('offers nothing without tools or with tool_choice "none"', async () => {
    expect(await planTools({}, turns, followed)).toEqual({ ok: true, turns });
    expect(await planTools({ tools: [weather], tool_choice: 'none' }, turns, followed)).toEqual({ ok: true, turns });
  });

  it('offers the tools as functions to call at will ("auto"), a tool without parameters taking {}', async () => {
    expect(await planTools({ tools: [weather, time] }, turns, followed)).toEqual({
      ok: true,
      turns,
      functions: {
        weather: { description: 'The weather', params: weather.function.parameters },
        time: { description: undefined, params: { type: 'object', properties: {} } },
      },
    });
  });

  it('demands a named call through its schema, telling the model in the system prompt; required of two through a schema of either', async () => {
    const named = await planTools(
      { tools: [weather, time], tool_choice: { type: 'function', function: { name: 'weather' } } },
      turns,
      followed,
    );
    expect(named).toMatchObject({ ok: true, forced: { schema: weather.function.parameters } });
    if (!named.ok) throw new Error('planned');
    expect(named.turns[0]).toEqual({ role: 'system', text: expect.stringContaining('Call the function "weather" now') });
    expect(
      named.forced!.read({
        text: '{"city":"Oslo"}',
        finishReason: 'stop',
        aborted: false,
        promptTokens: 1,
        cachedTokens: 0,
        completionTokens: 5,
      }),
    ).toMatchObject({
      text: '',
      finishReason: 'tool_calls',
      toolCalls: [{ name: 'weather', arguments: '{"city":"Oslo"}' }],
    });
    const required = await planTools({ tools: [weather, time], tool_choice: 'required' }, turns, followed);
    if (!required.ok) throw new Error('planned');
    expect(required.forced!.schema).toEqual({
      oneOf: [
        { type: 'object', properties: { name: { const: 'weather' }, arguments: weather.function.parameters } },
        { type: 'object', properties: { name: { const: 'time' }, arguments: { type: 'object', properties: {} } } },
      ],
    });
    const made = required.forced!.read({
      text: '{"name":"time","arguments":{}}',
      finishReason: 'stop',
      aborted: false,
      promptTokens: 1,
      cachedTokens: 0,
      completionTokens: 9,
    });
    expect(made.toolCalls).toEqual([{ name: 'time', arguments: '{}' }]);
    // Cut short by max_tokens: not a whole call, so the text as it came.
    expect(
      required.forced!.read({
        text: '{"name":"ti',
        finishReason: 'length',
        aborted: false,
        promptTokens: 1,
        cachedTokens: 0,
        completionTokens: 4,
      }),
    ).toMatchObject({
      text: '{"name":"ti',
      finishReason: 'length',
    });
  });

  it('streams a demanded call as it is written: its name first, then its arguments as the model writes them, as read whole', async () => {
    const streamed = async (toolChoice: 'required' | { type: 'function'; function: { name: string } }, pieces: string[]) => {
      const plan = await planTools({ tools: [weather, time], tool_choice: toolChoice }, turns, followed);
      if (!plan.ok) throw new Error('planned');
      const events: string[] = [];
      const push = plan.forced!.streamTo({
        start: (index, name) => events.push(`start ${index} ${name}`),
        args: (index, text) => events.push(`args ${index} ${text}`),
      });
      for (const piece of pieces) push(piece);
      const whole = plan.forced!.read({
        text: pieces.join(''),
        finishReason: 'stop',
        aborted: false,
        promptTokens: 1,
        cachedTokens: 0,
        completionTokens: 9,
      });
      return { events, whole: whole.toolCalls };
    };
    const named = await streamed({ type: 'function', function: { name: 'weather' } }, [' {"city":', ' "Oslo"', '}']);
    expect(named.events).toEqual(['start 0 weather', 'args 0 {"city":', 'args 0  "Oslo"', 'args 0 }']);
    expect(named.whole).toEqual([{ name: 'weather', arguments: '{"city": "Oslo"}' }]);
    const required = await streamed('required', ['{"name": "ti', 'me", "arguments": {"zone"', ': "UTC"}}']);
    expect(required.events).toEqual(['start 0 time', 'args 0 {"zone"', 'args 0 : "UTC"}']);
    expect(required.whole).toEqual([{ name: 'time', arguments: '{"zone": "UTC"}' }]);
  });

  it('names the tool whose schema cannot be followed, and refuses tools with response_format', async () => {
    const refusing = async (schema: Record<string, unknown>) => (JSON.stringify(schema).includes('$ref') ? 'no $ref here' : undefined);
    const bad = {
      type: 'function' as const,
      function: { name: 'bad', parameters: { type: 'object', properties: { a: { $ref: '#/x' } } } },
    };
    expect(await planTools({ tools: [weather, bad] }, turns, refusing)).toEqual({
      ok: false,
      param: 'tools.1.function.parameters',
      message: 'tools.1.function.parameters: this JSON schema cannot be followed: no $ref here',
    });
    expect(await planTools({ tools: [weather], response_format: { type: 'json_object' } }, turns, followed)).toMatchObject({
      ok: false,
      param: 'response_format',
    });
  });
});
