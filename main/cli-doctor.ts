import { access, constants } from 'node:fs/promises';
import type { ProviderSummary } from '../shared/provider';
import type { SystemCheck, ToolCheck } from '../shared/system';
import { colours, parse, printJson, runningHost, UsageError } from './cli-common';
import { ARGS } from './cli-options';
import { openBaseDir } from './host';
import { providerSnapshot } from './provider-snapshot';
import { checkSystem } from './services/system/system-check';

/** Tools every install path needs, whatever is installed: recipes are cloned and updated with git. */
const ALWAYS_REQUIRED = ['git'];

export interface DoctorFinding {
  level: 'ok' | 'problem' | 'warning';
  what: string;
  /** A command that fixes it, or where to get it. */
  fix?: string;
}

export async function runDoctor(args: string[]): Promise<number> {
  const { values, positionals } = parse('doctor', args, ARGS.doctor);
  const remote = await runningHost();
  let check: SystemCheck;
  let providers: ProviderSummary[];
  let baseDir: string;
  const findings: DoctorFinding[] = [];
  if (remote) {
    try {
      [check, { providers }, { baseDir }] = await Promise.all([
        remote.client.invoke('system.check', { refresh: true }),
        remote.client.invoke('providers.list'),
        remote.client.invoke('app.info'),
      ]);
    } finally {
      remote.close();
    }
    findings.push({ level: 'ok', what: `host running (pid ${remote.info.pid}, ${remote.info.origin}); the check is its own` });
  } else {
    const base = await openBaseDir({ readOnly: true });
    [check, { providers }] = await Promise.all([
      checkSystem(
        base.system,
        base.catalog.list().map((e) => e.recipe),
      ),
      providerSnapshot(base),
    ]);
    baseDir = base.paths.base;
    for (const problem of base.settings.state().problems)
      findings.push({ level: 'warning', what: `settings: ${problem.message}`, fix: problem.hint });
    for (const problem of base.catalog.problems)
      findings.push({
        level: 'warning',
        what: `recipe ${problem.file}${problem.field ? ` (${problem.field})` : ''}: ${problem.message}`,
        fix: problem.hint,
      });
  }
  const unknown = positionals.filter((id) => !providers.some((p) => p.id === id));
  if (unknown.length)
    throw new UsageError(
      `No provider ${unknown.map((id) => `"${id}"`).join(', ')}. Known: ${providers.map((p) => p.id).join(', ')}.`,
      'doctor',
    );

  findings.push(await baseDirFinding(baseDir), nodeFinding(process.versions.node));
  const wanted = providers.filter((p) => positionals.includes(p.id) || isInstalledFromSource(p));
  const requiredBy = new Map<string, string[]>(ALWAYS_REQUIRED.map((id) => [id, ['every install and update']]));
  for (const p of wanted) {
    const verdict = check.recipes.find((r) => r.id === p.id);
    if (verdict?.verdict === 'does-not-fit' && positionals.includes(p.id))
      findings.push({ level: 'problem', what: `${p.name} cannot run on this machine: ${verdict.reasons.join('; ')}` });
    for (const tool of verdict?.missingTools ?? []) requiredBy.set(tool.id, [...(requiredBy.get(tool.id) ?? []), p.name]);
  }
  for (const tool of check.tools) {
    const by = requiredBy.get(tool.id);
    if (tool.status === 'ok') {
      if (by) findings.push({ level: 'ok', what: `${tool.name} ${tool.version ?? ''}`.trim() });
      continue;
    }
    // A tool nothing here needs (Docker, Go on a machine without those providers) is no finding.
    if (!by && tool.neededBy.length === 0) continue;
    const state =
      tool.status === 'too-old'
        ? `too old (${tool.version}; ${tool.min} or newer needed)`
        : tool.status === 'unreadable'
          ? 'found, but its version could not be read'
          : 'missing';
    findings.push({
      level: by ? 'problem' : 'warning',
      what: `${tool.name} ${state}; ${by ? `required by ${by.join(', ')}` : `needed by ${tool.neededBy.join(', ')} (not installed)`}`,
      fix: fixOf(tool),
    });
  }
  for (const problem of check.gpuProblems) findings.push({ level: 'warning', what: `GPU: ${problem}` });
  if (check.gpus.length === 0) findings.push({ level: 'warning', what: 'no GPU found: providers run on the CPU (slower)' });
  else for (const gpu of check.gpus) findings.push({ level: 'ok', what: `GPU ${gpu.model}` });

  const ok = !findings.some((f) => f.level === 'problem');
  if (values.json) printJson({ ok, findings, check });
  else printFindings(findings, ok, check);
  return ok ? 0 : 1;
}

/** Installed from a repository, a Python package or a download: updates need its tools again. */
function isInstalledFromSource(p: ProviderSummary): boolean {
  if (!['git', 'python', 'binary'].includes(p.installStrategy)) return false;
  return !['not-installed', 'installing', 'external'].includes(p.state.status);
}

function fixOf(tool: ToolCheck): string | undefined {
  if (!tool.hint) return undefined;
  return [tool.hint.command, tool.hint.url && !tool.hint.command ? tool.hint.url : undefined, tool.hint.note].filter(Boolean).join('  # ');
}

/** The Node running the CLI (and a host it starts): package.json's engines say 20.19 or newer. */
export function nodeFinding(version: string): DoctorFinding {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major > 20 || (major === 20 && minor >= 19)) return { level: 'ok', what: `Node.js ${version}` };
  return {
    level: 'problem',
    what: `Node.js ${version} is too old for Local LLM Manager (20.19 or newer needed)`,
    fix: 'Install a current Node.js LTS from https://nodejs.org (or with nvm: nvm install --lts)',
  };
}

async function baseDirFinding(dir: string): Promise<DoctorFinding> {
  try {
    await access(dir, constants.W_OK);
    return { level: 'ok', what: `base directory ${dir} is writable` };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return { level: 'ok', what: `base directory ${dir} will be created on first use` };
    return {
      level: 'problem',
      what: `base directory ${dir} cannot be written to`,
      fix: `chmod u+w ${JSON.stringify(dir)}  # or set HELIX_LOCAL_LLM_DIR to a folder you own`,
    };
  }
}

function printFindings(findings: DoctorFinding[], ok: boolean, check: SystemCheck): void {
  const c = colours();
  console.log(c.bold(`${check.os.distroName} (${check.os.platform}/${check.os.arch})`));
  const mark = { ok: c.green('✓'), problem: c.red('✗'), warning: c.yellow('!') };
  for (const level of ['ok', 'warning', 'problem'] as const) {
    for (const f of findings.filter((x) => x.level === level)) {
      console.log(`${mark[f.level]} ${f.what}`);
      if (f.fix) console.log(`    ${c.dim('fix:')} ${f.fix}`);
    }
  }
  const problems = findings.filter((f) => f.level === 'problem').length;
  console.log(
    ok
      ? c.green('Everything required is here.')
      : c.red(`${problems} problem${problems === 1 ? '' : 's'}: run the fix commands above, then "local-llm-manager doctor" again.`),
  );
}
