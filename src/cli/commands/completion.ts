/**
 * `skiff completion bash|zsh`: a small completion script — verbs first, then resource types (from
 * `skiff api-resources -o name` at completion time, so it follows the server) and object names.
 */
import { Command } from 'commander';

const bash = (verbs: string[]) => `# skiff bash completion: source <(skiff completion bash)
_skiff() {
  local cur prev words cword
  cur="\${COMP_WORDS[COMP_CWORD]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W "${verbs.join(' ')}" -- "$cur") )
    return
  fi
  case "$prev" in
    -f|--filename|--kubeconfig) COMPREPLY=( $(compgen -f -- "$cur") ); return ;;
  esac
  if [ "$COMP_CWORD" -eq 2 ]; then
    local types
    types="$(skiff api-resources -o name 2>/dev/null | sed 's/\\..*//') $(skiff api-resources --no-headers 2>/dev/null | awk 'NF==5{print $2}' | tr ',' ' ')"
    COMPREPLY=( $(compgen -W "$types" -- "$cur") )
    return
  fi
  if [ "$COMP_CWORD" -eq 3 ]; then
    COMPREPLY=( $(compgen -W "$(skiff get "\${COMP_WORDS[2]}" -o name 2>/dev/null | sed 's|.*/||')" -- "$cur") )
  fi
}
complete -F _skiff skiff
`;

const zsh = (verbs: string[]) => `#compdef skiff
# skiff zsh completion: source <(skiff completion zsh)
autoload -U +X bashcompinit && bashcompinit
${bash(verbs)}`;

export function completionCommand(verbs: () => string[]): Command {
  return new Command('completion')
    .description('print a shell completion script (bash or zsh)')
    .argument('<shell>', 'bash or zsh')
    .action((shell: string) => {
      if (shell === 'bash') process.stdout.write(bash(verbs()));
      else if (shell === 'zsh') process.stdout.write(zsh(verbs()));
      else {
        process.stderr.write(`error: Unsupported shell type "${shell}".\n`);
        process.exitCode = 1;
      }
    });
}
