import type { ChatModelFunctions } from 'node-llama-cpp';
import type { ChatTurn } from './chat-turns';
import type { ChatRequest } from './requests';
import type { Generated } from './runtime';

type Tool = NonNullable<ChatRequest['tools']>[number];

/** A function declared without parameters takes none: its arguments are `{}`. */
const NO_PARAMETERS = { type: 'object', properties: {} };

export function parametersOf(tool: Tool): Record<string, unknown> {
  return tool.function.parameters ?? NO_PARAMETERS;
}

/** The tools as node-llama-cpp's functions, which its chat templates document and let the model call when it chooses ("auto"). */
export function chatFunctions(tools: Tool[]): ChatModelFunctions {
  return Object.fromEntries(
    tools.map((tool) => [tool.function.name, { description: tool.function.description, params: parametersOf(tool) as never }]),
  );
}

/**
 * A call the client demands (tool_choice "required" or a named function), which node-llama-cpp
 * cannot force: the model is told which functions it must call and its output is held to a JSON
 * schema of that call, as llama-server holds a required tool call to a grammar. One call per answer.
 */
export interface ForcedCall {
  /** The schema the answer is held to. */
  schema: Record<string, unknown>;
  /** The conversation with the instruction added to its system prompt. */
  turns: ChatTurn[];
  /** The generated answer as the call it makes; as generated when it is cut short and not a whole call. */
  read(generated: Generated): Generated;
}

export function forcedCall(tools: Tool[], choice: 'required' | { function: { name: string } }, turns: ChatTurn[]): ForcedCall {
  const named =
    choice === 'required' ? (tools.length === 1 ? tools[0] : undefined) : tools.find((t) => t.function.name === choice.function.name);
  if (named) {
    return {
      schema: parametersOf(named),
      turns: withInstruction(
        turns,
        `Call the function "${named.function.name}" now. Answer with only its arguments, as one JSON object.\n${described(named)}`,
      ),
      read: (generated) => asCall(generated, (value) => ({ name: named.function.name, arguments: value })),
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
    read: (generated) =>
      asCall(generated, (value) => {
        const call = value as { name: string; arguments: unknown };
        return { name: call.name, arguments: call.arguments };
      }),
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

function asCall(generated: Generated, call: (value: unknown) => { name: string; arguments: unknown }): Generated {
  let value: unknown;
  try {
    value = JSON.parse(generated.text);
  } catch {
    // Cut short by max_tokens (or the client): not a whole call, so the text is what there is.
    return generated;
  }
  const made = call(value);
  return {
    ...generated,
    text: '',
    finishReason: 'tool_calls',
    toolCalls: [{ name: made.name, arguments: JSON.stringify(made.arguments ?? {}) }],
  };
}
