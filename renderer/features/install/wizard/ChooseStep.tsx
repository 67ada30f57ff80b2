import type { ProviderSummary } from '../../../../shared/provider';
import type { RecipeVerdict } from '../../../../shared/system';
import { useSystemInfo } from '../../../api/hooks';
import { formatBytes } from '../../../../shared/format-bytes';
import { isInstallable, isInstalled, lacksDiskRoom, orderCandidates, totalEstimate, type Candidate } from './selection';
import { VersionChip } from '../../../components/VersionChip';

interface ChooseStepProps {
  providers: ProviderSummary[];
  verdicts: RecipeVerdict[];
  selected: string[];
  onChange(selected: string[]): void;
}

const VERDICT_LABEL: Record<RecipeVerdict['verdict'], string> = {
  fits: 'Fits',
  'fits-with-warnings': 'Fits, with warnings',
  'does-not-fit': 'Does not fit',
};

/** Step 3: pick providers; those that fit without a warning come ticked, each with its size, time and the reasons for the rest. */
export function ChooseStep({ providers, verdicts, selected, onChange }: ChooseStepProps) {
  const candidates = orderCandidates(
    providers
      .filter((p) => p.installStrategy !== 'builtin' && p.installStrategy !== 'none')
      .map((provider) => ({ provider, verdict: verdicts.find((v) => v.id === provider.id) })),
  );
  const chosen = candidates.filter((c) => selected.includes(c.provider.id));
  const total = totalEstimate(chosen.map((c) => c.provider.installEstimate));
  const disk = useSystemInfo().data?.disk;
  const toggle = (id: string, on: boolean) => onChange(on ? [...new Set([...selected, id])] : selected.filter((s) => s !== id));
  return (
    <div className="wizard-step" data-testid="wizard-choose">
      <p className="lead" data-testid="wizard-choose-total">
        {chosen.length === 0
          ? nothingChosen(candidates)
          : `${chosen.length} chosen: about ${total.diskGiB.toFixed(1)} GB on disk and ${Math.round(total.minutes)} min${total.unknown ? ` (+${total.unknown} without an estimate)` : ''}.`}
      </p>
      {disk && lacksDiskRoom(total, disk.freeBytes) && (
        <p className="notice notice-warning" role="alert" data-testid="wizard-choose-disk">
          The disk holding {disk.path} has {formatBytes(disk.freeBytes)} free: not enough for these installs (about{' '}
          {total.diskGiB.toFixed(1)} GB, and a gigabyte to spare). Untick some, or free space first; an install that runs out of room stops
          and rolls back.
        </p>
      )}
      <ul className="wizard-choices">
        {candidates.map((c) => (
          <Choice
            key={c.provider.id}
            candidate={c}
            checked={selected.includes(c.provider.id)}
            onToggle={(on) => toggle(c.provider.id, on)}
          />
        ))}
      </ul>
    </div>
  );
}

/** Says why an empty choice is a fine one: the engine needs no install. */
function nothingChosen(candidates: Candidate[]): string {
  const withWarnings = candidates.some((c) => isInstallable(c) && !isInstalled(c) && c.verdict?.verdict === 'fits-with-warnings');
  return withWarnings
    ? 'Nothing ticked: the built-in engine already runs GGUF models here, with nothing to install. Each provider below that could be installed comes with a warning for this machine (under its name); tick any you want anyway.'
    : 'Nothing chosen: the built-in engine already runs GGUF models here, with nothing to install.';
}

function Choice({ candidate, checked, onToggle }: { candidate: Candidate; checked: boolean; onToggle(on: boolean): void }) {
  const { provider, verdict } = candidate;
  const installed = isInstalled(candidate);
  const fits = verdict?.verdict !== 'does-not-fit';
  const can = isInstallable(candidate) && !installed && fits;
  const estimate = provider.installEstimate;
  return (
    <li
      className={`wizard-choice${can ? '' : ' wizard-choice-off'}`}
      data-testid={`wizard-choice-${provider.id}`}
      data-verdict={verdict?.verdict}
    >
      <label className="wizard-choice-main">
        <input
          type="checkbox"
          data-testid="choice-check"
          checked={checked && can}
          disabled={!can}
          onChange={(e) => onToggle(e.target.checked)}
        />
        <span className="wizard-choice-name">{provider.name}</span>
        {provider.version && <VersionChip version={provider.version} />}
        {verdict && <span className={`chip verdict-${verdict.verdict}`}>{VERDICT_LABEL[verdict.verdict]}</span>}
        {installed && <span className="chip">installed</span>}
      </label>
      <p className="muted wizard-choice-description">{provider.description}</p>
      {estimate && isInstallable(candidate) && (
        <p className="choice-estimate muted" data-testid="choice-estimate">
          about {estimate.diskGiB} GB, {estimate.minutes} min
        </p>
      )}
      {provider.installStrategy === 'external' && !installed && provider.downloadUrl && (
        <p>
          Installed by you, not by this app: get it from{' '}
          <a href={provider.downloadUrl} target="_blank" rel="noreferrer">
            {provider.downloadUrl}
          </a>
          ; it shows up here once installed.
        </p>
      )}
      {verdict && verdict.reasons.length > 0 && (
        <ul className="wizard-reasons" data-testid="choice-reasons">
          {verdict.reasons.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      )}
      {verdict && fits && verdict.warnings.length > 0 && (
        <ul className="wizard-warnings">
          {verdict.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
    </li>
  );
}
