import { useState } from 'react';
import type { GatewayStatus } from '../../../shared/gateway';
import { useOnDemandModels } from '../../api/gateway-hooks';
import { CopyTextButton } from '../../components/CopyTextButton';
import { SNIPPET_LABELS, SNIPPET_LANGUAGES, snippet, type SnippetLanguage } from './snippets';

/** Code to paste into a terminal or a project, already pointed at this gateway and one of its models. */
export function SnippetsCard({ status }: { status: GatewayStatus }) {
  const [language, setLanguage] = useState<SnippetLanguage>('curl');
  const { data: onDemand } = useOnDemandModels();
  if (!status.url) return null;
  // A model a request would really reach: one served now, else one the gateway loads when asked.
  const model =
    status.routes.find((r) => r.targets.some((t) => t.healthy))?.model ??
    status.routes[0]?.model ??
    (onDemand?.settings.enabled ? onDemand.models[0]?.id : undefined) ??
    'MODEL';
  const code = snippet(language, { url: status.url, apiKey: status.apiKey, model });
  return (
    <div className="card gateway-snippets" data-testid="gateway-snippets">
      <div className="card-header">
        <h2>Use it</h2>
        <div className="gateway-tabs" role="tablist">
          {SNIPPET_LANGUAGES.map((lang) => (
            <button
              key={lang}
              type="button"
              role="tab"
              aria-selected={lang === language}
              data-testid={`snippet-tab-${lang}`}
              className={`button button-small ${lang === language ? 'button-primary' : 'button-ghost'}`}
              onClick={() => setLanguage(lang)}
            >
              {SNIPPET_LABELS[lang]}
            </button>
          ))}
        </div>
      </div>
      <div className="gateway-snippet">
        <pre data-testid="snippet-code">{code}</pre>
        <CopyTextButton text={code} what={`the ${SNIPPET_LABELS[language]} snippet`} testId="snippet-copy" />
      </div>
    </div>
  );
}
