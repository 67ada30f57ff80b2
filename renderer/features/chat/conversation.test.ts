import { describe, expect, it } from 'vitest';
import { CHAT_DEFAULTS, ChatIdSchema, newChatId, type Turn } from '../../../shared/chats';
import { lastChatId, MAX_REQUEST_BYTES, messagesToSend, rememberChatId, tokensPerSecond, whyNotSendable } from './conversation';

const turns = (n: number, size = 10): Turn[] =>
  Array.from({ length: n }, (_, i) => ({ role: i % 2 === 0 ? 'user' : 'assistant', content: `${i}:`.padEnd(size, 'x') }));

describe('the messages a chat turn sends', () => {
  it('sends the system prompt and the whole conversation while it fits', () => {
    const { messages, left } = messagesToSend({ ...CHAT_DEFAULTS, system: 'Be brief.' }, turns(5));
    expect(left).toBe(0);
    expect(messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user', 'assistant', 'user']);
    expect(messagesToSend(CHAT_DEFAULTS, turns(3)).messages[0]!.role).toBe('user');
  });

  it('sends an answer back without the thinking before it, as providers want', () => {
    const { messages } = messagesToSend(CHAT_DEFAULTS, [
      { role: 'user', content: 'two and two?' },
      { role: 'assistant', content: 'Four.', reasoning: 'Two and two make four.' },
      { role: 'user', content: 'and three?' },
    ]);
    expect(messages).toEqual([
      { role: 'user', content: 'two and two?' },
      { role: 'assistant', content: 'Four.' },
      { role: 'user', content: 'and three?' },
    ]);
  });

  it('leaves out the oldest turns past the host’s 100 messages, keeping the system prompt and starting on a question', () => {
    const { messages, left } = messagesToSend({ ...CHAT_DEFAULTS, system: 'Be brief.' }, turns(151));
    expect(messages.length).toBeLessThanOrEqual(100);
    expect(messages[0]).toEqual({ role: 'system', content: 'Be brief.' });
    expect(messages[1]!.role).toBe('user');
    expect(messages.at(-1)!.content).toMatch(/^150:/);
    expect(left + messages.length - 1).toBe(151);
    expect(whyNotSendable({ model: 'm', messages, maxTokens: 10 })).toBeUndefined();
  });

  it('leaves out the oldest turns past what one request carries, whatever their count', () => {
    const { messages, left } = messagesToSend(CHAT_DEFAULTS, turns(12, 90_000));
    expect(left).toBeGreaterThan(0);
    expect(new TextEncoder().encode(JSON.stringify(messages)).length).toBeLessThanOrEqual(MAX_REQUEST_BYTES + 200);
    expect(messages[0]!.role).toBe('user');
    expect(messages.at(-1)!.content).toMatch(/^11:/);
  });

  it('says why the host would refuse a request', () => {
    expect(whyNotSendable({ model: 'm', messages: [], maxTokens: 10 })).toMatch(/^messages:/);
    expect(whyNotSendable({ model: 'm', messages: [{ role: 'user', content: 'hi' }], maxTokens: 10, temperature: 5 })).toMatch(
      /^temperature:/,
    );
  });
});

describe('the conversation this browser shows', () => {
  it('is remembered by its id, and a new one gets an id the host takes', () => {
    const items = new Map<string, string>();
    const storage = { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v) };
    expect(lastChatId(storage)).toBeUndefined();
    const id = newChatId();
    expect(ChatIdSchema.safeParse(id).success).toBe(true);
    expect(newChatId()).not.toBe(id);
    rememberChatId(storage, id);
    expect(lastChatId(storage)).toBe(id);
    // Something else written there (another version, a hand edit) is not taken for an id.
    items.set('local-llm-manager.chat.current', '../../etc/passwd');
    expect(lastChatId(storage)).toBeUndefined();
    const refusing = {
      getItem: () => {
        throw new DOMException('denied', 'SecurityError');
      },
      setItem: () => {
        throw new DOMException('full', 'QuotaExceededError');
      },
    };
    expect(lastChatId(refusing)).toBeUndefined();
    expect(() => rememberChatId(refusing, id)).not.toThrow();
  });
});

describe('tokensPerSecond', () => {
  it('counts the streamed part, after the first byte, and says nothing of one token', () => {
    expect(tokensPerSecond({ ttfbMs: 500, durationMs: 2500, completionTokens: 100 })).toBe(50);
    expect(tokensPerSecond({ ttfbMs: 500, durationMs: 2500, completionTokens: 1 })).toBeUndefined();
    expect(tokensPerSecond({ ttfbMs: 500, durationMs: 500, completionTokens: 10 })).toBeUndefined();
  });
});
