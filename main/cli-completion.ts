import { flagsOf, parse, UsageError, type CliCommand } from './cli-args';
import { ARGS } from './cli-options';

/**
 * Shell completion for bash, zsh and fish, made from the command table: a command added to it
 * (backup, restore, export…) completes without touching this file. Provider ids come from
 * `status --json` at completion time, so custom recipes complete too.
 */
export function completionCommand(commands: () => Record<string, CliCommand>): CliCommand {
  return {
    usage: 'completion bash|zsh|fish',
    summary: 'Print a shell completion script.',
    details: [
      "bash:  echo 'source <(local-llm-manager completion bash)' >> ~/.bashrc",
      'zsh:   local-llm-manager completion zsh > "${fpath[1]}/_local-llm-manager"',
      'fish:  local-llm-manager completion fish > ~/.config/fish/completions/local-llm-manager.fish',
    ].join('\n'),
    args: ARGS.completion,
    complete: { subcommands: ['bash', 'zsh', 'fish'] },
    async run(args) {
      const { positionals } = parse('completion', args, ARGS.completion);
      const shell = positionals[0];
      if (positionals.length !== 1 || (shell !== 'bash' && shell !== 'zsh' && shell !== 'fish'))
        throw new UsageError('"completion" takes bash, zsh or fish.', 'completion');
      process.stdout.write(completionScript(shell, commands()));
      return 0;
    },
  };
}

const PROVIDER_IDS = `local-llm-manager status --json 2>/dev/null | sed -n 's/^      "id": "\\([a-z0-9-]*\\)",$/\\1/p'`;

export function completionScript(shell: 'bash' | 'zsh' | 'fish', commands: Record<string, CliCommand>): string {
  const names = Object.keys(commands).sort();
  const words = (name: string) => {
    const c = commands[name]!.complete ?? {};
    return [...(c.subcommands ?? []), ...flagsOf(commands[name]!.args.options), '--help'];
  };
  const withIds = names.filter((n) => commands[n]!.complete?.providerIds);
  if (shell === 'bash') {
    const cases = names.map((n) => `    ${n}) words="${words(n).join(' ')}"${withIds.includes(n) ? `; ids=1` : ''} ;;`).join('\n');
    return `# local-llm-manager completion for bash
_local_llm_manager() {
  local cur=\${COMP_WORDS[COMP_CWORD]} words="" ids=0
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W "${names.join(' ')} help --help --version" -- "$cur") ); return
  fi
  case "\${COMP_WORDS[1]}" in
${cases}
  esac
  if [ "$ids" = 1 ] && [ "\${cur#-}" = "$cur" ]; then words="$words $(${PROVIDER_IDS})"; fi
  COMPREPLY=( $(compgen -W "$words" -- "$cur") )
}
complete -F _local_llm_manager local-llm-manager
`;
  }
  if (shell === 'zsh') {
    const described = names.map((n) => `    '${n}:${commands[n]!.summary.replace(/'/g, "'\\''").replace(/:/g, '\\:')}'`).join('\n');
    const cases = names
      .map((n) => `    ${n}) opts=(${words(n).join(' ')})${withIds.includes(n) ? `; opts+=(\${(f)"$(${PROVIDER_IDS})"})` : ''} ;;`)
      .join('\n');
    return `#compdef local-llm-manager
# local-llm-manager completion for zsh
_local_llm_manager() {
  local -a commands opts
  commands=(
${described}
  )
  if (( CURRENT == 2 )); then _describe 'command' commands; return; fi
  case \${words[2]} in
${cases}
  esac
  compadd -- $opts
}
compdef _local_llm_manager local-llm-manager
`;
  }
  const lines = [
    '# local-llm-manager completion for fish',
    'complete -c local-llm-manager -f',
    ...names.map(
      (n) =>
        `complete -c local-llm-manager -n '__fish_use_subcommand' -a ${n} -d ${JSON.stringify(commands[n]!.summary.split(/[.;:(]/)[0]!.trim())}`,
    ),
    ...names.flatMap((n) => {
      const c = commands[n]!.complete ?? {};
      const out = (c.subcommands ?? []).map((s) => `complete -c local-llm-manager -n '__fish_seen_subcommand_from ${n}' -a ${s}`);
      for (const flag of flagsOf(commands[n]!.args.options)) {
        if (flag.startsWith('--')) out.push(`complete -c local-llm-manager -n '__fish_seen_subcommand_from ${n}' -l ${flag.slice(2)}`);
        else out.push(`complete -c local-llm-manager -n '__fish_seen_subcommand_from ${n}' -s ${flag.slice(1)}`);
      }
      if (c.providerIds) out.push(`complete -c local-llm-manager -n '__fish_seen_subcommand_from ${n}' -a '(${PROVIDER_IDS})'`);
      return out;
    }),
  ];
  return `${lines.join('\n')}\n`;
}
