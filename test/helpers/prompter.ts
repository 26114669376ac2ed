/**
 * The prompter double: a stand-in Prompter (src/ui/prompt.ts) that answers from a script and
 * records what it was asked. It is used beside the terminal tests, never instead of them: every
 * test that injects it names its twin on a real terminal (tmux, test/helpers/tmux.ts), in the same
 * file, which asks the same questions through @inquirer/prompts and checks what the double cannot
 * (masking, keys, what the screen shows).
 */
import type { Prompter } from '../../src/ui/prompt.js';

/** Pressing Enter on a prompt with a default: the default is the answer. */
export const ENTER = Symbol('Enter');
/** Never answering: the prompt waits until the CLI aborts it (its signal), as a person who walked away. */
export const NEVER = Symbol('never');
export type Answer = string | boolean | typeof ENTER | typeof NEVER;

export interface Asked {
  kind: 'input' | 'password' | 'select' | 'confirm';
  message: string;
  /** What a validate function said of an answer (the real prompt shows it and asks again). */
  refused?: string;
  /** The default shown beside the question. */
  default?: string | boolean;
  /** The choices of a list, as shown. */
  choices?: string[];
}

export interface PrompterDouble extends Prompter {
  asked: Asked[];
  /** The answers not used: a test expects none left. */
  left(): number;
}

/** A prompter that gives `answers` in order; a question with no answer left fails the test. */
export function scriptedPrompter(answers: Answer[]): PrompterDouble {
  const script = [...answers];
  const asked: Asked[] = [];
  function next(q: Asked): Answer {
    asked.push(q);
    if (!script.length) throw new Error(`the prompter double was asked "${q.message}" with no answer left`);
    return script.shift()!;
  }
  /** Text answers, asked again while `validate` refuses them, as the real prompt does. */
  async function text(q: Asked, opts?: { default?: string; validate?: (v: string) => true | string; signal?: AbortSignal }): Promise<string> {
    for (;;) {
      const a = next({ ...q, ...(opts?.default !== undefined ? { default: opts.default } : {}) });
      if (a === NEVER) return aborted(q.message, opts?.signal);
      const value = a === ENTER ? (opts?.default ?? '') : String(a);
      const verdict = opts?.validate?.(value) ?? true;
      if (verdict === true) return value;
      asked[asked.length - 1]!.refused = verdict;
    }
  }
  return {
    asked,
    left: () => script.length,
    async input(message, opts) {
      return text({ kind: 'input', message }, opts);
    },
    async password(message, opts) {
      return text({ kind: 'password', message }, opts);
    },
    async select(message, choices, opts) {
      const values = choices.map((c) => c.value);
      const a = next({ kind: 'select', message, choices: choices.map((c) => c.name), ...(opts?.default !== undefined ? { default: opts.default } : {}) });
      if (a === NEVER) return aborted(message);
      const value = a === ENTER ? (opts?.default ?? values[0]) : a;
      const chosen = values.find((v) => v === value);
      if (chosen === undefined) throw new Error(`the prompter double answered "${String(value)}" to "${message}", not one of ${values.join(', ')}`);
      return chosen;
    },
    async confirm(message, opts) {
      const a = next({ kind: 'confirm', message, ...(opts?.default !== undefined ? { default: opts.default } : {}) });
      if (a === ENTER) return opts?.default ?? false;
      if (a === NEVER) return aborted(message);
      if (typeof a !== 'boolean') throw new Error(`the prompter double answered "${a}" to the yes/no question "${message}"`);
      return a;
    },
  };
}

/** A prompt nobody answers: it ends only when its signal aborts it, rejecting as @inquirer/prompts does. */
function aborted(message: string, signal?: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    const abort = () => reject(Object.assign(new Error(`Prompt "${message}" was aborted`), { name: 'AbortPromptError' }));
    if (signal?.aborted) abort();
    signal?.addEventListener('abort', abort, { once: true });
  });
}
