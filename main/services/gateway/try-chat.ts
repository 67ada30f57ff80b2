import type { TryChatRequest, TryChatResult, TryChatUsage } from '../../../shared/gateway';
import { InlineThinking, splitClosedThinking } from './inline-thinking';

/**
 * The Gateway page's "try it" box, run by the host: a real streaming chat request to the
 * gateway's own URL, so what the user sees is exactly what any client gets (routing included).
 * The host does it rather than the page, because the page may be a browser on another machine
 * (headless mode) for which 127.0.0.1 is not this host, and the app's CSP allows it no other origin.
 */
export async function tryChatThroughGateway(
  baseUrl: string,
  apiKey: string | undefined,
  request: TryChatRequest,
  /** Each piece as it comes; `reasoning` marks the model's thinking, apart from its answer. */
  onDelta: (text: string, reasoning?: boolean) => void,
  signal: AbortSignal,
): Promise<TryChatResult> {
  const started = performance.now();
  let ttfbMs = 0;
  let text = '';
  let reasoning = '';
  // Thinking comes as its own field (reasoning_content, or vLLM's and Ollama's reasoning) or inline in <think> tags.
  const inline = new InlineThinking((piece, isReasoning) => {
    if (isReasoning) reasoning += piece;
    else text += piece;
    onDelta(piece, isReasoning || undefined);
  });
  let finishReason: string | undefined;
  let usage: TryChatUsage | undefined;
  let providerId: string | undefined = undefined; // set once the gateway answers; read by result() before that
  const result = (extra: Partial<TryChatResult> = {}): TryChatResult => ({
    id: request.id,
    text,
    ...(providerId ? { providerId } : {}),
    ...(finishReason ? { finishReason } : {}),
    ...(reasoning ? { reasoning } : {}),
    ...(usage ? { usage } : {}),
    ttfbMs: Math.round(ttfbMs),
    durationMs: Math.round(performance.now() - started),
    ...extra,
  });
  let response: Response;
  try {
    response = await fetch(`${baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
      body: JSON.stringify({
        model: request.model,
        messages: request.messages,
        stream: true,
        stream_options: { include_usage: true },
        ...(request.maxTokens ? { max_tokens: request.maxTokens } : {}),
        ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      }),
      signal,
    });
  } catch (error) {
    if (signal.aborted) return result({ cancelled: true });
    throw new Error(`The gateway at ${baseUrl} did not answer: ${(error as Error).message}`);
  }
  ttfbMs = performance.now() - started;
  providerId = response.headers.get('x-gateway-provider') ?? undefined;
  if (!response.ok || !response.body) {
    const body = await response.text().catch(() => '');
    let message = body;
    try {
      message = (JSON.parse(body) as { error?: { message?: string } }).error?.message ?? body;
    } catch {
      // not JSON: show it as it came
    }
    throw new Error(`The gateway answered ${response.status}: ${message}`);
  }
  const decoder = new TextDecoder();
  let pending = '';
  try {
    for await (const bytes of response.body) {
      pending += decoder.decode(bytes, { stream: true });
      let newline: number;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, newline).trim();
        pending = pending.slice(newline + 1);
        if (!line.startsWith('data:')) continue;
        const data = line.slice(5).trim();
        if (data === '[DONE]') continue;
        const event = JSON.parse(data) as StreamEvent;
        if (event.usage) usage = usageOf(event.usage);
        const choice = event.choices?.[0];
        if (choice?.finish_reason) finishReason = choice.finish_reason;
        const thought = choice?.delta?.reasoning_content ?? choice?.delta?.reasoning;
        if (typeof thought === 'string' && thought) {
          reasoning += thought;
          onDelta(thought, true);
        }
        const delta = choice?.delta?.content;
        if (delta) inline.push(delta);
      }
    }
  } catch (error) {
    inline.end();
    if (signal.aborted) return result({ cancelled: true });
    throw new Error(`The stream broke off: ${(error as Error).message}`);
  }
  inline.end();
  // A template that opened the thinking itself leaves only its closing tag in the answer.
  const closed = reasoning ? undefined : splitClosedThinking(text);
  if (closed) ({ reasoning, answer: text } = closed);
  return result();
}

interface StreamEvent {
  choices?: Array<{ delta?: { content?: string | null; reasoning_content?: unknown; reasoning?: unknown }; finish_reason?: string | null }>;
  usage?: { prompt_tokens?: unknown; completion_tokens?: unknown; prompt_tokens_details?: { cached_tokens?: unknown } | null } | null;
}

/** The stream's usage chunk (stream_options.include_usage), when its counts are numbers. */
function usageOf(usage: NonNullable<StreamEvent['usage']>): TryChatUsage | undefined {
  const { prompt_tokens: prompt, completion_tokens: completion } = usage;
  if (typeof prompt !== 'number' || typeof completion !== 'number') return undefined;
  const cached = usage.prompt_tokens_details?.cached_tokens;
  return { promptTokens: prompt, completionTokens: completion, ...(typeof cached === 'number' ? { cachedTokens: cached } : {}) };
}
