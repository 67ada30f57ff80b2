import { textOf, type ChatRequest } from './requests';

/** A tool call the assistant made earlier in the conversation, with what the client's tool answered. */
export interface ToolCallMade {
  name: string;
  params: unknown;
  result: unknown;
}

/** One turn of a conversation as the runtime takes it: OpenAI's tool messages folded into the calls they answer. */
export type ChatTurn = { role: 'system' | 'user'; text: string } | { role: 'assistant'; text: string; calls: ToolCallMade[] };

export type ChatTurns = { ok: true; turns: ChatTurn[] } | { ok: false; param: string; message: string };

/**
 * OpenAI's messages as turns. Each tool message's answer goes to the call it names, so the model
 * sees call and result together as its chat template writes them; a tool message that answers no
 * call, or a call left without an answer, is refused as OpenAI refuses it (a result the model
 * never sees, or a call it thinks it is still waiting on, would make it answer nonsense).
 */
export function chatTurns(messages: ChatRequest['messages']): ChatTurns {
  const turns: ChatTurn[] = [];
  /** Calls not answered yet, by id, with where they were made. */
  const waiting = new Map<string, { call: ToolCallMade; at: number }>();
  for (const [index, message] of messages.entries()) {
    if (message.role === 'tool') {
      const pending = waiting.get(message.tool_call_id);
      if (!pending)
        return refuse(
          index,
          'tool_call_id',
          `answers no tool call: "${message.tool_call_id.slice(0, 100)}" is not the id of a call in the assistant message before it. Send each tool message right after the assistant message whose tool_calls it answers, with that call's id.`,
        );
      pending.call.result = jsonOrText(textOf(message.content));
      waiting.delete(message.tool_call_id);
      continue;
    }
    const unanswered = waiting.entries().next().value;
    if (unanswered) return unansweredCall(unanswered[1].at, unanswered[0]);
    if (message.role === 'assistant') {
      const calls = (message.tool_calls ?? []).map((toolCall) => {
        const call: ToolCallMade = { name: toolCall.function.name, params: jsonOrText(toolCall.function.arguments), result: null };
        waiting.set(toolCall.id, { call, at: index });
        return call;
      });
      turns.push({ role: 'assistant', text: textOf(message.content), calls });
    } else {
      turns.push({ role: message.role === 'developer' ? 'system' : message.role, text: textOf(message.content) });
    }
  }
  const unanswered = waiting.entries().next().value;
  if (unanswered) return unansweredCall(unanswered[1].at, unanswered[0]);
  return { ok: true, turns };
}

function refuse(index: number, field: string, message: string): ChatTurns {
  return { ok: false, param: `messages.${index}.${field}`, message: `messages.${index}.${field}: ${message}` };
}

function unansweredCall(index: number, id: string): ChatTurns {
  return refuse(
    index,
    'tool_calls',
    `the call "${id.slice(0, 100)}" has no answer: follow this message with {"role": "tool", "tool_call_id": "${id.slice(0, 100)}", "content": …} for each of its calls.`,
  );
}

/**
 * Arguments and answers as data when they are JSON (as they should be), so the template shows
 * them as data rather than as a quoted string; the text otherwise.
 */
function jsonOrText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
