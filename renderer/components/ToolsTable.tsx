import { useRefreshSystemCheck } from '../api/hooks';
import { CopyTextButton } from './CopyTextButton';
import { ErrorNotice } from './ErrorNotice';
import { toolNeeds } from './tool-needs';
import type { InstallHint, ToolCheck } from '../../shared/system';
import './system-check.css';

/**
 * Every tool the providers use, whether it is here and new enough, who needs it, and for those
 * that are not, the command that gets them on this OS. The wizard's system check shows the same.
 */
export function ToolsTable({ tools }: { tools: ToolCheck[] }) {
  const refresh = useRefreshSystemCheck();
  const found = tools.filter((tool) => tool.found).length;
  const blocking = tools.filter((tool) => tool.status !== 'ok' && tool.neededBy.length > 0).length;
  return (
    <section className="tools">
      <header className="section-header">
        <h3>
          Tools{' '}
          <span className="muted">
            {found} of {tools.length} found
            {blocking > 0 && <span data-testid="tools-needed-missing"> · {blocking} needed and missing or too old</span>}
          </span>
        </h3>
        <button
          type="button"
          className="button button-secondary"
          data-testid="recheck-tools"
          onClick={() => refresh.mutate()}
          disabled={refresh.isPending}
        >
          {refresh.isPending ? 'Checking…' : 'Re-check tools'}
        </button>
      </header>
      {refresh.error && <ErrorNotice error={refresh.error} title="Re-check failed" />}
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Tool</th>
            <th scope="col">Found</th>
            <th scope="col">Version</th>
            <th scope="col">Needed by</th>
          </tr>
        </thead>
        <tbody>
          {tools.map((tool) => (
            <ToolRows key={tool.id} tool={tool} tools={tools} />
          ))}
        </tbody>
      </table>
    </section>
  );
}

function ToolRows({ tool, tools }: { tool: ToolCheck; tools: ToolCheck[] }) {
  const needed = tool.neededBy.length > 0;
  const needs = toolNeeds(tool, tools);
  const problem = tool.status !== 'ok';
  return (
    <>
      <tr
        data-testid={`tool-row-${tool.id}`}
        data-found={String(tool.found)}
        data-status={tool.status}
        className={problem && needed ? 'tool-row-problem' : undefined}
        title={tool.path}
      >
        <td>{tool.name}</td>
        <td>
          <span
            className={tool.found ? 'found-yes' : needed ? 'found-no' : 'found-optional'}
            aria-label={tool.found ? 'found' : 'not found'}
          >
            {tool.found ? '✓' : '✗'}
          </span>
        </td>
        <td className={tool.error || tool.status === 'too-old' ? 'tool-error' : 'mono'}>
          <ToolVersion tool={tool} />
        </td>
        <td className={needs.needed ? undefined : 'muted'}>
          {needs.text}
          {/* Not needed now, but a user may still want it: the hint stays one click away. */}
          {!needed && problem && tool.hint && (
            <details className="tool-hint-optional">
              <summary>How to install</summary>
              <HintLine hint={tool.hint} toolName={tool.name} />
            </details>
          )}
        </td>
      </tr>
      {needed && problem && tool.hint && (
        <tr className="tool-hint-row" data-testid={`tool-hint-${tool.id}`}>
          <td colSpan={4}>
            <HintLine hint={tool.hint} toolName={tool.name} />
          </td>
        </tr>
      )}
    </>
  );
}

function ToolVersion({ tool }: { tool: ToolCheck }) {
  if (!tool.found) return <span className="muted">{tool.error ?? 'not on PATH'}</span>;
  if (!tool.version) return <>{tool.error ?? 'version unknown'}</>;
  if (tool.status === 'too-old') return <>{`${tool.version} (${tool.min} or newer needed)`}</>;
  return <>{tool.version}</>;
}

/** The command to copy, and what else to know: the note, and where to read more. */
export function HintLine({ hint, toolName }: { hint: InstallHint; toolName: string }) {
  return (
    <div className="tool-hint">
      {hint.command && (
        <span className="tool-hint-command">
          <code data-testid="tool-hint-command">{hint.command}</code>
          <CopyTextButton text={hint.command} what={`the command that installs ${toolName}`} />
        </span>
      )}
      {hint.note && <span className="tool-hint-note">{hint.note}</span>}
      {hint.url && (
        <a href={hint.url} target="_blank" rel="noreferrer" className="tool-hint-link">
          {hint.command ? 'More' : `Download ${toolName}`}
        </a>
      )}
    </div>
  );
}
