import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Turn } from '../shared/chats';
import { AppShell } from './pages/app-shell';
import { freshDirs, projectRoot, startCliHost } from './support/host-process';
import { e2eSession } from './support/session';
import { dirsWithTinyModel, TINY_MODEL } from './support/tiny-model-dirs';
import { connectClient } from './support/ws-client';

const session = e2eSession();
const options = { model: 'some-model', system: '', maxTokens: 64 };

/** A long conversation about cooking, with the proxy question and its nginx answer far down in it. */
function longConversation(): Turn[] {
  const turns: Turn[] = [];
  for (let i = 0; i < 30; i++) {
    turns.push({ role: 'user', content: `Recipe question ${i}: how long does the bread rise?` });
    turns.push({ role: 'assistant', content: `About an hour, step ${i}.\n\n${'Knead it well and let it rest. '.repeat(12)}` });
  }
  turns[41] = { role: 'assistant', content: 'Put nginx in front, with proxy_pass to the upstream and a keep-alive pool.' };
  return turns;
}

describe('finding conversations in Chromium, by words in their names and messages', () => {
  it('lists those with every word, with the message they were found by; opening one shows that message, the words marked', async () => {
    session.host = await startCliHost(await freshDirs());
    const { client, close } = await connectClient(session.host.origin, session.host.token);
    const put = (id: string, turns: Turn[]) => client.invoke('chats.put', { id, options, known: 0, from: 0, turns });
    try {
      await put('chat-find-0001', longConversation());
      await put('chat-find-0002', [
        { role: 'user', content: 'A haiku about autumn, please' },
        { role: 'assistant', content: 'Leaves fall, NGINX logs\nfill the quiet server room' },
      ]);
      await put('chat-find-0003', [{ role: 'user', content: 'What is a proxy?' }]);
      await client.invoke('chats.rename', { id: 'chat-find-0003', title: 'Networking basics' });
      // A wrong query is refused at the boundary, saying why.
      await expect(client.invoke('chats.search', { query: '   ' })).rejects.toThrow(/give at least one word to look for/);

      const page = await session.browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(session.host.url);
      await new AppShell(page).open('chat');
      const items = page.getByTestId('chat-list-item');
      await expect.poll(() => items.count(), { timeout: 15_000 }).toBe(3);
      const find = page.getByTestId('chat-list-filter');

      // Both words are in one message of the long conversation only (the haiku has one of them).
      await find.fill('NGINX proxy');
      await expect
        .poll(() => page.getByTestId('chat-list-snippet').allTextContents())
        .toEqual([expect.stringContaining('Put nginx in front')]);
      await expect(items.getAttribute('data-chat')).resolves.toBe('chat-find-0001');
      await expect(items.locator('mark').allTextContents()).resolves.toEqual(['nginx', 'proxy']);
      await expect(items.textContent()).resolves.toContain('found in 1 message');
      await page.screenshot({ path: path.join(projectRoot, 'test-results', 'chat-search.png') });

      // Opened from there: the message is in view, marked, and the words are highlighted in the page.
      await items.getByRole('button', { name: /Recipe question 0/ }).click();
      const found = page.locator('[data-found="true"]');
      await found.waitFor();
      await expect(found.getAttribute('data-turn')).resolves.toBe('41');
      await expect(found.textContent()).resolves.toContain('Put nginx in front');
      const pane = page.locator('.main');
      await expect.poll(() => inView(found, pane)).toBe(true);
      const highlighted = () => page.evaluate<string[]>(HIGHLIGHTED);
      await expect.poll(highlighted).toEqual(['nginx', 'proxy']);
      await expect(inView(page.locator('[data-turn="0"]'), pane)).resolves.toBe(false);
      // Through them one by one: Enter in the box (Shift+Enter back) or Next / Previous, round the end.
      const count = page.getByTestId('chat-found-count');
      const current = () => page.evaluate<string[]>(CURRENT);
      await expect(count.textContent()).resolves.toBe('2 found in this conversation');
      await find.press('Enter');
      await expect.poll(() => count.textContent()).toBe('1 of 2');
      await expect(current()).resolves.toEqual(['nginx']);
      await page.getByTestId('chat-found-next').click();
      await expect.poll(current).toEqual(['proxy']);
      await expect(count.textContent()).resolves.toBe('2 of 2');
      await page.getByTestId('chat-found-next').click();
      await expect.poll(current).toEqual(['nginx']);
      await find.press('Shift+Enter');
      await expect.poll(() => count.textContent()).toBe('2 of 2');
      await page.screenshot({ path: path.join(projectRoot, 'test-results', 'chat-search-opened.png') });

      // Another window adds to the conversation shown: this one follows, without a reload.
      await client.invoke('chats.put', {
        id: 'chat-find-0001',
        options,
        known: 60,
        from: 60,
        turns: [{ role: 'user', content: 'Asked in another window' }],
      });
      await expect.poll(() => page.locator('[data-turn="60"]').textContent(), { timeout: 10_000 }).toContain('Asked in another window');

      // A word of a name alone finds it, without a snippet; none found says so.
      await find.fill('networking');
      await expect.poll(() => items.allTextContents()).toEqual([expect.stringContaining('Networking basics')]);
      await expect(page.getByTestId('chat-list-snippet').count()).resolves.toBe(0);
      await expect.poll(() => page.getByTestId('chat-found-here').textContent()).toBe('Not in this conversation.');
      await find.fill('nginx winter');
      await page.getByText('No conversation has “nginx winter” in its name or messages.').waitFor();
      await expect(items.count()).resolves.toBe(0);

      // A conversation saved elsewhere meanwhile is found at once; clearing the box lists them all.
      await find.fill('nginx');
      await expect.poll(() => items.count()).toBe(2);
      await put('chat-find-0004', [{ role: 'user', content: 'Is nginx faster than Caddy?' }]);
      await expect.poll(() => page.getByTestId('chat-list-snippet').first().textContent()).toBe('You: Is nginx faster than Caddy?');
      await expect(items.count()).resolves.toBe(3);
      await find.fill('');
      await expect.poll(() => items.count()).toBe(4);
      await expect.poll(highlighted).toEqual([]);
    } finally {
      close();
    }
  });

  it('branches a conversation from an answer, or to ask an earlier question again, and leaves the original as it was', async () => {
    const { dirs } = await dirsWithTinyModel();
    session.host = await startCliHost(dirs);
    const { client, close } = await connectClient(session.host.origin, session.host.token);
    const original: Turn[] = [
      { role: 'user', content: 'Name a colour' },
      { role: 'assistant', content: 'Blue.' },
      { role: 'user', content: 'Another one' },
      { role: 'assistant', content: 'Green.' },
      { role: 'user', content: 'And a third' },
      { role: 'assistant', content: 'Red.' },
    ];
    const turnsOf = async (id: string) => (await client.invoke('chats.get', { id })).turns.map((t) => t.content);
    try {
      await client.invoke('chats.put', {
        id: 'chat-tree-0001',
        options: { model: TINY_MODEL, system: '', maxTokens: 4 },
        known: 0,
        from: 0,
        turns: original,
      });
      const page = await session.browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(session.host.url);
      await new AppShell(page).open('chat');
      const answers = page.getByTestId('chat-turn-assistant');
      await expect.poll(() => answers.count(), { timeout: 15_000 }).toBe(3);

      // From the first answer: a new conversation with the two turns up to it, newest in the list, saying of what.
      await answers.first().getByTestId('chat-branch').click();
      const items = page.getByTestId('chat-list-item');
      await expect
        .poll(() => items.allTextContents())
        .toEqual([expect.stringContaining('Name a colour (branch)'), expect.stringContaining('Name a colour')]);
      await expect.poll(() => page.getByTestId('chat-turn-text').allTextContents()).toEqual(['Name a colour', 'Blue.']);
      await expect(page.getByTestId('chat-branch-origin').textContent()).resolves.toBe(
        'A branch of Name a colour, after message 2; that conversation stays as it was.',
      );
      await expect(page.locator('[data-testid="chat-list-item"].active').textContent()).resolves.toContain('(branch)');
      // It goes on its own way; the original keeps its six turns.
      await page.getByTestId('chat-input').fill('Why blue?');
      await page.getByTestId('chat-input').press('Enter');
      await expect.poll(() => answers.nth(1).getByTestId('chat-turn-facts').count(), { timeout: 60_000 }).toBe(1);
      const branchId = (await items.first().getAttribute('data-chat'))!;
      await expect.poll(() => turnsOf(branchId)).toEqual(['Name a colour', 'Blue.', 'Why blue?', expect.any(String)]);
      await expect(turnsOf('chat-tree-0001')).resolves.toEqual(original.map((t) => t.content));
      await page.screenshot({ path: path.join(projectRoot, 'test-results', 'chat-branch.png') });

      // Saved as Markdown, under its name.
      const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId('chat-export').click()]);
      expect(file.suggestedFilename()).toBe('Name-a-colour-branch.md');
      const markdown = await readFile((await file.path())!, 'utf8');
      expect(markdown).toMatch(
        /^# Name a colour \(branch\)\n\n\*tiny-llama\.gguf · last message [\d-]+\*\n\n## You\n\nName a colour\n\n## Assistant\n\nBlue\.\n\n## You\n\nWhy blue\?\n\n## Assistant\n\n/,
      );

      // Back to the original from the branch, at the answer it went on from.
      await page.getByTestId('chat-branch-open').click();
      await expect.poll(() => page.locator('[data-found="true"]').getAttribute('data-turn')).toBe('1');
      await expect(page.getByTestId('chat-turn-text').allTextContents()).resolves.toEqual(original.map((t) => t.content));

      // An earlier question is edited in a branch: the turns before it, the question in the box, nothing sent yet.
      await expect(page.getByTestId('chat-edit').count()).resolves.toBe(1);
      await page.getByTestId('chat-turn-user').nth(1).getByTestId('chat-edit-branch').click();
      await expect.poll(() => page.getByTestId('chat-turn-text').allTextContents()).toEqual(['Name a colour', 'Blue.']);
      await expect(page.getByTestId('chat-input').inputValue()).resolves.toBe('Another one');
      await page.getByTestId('chat-input').fill('A warmer one');
      await page.getByTestId('chat-input').press('Enter');
      await expect.poll(() => answers.nth(1).getByTestId('chat-turn-facts').count(), { timeout: 60_000 }).toBe(1);
      const second = (await page.locator('[data-testid="chat-list-item"].active').getAttribute('data-chat'))!;
      expect(second).not.toBe(branchId);
      await expect.poll(() => turnsOf(second)).toEqual(['Name a colour', 'Blue.', 'A warmer one', expect.any(String)]);
      await expect(turnsOf('chat-tree-0001')).resolves.toEqual(original.map((t) => t.content));
      // The first question edited: nothing before it to keep, so a new chat with it in the box.
      await items
        .last()
        .getByRole('button', { name: /^Name a colour[^(]*$/ })
        .click();
      await expect.poll(() => page.getByTestId('chat-turn-user').count()).toBe(3);
      await page.getByTestId('chat-turn-user').first().getByTestId('chat-edit-branch').click();
      await expect.poll(() => page.getByTestId('chat-turn-user').count()).toBe(0);
      await expect(page.getByTestId('chat-input').inputValue()).resolves.toBe('Name a colour');
      await expect(items.count()).resolves.toBe(3);
    } finally {
      close();
    }
  });
});

describe('thousands of conversations in Chromium', () => {
  it('lists them a screenful at a time, finds an old one by a word in it, shows where it is once the box is emptied, and one copied into the folder at once', async () => {
    const MANY = 2000;
    const dirs = await freshDirs();
    // Written as files (a restored backup, years of use): the host reads them at its start.
    const chatsDir = path.join(dirs.baseDir, 'config', 'chats');
    await mkdir(chatsDir, { recursive: true });
    const newest = Date.parse('2026-11-30T12:00:00Z');
    const id = (i: number) => `chat-many-${String(i).padStart(4, '0')}`;
    for (let i = 0; i < MANY; i++) {
      const at = new Date(newest - i * 60_000).toISOString();
      const turns: Turn[] = [
        { role: 'user', content: `Question number ${i} about bread` },
        { role: 'assistant', content: 'Knead it well and let it rest. '.repeat(4) },
        { role: 'user', content: 'And the oven?' },
        { role: 'assistant', content: i === 1500 ? 'Bake it at 230 degrees, then play the xylophone while it cools.' : 'Hot.' },
      ];
      await writeFile(
        path.join(chatsDir, `${id(i)}.json`),
        JSON.stringify({ version: 1, id: id(i), createdAt: at, updatedAt: at, options, turns }),
      );
    }
    session.host = await startCliHost(dirs);
    const page = await session.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(session.host.url);
    await new AppShell(page).open('chat');
    const items = page.getByTestId('chat-list-item');
    const rows = page.getByTestId('chat-list-rows');
    await expect.poll(() => items.first().getAttribute('data-chat'), { timeout: 30_000 }).toBe(id(0));
    // A screenful and a few more are in the page, not two thousand.
    const inPage = await items.count();
    expect(inPage).toBeGreaterThan(5);
    expect(inPage).toBeLessThan(60);
    // No model serves anything here: the conversation opened still shows, under a line saying so.
    await expect(page.getByTestId('chat-no-model').textContent()).resolves.toContain('No model to send to');
    await expect(page.locator('[data-turn="3"]').textContent()).resolves.toContain('Hot.');

    // Scrolled to the end (as a user does, again once the rows there are measured): the oldest.
    const oldest = page.locator(`[data-testid="chat-list-item"][data-chat="${id(MANY - 1)}"]`);
    await expect
      .poll(async () => {
        await rows.evaluate((element) => element.scrollTo(0, element.scrollHeight));
        return (await oldest.count()) === 1 && (await inView(oldest, rows));
      })
      .toBe(true);
    await expect(oldest.textContent()).resolves.toContain(`Question number ${MANY - 1} about bread`);
    await expect(items.count()).resolves.toBeLessThan(60);
    await rows.evaluate((element) => element.scrollTo(0, 0));

    // From the keyboard: Down from the box to the first, End to the oldest (drawn when reached), Up, Home.
    const find = page.getByTestId('chat-list-filter');
    const focused = () => page.evaluate<string | undefined>('document.activeElement?.closest("li")?.dataset.chat');
    await find.focus();
    await page.keyboard.press('ArrowDown');
    await expect.poll(focused).toBe(id(0));
    await page.keyboard.press('End');
    await expect.poll(focused).toBe(id(MANY - 1));
    await page.keyboard.press('ArrowUp');
    await expect.poll(focused).toBe(id(MANY - 2));
    await page.keyboard.press('Home');
    await expect.poll(focused).toBe(id(0));

    // Found by a word of its last answer, opened at that answer.
    await find.fill('XYLOPHONE');
    await expect.poll(() => items.allTextContents(), { timeout: 15_000 }).toEqual([expect.stringContaining('Question number 1500')]);
    await expect(items.locator('mark').allTextContents()).resolves.toEqual(['xylophone']);
    await items.getByRole('button', { name: /Question number 1500/ }).click();
    await expect.poll(() => page.locator('[data-found="true"]').getAttribute('data-turn')).toBe('3');
    await page.screenshot({ path: path.join(projectRoot, 'test-results', 'chat-many-found.png') });

    // The box emptied: all of them again, with the one open brought into view where it is.
    await find.fill('');
    const open = page.locator(`[data-testid="chat-list-item"][data-chat="${id(1500)}"]`);
    await expect.poll(() => open.getAttribute('class')).toBe('active');
    await expect.poll(() => inView(open, rows)).toBe(true);
    await expect(items.count()).resolves.toBeLessThan(60);
    await page.screenshot({ path: path.join(projectRoot, 'test-results', 'chat-many-open.png') });

    // A conversation copied into the folder (synced from another machine) shows without a reload.
    const copied = 'chat-many-copied';
    const at = new Date().toISOString();
    await writeFile(
      path.join(chatsDir, `${copied}.json`),
      JSON.stringify({ version: 1, id: copied, createdAt: at, updatedAt: at, options, turns: [{ role: 'user', content: 'Synced in' }] }),
    );
    await rows.evaluate((element) => element.scrollTo(0, 0));
    await expect.poll(() => items.first().getAttribute('data-chat'), { timeout: 10_000 }).toBe(copied);
  });
});

/** Whether an element is inside the scrolling pane's visible part (the app scrolls `.main`, not the window). */
async function inView(element: Locator, pane: Locator): Promise<boolean> {
  const [box, view] = await Promise.all([element.boundingBox(), pane.boundingBox()]);
  return box !== null && view !== null && box.y + box.height > view.y && box.y < view.y + view.height;
}

/** The text of the place shown last (Next / Previous). */
const CURRENT = `[...(CSS.highlights.get('chat-found-current') ?? [])].map((range) => range.toString().toLowerCase())`;
/** The texts the page highlights as found, in lower case, sorted (a string: this project's tests are typed without the DOM). */
const HIGHLIGHTED = `[...(CSS.highlights.get('chat-found') ?? [])].map((range) => range.toString().toLowerCase()).sort()`;
