import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { branchName, CHAT_DEFAULTS, CHAT_MAX_TURNS, CHAT_TITLE_MAX_CHARS, ChatPutSchema, type Turn } from '../../../shared/chats';
import { contract } from '../../../shared/contract';
import { tempDir } from '../../../test/temp-dir';
// After temp-dir: its mounts are undone (afterEach, last registered first) before the folders go.
import { mountRefusal, mountTmpfs } from '../../../test/scratch-mounts';
import { listConfig } from '../backup/config-files';
import { pathsFor } from '../base-dir/paths';
import { ChatStore } from './chat-store';

const user = (content: string): Turn => ({ role: 'user', content });
const answer = (content: string): Turn => ({ role: 'assistant', content, meta: { ttfbMs: 5, durationMs: 50, completionTokens: 3 } });
const options = { ...CHAT_DEFAULTS, model: 'tiny.gguf' };

async function store() {
  const dir = path.join(await tempDir(), 'chats');
  return { dir, chats: new ChatStore(dir) };
}

describe('the conversations kept on the host', () => {
  it('grows a conversation turn by turn, replaces the last answer when asked again, and lists it titled by its first question', async () => {
    const { chats } = await store();
    expect(await chats.list()).toEqual({ chats: [], unreadable: [] });
    await chats.put({ id: 'chat-0001', options, known: 0, from: 0, turns: [user('What is\n  two and two?')] });
    await chats.put({ id: 'chat-0001', options, known: 1, from: 1, turns: [answer('Four.')] });
    await chats.put({ id: 'chat-0001', options, known: 2, from: 1, turns: [answer('It is four.')] });
    const summary = await chats.put({
      id: 'chat-0001',
      options: { ...options, temperature: 0 },
      known: 2,
      from: 2,
      turns: [user('And three?')],
    });
    expect(summary).toMatchObject({ id: 'chat-0001', title: 'What is two and two?', turns: 3, model: 'tiny.gguf' });
    const chat = await chats.get('chat-0001');
    expect(chat.turns.map((t) => t.content)).toEqual(['What is\n  two and two?', 'It is four.', 'And three?']);
    expect(chat.options.temperature).toBe(0);
    await chats.put({ id: 'chat-0002', options, known: 0, from: 0, turns: [user('Newer')] });
    expect((await chats.list()).chats.map((c) => c.id)).toEqual(['chat-0002', 'chat-0001']);
  });

  it('keeps a name given by hand through later turns, without moving the conversation in the list; an empty name goes back to the first question', async () => {
    const { dir, chats } = await store();
    await chats.put({ id: 'chat-0001', options, known: 0, from: 0, turns: [user('What is two and two?')] });
    await chats.put({ id: 'chat-0002', options, known: 0, from: 0, turns: [user('Newer')] });
    // (The saves above announce their own lists meanwhile.)
    const changed = new Promise<string[]>((resolve) =>
      chats.on('changed', (list) => {
        const titles = list.chats.map((c) => c.title);
        if (titles.includes('Sums for the kids')) resolve(titles);
      }),
    );
    const renamed = await chats.rename('chat-0001', '  Sums\n for   the kids ');
    expect(renamed).toMatchObject({ id: 'chat-0001', title: 'Sums for the kids', turns: 1 });
    // Every window hears of it; the conversation keeps its place (its last turn is what orders the list).
    await expect(changed).resolves.toEqual(['Newer', 'Sums for the kids']);
    await chats.put({ id: 'chat-0001', options, known: 1, from: 1, turns: [answer('Four.')] });
    expect(await chats.get('chat-0001')).toMatchObject({ title: 'Sums for the kids', turns: [{ content: 'What is two and two?' }, {}] });
    expect((await chats.list()).chats.map((c) => c.title)).toEqual(['Sums for the kids', 'Newer']);
    // The app started again reads the name from the file.
    expect((await new ChatStore(dir).get('chat-0001')).title).toBe('Sums for the kids');
    // A name edited in the file by hand, too long or blank, is shown cut or as the first question: the conversation stays readable.
    const file = path.join(dir, 'chat-0001.json');
    const kept = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    await writeFile(file, JSON.stringify({ ...kept, title: `${'long '.repeat(100)}` }));
    expect((await chats.get('chat-0001')).title).toBe('long '.repeat(24).trim());
    await writeFile(file, JSON.stringify({ ...kept, title: ' \n ' }));
    expect((await chats.get('chat-0001')).title).toBe('What is two and two?');
    await writeFile(file, JSON.stringify(kept));
    await chats.rename('chat-0001', ' ');
    expect((await chats.get('chat-0001')).title).toBe('What is two and two?');
    await expect(chats.rename('chat-9999', 'x')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses a change made on an older copy (another window saved since), and one to a conversation it does not have', async () => {
    const { chats } = await store();
    await chats.put({ id: 'chat-0001', options, known: 0, from: 0, turns: [user('hi')] });
    // Two windows each think the host holds one turn; the first to save wins, the second is told.
    await chats.put({ id: 'chat-0001', options, known: 1, from: 1, turns: [answer('from window A')] });
    await expect(chats.put({ id: 'chat-0001', options, known: 1, from: 1, turns: [answer('from window B')] })).rejects.toMatchObject({
      code: 'CONFLICT',
      hint: expect.stringContaining('open it again from the list'),
    });
    expect((await chats.get('chat-0001')).turns.map((t) => t.content)).toEqual(['hi', 'from window A']);
    await expect(chats.get('chat-9999')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(chats.put({ id: 'chat-9999', options, known: 1, from: 1, turns: [] })).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('applies changes to one conversation one at a time, in the order they came', async () => {
    const { chats } = await store();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => chats.put({ id: 'chat-0001', options, known: i, from: i, turns: [user(`q${i}`)] })),
    );
    expect((await chats.get('chat-0001')).turns.map((t) => t.content)).toEqual(Array.from({ length: 20 }, (_, i) => `q${i}`));
  });

  it('holds at most the turn limit, and says to start a new chat past it', async () => {
    const { chats } = await store();
    const many = Array.from({ length: CHAT_MAX_TURNS }, (_, i) => user(`q${i}`));
    await chats.put({ id: 'chat-0001', options, known: 0, from: 0, turns: many });
    await expect(
      chats.put({ id: 'chat-0001', options, known: CHAT_MAX_TURNS, from: CHAT_MAX_TURNS, turns: [answer('x')] }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
      hint: expect.stringContaining('Start a new chat'),
    });
    expect((await chats.get('chat-0001')).turns).toHaveLength(CHAT_MAX_TURNS);
  });

  it('leaves a file it cannot read as it is, names it, and serves the others', async () => {
    const { dir, chats } = await store();
    await chats.put({ id: 'chat-0001', options, known: 0, from: 0, turns: [user('hi')] });
    const broken = path.join(dir, 'chat-0002.json');
    await writeFile(broken, '{"version": 1, "turns": "many"}');
    const list = await chats.list();
    expect(list.chats.map((c) => c.id)).toEqual(['chat-0001']);
    expect(list.unreadable).toEqual([broken]);
    await expect(chats.get('chat-0002')).rejects.toMatchObject({ code: 'CONFLICT', hint: expect.stringContaining('left as it is') });
    expect(await readFile(broken, 'utf8')).toBe('{"version": 1, "turns": "many"}');
    await chats.delete('chat-0001');
    await chats.delete('chat-0001');
    expect((await chats.list()).chats).toEqual([]);
  });

  it('branches a conversation from one of its turns: a new one, named as its branch and saying of what, the original as it was', async () => {
    const { chats } = await store();
    await chats.put({
      id: 'chat-0001',
      options: { ...options, system: 'Be brief.' },
      known: 0,
      from: 0,
      turns: [user('Name a colour'), answer('Blue.'), user('Another'), answer('Green.')],
    });
    await chats.rename('chat-0001', 'Colours');
    const summary = await chats.branch('chat-0001', 2);
    expect(summary).toMatchObject({ title: 'Colours (branch)', turns: 2, model: 'tiny.gguf' });
    expect(summary.id).not.toBe('chat-0001');
    const branch = await chats.get(summary.id);
    expect(branch).toMatchObject({
      turns: [{ content: 'Name a colour' }, { content: 'Blue.', meta: { completionTokens: 3 } }],
      options: { system: 'Be brief.' },
      branchedFrom: { id: 'chat-0001', turns: 2 },
    });
    expect((await chats.get('chat-0001')).turns).toHaveLength(4);
    // The newest in the list; going on in it keeps its origin, and a branch of it is not "(branch) (branch)".
    expect((await chats.list()).chats.map((c) => c.id)).toEqual([summary.id, 'chat-0001']);
    await chats.put({ id: summary.id, options, known: 2, from: 2, turns: [user('A third')] });
    expect((await chats.get(summary.id)).branchedFrom).toEqual({ id: 'chat-0001', turns: 2 });
    expect(await chats.branch(summary.id, 1)).toMatchObject({ title: 'Colours (branch)', turns: 1 });
    // More turns than it has (changed elsewhere since), or a conversation that is gone: refused, naming why.
    await expect(chats.branch('chat-0001', 5)).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('has 4 turns here'),
    });
    await expect(chats.branch('chat-0009', 1)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await chats.list()).chats).toHaveLength(3);
  });

  it('says when the list changed, for every window', async () => {
    const { chats } = await store();
    const changed = new Promise((resolve) => chats.once('changed', resolve));
    await chats.put({ id: 'chat-0001', options, known: 0, from: 0, turns: [user('hi')] });
    await expect(changed).resolves.toMatchObject({ chats: [expect.objectContaining({ id: 'chat-0001' })] });
  });

  it('says so too when a conversation is copied into the folder or removed from it by hand, and tells each change once', async () => {
    const { dir, chats } = await store();
    const told: string[][] = [];
    chats.on('changed', (list) => told.push(list.chats.map((c) => c.id)));
    await chats.put({ id: 'chat-0001', options, known: 0, from: 0, turns: [user('hi')] });
    await expect.poll(() => told).toEqual([['chat-0001']]);
    // The watcher reports that save too, a moment later: the windows are not told twice.
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(told).toHaveLength(1);

    // Synced from another machine, restored by hand: in the list without anyone asking.
    const copy = JSON.parse(await readFile(path.join(dir, 'chat-0001.json'), 'utf8')) as { id: string; updatedAt: string };
    await writeFile(path.join(dir, 'chat-0002.json'), JSON.stringify({ ...copy, id: 'chat-0002', updatedAt: new Date().toISOString() }));
    await expect.poll(() => told.at(-1), { timeout: 5_000 }).toEqual(['chat-0002', 'chat-0001']);
    await rm(path.join(dir, 'chat-0001.json'));
    await expect.poll(() => told.at(-1), { timeout: 5_000 }).toEqual(['chat-0002']);
    expect(told).toHaveLength(3);
    chats.close();
  });
});

describe('when the disk is full', () => {
  it('refuses the save saying so, keeps what was saved before, and takes the missing turns once there is room (a real 64 KiB tmpfs)', async (ctx) => {
    if (mountRefusal) ctx.skip(`needs a tmpfs mount: ${mountRefusal}`);
    const dir = await tempDir();
    mountTmpfs(dir, '64k');
    const chats = new ChatStore(dir);
    await chats.put({ id: 'chat-0001', options, known: 0, from: 0, turns: [user('hi')] });
    const before = await readFile(path.join(dir, 'chat-0001.json'), 'utf8');
    await writeFile(path.join(dir, 'filler'), Buffer.alloc(60 * 1024)).catch(() => undefined);
    const long = answer('x'.repeat(20_000));
    await expect(chats.put({ id: 'chat-0001', options, known: 1, from: 1, turns: [long] })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(
        /^The conversation could not be saved: the disk holding .* has .* free\. What was saved of it before is kept/,
      ),
      hint: expect.stringContaining('Free some disk space'),
    });
    expect(await readFile(path.join(dir, 'chat-0001.json'), 'utf8')).toBe(before);
    expect((await readdir(dir)).sort()).toEqual(['chat-0001.json', 'filler']);
    await rm(path.join(dir, 'filler'));
    // The page sends again from what the host confirmed it holds: the answer, and the question after it.
    await chats.put({ id: 'chat-0001', options, known: 1, from: 1, turns: [long, user('still there?')] });
    expect((await chats.get('chat-0001')).turns.map((t) => t.content.length)).toEqual([2, 20_000, 12]);
  });
});

describe('where they are kept', () => {
  it('in config/chats, so a backup of config/ takes them along', async () => {
    const paths = pathsFor(path.join(await tempDir(), 'base'));
    await new ChatStore(paths.chats).put({ id: 'chat-0001', options, known: 0, from: 0, turns: [user('hi')] });
    const listing = await listConfig(paths.config);
    expect(listing.files).toContain('chats/chat-0001.json');
  });
});

describe('what the contract takes', () => {
  it('refuses an id that could name another file, and a turn of the wrong shape', () => {
    for (const id of ['../../etc/passwd', 'CHAT', 'short', 'a/b/c/d/e/f']) {
      expect(contract.requests['chats.get'].input.safeParse({ id }).success, id).toBe(false);
    }
    expect(
      ChatPutSchema.safeParse({ id: 'chat-0001', options, known: 0, from: 0, turns: [{ role: 'system', content: 'x' }] }).success,
    ).toBe(false);
    expect(ChatPutSchema.safeParse({ id: 'chat-0001', options, known: 0, from: -1, turns: [] }).success).toBe(false);
    expect(ChatPutSchema.safeParse({ id: 'chat-0001', options, known: 1, from: 2, turns: [] }).success).toBe(false);
  });

  it('refuses a branch of no turns, saying to start a new chat', () => {
    const branch = contract.requests['chats.branch'].input;
    expect(branch.safeParse({ id: 'chat-0001', turns: 1 }).success).toBe(true);
    expect(branch.safeParse({ id: 'chat-0001', turns: 0 }).error?.issues[0]?.message).toContain('start a new chat');
    expect(branch.safeParse({ id: 'chat-0001', turns: 1.5 }).success).toBe(false);
  });

  it('names a branch once, within the length a name may have', () => {
    expect(branchName('Colours')).toBe('Colours (branch)');
    expect(branchName('Colours (branch)')).toBe('Colours (branch)');
    const long = branchName('x'.repeat(CHAT_TITLE_MAX_CHARS));
    expect(long.length).toBeLessThanOrEqual(CHAT_TITLE_MAX_CHARS);
    expect(long.endsWith('… (branch)')).toBe(true);
  });

  it('refuses a name longer than a list shows, saying how long one may be', () => {
    const rename = contract.requests['chats.rename'].input;
    expect(rename.safeParse({ id: 'chat-0001', title: 'x'.repeat(CHAT_TITLE_MAX_CHARS) }).success).toBe(true);
    const tooLong = rename.safeParse({ id: 'chat-0001', title: 'x'.repeat(CHAT_TITLE_MAX_CHARS + 1) });
    expect(tooLong.error?.issues[0]?.message).toBe(`a name is at most ${CHAT_TITLE_MAX_CHARS} characters`);
    expect(rename.safeParse({ id: '../x', title: 'ok' }).success).toBe(false);
  });
});
