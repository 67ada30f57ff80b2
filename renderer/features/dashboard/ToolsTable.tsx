import { useRefreshSystemInfo } from '../../api/hooks';
import { ErrorNotice } from '../../components/ErrorNotice';
import type { ToolInfo } from '../../../shared/system';

export function ToolsTable({ tools }: { tools: ToolInfo[] }) {
  const refresh = useRefreshSystemInfo();
  const found = tools.filter((tool) => tool.found).length;
  return (
    <section className="tools">
      <header className="section-header">
        <h3>
          Tools <span className="muted">{found} of {tools.length} found</span>
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
          </tr>
        </thead>
        <tbody>
          {tools.map((tool) => (
            <ToolRow key={tool.id} tool={tool} />
          ))}
        </tbody>
      </table>
    </section>
  );
}

function ToolRow({ tool }: { tool: ToolInfo }) {
  return (
    <tr data-testid={`tool-row-${tool.id}`} data-found={String(tool.found)} title={tool.path}>
      <td>{tool.name}</td>
      <td>
        <span className={tool.found ? 'found-yes' : 'found-no'} aria-label={tool.found ? 'found' : 'not found'}>
          {tool.found ? '✓' : '✗'}
        </span>
      </td>
      <td className={tool.error ? 'tool-error' : 'mono'}>
        {tool.found ? (tool.version ?? tool.error ?? 'version unknown') : <span className="muted">not on PATH</span>}
      </td>
    </tr>
  );
}
