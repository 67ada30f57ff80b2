import { describe, expect, it } from 'vitest';
import { startStandIn } from '../../../test/gateway-stand-ins';
import { tryChatThroughGateway } from './try-chat';

// What Chat and `local-llm-manager chat` read from a streamed answer, against a llama-server
// stand-in (a real process speaking its API) sending thinking each way providers do.
async function chat(env: Record<string, string>) {
  const standIn = await startStandIn('thinker', 'qwen3.gguf', env);
  const pieces: Array<[string, boolean]> = [];
  const result = await tryChatThroughGateway(
    `${standIn.baseUrl}/v1`,
    undefined,
    { id: 't', model: 'qwen3.gguf', messages: [{ role: 'user', content: 'hi' }] },
    (text, reasoning) => pieces.push([text, reasoning === true]),
    new AbortController().signal,
  );
  const streamed = (reasoning: boolean) =>
    pieces
      .filter(([, r]) => r === reasoning)
      .map(([t]) => t)
      .join('');
  return { result, reasoning: streamed(true), answer: streamed(false) };
}

describe('a thinking model’s answer, read apart from its thinking', () => {
  it.each([
    ['reasoning_content (llama-server, DeepSeek)', { STANDIN_REASONING: 'Two and two. ', STANDIN_REPLY: 'It is four.' }],
    [
      'reasoning (vLLM, Ollama)',
      { STANDIN_REASONING: 'Two and two. ', STANDIN_REASONING_FIELD: 'reasoning', STANDIN_REPLY: 'It is four.' },
    ],
    ['inline <think> tags', { STANDIN_REPLY: '<think> Two and two. </think>\n\nIt is four.' }],
  ])('from %s', async (_how, env) => {
    const { result, reasoning, answer } = await chat(env);
    expect(reasoning.trim()).toBe('Two and two.');
    expect(answer).toBe('It is four.');
    expect(result.reasoning?.trim()).toBe('Two and two.');
    expect(result.text).toBe('It is four.');
  });

  it('from a template that opened the thinking itself: known once the answer is whole', async () => {
    const { result } = await chat({ STANDIN_REPLY: 'Two and two. </think>\n\nIt is four.' });
    expect(result).toMatchObject({ reasoning: 'Two and two.', text: 'It is four.' });
  });

  it('an answer without thinking has none', async () => {
    const { result, reasoning } = await chat({ STANDIN_REPLY: 'Just <b>four</b>.' });
    expect(reasoning).toBe('');
    expect(result.reasoning).toBeUndefined();
    expect(result.text).toBe('Just <b>four</b>.');
  });
});
