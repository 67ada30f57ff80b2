import { readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHAT_SEARCH_MAX_HITS, marksIn, searchTerms, termPatterns } from '../../../shared/chat-search';
import { CHAT_DEFAULTS, type Turn } from '../../../shared/chats';
import { contract } from '../../../shared/contract';
import { tempDir } from '../../../test/temp-dir';
import { ChatStore } from './chat-store';

const user = (content: string): Turn => ({ role: 'user', content });
const answer = (content: string): Turn => ({ role: 'assistant', content });
const options = { ...CHAT_DEFAULTS, model: 'tiny.gguf' };

async function storeWith(conversations: Record<string, Turn[]>) {
  const dir = path.join(await tempDir(), 'chats');
  const chats = new ChatStore(dir);
  // One after another, a few ms apart, so the newest is the last one given.
  for (const [id, turns] of Object.entries(conversations)) {
    await chats.put({ id, options, known: 0, from: 0, turns });
    await new Promise((resolve) => setTimeout(resolve, 3));
  }
  return { dir, chats };
}

/** The text of each range. */
const marked = (text: string, marks: Array<[number, number]>) => marks.map(([start, end]) => text.slice(start, end));

describe('finding conversations by what was said in them', () => {
  it('finds those with every word, in any case, in their messages or name, newest first, each with the message it was found by', async () => {
    const { chats } = await storeWith({
      'chat-0001': [user('How do I set up a reverse proxy?'), answer('Use nginx with proxy_pass to the upstream.')],
      'chat-0002': [user('A haiku about autumn, please'), answer('Leaves fall, NGINX logs\nfill the quiet server room')],
      'chat-0003': [user('What is a proxy?'), answer('A server in front of another one.')],
    });
    await chats.rename('chat-0003', 'Networking basics');

    const both = await chats.search('NGINX proxy');
    expect(both.hits.map((h) => h.id)).toEqual(['chat-0001']);
    expect(both.hits[0]).toMatchObject({ title: 'How do I set up a reverse proxy?', turns: 2, model: 'tiny.gguf', matchingTurns: 2 });
    // The answer has both words, the question one: the snippet is the answer.
    const snippet = both.hits[0]!.snippet!;
    expect(snippet).toMatchObject({ turn: 1, role: 'assistant', text: 'Use nginx with proxy_pass to the upstream.' });
    expect(marked(snippet.text, snippet.marks)).toEqual(['nginx', 'proxy']);
    expect(marked(both.hits[0]!.title, both.hits[0]!.titleMarks)).toEqual(['proxy']);

    const one = await chats.search('nginx');
    expect(one.hits.map((h) => h.id)).toEqual(['chat-0002', 'chat-0001']);
    // A message's line breaks are spaces in its snippet.
    expect(one.hits[0]!.snippet).toMatchObject({ turn: 1, text: 'Leaves fall, NGINX logs fill the quiet server room' });

    // A word of the name alone finds it, with no snippet; one of the name and one of a message too.
    const byName = await chats.search('networking');
    expect(byName.hits).toEqual([expect.objectContaining({ id: 'chat-0003', matchingTurns: 0, titleMarks: [[0, 10]] })]);
    expect(byName.hits[0]!.snippet).toBeUndefined();
    expect((await chats.search('networking server')).hits.map((h) => h.id)).toEqual(['chat-0003']);

    expect(await chats.search('nginx haiku winter')).toEqual({ query: 'nginx haiku winter', hits: [], more: 0, unreadable: [] });
  });

  it('cuts a long message around the first word found, at whole words, and marks every word in the piece', async () => {
    const filler = (n: number) => Array.from({ length: n }, (_, i) => `word${i}`).join(' ');
    const long = `${filler(40)} the needle sits here, and another NEEDLE right after, ${filler(60)}`;
    const { chats } = await storeWith({ 'chat-0001': [user(long)] });
    const { snippet } = (await chats.search('needle')).hits[0]!;
    expect(snippet!.text.startsWith('…word')).toBe(true);
    expect(snippet!.text.endsWith('…')).toBe(true);
    expect(snippet!.text.length).toBeLessThanOrEqual(202);
    // Whole words at both cuts: each piece between spaces is one the message has.
    const words = new Set(long.split(' '));
    for (const piece of snippet!.text.slice(1, -1).split(' ')) expect(words.has(piece), piece).toBe(true);
    expect(marked(snippet!.text, snippet!.marks)).toEqual(['needle', 'NEEDLE']);
    // Some of what led to it, and the word within the list's first line of about 25 characters.
    expect(snippet!.text.indexOf('needle')).toBeGreaterThan(5);
    expect(snippet!.text.indexOf('needle')).toBeLessThanOrEqual(26);
  });

  it('shows the place in the message where the most of the words are together, not the first of a common one far from the rest', async () => {
    const filler = (n: number) => Array.from({ length: n }, (_, i) => `word${i}`).join(' ');
    const long = `The bread ${filler(60)} and the bread needs a xylophone to rise ${filler(20)}`;
    const { chats } = await storeWith({ 'chat-0001': [user(long)] });
    const { snippet } = (await chats.search('bread xylophone')).hits[0]!;
    expect(marked(snippet!.text, snippet!.marks)).toEqual(['bread', 'xylophone']);
    expect(snippet!.text.startsWith('…')).toBe(true);
    // One word alone: its first place, as before.
    expect((await chats.search('bread')).hits[0]!.snippet!.text.startsWith('The bread')).toBe(true);
  });

  it('takes the words as plain text, and a query of symbols finds them as typed', async () => {
    const { chats } = await storeWith({
      'chat-0001': [user('Is C++ faster than C?')],
      'chat-0002': [user('What does (a|b)* match?')],
      'chat-0003': [user('CCC and more')],
    });
    expect((await chats.search('c++')).hits.map((h) => h.id)).toEqual(['chat-0001']);
    expect((await chats.search('(a|b)*')).hits.map((h) => h.id)).toEqual(['chat-0002']);
    expect((await chats.search('.*')).hits).toEqual([]);
  });

  it('answers at most a page of conversations and says how many more there are', async () => {
    const many: Record<string, Turn[]> = {};
    for (let i = 0; i < CHAT_SEARCH_MAX_HITS + 3; i++) many[`chat-${String(i).padStart(4, '0')}`] = [user(`question ${i} about llamas`)];
    const { chats } = await storeWith(many);
    const found = await chats.search('llamas');
    expect(found.hits).toHaveLength(CHAT_SEARCH_MAX_HITS);
    expect(found.more).toBe(3);
    // The newest are the ones answered.
    expect(found.hits[0]!.id).toBe(`chat-${String(CHAT_SEARCH_MAX_HITS + 2).padStart(4, '0')}`);
  });

  it('names a file it cannot read and searches the others', async () => {
    const { dir, chats } = await storeWith({ 'chat-0001': [user('llamas')] });
    await writeFile(path.join(dir, 'chat-0002.json'), '{"version": 1, "turns": "llamas"');
    expect(await chats.search('llamas')).toMatchObject({ hits: [{ id: 'chat-0001' }], unreadable: [path.join(dir, 'chat-0002.json')] });
  });

  it('finds conversations by what they say now, however they changed since the last search', async () => {
    const { dir, chats } = await storeWith({ 'chat-0001': [user('llamas')], 'chat-0002': [user('alpacas in the hills')] });
    const file = path.join(dir, 'chat-0002.json');
    // A whole second, so that setting it back below gives exactly the same time.
    const then = new Date('2026-11-30T08:00:00Z');
    await utimes(file, then, then);
    const found = async (query: string) => (await chats.search(query)).hits.map((h) => h.id).sort();
    expect(await found('alpacas')).toEqual(['chat-0002']);

    // Saved through the store (a new file in its place).
    await chats.put({ id: 'chat-0001', options, known: 1, from: 1, turns: [user('and alpacas')] });
    expect(await found('alpacas')).toEqual(['chat-0001', 'chat-0002']);

    // Edited in place by hand: the same size, and its modification time set back as it was.
    const before = await stat(file);
    await writeFile(file, (await readFile(file, 'utf8')).replace('alpacas', 'vicunas'));
    await utimes(file, then, then);
    const after = await stat(file);
    expect([after.ino, after.size, after.mtimeMs]).toEqual([before.ino, before.size, before.mtimeMs]);
    expect(await found('alpacas')).toEqual(['chat-0001']);
    expect(await found('vicunas')).toEqual(['chat-0002']);

    // Deleted by hand: gone from the results, and not a file that cannot be read.
    await rm(file);
    expect(await chats.search('vicunas')).toEqual({ query: 'vicunas', hits: [], more: 0, unreadable: [] });
    expect(await found('alpacas')).toEqual(['chat-0001']);
  });
});

describe('the words looked for', () => {
  it('are split at spaces, each once whatever its case, at most ten', () => {
    expect(searchTerms('  Proxy  nginx\tproxy PROXY \n')).toEqual(['Proxy', 'nginx']);
    expect(searchTerms(Array.from({ length: 14 }, (_, i) => `w${i}`).join(' '))).toHaveLength(10);
    expect(searchTerms('   ')).toEqual([]);
  });

  it('are marked where they overlap as one range, in order', () => {
    const text = 'llama.cpp and LLAMA';
    expect(marked(text, marksIn(text, termPatterns(['ama', 'llama'])))).toEqual(['llama', 'LLAMA']);
    expect(marksIn('ab abc', termPatterns(['abc', 'b']))).toEqual([
      [1, 2],
      [3, 6],
    ]);
  });

  it('are refused when there are none or the query is too long, saying so', () => {
    const schema = contract.requests['chats.search'].input;
    expect(schema.safeParse({ query: 'llamas' }).success).toBe(true);
    expect(schema.safeParse({ query: '  ' }).error?.issues[0]?.message).toBe('give at least one word to look for');
    expect(schema.safeParse({ query: 'x'.repeat(201) }).error?.issues[0]?.message).toBe('look for at most 200 characters');
    expect(schema.safeParse({ query: 'llamas', regex: true }).success).toBe(false);
  });
});
