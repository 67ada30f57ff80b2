import type { HubStarter } from '../../../../shared/hub';
import type { DownloadState, ModelFile } from '../../../../shared/provider';
import { useSettings, useUpdateSettings } from '../../../api/hooks';
import { useDownloads } from '../../../api/download-hooks';
import { useHubPull, useHubStarters } from '../../../api/hub-hooks';
import { useModels } from '../../../api/model-hooks';
import { ActionButton } from '../../../components/ActionButton';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { Loading } from '../../../components/Loading';
import { formatBytes } from '../../../../shared/format-bytes';
import { hashFor } from '../../../state/ui';
import { engineModel } from '../../../components/model-choice/engine-model';

/**
 * Step 5: a first model, so Finish has something to run. Models already on this machine (ours or
 * another app's, used in place) come first; else the starter that fits this machine best, one
 * click away; or skip and choose later on the Models page.
 */
export function ModelStep() {
  const models = useModels();
  const settings = useSettings();
  const starters = useHubStarters();
  if (models.isPending || settings.isPending) return <Loading label="Looking for models on this machine…" />;
  const usable = (models.data?.models ?? []).filter((m) => !m.error);
  const chosen = settings.data?.values.providers.engine?.model;
  const current = engineModel(usable, chosen);
  return (
    <div className="wizard-step" data-testid="wizard-model">
      {current ? (
        <p className="lead" data-testid="wizard-model-ready">
          The built-in engine will run <strong className="mono">{current.originalName ?? current.file}</strong>
          {current.origin && current.origin !== 'models folder' ? ` (from ${current.origin}, used in place)` : ''}.
        </p>
      ) : (
        <p className="lead" data-testid="wizard-model-none">
          No model yet: the built-in engine needs one GGUF file. Get a starter below, pick one this machine already has, or skip and choose
          later on the <a href={hashFor('models')}>Models page</a>.
        </p>
      )}
      {usable.length > 0 && <OnThisMachine models={usable} chosen={current?.file} />}
      <h3>Starter models</h3>
      {starters.isPending ? (
        <Loading label="Reading the starter list…" />
      ) : starters.error ? (
        <ErrorNotice error={starters.error} title="Could not read the starter list" />
      ) : (
        <StarterList starters={starters.data} />
      )}
    </div>
  );
}

function OnThisMachine({ models, chosen }: { models: ModelFile[]; chosen: string | undefined }) {
  const update = useUpdateSettings();
  return (
    <section aria-label="Models on this machine">
      <h3>Already on this machine</h3>
      <ul className="wizard-model-list">
        {models.slice(0, 8).map((m) => (
          <li key={m.file} className="wizard-model-row" data-testid="wizard-model-local" data-file={m.file}>
            <span className="mono">{m.originalName ?? m.file}</span>
            <span className="muted">
              {formatBytes(m.sizeBytes)}
              {m.origin ? ` · ${m.origin}` : ''}
            </span>
            {m.file === chosen ? (
              <span className="chip chip-accent">the engine’s model</span>
            ) : (
              <ActionButton
                small
                testId="wizard-model-use"
                disabled={update.isPending}
                onClick={() => update.mutate({ providers: { engine: { model: m.file } } })}
              >
                Use this one
              </ActionButton>
            )}
          </li>
        ))}
      </ul>
      {update.error && <ErrorNotice error={update.error} title="Could not choose that model" />}
    </section>
  );
}

function StarterList({ starters }: { starters: HubStarter[] }) {
  const chat = starters.filter((s) => s.kind === 'chat');
  // The recommended one first; the rest in the list's order.
  const ordered = [...chat.filter((s) => s.recommended), ...chat.filter((s) => !s.recommended)];
  return (
    <ul className="wizard-model-list">
      {ordered.map((s) => (
        <StarterRow key={s.id} starter={s} />
      ))}
    </ul>
  );
}

function StarterRow({ starter }: { starter: HubStarter }) {
  const pull = useHubPull();
  const downloads = useDownloads();
  const mine = latestFor(downloads.data ?? [], starter.file);
  const busy = pull.isPending || mine?.status === 'downloading' || mine?.status === 'verifying';
  return (
    <li
      className={`wizard-model-row${starter.recommended ? ' wizard-model-recommended' : ''}`}
      data-testid="wizard-starter"
      data-starter={starter.id}
      data-recommended={starter.recommended}
    >
      <div className="wizard-model-main">
        <strong>{starter.name}</strong> {starter.recommended && <span className="chip chip-accent">recommended for this machine</span>}
        <span className="muted"> — {starter.goodFor}</span>
        <div className="muted">
          {starter.size ? formatBytes(starter.size) : 'size unknown'}
          {starter.fit ? ` · ${starter.fit}` : ''} · licence {starter.license}
        </div>
      </div>
      {mine && mine.status !== 'cancelled' ? (
        <StarterProgress download={mine} />
      ) : (
        <ActionButton
          variant={starter.recommended ? 'primary' : undefined}
          small
          testId="wizard-starter-download"
          disabled={busy || starter.fit === 'too big'}
          onClick={() => pull.mutate({ repo: starter.repo, pick: starter.file })}
        >
          {pull.isPending ? 'Starting…' : 'Download'}
        </ActionButton>
      )}
      {pull.error && <ErrorNotice error={pull.error} title={`Could not download ${starter.name}`} />}
    </li>
  );
}

function StarterProgress({ download }: { download: DownloadState }) {
  const percent = download.totalBytes ? Math.floor((download.receivedBytes / download.totalBytes) * 100) : undefined;
  const text =
    download.status === 'done'
      ? 'downloaded'
      : download.status === 'failed'
        ? `failed: ${download.error ?? 'unknown error'} (retry on the Models page)`
        : `${download.status} ${percent === undefined ? formatBytes(download.receivedBytes) : `${percent}%`}`;
  return (
    <div className="wizard-model-progress" data-testid="wizard-starter-progress" data-status={download.status}>
      <div className={`meter${download.status === 'failed' ? ' meter-danger' : ''}`} role="progressbar" aria-valuenow={percent}>
        <div className="meter-fill" style={{ width: `${download.status === 'done' ? 100 : (percent ?? 0)}%` }} />
      </div>
      <span className="muted">{text}</span>
    </div>
  );
}

/** The newest download of a file: a retried one replaces the failed one. */
function latestFor(downloads: DownloadState[], file: string): DownloadState | undefined {
  const name = file.split('/').pop();
  return downloads.filter((d) => d.file === name).sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0];
}
