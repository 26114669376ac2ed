/**
 * Private D-Bus sessions with a real gnome-keyring in a chosen state, for the keychain's failure
 * paths: unlocked, locked (a keyring made earlier, the daemon started without --unlock), with no
 * default collection (no keyring at all, nothing unlocked), or no Secret Service on the bus.
 * Each session lives until the test ends. Needs dbus-run-session and gnome-keyring-daemon (Debian:
 * dbus, gnome-keyring): under CI=true a missing one fails the test, elsewhere the tests skip.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { inCI } from './keychain.js';
import { onCleanup, tempConfigHome } from './cli.js';

export type KeyringState = 'unlocked' | 'locked' | 'no-service';

const SECRET_SERVICE = 'org.freedesktop.secrets';

function missingTool(): string | undefined {
  for (const tool of ['dbus-run-session', 'gnome-keyring-daemon']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return tool;
  }
  return undefined;
}

/** True when the tools are here; logs why when skipping; throws under CI=true when they are missing. */
export function requireKeyringTools(): boolean {
  const missing = missingTool();
  if (!missing) return true;
  if (inCI) throw new Error(`CI=true but ${missing} is not installed (apt-get install dbus gnome-keyring)`);
  console.warn(`skipping locked-keychain tests: ${missing} is not installed (apt-get install dbus gnome-keyring)`);
  return false;
}

/** A bus that activates nothing: no Secret Service can appear on it. */
const BARE_BUS = `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy>
</busconfig>
`;

/**
 * Starts a private session bus with gnome-keyring in the given state, its keyrings in dataHome
 * (XDG_DATA_HOME). Resolves to the environment that points a process at it. The session ends
 * (its daemon with it) when the test ends, or at `stop()`.
 */
export interface KeyringSession {
  env: NodeJS.ProcessEnv;
  /** The session's gnome-keyring-daemon (to pause it: a Secret Service that does not answer). */
  daemonPid(): Promise<number>;
  stop(): Promise<void>;
}

export async function keyringSession(state: KeyringState, dataHome: string): Promise<KeyringSession> {
  const report = 'echo "BUS=$DBUS_SESSION_BUS_ADDRESS"; exec cat';
  let args: string[];
  if (state === 'no-service') {
    const conf = path.join(await tempConfigHome(), 'bus.conf');
    await fs.writeFile(conf, BARE_BUS);
    args = [`--config-file=${conf}`, '--', 'sh', '-c', report];
  } else {
    const daemon = state === 'unlocked' ? 'printf %s test | gnome-keyring-daemon --unlock --components=secrets' : 'gnome-keyring-daemon --components=secrets </dev/null';
    // The daemon prints its environment before it owns its bus name: wait for the name, or a client
    // (or a paused daemon) would meet no Secret Service and D-Bus would start Debian's, locked.
    const owned = `dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.NameHasOwner string:${SECRET_SERVICE} | grep -q true`;
    const waitForName = `i=0; until ${owned}; do i=$((i+1)); [ $i -lt 400 ] || exit 1; sleep 0.05; done`;
    args = ['--', 'sh', '-c', `export $(${daemon}) >/dev/null; ${waitForName}; ${report}`];
  }
  // stdin stays open: `cat` holds the session until it is closed.
  const child = spawn('dbus-run-session', args, { env: { ...process.env, XDG_DATA_HOME: dataHome }, stdio: ['pipe', 'pipe', 'pipe'] });
  let log = '';
  child.stderr.on('data', (c) => (log += String(c)));
  const ended = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGTERM'), 5000);
      await ended;
      clearTimeout(timer);
    }
  };
  onCleanup(stop);
  const bus = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      if (line.startsWith('BUS=')) resolve(line.slice(4));
    });
    child.once('close', (code) => reject(new Error(`dbus-run-session exited (${code}) before the bus was ready:\n${log}`)));
  });
  const daemonPid = async () => {
    for (const pid of await fs.readdir('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        const [comm, environ] = await Promise.all([fs.readFile(`/proc/${pid}/comm`, 'utf8'), fs.readFile(`/proc/${pid}/environ`, 'utf8')]);
        if (comm.startsWith('gnome-keyring') && environ.split('\0').includes(`XDG_DATA_HOME=${dataHome}`)) return Number(pid);
      } catch {
        // gone, or not ours to read
      }
    }
    throw new Error(`no gnome-keyring-daemon runs with XDG_DATA_HOME=${dataHome}`);
  };
  return { env: { DBUS_SESSION_BUS_ADDRESS: bus, XDG_DATA_HOME: dataHome }, daemonPid, stop };
}
