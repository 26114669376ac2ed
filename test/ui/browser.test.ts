import { describe, expect, it } from 'vitest';
import { browserCommand, noBrowserReason } from '../../src/ui/browser.js';

const URL = 'http://127.0.0.1:1/gcb/api/authCode/oauth2/authorize?a=1&b=two%20words';

describe('BROWSER', () => {
  it('is split like a shell command line; the URL replaces %s, else it is added last', async () => {
    expect(await browserCommand('firefox', URL, {})).toEqual(['firefox', URL]);
    expect(await browserCommand("'/opt/My Browser/run' --new-window", URL, {})).toEqual(['/opt/My Browser/run', '--new-window', URL]);
    expect(await browserCommand('chromium --app=%s --incognito', URL, {})).toEqual(['chromium', `--app=${URL}`, '--incognito']);
    expect(await browserCommand('"$HOME/bin/open-url" %s', URL, { HOME: '/home/ann' })).toEqual(['/home/ann/bin/open-url', URL]);
    expect(await browserCommand('w3m\\ x *', URL, {})).toEqual(['w3m x', '*', URL]);
  });

  it('must be one command', async () => {
    await expect(browserCommand('firefox | tee log', URL, {})).rejects.toThrow('BROWSER must be one command with its arguments');
    await expect(browserCommand('firefox > log', URL, {})).rejects.toThrow('not a shell pipeline or redirection');
  });

  it('is tried wherever it is set; without it, CI and a Linux session without a display open nothing', () => {
    expect(noBrowserReason({ CI: 'true' }, 'linux')).toBe('running in CI');
    expect(noBrowserReason({}, 'linux')).toBe('no graphical display (DISPLAY is not set)');
    expect(noBrowserReason({ SSH_CONNECTION: '1 2 3 4' }, 'linux')).toBe('an SSH session without a display');
    expect(noBrowserReason({ DISPLAY: ':0' }, 'linux')).toBeUndefined();
    expect(noBrowserReason({ WAYLAND_DISPLAY: 'wayland-0' }, 'linux')).toBeUndefined();
    expect(noBrowserReason({}, 'darwin')).toBeUndefined();
    expect(noBrowserReason({ CI: 'true', BROWSER: 'firefox' }, 'linux')).toBeUndefined();
    expect(noBrowserReason({ BROWSER: 'w3m' }, 'linux')).toBeUndefined();
  });
});
