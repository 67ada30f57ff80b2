import { useState, type FormEvent } from 'react';
import type { GatewayStatus } from '../../../shared/gateway';
import { useTryChat } from '../../api/gateway-hooks';
import { isTooLong, MessageTooLong, SendOrStop } from '../../components/chat-controls/SendControls';
import { ErrorNotice } from '../../components/ErrorNotice';
import { GatewayModelSelect, useGatewayModels } from '../../components/model-choice/GatewayModelSelect';

/** A one-turn chat streamed through the gateway, to see routing and streaming work end to end. */
export function TryItCard({ status }: { status: GatewayStatus }) {
  const models = useGatewayModels(status);
  const [chosen, setChosen] = useState('');
  const [prompt, setPrompt] = useState('Say hello in five words.');
  const chat = useTryChat();
  const model = models.pick(chosen);
  const tooLong = isTooLong(prompt);
  const ready = Boolean(status.url) && model !== '' && prompt.trim() !== '' && !tooLong;
  const loading = chat.running && chat.text === '' && models.isLoading(model);

  const send = (event: FormEvent) => {
    event.preventDefault();
    if (ready && !chat.running) void chat.send({ model, messages: [{ role: 'user', content: prompt }], maxTokens: 256 });
  };

  return (
    <form className="card gateway-try" data-testid="gateway-try" onSubmit={send}>
      <div className="card-header">
        <h2>Try it</h2>
        <span className="card-meta">streams through the gateway, as any client would</span>
      </div>
      <div className="gateway-try-inputs">
        <GatewayModelSelect models={models} value={model} onChange={setChosen} testId="try-model" />
        <input
          className="input input-wide"
          data-testid="try-input"
          aria-label="Message"
          value={prompt}
          onChange={(e) => setPrompt(e.target.value)}
          aria-invalid={tooLong}
          aria-describedby={tooLong ? 'try-too-long' : undefined}
        />
        <SendOrStop running={chat.running} onStop={chat.stop} canSend={ready} testIdPrefix="try" />
      </div>
      <MessageTooLong message={prompt} sender="Try it" gatewayUrl={status.url} id="try-too-long" />
      {(chat.text || chat.running) && (
        <pre className="gateway-try-output" data-testid="try-output" aria-live="polite" data-running={chat.running}>
          {chat.text || (loading ? 'Loading model…' : chat.reasoning ? 'Thinking…' : '…')}
        </pre>
      )}
      {chat.result && (
        <p className="muted" data-testid="try-meta">
          via <span data-testid="try-provider">{chat.result.providerId ?? '?'}</span> · first byte {chat.result.ttfbMs} ms ·{' '}
          {chat.result.durationMs} ms in all
          {chat.result.cancelled ? ' · stopped' : ''}
        </p>
      )}
      {chat.error !== undefined && <ErrorNotice error={chat.error} title="The try did not go through" testId="try-error" />}
    </form>
  );
}
