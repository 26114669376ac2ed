/** The demo's runner: numbered steps with their times, against an embedded emulator and a memory store. */
import type { AuthContext } from '../../auth/context.js';
import { bearerToken, type BearerRequest } from '../../auth/bearer.js';
import { findApi } from '../../citi/catalogue.js';
import { citiErrorLine } from '../../citi/errors.js';
import { ApiError } from '../../errors.js';
import type { Factory } from '../../factory.js';
import type { RunningSandbox } from '../../sandbox/server.js';
import type { Style } from '../../ui/style.js';

export interface DemoContext {
  f: Factory;
  sandbox: RunningSandbox;
  s: Style;
  auth(): Promise<AuthContext>;
  /** Runs one step, printing its name, result and time; a failure ends the demo. */
  step<T>(name: string, fn: () => Promise<T>, summary?: (value: T) => string): Promise<T>;
  /** An authenticated API call that must succeed; returns the JSON body. */
  api(method: string, path: string, body?: unknown, bearer?: Partial<BearerRequest>): Promise<unknown>;
}

export type DemoLeg = { title: string; run(d: DemoContext): Promise<void> };

export function createDemoContext(f: Factory, sandbox: RunningSandbox, s: Style): DemoContext & { count: number } {
  let auth: Promise<AuthContext> | undefined;
  const d = {
    f,
    sandbox,
    s,
    count: 0,
    auth: () => (auth ??= f.authContext()),
    async step<T>(name: string, fn: () => Promise<T>, summary?: (value: T) => string): Promise<T> {
      d.count++;
      const started = performance.now();
      try {
        const value = await fn();
        const ms = (performance.now() - started).toFixed(0).padStart(4);
        f.info(`${s.green('✓')} ${s.dim(`${ms} ms`)}  ${name}${summary ? s.dim(` — ${summary(value)}`) : ''}`);
        return value;
      } catch (err) {
        f.info(`${s.red('✗')} ${name}`);
        throw err;
      }
    },
    async api(method: string, path: string, body?: unknown, bearer?: Partial<BearerRequest>): Promise<unknown> {
      const ctx = await d.auth();
      const api = findApi(path, method);
      const token = await bearerToken(ctx, { kind: api?.kind ?? 'two-legged', ...(api ? { api } : {}), ...bearer });
      const res = await ctx.http.request({
        method,
        path,
        ...(body !== undefined ? { json: body } : {}),
        bearer: token.accessToken,
      });
      if (res.status < 200 || res.status >= 300) throw new ApiError(`${method} ${path}: ${citiErrorLine(res.status, res.body)}`);
      return res.body;
    },
  };
  return d;
}
