/** The completion scripts, and the candidates `citi __complete` offers for the word being completed. */
import type { Command, Option } from 'commander';
import { COUNTRIES, ENVIRONMENTS } from '../citi/endpoints.js';
import type { ConfigStore } from '../config/profiles.js';
import type { Factory } from '../factory.js';
import type { TokenStore } from '../store/tokens.js';
import { SHELLS, type Shell } from './completion.js';

export function completionScript(shell: Shell): string {
  switch (shell) {
    case 'bash':
      return `# citi completion for bash: source <(citi completion bash)
_citi_complete() {
  local IFS=$'\\n'
  COMPREPLY=($(citi __complete -- "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
}
complete -o default -F _citi_complete citi
`;
    case 'zsh':
      return `#compdef citi
# citi completion for zsh: source <(citi completion zsh), after compinit
_citi_complete() {
  local -a found
  found=("\${(@f)$(citi __complete -- "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  compadd -Q -- "\${(@)found:#}"
}
compdef _citi_complete citi
`;
    case 'fish':
      return `# citi completion for fish: citi completion fish > ~/.config/fish/completions/citi.fish
function __citi_complete
    set -l words (commandline -opc) (commandline -ct)
    citi __complete -- $words[2..-1] 2>/dev/null
end
complete -c citi -f -a '(__citi_complete)'
`;
  }
}

/** Long flags of a command and of its ancestors (the global options), hidden ones left out. */
function optionsOf(cmd: Command): Option[] {
  const out: Option[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) out.push(...c.options.filter((o) => !o.hidden));
  return out;
}

function findOption(cmd: Command, flag: string): Option | undefined {
  return optionsOf(cmd).find((o) => o.long === flag || o.short === flag);
}

function visible(cmd: Command): Command[] {
  return cmd.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden);
}

/** What completion looks up: the saved profiles, and the tokens of one (the run's, or the one named on the line). */
export interface CompletionDeps {
  config: Pick<ConfigStore, 'read'>;
  tokensOf(profile: string | undefined): Promise<TokenStore>;
}

export function completionDeps(f: Factory): CompletionDeps {
  return { config: f.config, tokensOf: async (profile) => f.tokens(await (profile ? f.resolve({ profile }) : f.profile())) };
}

/** The candidates for the last word, given the words before it; never throws (a failing lookup offers nothing). */
export async function candidates(program: Command, words: string[], f: CompletionDeps): Promise<string[]> {
  const current = words[words.length - 1] ?? '';
  let cmd = program;
  const values: Record<string, string> = {};
  const positionals: string[] = [];
  let pending: Option | undefined;
  // `citi help card e…` completes like `citi card e…`.
  const before = words.slice(0, -1);
  if (before[0] === 'help') before.shift();
  for (const word of before) {
    if (pending) {
      values[pending.attributeName()] = word;
      pending = undefined;
    } else if (word.startsWith('-') && word !== '-') {
      const opt = findOption(cmd, word.split('=')[0]!);
      if (opt && (opt.required || opt.optional) && !word.includes('=')) pending = opt;
    } else {
      const sub = positionals.length ? undefined : cmd.commands.find((c) => c.name() === word || c.aliases().includes(word));
      if (sub) cmd = sub;
      else positionals.push(word);
    }
  }
  let found: readonly string[];
  if (pending) found = await optionValues(pending, f, values);
  else if (current.startsWith('-')) found = [...new Set(optionsOf(cmd).flatMap((o) => (o.long ? [o.long] : [])))];
  else found = [...(positionals.length ? [] : visible(cmd).map((c) => c.name())), ...(await argumentValues(cmd, positionals, f))];
  return found.filter((c) => c.startsWith(current));
}

async function optionValues(opt: Option, f: CompletionDeps, values: Record<string, string>): Promise<readonly string[]> {
  if (opt.argChoices) return opt.argChoices;
  switch (opt.long) {
    case '--profile':
      return profileNames(f);
    case '--card':
      return cardIds(f, values.profile);
    case '--env':
      return Object.keys(ENVIRONMENTS);
    case '--country':
      return COUNTRIES;
    default:
      return [];
  }
}

async function argumentValues(cmd: Command, positionals: string[], f: CompletionDeps): Promise<readonly string[]> {
  const path = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) path.unshift(c.name());
  switch (path.join(' ')) {
    case 'profiles use':
      return positionals.length ? [] : profileNames(f);
    case 'completion':
      return positionals.length ? [] : SHELLS;
    case 'call':
      // `citi call PATH` or `citi call METHOD PATH`
      if (positionals.length === 0) return apiPaths();
      return positionals.length === 1 && /^[A-Za-z]+$/.test(positionals[0]!) ? apiPaths(positionals[0]!.toUpperCase()) : [];
    default:
      return [];
  }
}

async function profileNames(f: Pick<CompletionDeps, 'config'>): Promise<string[]> {
  try {
    return Object.keys((await f.config.read()).profiles).sort();
  } catch {
    return [];
  }
}

/** The card IDs enrolled under the profile; the keychain gets a short while, then nothing is offered. */
async function cardIds(f: Pick<CompletionDeps, 'tokensOf'>, profile: string | undefined): Promise<string[]> {
  const lookup = (async () => {
    const tokens = await f.tokensOf(profile);
    return Object.values(await tokens.all()).flatMap((r) => (r.kind === 'card' && r.cardId ? [r.cardId] : []));
  })();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string[]>((resolve) => (timer = setTimeout(() => resolve([]), 2000)));
  return Promise.race([lookup.catch(() => []), late]).finally(() => clearTimeout(timer));
}

/** The path templates of the catalogue's endpoints (of one method, when given), for `citi call`. */
async function apiPaths(method?: string): Promise<string[]> {
  const { API_CATALOGUE } = await import('../citi/catalogue.js');
  return [...new Set(API_CATALOGUE.filter((e) => !method || e.method === method).map((e) => e.path))].sort();
}
