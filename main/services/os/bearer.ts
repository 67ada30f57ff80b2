/**
 * The header a locked server wants: `Authorization: Bearer <key>` is what OpenAI clients send and
 * what TabbyAPI, vLLM (--api-key), LM Studio and Jan check. Empty without a key.
 */
export function bearer(apiKey: string | undefined): Record<string, string> {
  return apiKey ? { authorization: `Bearer ${apiKey}` } : {};
}
