/**
 * Shell completion scripts for `etlctl completion bash|zsh|fish`. The command tree is passed in
 * (the command layer reads it from the registered commands), and written into the script, so
 * completing a word runs no Node process: a Tab press costs nothing.
 */

export interface CommandTree {
  name: string;
  /** Long and short flags, e.g. --mode, -m. */
  options: string[];
  children: CommandTree[];
}

export type Shell = 'bash' | 'zsh' | 'fish';
export const SHELLS: readonly Shell[] = ['bash', 'zsh', 'fish'];

/** Every node with its path of subcommand names ('' for the root). */
function walk(t: CommandTree, path: string[] = []): { path: string[]; node: CommandTree }[] {
  return [{ path, node: t }, ...t.children.flatMap((c) => walk(c, [...path, c.name]))];
}

const shq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

function bash(tree: CommandTree): string {
  const nodes = walk(tree);
  const subs = nodes
    .filter((n) => n.node.children.length > 0)
    .map((n) => `    ${shq(n.path.join(' '))}) subs=${shq(n.node.children.map((c) => c.name).join(' '))} ;;`);
  const opts = nodes.map(
    (n) => `    ${shq(n.path.join(' '))}) opts=${shq([...n.node.options, '--help'].join(' '))} ;;`,
  );
  return `# etlctl completion for bash: eval "$(etlctl completion bash)" (e.g. in ~/.bashrc)
_etlctl_subs() {
  subs=''
  case "$1" in
${subs.join('\n')}
  esac
}
_etlctl_opts() {
  opts=''
  case "$1" in
${opts.join('\n')}
  esac
}
_etlctl() {
  local cur path w i subs opts
  cur="\${COMP_WORDS[COMP_CWORD]}"
  path=''
  # The subcommand path so far: words that name a subcommand of the path before them.
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    _etlctl_subs "$path"
    case " $subs " in
      *" $w "*) path="\${path:+$path }$w" ;;
    esac
  done
  _etlctl_subs "$path"
  _etlctl_opts "$path"
  if [[ "$cur" == -* ]]; then
    COMPREPLY=( $(compgen -W "$opts" -- "$cur") )
  elif [[ -n "$subs" ]]; then
    COMPREPLY=( $(compgen -W "$subs" -- "$cur") )
  else
    COMPREPLY=( $(compgen -f -- "$cur") )
  fi
}
complete -o default -o filenames -F _etlctl etlctl
`;
}

function zsh(tree: CommandTree): string {
  // zsh runs the bash function through bashcompinit: one completion logic for both shells.
  return `#compdef etlctl
# etlctl completion for zsh: eval "$(etlctl completion zsh)" (e.g. in ~/.zshrc)
autoload -U +X compinit && compinit
autoload -U +X bashcompinit && bashcompinit
${bash(tree).split('\n').slice(1).join('\n')}`;
}

function fish(tree: CommandTree): string {
  const lines = [
    '# etlctl completion for fish: etlctl completion fish > ~/.config/fish/completions/etlctl.fish',
  ];
  for (const { path, node } of walk(tree)) {
    // A subcommand path is completed when exactly its words were seen (fish has no nesting).
    const cond =
      path.length === 0
        ? '__fish_use_subcommand'
        : `__fish_seen_subcommand_from ${path[path.length - 1]}` +
          (path.length > 1 ? `; and __fish_seen_subcommand_from ${path[0]}` : '');
    for (const c of node.children) lines.push(`complete -c etlctl -f -n ${shq(cond)} -a ${shq(c.name)}`);
    for (const o of node.options.filter((x) => x.startsWith('--')))
      lines.push(`complete -c etlctl -n ${shq(cond)} -l ${shq(o.slice(2))}`);
  }
  return lines.join('\n') + '\n';
}

export function completionScript(shell: Shell, tree: CommandTree): string {
  return shell === 'bash' ? bash(tree) : shell === 'zsh' ? zsh(tree) : fish(tree);
}
