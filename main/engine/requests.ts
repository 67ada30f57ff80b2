import { z } from 'zod';

/** The parts of OpenAI's request bodies the engine honours; unknown fields are ignored as OpenAI's server does. */
const Sampling = {
  model: z.string().optional(),
  max_tokens: z.number().int().min(1).max(32_768).optional(),
  max_completion_tokens: z.number().int().min(1).max(32_768).optional(),
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().min(0).max(1).optional(),
  seed: z.number().int().optional(),
  // OpenAI's penalties and llama-server's samplers, which llama.cpp has and clients such as
  // SillyTavern and Open WebUI send: honoured, not ignored.
  frequency_penalty: z.number().min(-2).max(2).nullish(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  repeat_penalty: z.number().min(0).max(10).optional(),
  repeat_last_n: z.number().int().min(0).max(32_768).optional(),
  top_k: z.number().int().min(0).optional(),
  min_p: z.number().min(0).max(1).optional(),
  /** Token id (as text, as OpenAI takes it) to a bias added to its logit: -100 bans it, 100 all but forces it. */
  logit_bias: z
    .record(z.string().regex(/^\d{1,9}$/, 'a logit_bias key is a token id: a whole number'), z.number().min(-100).max(100))
    .nullish(),
  logprobs: z
    .boolean()
    .refine((on) => !on, "the built-in engine does not return log probabilities; leave logprobs out, or use llama.cpp's server for them")
    .nullish(),
  top_logprobs: z.number().int().max(0, 'the built-in engine does not return log probabilities; leave top_logprobs out').nullish(),
  /** llama-server's: false evaluates the whole prompt again rather than reuse what a sequence holds of it. */
  cache_prompt: z.boolean().optional(),
  stream: z.boolean().optional(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).nullish(),
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

/** A part of a message's content: text is read; any other kind is named in the refusal, never dropped unseen. */
const ContentPart = z
  .object({ type: z.string(), text: z.unknown().optional() })
  .superRefine((part, ctx) => {
    if (part.type !== 'text')
      ctx.addIssue({
        code: 'custom',
        path: ['type'],
        message: `a "${part.type.slice(0, 40)}" part cannot be read: the built-in engine's models take text only. Send the text alone, or use a provider that serves a vision or audio model (Ollama, LM Studio, llama.cpp's server with --mmproj)`,
      });
    else if (typeof part.text !== 'string') ctx.addIssue({ code: 'custom', path: ['text'], message: 'a text part needs "text", a string' });
  })
  .transform((part) => ({ type: 'text' as const, text: part.text as string }));

const ContentParts = z.array(ContentPart);

/**
 * A string or a list of parts. Not a zod union: a union's error is "Invalid input", and the reason
 * an image part cannot be read has to reach the client.
 */
const TextContent = z.unknown().transform((content, ctx) => {
  if (typeof content === 'string') return content;
  const parts = ContentParts.safeParse(content);
  if (parts.success) return parts.data;
  if (!Array.isArray(content))
    ctx.addIssue({ code: 'custom', message: 'content is a string, or a list of {"type": "text", "text": …} parts' });
  else for (const issue of parts.error.issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  return z.NEVER;
});

/** OpenAI's deprecated function calling: refused with the way to its successor rather than ignored. */
const LEGACY_FUNCTIONS =
  'the deprecated "functions"/"function_call" fields are not read here: send "tools" (each {"type": "function", "function": {…}}) and "tool_choice" instead';
const legacyFunctions = z
  .unknown()
  .refine((value) => value === undefined, LEGACY_FUNCTIONS)
  .optional();

/** OpenAI's rule for a function's name, which clients already follow. */
const ToolName = z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'a tool name is 1 to 64 letters, digits, "_" or "-"');

const Tool = z.object({
  type: z.literal('function'),
  function: z.object({
    name: ToolName,
    description: z.string().max(8_192).optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullish(),
  }),
});

const ToolCall = z.object({
  id: z.string().min(1).max(256),
  type: z.literal('function'),
  function: z.object({ name: z.string().min(1).max(64), arguments: z.string() }),
});

const Message = z.discriminatedUnion('role', [
  z.object({ role: z.enum(['system', 'developer', 'user']), content: TextContent.nullable() }),
  z.object({ role: z.literal('assistant'), content: TextContent.nullish(), tool_calls: z.array(ToolCall).max(128).optional() }),
  z.object({ role: z.literal('tool'), tool_call_id: z.string().min(1).max(256), content: TextContent }),
  z
    .object({ role: z.literal('function') })
    .superRefine((_message, ctx) =>
      ctx.addIssue({
        code: 'custom',
        path: ['role'],
        message: LEGACY_FUNCTIONS.replace('fields are', 'fields and "function" messages are'),
      }),
    )
    .transform((): never => undefined as never),
]);

export const ChatRequestSchema = z
  .object({
    ...Sampling,
    tools: z.array(Tool).max(128).optional(),
    tool_choice: z
      .union([z.enum(['none', 'auto', 'required']), z.object({ type: z.literal('function'), function: z.object({ name: z.string() }) })])
      .optional(),
    parallel_tool_calls: z.boolean().optional(),
    functions: legacyFunctions,
    function_call: legacyFunctions,
    messages: z.array(Message).min(1),
  })
  .superRefine((body, ctx) => {
    const names = (body.tools ?? []).map((tool) => tool.function.name);
    names.forEach((name, i) => {
      if (names.indexOf(name) !== i)
        ctx.addIssue({
          code: 'custom',
          path: ['tools', i, 'function', 'name'],
          message: `two tools are named "${name}"; give each its own name`,
        });
    });
    const choice = body.tool_choice;
    if (choice !== undefined && choice !== 'none' && names.length === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['tool_choice'],
        message: 'tool_choice needs tools: send the tools it may call, or leave it out',
      });
    else if (typeof choice === 'object' && !names.includes(choice.function.name))
      ctx.addIssue({
        code: 'custom',
        path: ['tool_choice'],
        message: `no tool named "${choice.function.name}" was sent; name one of: ${names.join(', ')}`,
      });
  });
export type ChatRequest = z.infer<typeof ChatRequestSchema>;

export const CompletionRequestSchema = z.object({ ...Sampling, prompt: z.union([z.string(), z.array(z.string()).length(1)]) });
export type CompletionRequest = z.infer<typeof CompletionRequestSchema>;

const EmbeddingText = z.string().min(1, 'an empty text has no embedding: leave it out');

export const EmbeddingRequestSchema = z.object({
  model: z.string().optional(),
  // An empty text has no embedding: node-llama-cpp returns an empty vector, which would go into a client's index unnoticed.
  input: z.union([EmbeddingText, z.array(EmbeddingText).min(1).max(256)]),
  encoding_format: z.enum(['float', 'base64']).optional(),
});
export type EmbeddingRequest = z.infer<typeof EmbeddingRequestSchema>;

export function textOf(content: z.infer<typeof TextContent> | null | undefined): string {
  if (content == null) return '';
  return typeof content === 'string' ? content : content.map((part) => part.text).join('');
}

/** llama-server's /tokenize, which tools that treat the engine as one (SillyTavern) count tokens with. */
export const TokenizeRequestSchema = z.object({
  content: z.string().max(4_000_000),
  add_special: z.boolean().optional(),
  parse_special: z.boolean().optional(),
  with_pieces: z.boolean().optional(),
});

/** llama-server's /detokenize; the ids are checked against the vocabulary before llama.cpp sees them. */
export const DetokenizeRequestSchema = z.object({ tokens: z.array(z.number().int().min(0)).max(1_000_000) });
