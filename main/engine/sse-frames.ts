/**
 * The SSE frames of one streamed answer. Everything but the text is the same in every token's
 * frame, so it is serialised once per answer and only the text per token: a token's frame costs
 * one JSON.stringify of a short string, not of a nested object (issue 13: the engine's HTTP cost
 * per streamed token).
 */
export interface SseFrames {
  /** Chat only: the first frame, naming the role. */
  role(): string;
  text(text: string): string;
  /** Chat only: a piece of the model's thinking, apart from the answer (llama-server's and DeepSeek's reasoning_content). */
  reasoning(text: string): string;
  /** Chat only: call `index` begins: its id and name, its arguments still empty (OpenAI's first delta of a call). */
  callStart(index: number, id: string, name: string): string;
  /** Chat only: more of call `index`'s arguments, as the model writes them. */
  callArguments(index: number, text: string): string;
  /** Chat only: call `index` whole in one frame (each as a message's tool_calls holds it). */
  toolCall(index: number, call: WireToolCall): string;
  /** The last frame before [DONE], with why it ended. */
  finish(reason: string): string;
  /** After the last frame when the client asked for it (stream_options.include_usage): no choices, the usage. */
  usage(usage: Usage): string;
}

/** A call as OpenAI's messages carry it. */
export interface WireToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens: number };
}

export function sseFrames(object: 'chat.completion' | 'text_completion', id: string, created: number, model: string): SseFrames {
  const chat = object === 'chat.completion';
  const head = `data: {"id":${JSON.stringify(id)},"object":"${chat ? 'chat.completion.chunk' : 'text_completion'}","created":${created},"model":${JSON.stringify(model)},`;
  const start = `${head}"choices":[{"index":0,`;
  const textHead = chat ? `${start}"delta":{"content":` : `${start}"text":`;
  const calls = (index: number, call: object) =>
    `${start}"delta":${JSON.stringify({ tool_calls: [{ index, ...call }] })},"finish_reason":null}]}\n\n`;
  const textTail = chat ? '},"finish_reason":null}]}\n\n' : ',"finish_reason":null}]}\n\n';
  return {
    role: () => `${start}"delta":{"role":"assistant","content":""},"finish_reason":null}]}\n\n`,
    text: (text) => textHead + JSON.stringify(text) + textTail,
    reasoning: (text) => `${start}"delta":{"reasoning_content":${JSON.stringify(text)}},"finish_reason":null}]}\n\n`,
    callStart: (index, id, name) => calls(index, { id, type: 'function', function: { name, arguments: '' } }),
    callArguments: (index, text) => calls(index, { function: { arguments: text } }),
    toolCall: (index, call) => calls(index, call),
    usage: (usage) => `${head}"choices":[],"usage":${JSON.stringify(usage)}}\n\n`,
    finish: (reason) => `${start}${chat ? '"delta":{}' : '"text":""'},"finish_reason":${JSON.stringify(reason)}}]}\n\n`,
  };
}
