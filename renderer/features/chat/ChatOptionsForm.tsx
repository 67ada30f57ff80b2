import { useState } from 'react';
import { formatInteger } from '../../format/count';
import { ChatOptionsSchema, type ChatOptions } from '../../../shared/chats';

/**
 * The system prompt, temperature and answer length. A field takes effect once it is valid; until
 * then it says what is wrong and the last valid value stays in use.
 */
export function ChatOptionsForm({ options, onChange }: { options: ChatOptions; onChange(options: ChatOptions): void }) {
  const [temperature, setTemperature] = useState(options.temperature?.toString() ?? '');
  const [maxTokens, setMaxTokens] = useState(options.maxTokens.toString());
  const candidate = (patch: Partial<Record<'temperature' | 'maxTokens', string>>) => {
    const t = patch.temperature ?? temperature;
    const m = patch.maxTokens ?? maxTokens;
    return ChatOptionsSchema.safeParse({
      ...options,
      temperature: t.trim() === '' ? undefined : Number(t),
      maxTokens: Number(m),
    });
  };
  const parsed = candidate({});
  const problem = (field: string) => (parsed.success ? undefined : parsed.error.issues.find((i) => i.path[0] === field)?.message);
  const edit = (patch: Partial<Record<'temperature' | 'maxTokens', string>>) => {
    if (patch.temperature !== undefined) setTemperature(patch.temperature);
    if (patch.maxTokens !== undefined) setMaxTokens(patch.maxTokens);
    const next = candidate(patch);
    if (next.success) onChange(next.data);
  };

  return (
    <details className="chat-options" data-testid="chat-options">
      <summary>
        Options{options.system.trim() ? ' · system prompt set' : ''}
        {options.temperature !== undefined ? ` · temperature ${options.temperature}` : ''} · answers up to{' '}
        {formatInteger(options.maxTokens)} tokens
      </summary>
      <div className="chat-options-fields">
        <label className="chat-option chat-option-wide">
          <span>System prompt</span>
          <textarea
            className="input"
            data-testid="chat-system"
            rows={3}
            value={options.system}
            placeholder="e.g. You are a concise assistant."
            onChange={(e) => onChange({ ...options, system: e.target.value })}
          />
        </label>
        <label className="chat-option">
          <span>Temperature</span>
          <input
            className="input mono"
            data-testid="chat-temperature"
            inputMode="decimal"
            placeholder="provider's default"
            value={temperature}
            aria-invalid={problem('temperature') ? 'true' : undefined}
            onChange={(e) => edit({ temperature: e.target.value })}
          />
          {problem('temperature') && <span className="field-error">0 to 2, or empty for the provider&apos;s default</span>}
        </label>
        <label className="chat-option">
          <span>Longest answer (tokens)</span>
          <input
            className="input mono"
            data-testid="chat-max-tokens"
            inputMode="numeric"
            value={maxTokens}
            aria-invalid={problem('maxTokens') ? 'true' : undefined}
            onChange={(e) => edit({ maxTokens: e.target.value })}
          />
          {problem('maxTokens') && <span className="field-error">a whole number from 1 to 8,192</span>}
        </label>
      </div>
    </details>
  );
}
