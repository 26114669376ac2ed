/**
 * scripts/with-keyring.sh, which CI runs the suite in: its Secret Service, ended mid-run, comes back
 * unlocked over the same keyring, so the secret saved before is still read without a prompt.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, spawnProcess, tempConfigHome, testEnv } from '../helpers/cli.js';
import { requireKeyringTools } from '../helpers/keyring-session.js';
import { sandboxProcess } from '../helpers/sandbox.js';

const available = requireKeyringTools();

describe.skipIf(!available)('scripts/with-keyring.sh (real dbus-run-session and gnome-keyring)', () => {
  it('a Secret Service that ends mid-run is started again, unlocked, with the entries saved before', async () => {
    const home = await tempConfigHome();
    const sb = await sandboxProcess([], testEnv(home));
    const citi = `'${process.execPath}' '${BIN}'`;
    const script = [
      'set -e',
      `printf %s "$SECRET" | ${citi} --store keychain login --base-url "$URL" --client-id "$ID" --client-secret-stdin --no-verify`,
      'kill -9 "$(cat "$XDG_DATA_HOME/secret-service.pid")"',
      `${citi} token --json`,
    ].join('\n');
    const env = testEnv(home, { URL: sb.url, ID: sb.clientId, SECRET: sb.clientSecret });
    const res = await spawnProcess(path.join(ROOT, 'scripts', 'with-keyring.sh'), ['sh', '-c', script], { env, timeoutMs: 60_000 });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toContain('OS keychain');
    // Started before the command, then again by the first client after the kill.
    expect(res.stderr.match(/with-keyring: starting gnome-keyring-daemon, unlocked/g)).toHaveLength(2);
    expect(res.stderr).not.toMatch(/unlock prompt|keychain is locked/);
    expect(JSON.parse(res.stdout)).toMatchObject({ token_type: 'Bearer', source: 'new' });
  });
});
