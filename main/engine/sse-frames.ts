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
  /** The last frame before [DONE], with why it ended. */
  finish(reason: string): string;
}

export function sseFrames(object: 'chat.completion' | 'text_completion', id: string, created: number, model: string): SseFrames {
  const chat = object === 'chat.completion';
  const start = `data: {"id":${JSON.stringify(id)},"object":"${chat ? 'chat.completion.chunk' : 'text_completion'}","created":${created},"model":${JSON.stringify(model)},"choices":[{"index":0,`;
  const textHead = chat ? `${start}"delta":{"content":` : `${start}"text":`;
  const textTail = chat ? '},"finish_reason":null}]}\n\n' : ',"finish_reason":null}]}\n\n';
  return {
    role: () => `${start}"delta":{"role":"assistant","content":""},"finish_reason":null}]}\n\n`,
    text: (text) => textHead + JSON.stringify(text) + textTail,
    finish: (reason) => `${start}${chat ? '"delta":{}' : '"text":""'},"finish_reason":${JSON.stringify(reason)}}]}\n\n`,
  };
}
