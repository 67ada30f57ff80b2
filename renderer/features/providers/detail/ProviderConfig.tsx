import { useEffect, useState } from 'react';
import type { ProviderDetail } from '../../../../shared/provider';
import { ProviderOverrideSchema, type ProviderOverride } from '../../../../shared/settings';
import { useSettings, useUpdateSettings } from '../../../api/hooks';
import { useModels } from '../../../api/model-hooks';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { Field } from '../../settings/Field';

interface Draft {
  model: string;
  port: string;
  contextSize: string;
  threads: string;
  repository: string;
  version: string;
}

const toDraft = (o: ProviderOverride = {}): Draft => ({
  model: o.model ?? '',
  port: o.port?.toString() ?? '',
  contextSize: o.contextSize?.toString() ?? '',
  threads: o.threads?.toString() ?? '',
  repository: o.install?.repository ?? '',
  version: o.install?.version ?? '',
});

const number = (text: string) => (text.trim() === '' ? undefined : Number(text));

/**
 * Per-provider choices kept in settings (`providers.<id>`): the model, a pinned port, and the
 * built-in engine's context size and threads. They apply at the next start.
 */
export function ProviderConfig({ provider }: { provider: ProviderDetail }) {
  const { recipe } = provider;
  const settings = useSettings();
  const update = useUpdateSettings();
  const saved = settings.data?.values.providers[provider.id];
  const [draft, setDraft] = useState<Draft>(() => toDraft(saved));
  useEffect(() => setDraft(toDraft(saved)), [saved]);

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
    install: hasInstall ? Object.fromEntries(Object.entries(install).filter(([, v]) => v !== undefined)) : undefined,
  };
  const parsed = ProviderOverrideSchema.safeParse(candidate);
  const problem = (field: keyof Draft) => (parsed.success ? undefined : parsed.error.issues.find((i) => i.path.at(-1) === field)?.message);
  const dirty = JSON.stringify(toDraft(saved)) !== JSON.stringify(draft);
  const engine = recipe.install.strategy === 'builtin';

  const save = () => {
    if (!parsed.success || !settings.data) return;
    const override = Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined)) as ProviderOverride;
    const providers = { ...settings.data.values.providers };
    if (Object.keys(override).length === 0) delete providers[provider.id];
    else providers[provider.id] = override;
    update.mutate({ providers });
  };

  return (
    <section className="card" aria-label="Configuration" data-testid="provider-config">
      <header className="card-header">
        <h2>Configuration</h2>
        <span className="card-meta">applies at the next start</span>
      </header>
      {recipe.modelInput && (
        <Field
          id="provider-model"
          label="Model"
          description={
            recipe.modelInput === 'gguf'
              ? 'A GGUF file from the shared models folder.' + (engine ? ' Empty: the first one there.' : '')
              : 'A Hugging Face id, a folder, or a name this provider knows.'
          }
          source={null}
          error={problem('model')}
        >
          {recipe.modelInput === 'gguf' ? <GgufPicker value={draft.model} onChange={(model) => setDraft({ ...draft, model })} /> : (
            <input
              id="provider-model"
              className="input mono"
              data-testid="provider-model"
              value={draft.model}
              placeholder="e.g. Qwen/Qwen2.5-0.5B-Instruct"
              onChange={(e) => setDraft({ ...draft, model: e.target.value })}
            />
          )}
        </Field>
      )}
      <Field
        id="provider-port"
        label="Pinned port"
        description={`Empty: ${recipe.defaultPort}, or a free one when that is taken. A pinned port that is taken stops the start and names who holds it.`}
        source={null}
        error={problem('port')}
      >
        <input
          id="provider-port"
          className="input mono"
          inputMode="numeric"
          data-testid="provider-port"
          value={draft.port}
          placeholder={String(recipe.defaultPort)}
          onChange={(e) => setDraft({ ...draft, port: e.target.value })}
        />
      </Field>
      {engine && (
        <>
          <Field id="provider-ctx" label="Context size" description="Tokens of context; more needs more memory." source={null} error={problem('contextSize')}>
            <input
              id="provider-ctx"
              className="input mono"
              inputMode="numeric"
              data-testid="provider-ctx"
              value={draft.contextSize}
              placeholder="4096"
              onChange={(e) => setDraft({ ...draft, contextSize: e.target.value })}
            />
          </Field>
          <Field id="provider-threads" label="Threads" description="CPU threads. Empty: the number of physical cores." source={null} error={problem('threads')}>
            <input
              id="provider-threads"
              className="input mono"
              inputMode="numeric"
              data-testid="provider-threads"
              value={draft.threads}
              placeholder="physical cores"
              onChange={(e) => setDraft({ ...draft, threads: e.target.value })}
            />
          </Field>
        </>
      )}
      {recipe.install.strategy === 'git' && (
        <>
          <Field
            id="provider-repository"
            label="Repository"
            description="Install from a mirror, a fork or a local path instead. Applies at the next install or update."
            source={null}
            error={problem('repository')}
          >
            <input
              id="provider-repository"
              className="input input-wide mono"
              data-testid="provider-repository"
              value={draft.repository}
              placeholder={recipe.repository}
              onChange={(e) => setDraft({ ...draft, repository: e.target.value })}
            />
          </Field>
          <Field id="provider-version" label="Version" description="A tag, branch or commit; Update fetches it." source={null} error={problem('version')}>
            <input
              id="provider-version"
              className="input mono"
              data-testid="provider-version"
              value={draft.version}
              placeholder={recipe.version}
              onChange={(e) => setDraft({ ...draft, version: e.target.value })}
            />
          </Field>
        </>
      )}
      <div className="form-actions">
        <button
          type="button"
          className="button button-primary"
          data-testid="provider-config-save"
          disabled={!dirty || !parsed.success || update.isPending}
          onClick={save}
        >
          Save
        </button>
      </div>
      {update.error && <ErrorNotice error={update.error} title="Could not save" testId="provider-config-error" />}
    </section>
  );
}

function GgufPicker({ value, onChange }: { value: string; onChange: (file: string) => void }) {
  const { data } = useModels();
  const files = (data?.models ?? []).filter((m) => !m.error).map((m) => m.file);
  const known = value === '' || files.includes(value);
  return (
    <select id="provider-model" className="input mono" data-testid="provider-model" value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">{files.length ? '(default)' : '(no GGUF files in the models folder)'}</option>
      {!known && <option value={value}>{value} (missing)</option>}
      {files.map((file) => (
        <option key={file} value={file}>
          {file}
        </option>
      ))}
    </select>
  );
}
