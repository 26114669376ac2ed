import { describe, expect, it } from 'vitest';
import { decide, signOn, txOf } from '../helpers/consent.js';
import { sandbox } from '../helpers/sandbox.js';
import { api, authorizeUrl, basic, consent, exchange, pkce, REDIRECT, signIn, tokenCall } from '../helpers/three-legged.js';

describe('emulator: authorize endpoint and pages', () => {
  it('serves a sign-in page, then a consent page listing the scopes, then redirects with code and state', async () => {
    const s = await sandbox();
    const login = await fetch(authorizeUrl(s));
    expect(login.status).toBe(200);
    expect(login.headers.get('content-security-policy')).toContain("form-action 'self'");
    const html = await login.text();
    expect(html).toContain('Sign on to Citi');
    expect(html).toContain('SandboxUser1, SandboxUser2, SandboxUser3, SandboxUser4, SandboxUser5');
    expect(html).not.toContain('<script');

    const tx = txOf(html);
    const bad = await signOn(s.url, tx, { user: 'SandboxUser2', password: 'wrong' });
    expect(bad.status).toBe(401);
    expect(await bad.text()).toContain('The user ID or password is not correct.');
    const ok = await signOn(s.url, tx, { user: 'SandboxUser2' });
    const consentHtml = await ok.text();
    expect(consentHtml).toContain('Signed on as <b id="user">SandboxUser2</b>');
    for (const scope of ['accounts_details_transactions', 'customers_profiles', 'cards', 'personal_domestic_transfers']) expect(consentHtml).toContain(`<b>${scope}</b>`);
    const done = await decide(s.url, tx, 'allow');
    expect(done.status).toBe(302);
    const back = new URL(done.headers.get('location')!);
    expect(back.origin + back.pathname).toBe(REDIRECT);
    expect(back.searchParams.get('state')).toBe('st-1');
    expect(back.searchParams.get('code')).toMatch(/^CODE/);
  });

  it('redirects with error=access_denied when the customer denies', async () => {
    const s = await sandbox();
    const back = await consent(s, { decision: 'deny' });
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('state')).toBe('st-1');
    expect(back.searchParams.get('code')).toBeNull();
  });

  it('shows an error page (no redirect) for an unknown client or an unregistered redirect_uri', async () => {
    const s = await sandbox({ redirectUris: ['http://127.0.0.1:9999/cb'] });
    const unknown = await fetch(authorizeUrl(s, { client_id: 'nobody', redirect_uri: 'http://127.0.0.1:9999/cb' }), { redirect: 'manual' });
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('No application has the client_id "nobody"');
    const other = await fetch(authorizeUrl(s, { redirect_uri: 'http://127.0.0.1:9999/other' }), { redirect: 'manual' });
    expect(other.status).toBe(400);
    expect(await other.text()).toContain('is not registered for this application');
    expect((await fetch(authorizeUrl(s, { redirect_uri: 'http://127.0.0.1:9999/cb' }), { redirect: 'manual' })).status).toBe(200);
  });

  it('allows any loopback redirect when none is registered, and no other', async () => {
    const s = await sandbox();
    expect((await fetch(authorizeUrl(s, { redirect_uri: 'http://localhost:5000/x' }), { redirect: 'manual' })).status).toBe(200);
    expect((await fetch(authorizeUrl(s, { redirect_uri: 'https://evil.example/cb' }), { redirect: 'manual' })).status).toBe(400);
  });

  it('sends back bad response_type, scope or PKCE method on the redirect', async () => {
    const s = await sandbox();
    const err = async (p: Record<string, string>) => {
      const res = await fetch(authorizeUrl(s, p), { redirect: 'manual' });
      expect(res.status).toBe(302);
      const u = new URL(res.headers.get('location')!);
      return [u.searchParams.get('error'), u.searchParams.get('error_description')];
    };
    expect(await err({ response_type: 'token' })).toEqual(['unsupported_response_type', 'response_type must be code']);
    expect(await err({ scope: 'accounts_details_transactions bogus' })).toEqual(['invalid_scope', 'Unknown scope: bogus']);
    expect(await err({ scope: '' })).toEqual(['invalid_scope', 'scope is required']);
    expect(await err({ code_challenge: pkce().challenge, code_challenge_method: 'plain' })).toEqual(['invalid_request', 'code_challenge_method must be S256']);
  });

  it('--auto-consent redirects at once as SandboxUser1', async () => {
    const s = await sandbox({ autoConsent: true });
    const { verifier, challenge } = pkce();
    const res = await fetch(authorizeUrl(s, { code_challenge: challenge, code_challenge_method: 'S256' }), { redirect: 'manual' });
    expect(res.status).toBe(302);
    const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
    const tok = await exchange(s, code, verifier);
    expect(tok.status).toBe(200);
    const profile = await api(s, tok.body.access_token as string, '/v1/customers/profiles');
    expect((profile.body as { customerParticulars: { names: { firstName: string }[] } }).customerParticulars.names[0]!.firstName).toBe('Alex');
  });
});

describe('emulator: codes', () => {
  it('exchanges a code once, with the refresh token and Citi fields; a second use fails and revokes what it gave', async () => {
    const s = await sandbox();
    const { verifier, challenge } = pkce();
    const code = (await consent(s, { params: { code_challenge: challenge, code_challenge_method: 'S256' } })).searchParams.get('code')!;
    const first = await exchange(s, code, verifier);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ token_type: 'Bearer', expires_in: 1800, refresh_token_expires_in: 2592000, scope: 'accounts_details_transactions cards customers_profiles personal_domestic_transfers' });
    expect(first.body.refresh_token).toMatch(/^RRIk/);
    const again = await exchange(s, code, verifier);
    expect(again).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'The authorization code has already been used' } });
    expect((await api(s, first.body.access_token as string, '/v1/accounts')).status).toBe(401);
  });

  it('refuses an expired code', async () => {
    const s = await sandbox({ ttls: { codeMs: 150 } });
    const code = (await consent(s)).searchParams.get('code')!;
    await new Promise((r) => setTimeout(r, 250));
    expect((await exchange(s, code)).body).toEqual({ error: 'invalid_grant', error_description: 'The authorization code has expired' });
  });

  it('binds the code to the PKCE challenge', async () => {
    const s = await sandbox();
    const { challenge } = pkce();
    const params = { code_challenge: challenge, code_challenge_method: 'S256' };
    const code1 = (await consent(s, { params })).searchParams.get('code')!;
    expect((await exchange(s, code1, pkce().verifier)).body).toEqual({ error: 'invalid_grant', error_description: 'code_verifier does not match the code_challenge' });
    const code2 = (await consent(s, { params })).searchParams.get('code')!;
    expect((await exchange(s, code2)).body).toEqual({ error: 'invalid_grant', error_description: 'code_verifier is missing or malformed' });
  });

  it('binds the code to the redirect_uri and the client', async () => {
    const s = await sandbox();
    s.state.addClient({ clientId: 'other-app', clientSecret: 'other-secret', redirectUris: [] });
    const code1 = (await consent(s)).searchParams.get('code')!;
    expect((await exchange(s, code1, undefined, 'http://127.0.0.1:8765/elsewhere')).body).toEqual({
      error: 'invalid_grant',
      error_description: 'redirect_uri does not match the authorize request',
    });
    const code2 = (await consent(s)).searchParams.get('code')!;
    expect((await exchange(s, code2, undefined, REDIRECT, basic(s, 'other-app', 'other-secret'))).body).toEqual({
      error: 'invalid_grant',
      error_description: 'The authorization code was issued to another client',
    });
    const code3 = (await consent(s)).searchParams.get('code')!;
    expect((await exchange(s, code3, undefined, REDIRECT, basic(s, s.clientId, 'wrong'))).status).toBe(401);
  });
});

describe('emulator: refresh and revoke', () => {
  const refresh = (s: Parameters<typeof tokenCall>[0], token: string) => tokenCall(s, '/authCode/oauth2/refresh', { grant_type: 'refresh_token', refresh_token: token });

  it('rotates the refresh token; replaying the old one revokes the whole family', async () => {
    const s = await sandbox();
    const t1 = await signIn(s);
    const r1 = await refresh(s, t1.refresh_token);
    expect(r1.status).toBe(200);
    const t2 = r1.body as { access_token: string; refresh_token: string };
    expect(t2.refresh_token).not.toBe(t1.refresh_token);
    expect(t2.access_token).not.toBe(t1.access_token);
    expect((await api(s, t2.access_token, '/v1/accounts')).status).toBe(200);

    const replay = await refresh(s, t1.refresh_token);
    expect(replay.body).toEqual({ error: 'invalid_grant', error_description: 'The refresh token was already used: every token of this grant is now revoked' });
    expect((await api(s, t2.access_token, '/v1/accounts')).body).toMatchObject({ code: 'unAuthorized', details: 'The access token has been revoked' });
    expect((await refresh(s, t2.refresh_token)).body).toEqual({ error: 'invalid_grant', error_description: 'The refresh token has been revoked' });
  });

  it('revoking one token of a pair revokes both', async () => {
    const s = await sandbox();
    const a = await signIn(s);
    const rev = await tokenCall(s, '/authCode/oauth2/revoke', { token: a.access_token, token_type_hint: 'access_token' });
    expect(rev.status).toBe(200);
    expect((await api(s, a.access_token, '/v1/accounts')).status).toBe(401);
    expect((await refresh(s, a.refresh_token)).body).toEqual({ error: 'invalid_grant', error_description: 'The refresh token has been revoked' });

    const b = await signIn(s);
    expect((await tokenCall(s, '/authCode/oauth2/revoke', { token: b.refresh_token, token_type_hint: 'refresh_token' })).status).toBe(200);
    expect((await api(s, b.access_token, '/v1/accounts')).body).toMatchObject({ code: 'unAuthorized', details: 'The access token has been revoked' });
    expect((await tokenCall(s, '/authCode/oauth2/revoke', { token: b.refresh_token, token_type_hint: 'bogus' })).body).toEqual({
      error: 'unsupported_token_type',
      error_description: 'token_type_hint must be access_token or refresh_token',
    });
  });

  it('refuses an expired refresh token', async () => {
    const s = await sandbox({ ttls: { refreshMs: 150 } });
    const t = await signIn(s);
    await new Promise((r) => setTimeout(r, 250));
    expect((await refresh(s, t.refresh_token)).body).toEqual({ error: 'invalid_grant', error_description: 'The refresh token has expired' });
  });
});

describe('emulator: three-legged APIs', () => {
  it('enforces scopes with 403 accessNotConfigured', async () => {
    const s = await sandbox();
    const t = await signIn(s, { scope: 'customers_profiles' });
    expect((await api(s, t.access_token, '/v1/customers/profiles')).status).toBe(200);
    const denied = await api(s, t.access_token, '/v1/accounts');
    expect(denied).toEqual({ status: 403, body: { type: 'error', code: 'accessNotConfigured', details: 'The token lacks the scope "accounts_details_transactions"' } });
    expect((await api(s, t.access_token, '/v1/cards')).status).toBe(403);
  });

  it('refuses a two-legged token on a three-legged API', async () => {
    const s = await sandbox();
    const two = await tokenCall(s, '/clientCredentials/oauth2/token/sg/gcb', { grant_type: 'client_credentials', scope: '/api' });
    const res = await api(s, two.body.access_token as string, '/v1/accounts');
    expect(res.status).toBe(403);
    expect(res.body.details).toBe('This API takes a three-legged token; a two-legged token was sent');
  });

  it("lists each user's own accounts in Citi's accountGroupSummary shape", async () => {
    const s = await sandbox();
    const one = (await api(s, (await signIn(s, { user: 'SandboxUser1' })).access_token, '/v1/accounts')).body as {
      accountGroupSummary: { accountGroup: string; accounts: Record<string, { accountId: string; currentBalance: number }>[]; totalCurrentBalance: unknown }[];
    };
    const two = (await api(s, (await signIn(s, { user: 'SandboxUser2' })).access_token, '/v1/accounts')).body as typeof one;
    expect(one.accountGroupSummary.map((g) => g.accountGroup)).toEqual(['SAVINGS_AND_INVESTMENTS', 'CHECKING', 'CREDIT_CARD']);
    const ids = (b: typeof one) => b.accountGroupSummary.flatMap((g) => g.accounts.map((a) => Object.values(a)[0]!.accountId));
    expect(ids(one)).toEqual(['SAV10011248', 'SAV10031670', 'CHK10021459', 'CCA10041881']);
    expect(ids(two)).toEqual(['SAV20011285', 'CHK20021496', 'CCA20041918']);
    const savings = one.accountGroupSummary[0]!;
    expect(Object.keys(savings.accounts[0]!)).toEqual(['savingsAccountSummary']);
    expect(savings.accounts[0]!.savingsAccountSummary).toMatchObject({
      productName: 'Citi Savings Account',
      displayAccountNumber: 'XXXXXX1248',
      currencyCode: 'SGD',
      accountStatus: 'ACTIVE',
    });
    expect(savings.totalCurrentBalance).toEqual({ localCurrencyCode: 'SGD', localCurrencyBalanceAmount: 39450 });
    // Another user's account is an invalid parameter, as Citi answers an unknown ID.
    const t1 = (await signIn(s, { user: 'SandboxUser1' })).access_token;
    expect((await api(s, t1, '/v1/accounts/SAV20011285')).status).toBe(400);
    expect((await api(s, t1, '/v1/accounts/SAV10011248')).body).toMatchObject({ savingsAccount: { displayAccountNumber: 'XXXXXX1248', productCode: 'SA_1000' } });
  });

  it('filters transactions by date and pages them', async () => {
    const s = await sandbox();
    const t = (await signIn(s)).access_token;
    const all = (await api(s, t, '/v1/accounts/SAV10011248/transactions?requestSize=50')).body as { transactions: { transactionDate: string }[]; nextStartIndex?: string };
    expect(all.transactions).toHaveLength(24);
    expect(all.nextStartIndex).toBeUndefined();
    const p1 = (await api(s, t, '/v1/accounts/SAV10011248/transactions?requestSize=10')).body as typeof all;
    expect(p1.transactions).toHaveLength(10);
    expect(p1.nextStartIndex).toBe('11');
    const p3 = (await api(s, t, '/v1/accounts/SAV10011248/transactions?requestSize=10&nextStartIndex=21')).body as typeof all;
    expect(p3.transactions).toHaveLength(4);
    expect(p3.nextStartIndex).toBeUndefined();
    expect(p3.transactions[0]).toEqual(all.transactions[20]);
    const june = (await api(s, t, '/v1/accounts/SAV10011248/transactions?transactionFromDate=2025-06-01&transactionToDate=2025-06-30')).body as typeof all;
    expect(june.transactions.map((x) => x.transactionDate)).toEqual(['2025-06-30', '2025-06-25', '2025-06-20', '2025-06-15', '2025-06-10', '2025-06-05']);
    expect((await api(s, t, '/v1/accounts/SAV10011248/transactions?transactionFromDate=2025-07-01&transactionToDate=2025-06-01')).status).toBe(400);
    expect((await api(s, t, '/v1/accounts/SAV10011248/transactions?transactionFromDate=June')).body).toMatchObject({ code: 'invalidRequest' });
  });

  it('shows the customer profile and cards of the signed-in user', async () => {
    const s = await sandbox();
    const t = (await signIn(s, { user: 'SandboxUser3' })).access_token;
    const profile = (await api(s, t, '/v1/customers/profiles')).body as { customerParticulars: { names: { fullName: string }[] }; emails: { emailAddress: string }[] };
    expect(profile.customerParticulars.names[0]!.fullName).toBe('WEI MING LIM');
    expect(profile.emails[0]!.emailAddress).toBe('wei.ming.lim@example.com');
    const cards = (await api(s, t, '/v1/cards?cardFunction=ALL')).body as { cardDetails: { cardId: string }[] };
    expect(cards.cardDetails.map((c) => c.cardId)).toEqual(['CARD-U3-CR01', 'CARD-U3-DB01']);
    expect(((await api(s, t, '/v1/cards?cardFunction=DEBIT')).body as typeof cards).cardDetails.map((c) => c.cardId)).toEqual(['CARD-U3-DB01']);
  });

  it('moves money: preprocess gives a controlFlowId, confirm a transactionReferenceId, and the balances move once', async () => {
    const s = await sandbox();
    const t = (await signIn(s)).access_token;
    const balance = async (id: string) => ((await api(s, t, `/v1/accounts/${id}`)).body as { savingsAccount?: { availableBalance: number }; checkingAccount?: { availableBalance: number } });
    const before = (await balance('SAV10011248')).savingsAccount!.availableBalance;
    const beforeChk = (await balance('CHK10021459')).checkingAccount!.availableBalance;
    // Money movement's own IDs for the savings (…1248) and checking (…1459) accounts.
    const eligible = (await api(s, t, '/v1/moneyMovement/personalDomesticTransfers/destinationAccounts/sourceAccounts')).body as {
      sourceAccounts: { sourceAccountId: string; displaySourceAccountNumber: string }[];
      destinationSourceAcctCombinations: { destinationAccountId: string; displayDestinationAccountNumber: string }[];
    };
    const src = (display: string) => eligible.sourceAccounts.find((a) => a.displaySourceAccountNumber === display)!.sourceAccountId;
    const dst = (display: string) => eligible.destinationSourceAcctCombinations.find((a) => a.displayDestinationAccountNumber === display)!.destinationAccountId;
    const pre = await api(s, t, '/v1/moneyMovement/personalDomesticTransfers/preprocess', {
      method: 'POST',
      body: { sourceAccountId: src('XXXXXX1248'), transactionAmount: 125.5, transferCurrencyIndicator: 'SOURCE_ACCOUNT_CURRENCY', destinationAccountId: dst('XXXXXX1459'), remarks: 'rent' },
    });
    expect(pre.status).toBe(200);
    expect(pre.body.controlFlowId).toBe('CFID00000001');
    const confirm = await api(s, t, '/v1/moneyMovement/personalDomesticTransfers', { method: 'POST', body: { controlFlowId: pre.body.controlFlowId } });
    expect(confirm.body).toMatchObject({ transactionReferenceId: 'TRF00000001', destinationAccount: { displayDestinationAccountNumber: 'XXXXXX1459' } });
    expect((await balance('SAV10011248')).savingsAccount!.availableBalance).toBe(before - 125.5);
    expect((await balance('CHK10021459')).checkingAccount!.availableBalance).toBe(beforeChk + 125.5);
    const again = await api(s, t, '/v1/moneyMovement/personalDomesticTransfers', { method: 'POST', body: { controlFlowId: pre.body.controlFlowId } });
    expect(again).toEqual({ status: 400, body: { type: 'error', code: 'invalidControlFlowId', details: 'Control flow ID is invalid' } });
    const tooMuch = await api(s, t, '/v1/moneyMovement/personalDomesticTransfers/preprocess', {
      method: 'POST',
      body: { sourceAccountId: src('XXXXXX1459'), transactionAmount: 1_000_000, transferCurrencyIndicator: 'SOURCE_ACCOUNT_CURRENCY', destinationAccountId: dst('XXXXXX1248') },
    });
    expect(tooMuch.body).toMatchObject({ code: 'insufficientFunds' });
  });
});
