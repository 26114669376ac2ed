/**
 * The emulator's memory: what expires is dropped (tokens, codes, control flows), and tokens are found
 * by family, so a revocation touches only its own family. Sizes are checked, never times.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { basicAuthorization } from '../../src/citi/oauth.js';
import { cardAuthState, isActivated } from '../../src/sandbox/oauth-card.js';
import { DEFAULT_TTLS, EXPIRED_KEPT_MS, ExpiringMap, SandboxState } from '../../src/sandbox/state.js';
import { sandbox } from '../helpers/sandbox.js';
import '../helpers/cli.js'; // registers the onCleanup hook

const TTLS = { ...DEFAULT_TTLS, accessMs: 60_000, refreshMs: 600_000 };

function stateAt(start = 1_000_000): { state: SandboxState; clock: { now: number } } {
  const clock = { now: start };
  return { state: new SandboxState(TTLS, () => clock.now), clock };
}

const twoLegged = (state: SandboxState) => state.issue({ kind: 'two-legged', clientId: 'c', scopes: ['/api'], withRefresh: false }).access;
const pair = (state: SandboxState, family?: number) => {
  const { access, refresh } = state.issue({ kind: 'three-legged', clientId: 'c', scopes: ['cards'], withRefresh: true, user: 'SandboxUser1', ...(family ? { family } : {}) });
  return { access, refresh: refresh! };
};

describe('ExpiringMap', () => {
  it('drops expired entries from the front and keeps the live ones, telling onDrop', () => {
    const dropped: string[] = [];
    const map = new ExpiringMap<string, { expiresAt: number }>((_v, k) => dropped.push(k));
    for (let i = 0; i < 10; i++) map.set(`k${i}`, { expiresAt: 100 + i });
    expect(map.sweep(104)).toBe(5);
    expect(map.size).toBe(5);
    expect(dropped).toEqual(['k0', 'k1', 'k2', 'k3', 'k4']);
    expect(map.get('k4')).toBeUndefined();
    expect(map.get('k5')).toEqual({ expiresAt: 105 });
    expect(map.sweep(1_000)).toBe(5);
    expect(map.size).toBe(0);
  });

  it('moves a replaced entry to the back, where its new expiry belongs', () => {
    const map = new ExpiringMap<string, { expiresAt: number }>();
    map.set('a', { expiresAt: 1 });
    map.set('b', { expiresAt: 2 });
    map.set('a', { expiresAt: 3 });
    expect(map.sweep(2)).toBe(1);
    expect([...map.values()]).toEqual([{ expiresAt: 3 }]);
  });
});

describe('SandboxState: expiry', () => {
  it('keeps an expired token a little while (it reads "expired"), then the sweep drops it', () => {
    const { state, clock } = stateAt();
    const tokens = Array.from({ length: 1000 }, () => twoLegged(state).value);
    expect(state.remembered()).toEqual({ tokens: 1000, families: 1000, transient: 0 });

    clock.now += TTLS.accessMs;
    state.sweep();
    expect(state.tokens.size).toBe(1000);
    expect(state.liveToken(tokens[0]!, 'access').reason).toBe('expired');

    clock.now += EXPIRED_KEPT_MS;
    state.sweep();
    expect(state.remembered()).toEqual({ tokens: 0, families: 0, transient: 0 });
    expect(state.liveToken(tokens[0]!, 'access').reason).toBe('unknown');
  });

  it('drops expired access tokens while their refresh tokens (and family) live on', () => {
    const { state, clock } = stateAt();
    const pairs = Array.from({ length: 100 }, () => pair(state));
    expect(state.tokens.size).toBe(200);
    clock.now += TTLS.accessMs + EXPIRED_KEPT_MS;
    state.sweep();
    expect(state.remembered()).toEqual({ tokens: 100, families: 100, transient: 0 });
    expect(state.liveToken(pairs[0]!.refresh.value, 'refresh').reason).toBeUndefined();
    clock.now += TTLS.refreshMs;
    state.sweep();
    expect(state.remembered()).toEqual({ tokens: 0, families: 0, transient: 0 });
  });

  it('sweeps the maps of codes and control flows too', () => {
    const { state, clock } = stateAt();
    const codes = state.expiringMap<string, { expiresAt: number }>();
    const flows = state.expiringMap<string, { expiresAt: number }>();
    for (let i = 0; i < 50; i++) codes.set(`code${i}`, { expiresAt: clock.now + TTLS.codeMs });
    for (let i = 0; i < 30; i++) flows.set(`flow${i}`, { expiresAt: clock.now + TTLS.controlFlowMs });
    expect(state.remembered().transient).toBe(80);
    clock.now += TTLS.codeMs + EXPIRED_KEPT_MS;
    state.sweep();
    expect(state.remembered().transient).toBe(30);
    clock.now += TTLS.controlFlowMs;
    state.sweep();
    expect(state.remembered().transient).toBe(0);
  });
});

describe('SandboxState: families', () => {
  it('revokes only the tokens of the family, found through its index', () => {
    const { state } = stateAt();
    const others = Array.from({ length: 1000 }, () => twoLegged(state));
    const first = pair(state);
    const second = pair(state, first.access.family);
    const otherPair = pair(state);
    expect(state.tokens.family(first.access.family)).toHaveLength(4);

    state.revokeFamily(first.access.family);
    for (const t of [first.access, first.refresh, second.access, second.refresh]) expect(t.revoked).toBe(true);
    expect(others.filter((t) => t.revoked)).toHaveLength(0);
    expect(otherPair.access.revoked || otherPair.refresh.revoked).toBe(false);
  });

  it('forgets a family when its last token goes, and what hung on it (a card activation)', async () => {
    const s = await sandbox({ ttls: { accessMs: 60_000 } });
    const { access } = s.state.issue({ kind: 'card', clientId: s.clientId, scopes: ['epp_booking'], withRefresh: false, cardId: 'CARD-8653-0001' });
    const res = await fetch(`${s.url}/cardAuth/oauth2/activate/HK/gcb`, {
      method: 'POST',
      headers: { authorization: `Bearer ${access.value}`, client_id: s.clientId, uuid: randomUUID(), 'content-type': 'application/json' },
      body: JSON.stringify({ cardId: 'CARD-8653-0001' }),
    });
    expect(res.status).toBe(200);
    expect(isActivated(s.state, access)).toBe(true);
    expect(cardAuthState(s.state).activated.size).toBe(1);
    s.state.tokens.clear();
    expect(s.state.remembered().families).toBe(0);
    expect(cardAuthState(s.state).activated.size).toBe(0);
  });
});

describe('the running emulator sweeps by itself', () => {
  it('drops expired tokens and control flows on its timer', async () => {
    const clock = { now: Date.now() };
    const lines: string[] = [];
    const s = await sandbox({ now: () => clock.now, ttls: { accessMs: 1_000, controlFlowMs: 1_000 }, log: (l) => lines.push(l) });
    const basic = basicAuthorization(s.clientId, s.clientSecret);
    for (let i = 0; i < 20; i++) {
      const res = await fetch(`${s.url}/clientCredentials/oauth2/token/sg/gcb`, {
        method: 'POST',
        headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials&scope=%2Fapi',
      });
      expect(res.status).toBe(200);
    }
    const enroll = await fetch(`${s.url}/cardAuth/oauth2/authorize/HK/gcb`, {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'card_authorization', lastFourDigitsCardNumber: '8653', citiCardHolderPhoneNumber: '6590020056' }),
    });
    expect(enroll.status).toBe(403);
    expect(s.state.remembered()).toEqual({ tokens: 20, families: 20, transient: 1 });

    clock.now += 1_000 + EXPIRED_KEPT_MS;
    await vi.waitFor(() => expect(s.state.remembered()).toEqual({ tokens: 0, families: 0, transient: 0 }), { timeout: 5_000, interval: 100 });
  });
});
