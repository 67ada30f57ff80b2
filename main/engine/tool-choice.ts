import type { ChatModelFunctions } from 'node-llama-cpp';
import type { ChatTurn } from './chat-turns';
import type { ChatRequest } from './requests';
import { CallJsonReader } from './call-json-reader';
import type { Generated, ToolCallSink } from './runtime';

type Tool = NonNullable<ChatRequest['tools']>[number];

/** A function declared without parameters takes none: its arguments are `{}`. */
const NO_PARAMETERS = { type: 'object', properties: {} };

function parametersOf(tool: Tool): Record<string, unknown> {
  return tool.function.parameters ?? NO_PARAMETERS;
}

/** The tools as node-llama-cpp's functions, which its chat templates document and let the model call when it chooses ("auto"). */
function chatFunctions(tools: Tool[]): ChatModelFunctions {
  return Object.fromEntries(
    tools.map((tool) => [tool.function.name, { description: tool.function.description, params: parametersOf(tool) as never }]),
  );
}

/** How a chat request's tools shape its generation, or why they cannot. */
export type ToolPlan =
  { ok: true; turns: ChatTurn[]; functions?: ChatModelFunctions; forced?: ForcedCall } | { ok: false; param: string; message: string };

/**
 * Which tools the model is offered and how: none (tool_choice "none", or no tools), to call as it
 * chooses (node-llama-cpp's functions), or one call demanded (a grammar). Every tool's schema is
 * checked first with `refusal` (why node-llama-cpp cannot follow a schema), so a bad one is a 400
 * before anything streams.
 */
export async function planTools(
  body: Pick<ChatRequest, 'tools' | 'tool_choice' | 'response_format'>,
  turns: ChatTurn[],
  refusal: (schema: Record<string, unknown>) => Promise<string | undefined>,
): Promise<ToolPlan> {
  const choice = body.tool_choice ?? 'auto';
  const tools = body.tools ?? [];
  if (choice === 'none' || !tools.length) return { ok: true, turns };
  if (body.response_format && body.response_format.type !== 'text')
    return {
      ok: false,
      param: 'response_format',
      message:
        'response_format and tools cannot be combined here: ask for the tool calls first, then for the JSON answer in a request without tools.',
    };
  for (const [index, tool] of tools.entries()) {
    const refused = await refusal(parametersOf(tool));
    if (refused !== undefined)
      return {
        ok: false,
        param: `tools.${index}.function.parameters`,
        message: `tools.${index}.function.parameters: this JSON schema cannot be followed: ${refused}`,
      };
  }
  if (choice === 'auto') return { ok: true, turns, functions: chatFunctions(tools) };
  const forced = forcedCall(tools, choice, turns);
  const refused = await refusal(forced.schema);
  if (refused !== undefined)
    return { ok: false, param: 'tool_choice', message: `tool_choice: these tools cannot be called by a grammar here: ${refused}` };
  return { ok: true, turns: forced.turns, forced };
}

/**
 * A call the client demands (tool_choice "required" or a named function), which node-llama-cpp
 * cannot force: the model is told which functions it must call and its output is held to a JSON
 * schema of that call, as llama-server holds a required tool call to a grammar. One call per answer.
 */
interface ForcedCall {
  /** The schema the answer is held to. */
  schema: Record<string, unknown>;
  /** The conversation with the instruction added to its system prompt. */
  turns: ChatTurn[];
  /** The generated answer as the call it makes; as generated when it is cut short and not a whole call. */
  read(generated: Generated): Generated;
  /** Takes the answer's text as it is generated and passes the call on to `sink` as it grows (call 0). */
  streamTo(sink: ToolCallSink): (text: string) => void;
}

function forcedCall(tools: Tool[], choice: 'required' | { function: { name: string } }, turns: ChatTurn[]): ForcedCall {
  const named =
    choice === 'required' ? (tools.length === 1 ? tools[0] : undefined) : tools.find((t) => t.function.name === choice.function.name);
  if (named) {
    return {
      schema: parametersOf(named),
      turns: withInstruction(
        turns,
        `Call the function "${named.function.name}" now. Answer with only its arguments, as one JSON object.\n${described(named)}`,
      ),
      read: (generated) => asCall(generated, 'arguments', named.function.name),
      streamTo: (sink) => {
        let started = false;
        const reader = new CallJsonReader('arguments', (text) => {
          if (!started) sink.start(0, named.function.name);
          started = true;
          sink.args(0, text);
        });
        return (text) => reader.push(text);
      },
    };
  }
  return {
    schema: {
      oneOf: tools.map((tool) => ({ type: 'object', properties: { name: { const: tool.function.name }, arguments: parametersOf(tool) } })),
    },
    turns: withInstruction(
      turns,
      `Call one of these functions now. Answer with only one JSON object: {"name": the function's name, "arguments": its arguments}.\n${tools.map(described).join('\n')}`,
    ),
    // The grammar made it {"name": one of the tools, "arguments": …}.
    read: (generated) => asCall(generated, 'call'),
    streamTo: (sink) => {
      const reader = new CallJsonReader(
        'call',
        (text) => sink.args(0, text),
        (name) => sink.start(0, name),
      );
      return (text) => reader.push(text);
    },
  };
}

function described(tool: Tool): string {
  const about = tool.function.description ? `: ${tool.function.description}` : '';
  return `- ${tool.function.name}${about}\n  arguments (JSON schema): ${JSON.stringify(parametersOf(tool))}`;
}

/** The instruction goes into the system prompt, the one place every chat template takes one. */
function withInstruction(turns: ChatTurn[], instruction: string): ChatTurn[] {
  const first = turns[0];
  if (first?.role === 'system') return [{ role: 'system', text: `${first.text}\n\n${instruction}` }, ...turns.slice(1)];
  return [{ role: 'system', text: instruction }, ...turns];
}

/**
 * The generated answer as the call it makes, its arguments' text as the model wrote it (the same
 * text a stream of it carries); as generated when it is cut short and not a whole call.
 */
function asCall(generated: Generated, shape: 'arguments' | 'call', name?: string): Generated {
  let args = '';
  const reader = new CallJsonReader(
    shape,
    (text) => (args += text),
    (named) => (name = named),
  );
  reader.push(generated.text);
  if (name === undefined) return generated;
  try {
    JSON.parse(args || '{}');
  } catch {
    // Cut short by max_tokens (or the client): not a whole call, so the text is what there is.
    return generated;
  }
  return { ...generated, text: '', finishReason: 'tool_calls', toolCalls: [{ name, arguments: args || '{}' }] };
}
