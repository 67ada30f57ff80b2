import { readFile } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it, onTestFailed, onTestFinished } from 'vitest';
import { pickPort } from '../main/services/os/ports';
import { cliPath, freshDirs, projectRoot, runCli, startCliHost } from './support/host-process';
import { processesOf } from './support/our-processes';
import { writeStandInRecipe } from './support/stand-in-recipe';
import { connectClient } from './support/ws-client';
import { dirsWithTinyModel, TINY_MODEL } from './support/tiny-model-dirs';

describe('`chat`: from a model in the folder to a streamed answer in the terminal', () => {
  it('asks through the gateway (loading the only model on demand), takes piped input, and names what is wrong', async () => {
    const { dirs } = await dirsWithTinyModel();
    onTestFinished(async () => {
      await runCli(dirs, ['shutdown']);
      for (const p of await processesOf(dirs.baseDir)) process.kill(p.pid, 'SIGKILL');
    });
    // No host running: the question brings one up in the background, as `start` does. No model
    // named: the only one there is, loaded on demand by the gateway.
    const first = await runCli(dirs, ['chat', '--max-tokens', '6', '--temperature', '0', 'hello', 'world']);
    expect([first.code, first.stderr]).toEqual([0, expect.stringContaining('cut at the token limit')]);
    expect(first.stderr).toMatch(/Started a background host \(pid \d+, http:\/\/127\.0\.0\.1:\d+\); "local-llm-manager shutdown" stops it/);
    const host = JSON.parse(await readFile(path.join(dirs.baseDir, 'cache', 'host.json'), 'utf8')) as { origin: string; token: string };
    expect(first.stdout.trim().length).toBeGreaterThan(0);
    // The engine's answer went to stdout alone.
    expect(first.stdout.endsWith('\n')).toBe(true);
    // At temperature 0 the same question has the same answer (sampled, six tokens of this model's vocabulary would differ).
    const again = await runCli(dirs, ['chat', '--max-tokens', '6', '-t', '0', 'hello', 'world']);
    expect([again.code, again.stdout]).toEqual([0, first.stdout]);

    // Piped: the question itself, or standing where "-" is.
    const piped = await runCli(dirs, ['chat', '-m', TINY_MODEL, '--max-tokens', '4'], {}, 'the model');
    expect(piped.code).toBe(0);
    const inPlace = await runCli(dirs, ['chat', '--max-tokens', '4', '--system', 'be brief', 'Review:', '-'], {}, 'some text');
    expect(inPlace.code).toBe(0);

    const unknown = await runCli(dirs, ['chat', '-m', 'tiny', 'hi']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(`The model "tiny" is not served by any provider behind this gateway; did you mean "${TINY_MODEL}"?`);
    const nothing = await runCli(dirs, ['chat'], {}, '   ');
    expect([nothing.code, nothing.stderr]).toEqual([2, expect.stringContaining('Nothing to ask')]);
    const badLimit = await runCli(dirs, ['chat', '--max-tokens', 'lots', 'hi']);
    expect([badLimit.code, badLimit.stderr]).toEqual([2, expect.stringContaining('--max-tokens takes a whole number')]);
    const badTemperature = await runCli(dirs, ['chat', '--temperature', 'hot', 'hi']);
    expect([badTemperature.code, badTemperature.stderr]).toEqual([2, expect.stringContaining('--temperature takes a number from 0 to 2')]);

    // A single question is not kept; --continue goes on with the conversation saved last (the Chat page's) and keeps its turn there.
    const { client, close } = await connectClient(host.origin, host.token);
    onTestFinished(close);
    expect((await client.invoke('chats.list')).chats).toEqual([]);
    const nothingYet = await runCli(dirs, ['chat', '--continue', 'hi']);
    expect([nothingYet.code, nothingYet.stderr]).toEqual([1, expect.stringContaining('There is no conversation to continue yet')]);
    const options = { model: TINY_MODEL, system: '', maxTokens: 4, temperature: 0 };
    await client.invoke('chats.put', {
      id: 'chat-from-the-page',
      options,
      known: 0,
      from: 0,
      turns: [
        { role: 'user', content: 'hello world' },
        { role: 'assistant', content: 'hi there' },
      ],
    });
    // Its own settings go on with it (4 tokens, temperature 0), none named here.
    const goOn = await runCli(dirs, ['chat', '-c', 'and then?']);
    expect(goOn.code).toBe(0);
    expect(goOn.stderr).toContain('cut at the token limit: --max-tokens 8');
    const kept = await client.invoke('chats.get', { id: 'chat-from-the-page' });
    expect(kept.turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(kept.turns[2]!.content).toBe('and then?');
    // Kept exactly as printed: the tiny model may end on whitespace (once a vertical tab) that a trim would lose.
    const answer = kept.turns[3]!.content;
    expect(goOn.stdout).toBe(answer.endsWith('\n') ? answer : `${answer}\n`);
    // The earlier turns went with the question: its prompt is longer than the question alone makes.
    const alone = await client.invoke('gateway.try', {
      id: 't',
      model: TINY_MODEL,
      messages: [{ role: 'user', content: 'and then?' }],
      maxTokens: 1,
    });
    expect(kept.turns[3]!.meta?.promptTokens).toBeGreaterThan(alone.usage!.promptTokens);
    // Greedy, as the conversation asks: the same words the gateway gives at temperature 0 for the same turns.
    const greedy = await client.invoke('gateway.try', {
      id: 'g',
      model: TINY_MODEL,
      messages: kept.turns.slice(0, 3).map(({ role, content }) => ({ role, content })),
      maxTokens: 4,
      temperature: 0,
    });
    expect(answer).toBe(greedy.text);

    // `chats` lists them, newest first, and finds them by words in their messages; --resume goes on with the one named.
    await client.invoke('chats.put', {
      id: 'chat-newer-0001',
      options,
      known: 0,
      from: 0,
      turns: [{ role: 'user', content: 'Newer one' }],
    });
    const listed = await runCli(dirs, ['chats']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(
      /^Newer one\n {2}chat-newer-0001 .* 1 message · tiny-llama\.gguf\nhello world\n {2}chat-from-the-page .* 4 messages/,
    );
    const found = await runCli(dirs, ['chats', 'THEN']);
    expect(found.stdout).toContain('hello world\n  chat-from-the-page');
    expect(found.stdout).toContain('found in 1 message\n  You: and then?');
    expect(found.stdout).not.toContain('Newer one');
    const none = await runCli(dirs, ['chats', 'then', 'nowhere']);
    expect([none.code, none.stdout]).toEqual([0, 'No conversation has “then nowhere” in its name or messages.\n']);
    const asJson = JSON.parse((await runCli(dirs, ['chats', 'then', '--json'])).stdout) as {
      hits: Array<{ id: string; snippet: { turn: number } }>;
    };
    expect(asJson.hits).toEqual([expect.objectContaining({ id: 'chat-from-the-page', snippet: expect.objectContaining({ turn: 2 }) })]);
    const resumed = await runCli(dirs, ['chat', '--resume', 'chat-from-the-page', '--max-tokens', '4', 'once more']);
    expect(resumed.code).toBe(0);
    expect((await client.invoke('chats.get', { id: 'chat-from-the-page' })).turns[4]!.content).toBe('once more');
    expect((await client.invoke('chats.get', { id: 'chat-newer-0001' })).turns).toHaveLength(1);
    const wrongId = await runCli(dirs, ['chat', '--resume', 'Newer one', 'hi']);
    expect([wrongId.code, wrongId.stderr]).toEqual([
      2,
      expect.stringContaining('--resume takes a conversation\'s id as "chats" lists them'),
    ]);
    const gone = await runCli(dirs, ['chat', '-r', 'chat-gone-00001', 'hi']);
    expect([gone.code, gone.stderr]).toEqual([1, expect.stringContaining('There is no conversation chat-gone-00001.')]);
    expect(gone.stderr).toContain('local-llm-manager chats');
    const both = await runCli(dirs, ['chat', '-c', '-r', 'chat-from-the-page', 'hi']);
    expect([both.code, both.stderr]).toEqual([2, expect.stringContaining('not both')]);
    // One conversation as Markdown, for a file.
    const exported = await runCli(dirs, ['chats', '--export', 'chat-from-the-page']);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toMatch(
      /^# hello world\n\n\*tiny-llama\.gguf · last message \d{4}-\d\d-\d\d\*\n\n## You\n\nhello world\n\n## Assistant\n\nhi there\n\n## You\n\nand then\?/,
    );
    const exportWrong = await runCli(dirs, ['chats', '--export', 'nope']);
    expect([exportWrong.code, exportWrong.stderr]).toEqual([2, expect.stringContaining("--export takes a conversation's id")]);
    // Without a host, `chats` reads the folder itself.
    const shutdown = await runCli(dirs, ['shutdown']);
    expect(shutdown.code, shutdown.stderr).toBe(0);
    const offline = await runCli(dirs, ['chats', 'once']);
    expect([offline.code, offline.stdout]).toEqual([0, expect.stringContaining('You: once more')]);
    expect((await runCli(dirs, ['chats', '--export', 'chat-from-the-page'])).stdout).toBe(exported.stdout);
  }, 120_000);

  it("prints a thinking model's thoughts on stderr, so stdout (a pipe, a file) gets the answer alone", async () => {
    const dirs = await freshDirs();
    await writeStandInRecipe(dirs.baseDir, {
      port: await pickPort(18000 + Math.floor(Math.random() * 1000)),
      env: { STANDIN_REASONING: 'Two and two make four. ', STANDIN_REPLY: 'Four.' },
    });
    const host = await startCliHost(dirs);
    onTestFinished(async () => {
      await host.stop();
    });
    expect((await runCli(dirs, ['start', 'standin'])).code).toBe(0);
    const thought = await runCli(dirs, ['chat', '-m', 'stand-in.gguf', 'two and two?']);
    expect(thought.code).toBe(0);
    expect(thought.stdout).toBe('Four.\n');
    expect(thought.stderr).toContain('Thinking: Two and two make four.');
  });

  it('on a terminal, a conversation: a text pasted between """ lines is one question, whole, a line pasted after it the next, and Ctrl-D ends it', async () => {
    const { dirs } = await dirsWithTinyModel();
    onTestFinished(async () => {
      await runCli(dirs, ['shutdown']);
      for (const p of await processesOf(dirs.baseDir)) process.kill(p.pid, 'SIGKILL');
    });
    // A terminal of its own: util-linux's script runs the chat on a pseudo-terminal and passes our writes to it as typing.
    const command = [process.execPath, cliPath, 'chat', '-t', '0', '--max-tokens', '4'].map((a) => `'${a}'`).join(' ');
    const terminal = spawn('script', ['-qefc', command, '/dev/null'], {
      cwd: projectRoot,
      env: { ...process.env, HELIX_LOCAL_LLM_DIR: dirs.baseDir, XDG_CONFIG_HOME: dirs.configHome, TERM: 'dumb' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let screen = '';
    terminal.stdout.on('data', (chunk: Buffer) => (screen += chunk.toString()));
    onTestFailed(() => console.log('The terminal showed:', JSON.stringify(screen)));
    const exited = new Promise<number | null>((resolve) => terminal.on('exit', resolve));
    const shows = (text: string) => expect.poll(() => screen, { timeout: 60_000, interval: 100 }).toContain(text);
    await shows('Chatting with tiny-llama.gguf');
    // Pasted: every line arrives in one write, before the chat has asked for the second; a line
    // after the closing """ is a second question, asked once the first is answered.
    terminal.stdin.write('"""\ntwo lines\nhere"""\nand more\n');
    const kept = async () => {
      const { chats } = JSON.parse((await runCli(dirs, ['chats', '--json'])).stdout) as { chats: Array<{ id: string; turns: number }> };
      return chats[0];
    };
    await expect.poll(async () => (await kept())?.turns, { timeout: 60_000, interval: 250 }).toBe(4);
    // Ctrl-D once the prompt is back: between two questions the terminal is not in raw mode, and a
    // ^D there is the line discipline's, never seen by the chat.
    await expect.poll(() => screen.endsWith('> '), { timeout: 10_000 }).toBe(true);
    terminal.stdin.write('\x04');
    expect(await exited).toBe(0);
    expect(screen).toContain('> and more');

    const exported = await runCli(dirs, ['chats', '--export', (await kept())!.id]);
    expect(exported.stdout).toContain('## You\n\ntwo lines\nhere\n\n## Assistant');
    expect(exported.stdout).toContain('## You\n\nand more\n\n## Assistant');
  });
});
