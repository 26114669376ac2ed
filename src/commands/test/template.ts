/** `{{name}}` templates: suite variables and captures, and `{{env.NAME}}` from the environment. */

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)\s*\}\}/g;

export type Variables = Map<string, unknown>;

export class TemplateError extends Error {}

function lookup(name: string, vars: Variables, env: NodeJS.ProcessEnv): unknown {
  if (name.startsWith('env.')) {
    const key = name.slice(4);
    const value = env[key];
    if (value === undefined) throw new TemplateError(`the environment variable ${key} is not set (used as {{${name}}})`);
    return value;
  }
  if (!vars.has(name)) throw new TemplateError(`no variable "${name}": define it under variables, or capture it in an earlier step`);
  return vars.get(name);
}

/** Fills a string. A string that is one placeholder alone keeps the value's type (a number stays a number). */
export function fill(text: string, vars: Variables, env: NodeJS.ProcessEnv): unknown {
  const whole = /^\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}\}$/.exec(text);
  if (whole && !whole[1]!.includes('..')) return lookup(whole[1]!, vars, env);
  return text.replace(PLACEHOLDER, (_, name: string) => {
    const v = lookup(name, vars, env);
    return typeof v === 'string' ? v : JSON.stringify(v);
  });
}

/** Fills a string and returns text. */
export function fillText(text: string, vars: Variables, env: NodeJS.ProcessEnv): string {
  const v = fill(text, vars, env);
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Fills every string inside a JSON-like value. */
export function fillDeep(value: unknown, vars: Variables, env: NodeJS.ProcessEnv): unknown {
  if (typeof value === 'string') return fill(value, vars, env);
  if (Array.isArray(value)) return value.map((v) => fillDeep(v, vars, env));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillDeep(v, vars, env)]));
  return value;
}
