import { z } from 'zod';

/** The parts of OpenAI's request bodies the engine honours; unknown fields are ignored as OpenAI's server does. */
const Sampling = {
  model: z.string().optional(),
  max_tokens: z.number().int().min(1).max(32_768).optional(),
  max_completion_tokens: z.number().int().min(1).max(32_768).optional(),
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().min(0).max(1).optional(),
  seed: z.number().int().optional(),
  stream: z.boolean().optional(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).optional(),
  // One answer per request, as llama-server makes: a client asking for more is told, not given one silently.
  n: z
    .number()
    .int()
    .refine((n) => n === 1, 'only 1 answer per request is made here; send the request again for another')
    .optional(),
  /** JSON out (OpenAI's json_object and json_schema): the sampler is held to a grammar, as llama-server does. */
  response_format: z
    .discriminatedUnion('type', [
      z.object({ type: z.literal('text') }),
      z.object({ type: z.literal('json_object') }),
      z.object({
        type: z.literal('json_schema'),
        json_schema: z.object({
          name: z.string().max(64).optional(),
          schema: z.record(z.string(), z.unknown()),
          strict: z.boolean().nullish(),
        }),
      }),
    ])
    .optional(),
};

const TextContent = z.union([z.string(), z.array(z.object({ type: z.literal('text'), text: z.string() }))]);

export const ChatRequestSchema = z.object({
  ...Sampling,
  // Tool calling is not built yet: refused, as llama-server without --jinja refuses it, rather than answered as if no tools were offered.
  tools: z
    .array(z.unknown())
    .max(
      0,
      "tool calling is not supported by the built-in engine yet: send the request without tools, or use a provider that calls tools (llama.cpp's server with --jinja, Ollama, LM Studio)",
    )
    .optional(),
  messages: z
    .array(
      z.object({
        role: z.enum(['system', 'developer', 'user', 'assistant']),
        content: TextContent.nullable(),
      }),
    )
    .min(1),
});
export type ChatRequest = z.infer<typeof ChatRequestSchema>;

export const CompletionRequestSchema = z.object({ ...Sampling, prompt: z.union([z.string(), z.array(z.string()).length(1)]) });
export type CompletionRequest = z.infer<typeof CompletionRequestSchema>;

export const EmbeddingRequestSchema = z.object({
  model: z.string().optional(),
  input: z.union([z.string(), z.array(z.string()).min(1).max(256)]),
  encoding_format: z.enum(['float', 'base64']).optional(),
});
export type EmbeddingRequest = z.infer<typeof EmbeddingRequestSchema>;

export function textOf(content: z.infer<typeof TextContent> | null): string {
  if (content === null) return '';
  return typeof content === 'string' ? content : content.map((part) => part.text).join('');
}
