import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppShell } from './pages/app-shell';
import { pickPort } from '../main/services/os/ports';
import { freshDirs, projectRoot, startCliHost } from './support/host-process';
import { writeStandInRecipe } from './support/stand-in-recipe';
import { connectClient } from './support/ws-client';
import { e2eSession } from './support/session';
import { dirsWithTinyModel, TINY_MODEL } from './support/tiny-model-dirs';
import { mountRefusal, mountTmpfs } from '../test/scratch-mounts';

const session = e2eSession();
const MARKDOWN_REPLY =
  'Four.\n\n```js\nconsole.log(2 + 2);\n```\n\nSee the [docs](https://example.org/docs) <script>window.pwned = 1</script> ' +
  '[or this](javascript:window.pwned=1) ![x](https://example.org/x.png)';

/** The numbers under an answer, e.g. "via engine~x · 12 tokens · … · prompt 30 tokens (9 from cache)". */
const promptTokens = (facts: string) => Number(/prompt (\d[\d,]*) tokens/.exec(facts)?.[1]?.replace(/,/g, ''));

describe('the Chat page, in Chromium, with the built-in engine loading the tiny model on demand', () => {
  it('holds a conversation: each turn carries the ones before, answers say who and how fast, Stop keeps what came, and the host keeps it for every window', async () => {
    const { dirs } = await dirsWithTinyModel();
    session.host = await startCliHost(dirs);
    const page = await session.browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(session.host.url);
    await new AppShell(page).open('chat');
    await expect(page.getByTestId('chat-model').inputValue()).resolves.toBe(TINY_MODEL);
    const answers = page.getByTestId('chat-turn-assistant');

    // Greedy and short, so a second answer to the same question must be the same.
    await page.getByTestId('chat-options').locator('summary').click();
    await page.getByTestId('chat-temperature').fill('0');
    await page.getByTestId('chat-max-tokens').fill('8');
    await page.getByTestId('chat-input').fill('hello world');
    await page.getByTestId('chat-input').press('Enter');
    // The model loads on the first request: the answer says so until its first word.
    await page.getByTestId('chat-streaming').waitFor();
    await answers.first().waitFor({ timeout: 60_000 });
    const firstFacts = (await answers.first().getByTestId('chat-turn-facts').textContent())!;
    expect(firstFacts).toMatch(new RegExp(`^via engine~${TINY_MODEL.replace(/\./g, '\\.')} · 8 tokens · [\\d.]+ tokens/s · first byte`));
    const firstText = await answers.first().getByTestId('chat-turn-text').textContent();

    // "Another answer" asks again: at temperature 0, the same words.
    await answers.first().getByTestId('chat-regenerate').click();
    await expect.poll(() => answers.first().getByTestId('chat-turn-facts').textContent(), { timeout: 30_000 }).not.toBe(firstFacts);
    await expect(answers.first().getByTestId('chat-turn-text').textContent()).resolves.toBe(firstText);
    expect(await answers.count()).toBe(1);

    // The second turn carries the first question and answer: its prompt is longer, and mostly from the engine's cache.
    await page.getByTestId('chat-input').fill('and then?');
    await page.getByTestId('chat-send').click();
    await answers.nth(1).waitFor({ timeout: 30_000 });
    const secondFacts = (await answers.nth(1).getByTestId('chat-turn-facts').textContent())!;
    expect(promptTokens(secondFacts)).toBeGreaterThan(promptTokens(firstFacts) + 8);
    expect(secondFacts).toMatch(/from cache\)/);

    // Editing the last question puts it back in the box; sending replaces it and its answer.
    await page.getByTestId('chat-turn-user').nth(1).getByTestId('chat-edit').click();
    await expect(page.getByTestId('chat-input').inputValue()).resolves.toBe('and then?');
    await page.getByTestId('chat-input').fill('and after that?');
    await page.getByTestId('chat-input').press('Enter');
    await expect.poll(() => answers.nth(1).getByTestId('chat-turn-facts').textContent(), { timeout: 30_000 }).not.toBe(secondFacts);
    await expect(page.getByTestId('chat-turn-user').allTextContents()).resolves.toEqual([
      expect.stringContaining('hello world'),
      expect.stringContaining('and after that?'),
    ]);
    expect(await answers.count()).toBe(2);

    // A long answer stopped in the middle keeps the words that came, marked as stopped.
    await page.getByTestId('chat-max-tokens').fill('8192');
    await page.getByTestId('chat-input').fill('tell me everything');
    await page.getByTestId('chat-input').press('Enter');
    await expect.poll(() => page.getByTestId('chat-streaming').textContent()).toMatch(/^Assistant.{20}/s);
    // Escape in the box stops it, as the Stop button does.
    await page.getByTestId('chat-input').press('Escape');
    await answers.nth(2).waitFor({ timeout: 30_000 });
    await expect(answers.nth(2).getByTestId('chat-turn-facts').textContent()).resolves.toMatch(/stopped/);
    expect((await answers.nth(2).getByTestId('chat-turn-text').textContent())!.length).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(projectRoot, 'test-results', 'chat.png') });

    // The host keeps the conversation and its options: a reload, and another browser, open it again.
    await page.reload();
    await page.getByTestId('page-chat').waitFor();
    await expect.poll(() => page.getByTestId('chat-turn-user').count()).toBe(3);
    await expect(answers.count()).resolves.toBe(3);
    await expect(answers.first().getByTestId('chat-turn-text').textContent()).resolves.toBe(firstText);
    await page.getByTestId('chat-options').locator('summary').click();
    await expect(page.getByTestId('chat-temperature').inputValue()).resolves.toBe('0');
    // A conversation file spoilt by hand is left alone and named; the others open as ever.
    await writeFile(path.join(dirs.baseDir, 'config', 'chats', 'chat-spoilt-0001.json'), '{"version": 1, "turns": ');
    const other = await (await session.browser.newContext()).newPage();
    await other.goto(session.host.url);
    await new AppShell(other).open('chat');
    await expect.poll(() => other.getByTestId('chat-turn-user').count()).toBe(3);
    await expect(other.getByTestId('chat-list-item').textContent()).resolves.toContain('hello world');
    await expect(other.getByTestId('chat-list-unreadable').textContent()).resolves.toContain('chat-spoilt-0001.json');

    // A wrong option says what is wrong and is not used; New chat starts over, the old one a click away in the list.
    await page.getByTestId('chat-temperature').fill('3');
    await page.getByTestId('chat-options').getByText('0 to 2, or empty').waitFor();
    await page.getByTestId('chat-new').click();
    await expect(page.getByTestId('chat-turn-user').count()).resolves.toBe(0);
    await page.getByTestId('chat-input').fill('a second conversation');
    await page.getByTestId('chat-input').press('Enter');
    await answers.first().waitFor({ timeout: 30_000 });
    // The other browser hears of it at once, newest first.
    await expect.poll(() => other.getByTestId('chat-list-item').first().textContent()).toContain('a second conversation');
    await page.getByTestId('chat-list-item').nth(1).getByRole('button', { name: 'hello world' }).click();
    await expect.poll(() => page.getByTestId('chat-turn-user').count()).toBe(3);
    // Named by hand (its first question named it till now): every window shows the name, the list keeps its order.
    const active = page.locator('[data-testid="chat-list-item"].active');
    await active.getByTestId('chat-list-rename').click();
    await active.getByTestId('chat-list-name').fill('Greetings, tested');
    await active.getByTestId('chat-list-name').press('Enter');
    await expect
      .poll(() => other.getByTestId('chat-list-item').allTextContents())
      .toEqual([expect.stringContaining('a second conversation'), expect.stringContaining('Greetings, tested')]);
    // Escape leaves a name as it was.
    await active.getByTestId('chat-list-rename').click();
    await active.getByTestId('chat-list-name').fill('not this');
    await active.getByTestId('chat-list-name').press('Escape');
    await expect(active.textContent()).resolves.toContain('Greetings, tested');
    // With more than one conversation, a box finds them (by name here; chat-search.e2e has messages).
    const { client, close } = await connectClient(session.host.origin, session.host.token);
    for (const n of [1, 2, 3, 4])
      await client.invoke('chats.put', {
        id: `chat-more-000${n}`,
        options: { model: 'tiny-llama.gguf', system: '', maxTokens: 8 },
        known: 0,
        from: 0,
        turns: [{ role: 'user', content: `question ${n}` }],
      });
    close();
    await page.getByTestId('chat-list-filter').fill('greet TESTED');
    await expect.poll(() => page.getByTestId('chat-list-item').allTextContents()).toEqual([expect.stringContaining('Greetings, tested')]);
    await page.getByTestId('chat-list-filter').fill('nothing like it');
    await page.getByText('No conversation has “nothing like it” in its name or messages.').waitFor();
    await page.getByTestId('chat-list-filter').fill('');
    await expect.poll(() => page.getByTestId('chat-list-item').count()).toBe(6);
    await page.screenshot({ path: path.join(projectRoot, 'test-results', 'chat-list.png') });
    // Deleting the one open starts a new one; the list loses it in every window.
    page.once('dialog', (dialog) => void dialog.accept());
    await page.locator('[data-testid="chat-list-item"].active').getByTestId('chat-list-delete').click();
    await expect.poll(() => other.getByTestId('chat-list-item').count()).toBe(5);
    await expect(page.getByTestId('chat-turn-user').count()).resolves.toBe(0);
    await other.close();
    await page.close();
  });

  it('saves again once the disk has room: turns a full disk kept from the host are sent with the next message (a real 64 KiB tmpfs)', async (ctx) => {
    if (mountRefusal) ctx.skip(`needs a tmpfs mount: ${mountRefusal}`);
    const { dirs } = await dirsWithTinyModel();
    const chatsDir = path.join(dirs.baseDir, 'config', 'chats');
    await mkdir(chatsDir, { recursive: true });
    mountTmpfs(chatsDir, '64k');
    session.host = await startCliHost(dirs);
    const page = await session.browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(session.host.url);
    await new AppShell(page).open('chat');
    await page.getByTestId('chat-options').locator('summary').click();
    await page.getByTestId('chat-max-tokens').fill('4');
    const answers = page.getByTestId('chat-turn-assistant');
    const say = async (text: string, count: number) => {
      await page.getByTestId('chat-input').fill(text);
      await page.getByTestId('chat-input').press('Enter');
      await expect.poll(() => answers.count(), { timeout: 60_000 }).toBe(count);
      await answers
        .nth(count - 1)
        .getByTestId('chat-turn-facts')
        .waitFor();
    };
    const held = async () => {
      const { client, close } = await connectClient(session.host!.origin, session.host!.token);
      try {
        const { chats } = await client.invoke('chats.list');
        return chats[0]?.turns ?? 0;
      } finally {
        close();
      }
    };
    await say('first', 1);
    await expect.poll(held, { timeout: 10_000 }).toBe(2);
    // The disk fills: the next exchange is not saved, and the page says why.
    await writeFile(path.join(chatsDir, 'filler'), Buffer.alloc(64 * 1024)).catch(() => undefined);
    await say('second', 2);
    await expect.poll(() => page.getByTestId('chat-error').textContent(), { timeout: 10_000 }).toContain('could not be saved');
    expect(await held()).toBe(2);
    // Room again: the next message saves what was missing with it.
    await rm(path.join(chatsDir, 'filler'));
    await say('third', 3);
    await expect.poll(held, { timeout: 10_000 }).toBe(6);
    await page.reload();
    await expect
      .poll(() => page.getByTestId('chat-turn-user').allTextContents(), { timeout: 15_000 })
      .toEqual(['first', 'second', 'third'].map((text) => expect.stringContaining(text)));
    await page.close();
  });

  it("shows a thinking model's thoughts as they come, and folds them once the answer starts", async () => {
    const dirs = await freshDirs();
    const port = await pickPort(18000 + Math.floor(Math.random() * 1000));
    await writeStandInRecipe(dirs.baseDir, {
      port,
      env: { STANDIN_REASONING: 'First I weigh the question, then I answer it. ', STANDIN_REPLY: MARKDOWN_REPLY, STANDIN_TOKEN_MS: '100' },
    });
    session.host = await startCliHost(dirs);
    const { client, close } = await connectClient(session.host.origin, session.host.token);
    await expect(client.invoke('providers.start', { id: 'standin' })).resolves.toMatchObject({ status: 'running' });
    close();
    const page = await session.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(session.host.url);
    await new AppShell(page).open('chat');
    await expect(page.getByTestId('chat-model').inputValue()).resolves.toBe('stand-in.gguf');
    await page.getByTestId('chat-input').fill('What is two and two?');
    await page.getByTestId('chat-input').press('Enter');
    // While it thinks, the thinking shows, open, before any answer.
    const live = page.getByTestId('chat-streaming').getByTestId('chat-thinking');
    await live.locator('summary', { hasText: 'Thinking…' }).waitFor({ timeout: 10_000 });
    await live.getByText('First I weigh').waitFor();
    await expect(live.getAttribute('open')).resolves.toBe('');
    const answer = page.getByTestId('chat-turn-assistant').first();
    await answer.waitFor({ timeout: 20_000 });
    // The answer as Markdown: a code block with its language and a Copy button; HTML in it never runs, nor a javascript: link.
    const code = answer.getByTestId('chat-code');
    await expect(code.locator('pre').textContent()).resolves.toBe('console.log(2 + 2);\n');
    await expect(code.textContent()).resolves.toContain('js');
    await code.getByTestId('chat-code-copy').waitFor();
    await expect(answer.locator('p').first().textContent()).resolves.toBe('Four.');
    expect(await answer.locator('script, img').count()).toBe(0);
    await expect(answer.getByRole('link', { name: 'docs' }).getAttribute('href')).resolves.toBe('https://example.org/docs');
    expect(await answer.locator('a[href^="javascript"]').count()).toBe(0);
    const thought = answer.getByTestId('chat-thinking');
    await expect(thought.getAttribute('open')).resolves.toBeNull();
    await thought.locator('summary').click();
    await expect(thought.getByTestId('chat-thinking-text').textContent()).resolves.toBe('First I weigh the question, then I answer it. ');
    await page.screenshot({ path: path.join(projectRoot, 'test-results', 'chat-thinking.png') });
    await page.close();
  });
});
