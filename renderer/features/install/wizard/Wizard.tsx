import { useEffect, useState } from 'react';
import { useSystemCheck } from '../../../api/hooks';
import { useProviders } from '../../../api/provider-hooks';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { ChooseStep } from './ChooseStep';
import { FinishStep } from './FinishStep';
import { FoundStep } from './FoundStep';
import { InstallStep } from './InstallStep';
import { ModelStep } from './ModelStep';
import { defaultSelection } from './selection';
import { SystemStep } from './SystemStep';
import { WIZARD_STEPS, useWizardState } from './wizard-state';

/** The guided install: system check, what is here, choose, install, a first model, finish. Resumable at any step. */
export function Wizard() {
  const { wizard, loaded, save, error } = useWizardState();
  const providers = useProviders();
  const check = useSystemCheck();
  const [step, setStep] = useState(wizard.step);
  const [selected, setSelected] = useState<string[] | undefined>(undefined);
  useEffect(() => setStep(wizard.step), [wizard.step]);

  const list = providers.data?.providers ?? [];
  const verdicts = check.data?.recipes ?? [];
  // A saved choice wins; else the providers that fit, once the machine check is in.
  const chosen =
    selected ??
    (wizard.selected.length > 0 || wizard.step > 2
      ? wizard.selected
      : check.data
        ? defaultSelection(list.map((provider) => ({ provider, verdict: verdicts.find((v) => v.id === provider.id) })))
        : []);

  const go = (next: number) => {
    setStep(next);
    save({ step: next, selected: chosen });
  };
  const finish = () => save({ completed: true, step: 0, selected: [] });
  if (!loaded) return null;
  return (
    <section className="wizard card" data-testid="wizard" data-step={WIZARD_STEPS[step]}>
      <ol className="wizard-steps" aria-label="Steps">
        {WIZARD_STEPS.map((name, i) => (
          <li key={name} className={i === step ? 'current' : i < step ? 'done' : ''}>
            <button
              type="button"
              className="wizard-step-link"
              data-testid={`wizard-step-${name.toLowerCase()}`}
              onClick={() => go(i)}
              aria-current={i === step ? 'step' : undefined}
            >
              <span className="wizard-step-number">{i + 1}</span> {name}
            </button>
          </li>
        ))}
      </ol>
      {step === 0 && <SystemStep />}
      {step === 1 && <FoundStep />}
      {step === 2 && <ChooseStep providers={list} verdicts={verdicts} selected={chosen} onChange={setSelected} />}
      {step === 3 && <InstallStep providers={list} selected={chosen} />}
      {step === 4 && <ModelStep />}
      {step === 5 && <FinishStep providers={list} selected={chosen} onDone={finish} />}
      {error && <ErrorNotice error={error} title="Could not save the wizard’s place" />}
      <footer className="wizard-nav">
        <button
          type="button"
          className="button button-secondary"
          data-testid="wizard-back"
          disabled={step === 0}
          onClick={() => go(step - 1)}
        >
          Back
        </button>
        {step < WIZARD_STEPS.length - 1 ? (
          <button type="button" className="button button-primary" data-testid="wizard-next" onClick={() => go(step + 1)}>
            Next: {WIZARD_STEPS[step + 1]}
          </button>
        ) : (
          <a className="button button-primary" data-testid="wizard-done" href="#/providers" onClick={finish}>
            Done: go to Providers
          </a>
        )}
      </footer>
    </section>
  );
}
