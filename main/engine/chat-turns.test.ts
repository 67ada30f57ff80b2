import { describe, expect, it } from 'vitest';
import { chatTurns } from './chat-turns';
import { ChatRequestSchema } from './requests';

const messagesOf = (messages: unknown[]) => ChatRequestSchema.parse({ messages }).messages;
const call = (id: string, name: string, args: string) => ({ id, type: 'function', function: { name, arguments: args } });

describe('chatTurns', () => {
  it('folds each tool answer into the call it names, as data when it is JSON', () => {
    const read = chatTurns(
      messagesOf([
        { role: 'developer', content: 'be brief' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'weather in ' },
            { type: 'text', text: 'Oslo and Rome?' },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [call('a', 'weather', '{"city":"Oslo"}'), call('b', 'weather', '{"city":"Rome"}')],
        },
        // Answered out of order: each goes to the call it names.
        { role: 'tool', tool_call_id: 'b', content: '{"c":21}' },
        { role: 'tool', tool_call_id: 'a', content: 'cold' },
      ]),
    );
    expect(read).toEqual({
      ok: true,
      turns: [
        { role: 'system', text: 'be brief' },
        { role: 'user', text: 'weather in Oslo and Rome?' },
        {
          role: 'assistant',
          text: '',
          calls: [
            { name: 'weather', params: { city: 'Oslo' }, result: 'cold' },
            { name: 'weather', params: { city: 'Rome' }, result: { c: 21 } },
          ],
        },
      ],
    });
  });

  it('keeps arguments that are not JSON as the text the model wrote', () => {
    const read = chatTurns(
      messagesOf([
        { role: 'user', content: 'hi' },
        { role: 'assistant', tool_calls: [call('a', 'f', 'city=Oslo')] },
        { role: 'tool', tool_call_id: 'a', content: 'ok' },
      ]),
    );
    expect(read.ok && read.turns[1]).toEqual({ role: 'assistant', text: '', calls: [{ name: 'f', params: 'city=Oslo', result: 'ok' }] });
  });

  it('refuses a tool message that answers no call, naming the message and the fix', () => {
    const read = chatTurns(
      messagesOf([
        { role: 'user', content: 'hi' },
        { role: 'assistant', tool_calls: [call('a', 'f', '{}')] },
        { role: 'tool', tool_call_id: 'a', content: 'ok' },
        { role: 'tool', tool_call_id: 'zz', content: 'ok' },
      ]),
    );
    expect(read).toEqual({ ok: false, param: 'messages.3.tool_call_id', message: expect.stringContaining('"zz" is not the id of a call') });
  });

  it('refuses a call left without an answer, before the next message or at the end', () => {
    const between = chatTurns(
      messagesOf([
        { role: 'user', content: 'hi' },
        { role: 'assistant', tool_calls: [call('a', 'f', '{}'), call('b', 'f', '{}')] },
        { role: 'tool', tool_call_id: 'a', content: 'ok' },
        { role: 'user', content: 'and?' },
      ]),
    );
    expect(between).toEqual({
      ok: false,
      param: 'messages.1.tool_calls',
      message: expect.stringContaining('"b" has no answer: follow this message with {"role": "tool", "tool_call_id": "b"'),
    });
    const atEnd = chatTurns(
      messagesOf([
        { role: 'user', content: 'hi' },
        { role: 'assistant', tool_calls: [call('a', 'f', '{}')] },
      ]),
    );
    expect(atEnd).toMatchObject({ ok: false, param: 'messages.1.tool_calls' });
  });
});

describe('ChatRequestSchema tools', () => {
  const tool = (name: string) => ({ type: 'function', function: { name } });
  const issue = (body: unknown) => {
    const parsed = ChatRequestSchema.safeParse({ messages: [{ role: 'user', content: 'hi' }], ...(body as object) });
    return parsed.success ? undefined : { path: parsed.error.issues[0]!.path.join('.'), message: parsed.error.issues[0]!.message };
  };

  it('takes tools, a tool choice and parallel_tool_calls', () => {
    expect(
      issue({ tools: [tool('a'), tool('b')], tool_choice: { type: 'function', function: { name: 'b' } }, parallel_tool_calls: false }),
    ).toBe(undefined);
    expect(issue({ tools: [tool('a')], tool_choice: 'required' })).toBe(undefined);
    expect(issue({ tool_choice: 'none' })).toBe(undefined);
  });

  it('names what is wrong: a bad name, a name twice, a choice without tools or of a tool not sent', () => {
    expect(issue({ tools: [tool('get weather')] })).toEqual({
      path: 'tools.0.function.name',
      message: expect.stringContaining('1 to 64 letters'),
    });
    expect(issue({ tools: [tool('a'), tool('a')] })).toEqual({
      path: 'tools.1.function.name',
      message: expect.stringContaining('two tools are named "a"'),
    });
    expect(issue({ tool_choice: 'required' })).toEqual({
      path: 'tool_choice',
      message: expect.stringContaining('tool_choice needs tools'),
    });
    expect(issue({ tools: [tool('a')], tool_choice: { type: 'function', function: { name: 'b' } } })).toEqual({
      path: 'tool_choice',
      message: 'no tool named "b" was sent; name one of: a',
    });
  });

  it('names an image part as what cannot be read, rather than "Invalid input"', () => {
    expect(
      issue({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'what is it' },
              { type: 'image_url', image_url: { url: 'x' } },
            ],
          },
        ],
      }),
    ).toEqual({
      path: 'messages.0.content.1.type',
      message: expect.stringContaining('a "image_url" part cannot be read: the built-in engine\'s models take text only'),
    });
    expect(issue({ messages: [{ role: 'user', content: [{ type: 'text' }] }] })).toEqual({
      path: 'messages.0.content.0.text',
      message: 'a text part needs "text", a string',
    });
    expect(issue({ messages: [{ role: 'user', content: 5 }] })).toMatchObject({ path: 'messages.0.content' });
  });

  it('refuses the deprecated functions and function messages with the way to tools, rather than ignoring them', () => {
    expect(issue({ functions: [{ name: 'f' }] })).toEqual({ path: 'functions', message: expect.stringContaining('send "tools"') });
    expect(issue({ function_call: 'auto' })).toMatchObject({ path: 'function_call' });
    expect(issue({ messages: [{ role: 'function', name: 'f', content: 'x' }] })).toEqual({
      path: 'messages.0.role',
      message: expect.stringContaining('"function" messages are not read here'),
    });
  });
});
