import { afterEach, describe, expect, it, vi } from 'vitest';
import { colours } from './cli-common';
import { completionScript } from './cli-completion';
import { parseSince } from './cli-logs';

afterEach(() => vi.unstubAllEnvs());

const tty = { isTTY: true } as NodeJS.WriteStream;
const pipe = { isTTY: false } as NodeJS.WriteStream;

describe('colours', () => {
  it('paints on a terminal only, and never with NO_COLOR or TERM=dumb; FORCE_COLOR wins', () => {
    vi.stubEnv('NO_COLOR', '');
    vi.stubEnv('FORCE_COLOR', '');
    vi.stubEnv('TERM', 'xterm');
    expect(colours(tty).red('x')).toBe('\u001b[31mx\u001b[39m');
    expect(colours(pipe).red('x')).toBe('x');
    vi.stubEnv('NO_COLOR', '1');
    expect(colours(tty).enabled).toBe(false);
    vi.stubEnv('NO_COLOR', '');
    vi.stubEnv('TERM', 'dumb');
    expect(colours(tty).enabled).toBe(false);
    vi.stubEnv('FORCE_COLOR', '1');
    expect(colours(pipe).enabled).toBe(true);
  });
});

describe('logs --since', () => {
  it('takes a duration back from now or a date and time', () => {
    const now = Date.parse('2026-11-29T12:00:00Z');
    expect(parseSince('90s', now)).toBe(now - 90_000);
    expect(parseSince('10m', now)).toBe(now - 600_000);
    expect(parseSince('2h', now)).toBe(now - 7_200_000);
    expect(parseSince('1d', now)).toBe(now - 86_400_000);
    expect(parseSince('2026-11-29T11:00:00Z', now)).toBe(now - 3_600_000);
    expect(() => parseSince('a while', now)).toThrow('--since takes a duration (90s, 10m, 2h, 1d) or a date and time, got "a while".');
  });
});

describe('completion scripts', () => {
  it('come from the command table: a command added there completes, with its flags and provider ids', () => {
    const table = {
      backup: {
        usage: 'backup [file]',
        summary: 'Back up: config and keys.',
        args: { options: { json: { type: 'boolean' as const } }, positionals: true },
        run: async () => 0,
      },
      logs: {
        usage: 'logs <id>',
        summary: 'Logs.',
        args: { options: { follow: { type: 'boolean' as const, short: 'f' }, since: { type: 'string' as const } }, positionals: true },
        complete: { providerIds: true },
        run: async () => 0,
      },
    };
    const bash = completionScript('bash', table);
    expect(bash).toContain('compgen -W "backup logs help --help --version"');
    expect(bash).toContain('    backup) words="--json --help" ;;');
    expect(bash).toContain('    logs) words="--follow -f --since --help"; ids=1 ;;');
    expect(completionScript('zsh', table)).toContain("'backup:Back up\\: config and keys.'");
    const fish = completionScript('fish', table);
    expect(fish).toContain("complete -c local-llm-manager -n '__fish_seen_subcommand_from logs' -s f");
    expect(fish).toContain("complete -c local-llm-manager -n '__fish_seen_subcommand_from backup' -l json");
  });
});

describe('doctor', () => {
  it('needs Node 20.19 or newer to run the CLI and its host', async () => {
    const { nodeFinding } = await import('./cli-doctor');
    expect(nodeFinding('20.19.0').level).toBe('ok');
    expect(nodeFinding('22.1.0').level).toBe('ok');
    expect(nodeFinding('20.18.3')).toMatchObject({ level: 'problem', fix: expect.stringContaining('nodejs.org') });
  });
});
