import { describe, expect, it } from 'vitest';
import { CHAT_DEFAULTS, type Chat } from '../../../shared/chats';
import { KeptConversations, stampOf } from './kept-conversations';

const chat = (id: string): Chat => ({
  id,
  title: id,
  createdAt: '2026-11-30T00:00:00.000Z',
  updatedAt: '2026-11-30T00:00:00.000Z',
  options: CHAT_DEFAULTS,
  turns: [],
});

describe('conversations kept between searches', () => {
  it('answers one only while its file has the stamp it was read with', () => {
    const kept = new KeptConversations(1000);
    kept.keep('a.json', 's1', chat('a'), 100);
    expect(kept.get('a.json', 's1')?.id).toBe('a');
    expect(kept.get('b.json', 's1')).toBeUndefined();
    // Changed since: not answered, and let go (its bytes too).
    expect(kept.get('a.json', 's2')).toBeUndefined();
    expect(kept.size).toEqual({ conversations: 0, bytes: 0 });
  });

  it('keeps what fits its budget and never pushes a kept one out for another', () => {
    const kept = new KeptConversations(250);
    kept.keep('a.json', 's', chat('a'), 100);
    kept.keep('b.json', 's', chat('b'), 100);
    kept.keep('c.json', 's', chat('c'), 100);
    expect(kept.size).toEqual({ conversations: 2, bytes: 200 });
    expect(kept.get('a.json', 's')).toBeDefined();
    expect(kept.get('c.json', 's')).toBeUndefined();
    // A file read again (a new stamp) replaces its own entry, within the budget.
    kept.keep('a.json', 't', chat('a'), 140);
    expect(kept.size).toEqual({ conversations: 2, bytes: 240 });
    expect(kept.get('a.json', 't')).toBeDefined();
    kept.keepOnly(new Set(['b.json']));
    expect(kept.size).toEqual({ conversations: 1, bytes: 100 });
  });

  it('lets every one go a while after the last search', async () => {
    const kept = new KeptConversations(1000, 40);
    kept.keep('a.json', 's', chat('a'), 100);
    kept.used();
    await new Promise((resolve) => setTimeout(resolve, 20));
    kept.used(); // a search meanwhile: the wait starts again
    await new Promise((resolve) => setTimeout(resolve, 25));
    expect(kept.size.conversations).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(kept.size).toEqual({ conversations: 0, bytes: 0 });
  });

  it('stamps a file by its inode, size, modification and change times', () => {
    const base = { ino: 7, size: 10, mtimeMs: 1000, ctimeMs: 1000 };
    const stamps = new Set(
      [base, { ...base, ino: 8 }, { ...base, size: 11 }, { ...base, mtimeMs: 1001 }, { ...base, ctimeMs: 1001 }].map(stampOf),
    );
    expect(stamps.size).toBe(5);
  });
});
