/** Interactive prompts through @inquirer/prompts, drawn on stderr so stdout stays data. Loaded on demand. */
import type { IO } from './io.js';

export interface Prompter {
  /** `signal` ends the prompt (and frees the terminal) when aborted, e.g. on a timeout. */
  input(message: string, opts?: { default?: string; validate?: (v: string) => true | string; signal?: AbortSignal }): Promise<string>;
  password(message: string, opts?: { validate?: (v: string) => true | string }): Promise<string>;
  select<T extends string>(message: string, choices: { name: string; value: T; description?: string }[], opts?: { default?: T }): Promise<T>;
  confirm(message: string, opts?: { default?: boolean }): Promise<boolean>;
}

export function inquirerPrompter(io: IO): Prompter {
  const context = { input: io.stdin, output: io.stderr, clearPromptOnDone: false };
  const load = () => import('@inquirer/prompts');
  return {
    async input(message, opts) {
      const { input } = await load();
      return input(
        { message, ...(opts?.default !== undefined ? { default: opts.default } : {}), ...(opts?.validate ? { validate: opts.validate } : {}) },
        { ...context, ...(opts?.signal ? { signal: opts.signal } : {}) },
      );
    },
    async password(message, opts) {
      const { password } = await load();
      return password({ message, mask: '*', ...(opts?.validate ? { validate: opts.validate } : {}) }, context);
    },
    async select(message, choices, opts) {
      const { select } = await load();
      return select({ message, choices, ...(opts?.default !== undefined ? { default: opts.default } : {}) }, context);
    },
    async confirm(message, opts) {
      const { confirm } = await load();
      return confirm({ message, ...(opts?.default !== undefined ? { default: opts.default } : {}) }, context);
    },
  };
}
