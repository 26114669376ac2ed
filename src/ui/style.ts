/** Colours for people-facing text; plain when colour is off. chalk is small, but still loaded on demand. */
import type { ChalkInstance } from 'chalk';

let chalkPromise: Promise<ChalkInstance> | undefined;

export interface Style {
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
  magenta(s: string): string;
  blue(s: string): string;
}

const plain: Style = { red: id, green: id, yellow: id, cyan: id, dim: id, bold: id, magenta: id, blue: id };

function id(s: string): string {
  return s;
}

export async function style(color: boolean): Promise<Style> {
  if (!color) return plain;
  chalkPromise ??= import('chalk').then((m) => new m.Chalk({ level: 1 }));
  const c = await chalkPromise;
  return { red: c.red, green: c.green, yellow: c.yellow, cyan: c.cyan, dim: c.dim, bold: c.bold, magenta: c.magenta, blue: c.blue };
}
