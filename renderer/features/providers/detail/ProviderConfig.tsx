import { useEffect } from 'react';
import type { ProviderDetail } from '../../../../shared/provider';
import { ENGINE_DEFAULT_CONTEXT } from '../../../../shared/model-memory';
import { ProviderOverrideSchema, type ProviderOverride } from '../../../../shared/settings';
import { useSettings, useUpdateSettings } from '../../../api/hooks';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { Field } from '../../../components/Field';
import { useEdits } from '../../../hooks/use-edits';
import { GgufPicker } from '../../../components/model-choice/GgufPicker';
import { EngineMemory } from './EngineMemory';
import { providerPatch, toProviderDraft, type ProviderDraft as Draft } from './provider-config-patch';

const number = (text: string) => (text.trim() === '' ? undefined : Number(text));

/**
 * Per-provider choices kept in settings (`providers.<id>`): the model, a pinned port, and the
 * built-in engine's context size, threads and parallel requests. They apply at the next start.
 */
export function ProviderConfig({ provider }: { provider: ProviderDetail }) {
  const { recipe } = provider;
  const settings = useSettings();
  const update = useUpdateSettings();
  const saved = settings.data?.values.providers[provider.id];
  // Only the fields the user touched; the others follow the host (another tab's save, a hand edit).
  const { edits, edit, clear, baseRevision, settled } = useEdits<Draft>(settings.data?.revision);
  // Another provider's page (the same card, reused) starts with nothing typed.
  useEffect(clear, [provider.id]);
  const savedDraft = toProviderDraft(saved);
  const draft: Draft = { ...savedDraft, ...edits };

  const install = {
    ...saved?.install,
    repository: draft.repository.trim() || undefined,
    version: draft.version.trim() || undefined,
  };
  const hasInstall = Object.values(install).some((v) => v !== undefined);
  const candidate = {
    model: draft.model.trim() || undefined,
    port: number(draft.port),
    contextSize: number(draft.contextSize),
    threads: number(draft.threads),
    parallel: number(draft.parallel),
    install: hasInstall ? Object.fromEntries(Object.entries(install).filter(([, v]) => v !== undefined)) : undefined,
  };
  const parsed = ProviderOverrideSchema.safeParse(candidate);
  const problem = (field: keyof Draft) => (parsed.success ? undefined : parsed.error.issues.find((i) => i.path.at(-1) === field)?.message);
  const dirty = JSON.stringify(savedDraft) !== JSON.stringify(draft);
  const engine = recipe.install.strategy === 'builtin';

  // Everything one text field needs from the draft, by the draft's key.
  const bind = (field: keyof Draft) => ({
    field,
    value: draft[field],
    error: problem(field),
    onChange: (value: string) => edit({ [field]: value }),
  });

  const save = () => {
    if (!parsed.success || !settings.data) return;
    const override = Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined)) as ProviderOverride;
    update.mutate({ providers: { [provider.id]: providerPatch(savedDraft, draft, override) }, baseRevision }, settled);
  };

  return (
    <section className="card" aria-label="Configuration" data-testid="provider-config">
      <header className="card-header">
        <h2>Configuration</h2>
        <span className="card-meta">applies at the next start</span>
      </header>
      {recipe.modelInput === 'gguf' && (
        <Field
          id="provider-model"
          label="Model"
          description={
            'A GGUF file from the shared models folder, or one LM Studio, Ollama or a download cache keeps (used in place by its path).' +
            (engine ? ' Empty: the first one in the models folder.' : '')
          }
          source={null}
          error={problem('model')}
        >
          <GgufPicker id="provider-model" value={draft.model} onChange={(model) => edit({ model })} />
        </Field>
      )}
      {recipe.modelInput === 'name' && (
        <DraftField
          {...bind('model')}
          label="Model"
          description="A Hugging Face id, a folder, or a name this provider knows."
          placeholder="e.g. Qwen/Qwen2.5-0.5B-Instruct"
        />
      )}
      <DraftField
        {...bind('port')}
        numeric
        label="Pinned port"
        description={`Empty: ${recipe.defaultPort}, or a free one when that is taken. A pinned port that is taken stops the start and names who holds it.`}
        placeholder={String(recipe.defaultPort)}
      />
      {engine && (
        <>
          <DraftField
            {...bind('contextSize')}
            numeric
            label="Context size"
            description="Tokens of context; more needs more memory."
            placeholder={String(ENGINE_DEFAULT_CONTEXT)}
          />
          <DraftField
            {...bind('threads')}
            numeric
            label="Threads"
            description="CPU threads. Empty: the number of physical cores."
            placeholder="physical cores"
          />
          <DraftField
            {...bind('parallel')}
            numeric
            label="Parallel requests"
            description="Requests answered at once; more wait their turn. Each has a context of its own, so memory for the context grows with it."
            placeholder="1"
          />
          {/* A field being fixed has no number to work from yet. */}
          {!problem('contextSize') && !problem('parallel') && (
            <EngineMemory model={draft.model.trim()} contextSize={number(draft.contextSize)} parallel={number(draft.parallel)} />
          )}
        </>
      )}
      {recipe.install.strategy === 'git' && (
        <>
          <DraftField
            {...bind('repository')}
            wide
            label="Repository"
            description="Install from a mirror, a fork or a local path instead. Applies at the next install or update."
            placeholder={recipe.repository}
          />
          <DraftField
            {...bind('version')}
            label="Version"
            description="A tag, branch or commit; Update fetches it."
            placeholder={recipe.version}
          />
        </>
      )}
      <div className="form-actions">
        <button
          type="button"
          className="button button-primary"
          data-testid="provider-config-save"
          // Until the settings are read there is no revision to save against: a click would do nothing.
          disabled={!settings.data || !dirty || !parsed.success || update.isPending}
          onClick={save}
        >
          Save
        </button>
      </div>
      {update.error && <ErrorNotice error={update.error} title="Could not save" testId="provider-config-error" />}
    </section>
  );
}

interface DraftFieldProps {
  field: string;
  value: string;
  error?: string;
  onChange(value: string): void;
  label: string;
  description: string;
  placeholder?: string;
  numeric?: boolean;
  wide?: boolean;
}

function DraftField({ field, value, error, onChange, label, description, placeholder, numeric, wide }: DraftFieldProps) {
  const id = `provider-${field}`;
  return (
    <Field id={id} label={label} description={description} source={null} error={error}>
      <input
        id={id}
        className={`input mono${wide ? ' input-wide' : ''}`}
        inputMode={numeric ? 'numeric' : undefined}
        aria-invalid={error ? 'true' : undefined}
        data-testid={id}
        value={value}
        placeholder={placeholder}
        onChange={(e) => onChange(e.target.value)}
      />
    </Field>
  );
}
