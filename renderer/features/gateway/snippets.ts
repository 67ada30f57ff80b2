export const SNIPPET_LANGUAGES = ['curl', 'python', 'javascript'] as const;
export type SnippetLanguage = (typeof SNIPPET_LANGUAGES)[number];

export const SNIPPET_LABELS: Record<SnippetLanguage, string> = {
  curl: 'curl',
  python: 'Python (openai)',
  javascript: 'JavaScript (openai)',
};

export interface SnippetTarget {
  /** The gateway's base URL, ending in /v1. */
  url: string;
  apiKey?: string;
  model: string;
}

/** Any OpenAI client sends a key; without one set on the gateway, any text does. */
const NO_KEY = 'not-needed';

/** Ready-to-paste code that calls the gateway; strings are JSON-quoted, which suits all three languages. */
export function snippet(language: SnippetLanguage, { url, apiKey, model }: SnippetTarget): string {
  const key = apiKey ?? NO_KEY;
  switch (language) {
    case 'curl': {
      const body = JSON.stringify({ model, messages: [{ role: 'user', content: 'Hello!' }] });
      return [
        `curl ${shellQuote(`${url}/chat/completions`)} \\`,
        `  -H 'Content-Type: application/json' \\`,
        ...(apiKey ? [`  -H ${shellQuote(`Authorization: Bearer ${apiKey}`)} \\`] : []),
        `  -d ${shellQuote(body)}`,
      ].join('\n');
    }
    case 'python':
      return [
        'from openai import OpenAI',
        '',
        `client = OpenAI(base_url=${JSON.stringify(url)}, api_key=${JSON.stringify(key)})`,
        'reply = client.chat.completions.create(',
        `    model=${JSON.stringify(model)},`,
        '    messages=[{"role": "user", "content": "Hello!"}],',
        ')',
        'print(reply.choices[0].message.content)',
      ].join('\n');
    case 'javascript':
      return [
        "import OpenAI from 'openai';",
        '',
        `const client = new OpenAI({ baseURL: ${JSON.stringify(url)}, apiKey: ${JSON.stringify(key)} });`,
        'const reply = await client.chat.completions.create({',
        `  model: ${JSON.stringify(model)},`,
        "  messages: [{ role: 'user', content: 'Hello!' }],",
        '});',
        'console.log(reply.choices[0].message.content);',
      ].join('\n');
  }
}

/** Single-quoted for POSIX shells: a ' inside becomes '\''. */
function shellQuote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}
