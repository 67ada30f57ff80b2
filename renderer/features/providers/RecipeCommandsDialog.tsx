import { useId } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice';
import type { CommandView, RecipeCommands } from '../../../shared/recipe-commands';
import '../../components/modal.css';
import './recipe-commands.css';

interface RecipeCommandsDialogProps {
  commands: RecipeCommands;
  /** What confirming goes on to do: "install" or "start". */
  action: string;
  pending: boolean;
  error: unknown;
  onConfirm(): void;
  onCancel(): void;
}

/** An argument list as a person reads it: words plain, anything with spaces or quotes quoted. */
const shown = (argv: readonly string[]) => argv.map((arg) => (/^[\w@%+=:,./{}-]+$/.test(arg) ? arg : JSON.stringify(arg))).join(' ');

/**
 * The exact commands of a custom recipe, before its first install or start (or after it was
 * edited): a YAML file someone put in providers.d runs nothing the user has not seen.
 */
export function RecipeCommandsDialog({ commands, action, pending, error, onConfirm, onCancel }: RecipeCommandsDialogProps) {
  const titleId = useId();
  const { install, start, stop, configFiles } = commands;
  return (
    <div className="modal-backdrop" onKeyDown={(e) => e.key === 'Escape' && !pending && onCancel()}>
      <div className="modal" role="dialog" aria-modal="true" aria-labelledby={titleId} data-testid="recipe-commands-dialog">
        <h2 id={titleId}>Run the commands of {commands.name}?</h2>
        <p>
          {commands.name} is a custom recipe
          {commands.file ? (
            <>
              {' '}
              from <code>{commands.file}</code>
            </>
          ) : null}
          . Check what it will run on this machine before its first {action}. Placeholders such as <code>{'{dataDir}'}</code> are filled in
          when it runs. If the file changes, you will be asked again.
        </p>
        {install.fetches.length > 0 && (
          <Section title="Fetches">
            <ul className="recipe-fetches">
              {install.fetches.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          </Section>
        )}
        {install.steps.length > 0 && <Commands title="Install steps" list={install.steps} testId="recipe-install-steps" />}
        <Commands title="Start" list={start} testId="recipe-start-commands" />
        {stop && (
          <Section title="Stop">
            <pre className="recipe-argv">{shown(stop)}</pre>
          </Section>
        )}
        {configFiles.length > 0 && (
          <Section title="Config files it writes">
            <p>{configFiles.map((f) => `config/${commands.id}/${f}`).join(', ')}</p>
          </Section>
        )}
        {Boolean(error) && <ErrorNotice error={error} title="Could not confirm" testId="recipe-confirm-error" />}
        <div className="modal-actions">
          <button
            type="button"
            className="button button-secondary"
            onClick={onCancel}
            disabled={pending}
            autoFocus
            data-testid="recipe-cancel"
          >
            Cancel
          </button>
          <button type="button" className="button button-primary" onClick={onConfirm} disabled={pending} data-testid="recipe-confirm">
            {pending ? 'Confirming…' : `Confirm and ${action}`}
          </button>
        </div>
      </div>
    </div>
  );
}

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section className="recipe-section">
      <h3>{title}</h3>
      {children}
    </section>
  );
}

function Commands({ title, list, testId }: { title: string; list: CommandView[]; testId: string }) {
  return (
    <Section title={title}>
      <ol className="recipe-commands" data-testid={testId}>
        {list.map((command, i) => (
          <li key={`${command.name}-${i}`}>
            <span className="recipe-command-name">{command.name}</span>
            {command.when && <span className="recipe-command-when"> (only on {command.when})</span>}
            <pre className="recipe-argv">{shown(command.argv)}</pre>
            {Object.entries(command.env).map(([name, value]) => (
              <div key={name} className="recipe-env">
                <code>
                  {name}={value}
                </code>
              </div>
            ))}
            {command.cwd && (
              <div className="recipe-env">
                in <code>{command.cwd}</code>
              </div>
            )}
          </li>
        ))}
      </ol>
    </Section>
  );
}
