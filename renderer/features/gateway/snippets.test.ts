import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { snippet } from './snippets';

const target = { url: 'http://127.0.0.1:8400/v1', model: "it's-a/model:q4", apiKey: 'llm-abc' };

describe('gateway snippets', () => {
  it('curl: the shell passes the URL, key and body through intact', () => {
    const code = snippet('curl', target);
    // Let a real shell parse it, with `curl` replaced by a printer of its arguments.
    const args = execFileSync('sh', ['-c', `curl() { for a in "$@"; do printf '%s\\n' "$a"; done; }\n${code}`], { encoding: 'utf8' })
      .trimEnd()
      .split('\n');
    expect(args[0]).toBe('http://127.0.0.1:8400/v1/chat/completions');
    expect(args).toContain('Authorization: Bearer llm-abc');
    expect(JSON.parse(args.at(-1)!)).toEqual({ model: "it's-a/model:q4", messages: [{ role: 'user', content: 'Hello!' }] });
  });

  it('leaves the key header out when the gateway has no key, and the clients get a placeholder', () => {
    const open = { url: target.url, model: 'm' };
    expect(snippet('curl', open)).not.toContain('Authorization');
    expect(snippet('python', open)).toContain('api_key="not-needed"');
    expect(snippet('javascript', open)).toContain('apiKey: "not-needed"');
  });

  it('the JavaScript snippet is valid code naming the URL, key and model', () => {
    const code = snippet('javascript', target);
    expect(code).toContain('baseURL: "http://127.0.0.1:8400/v1", apiKey: "llm-abc"');
    // Parses as a module (top-level await included).
    expect(() => new Function(`return async () => {${code.replace(/^import .*$/m, 'const OpenAI = class {};')}}`)).not.toThrow();
  });

  it('the Python snippet names the URL, key and model', () => {
    const code = snippet('python', target);
    expect(code).toContain('base_url="http://127.0.0.1:8400/v1", api_key="llm-abc"');
    expect(code).toContain(`model="it's-a/model:q4"`);
    // Python itself parses it.
    expect(() => execFileSync('python3', ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], { input: code })).not.toThrow();
  });
});
