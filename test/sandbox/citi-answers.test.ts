/**
 * The emulator answers as Citi answers: its error semantics over HTTP, and each Accounts, Cards and
 * Money movement answer checked against the field list of Citi's published model (src/citi/models).
 */
import { describe, expect, it } from 'vitest';
import { CITI_ERRORS } from '../../src/citi/errors.js';
import type { RunningSandbox } from '../../src/sandbox/server.js';
import { modelProblems } from '../helpers/citi-models.js';
import { sandbox } from '../helpers/sandbox.js';
import { api, basic, signIn, tokenCall } from '../helpers/three-legged.js';

const INVALID_REQUEST = { type: 'invalid', code: 'invalidRequest', details: 'Missing or invalid Parameters' };
const MOVE = '/v1/moneyMovement/personalDomesticTransfers';

async function customer(s: RunningSandbox, user = 'SandboxUser1') {
  const { access_token } = await signIn(s, { user });
  return access_token;
}

async function raw(s: RunningSandbox, path: string, headers: Record<string, string>) {
  const res = await fetch(new URL(s.url).origin + path, { headers: { accept: 'application/json', ...headers } });
  return { status: res.status, body: (await res.json()) as unknown };
}

interface Eligible {
  sourceAccounts: { sourceAccountId: string; displaySourceAccountNumber: string; availableBalance: number }[];
  destinationSourceAcctCombinations: { destinationAccountId: string; displayDestinationAccountNumber: string; sourceAccountIds: { sourceAccountId: string }[] }[];
}

/** A preprocess of a transfer between two of the customer's accounts, for the amount given. */
async function transferOf(s: RunningSandbox, token: string) {
  const eligible = (await api(s, token, `${MOVE}/destinationAccounts/sourceAccounts`)).body as unknown as Eligible;
  const source = eligible.sourceAccounts[0]!;
  const destination = eligible.destinationSourceAcctCombinations.find((d) => d.sourceAccountIds.some((x) => x.sourceAccountId === source.sourceAccountId))!;
  return (transactionAmount: unknown) =>
    api(s, token, `${MOVE}/preprocess`, {
      method: 'POST',
      body: { sourceAccountId: source.sourceAccountId, destinationAccountId: destination.destinationAccountId, transactionAmount, transferCurrencyIndicator: 'SOURCE_ACCOUNT_CURRENCY' },
    });
}

describe('the model check itself', () => {
  it('finds extra fields, missing required ones, wrong types and bad nested records', () => {
    const shown = { displayCardNumber: 'XXXXXXXXXXXX4521', cardFunctionsAllowed: [{ cardFunction: 'ATM' }] };
    expect(modelProblems({ cardDetails: [{ cardId: 'C1', localCardActivationIndicator: 'ACTIVE', currentCreditLimitAmount: 1, subCardType: 'DEBIT', ...shown }] }, 'CardListingResponse')).toEqual([]);
    expect(modelProblems({ cardDetails: [{ cardId: 7, cardFunction: 'DEBIT', currentCreditLimitAmount: '1', subCardType: 'DEBIT', overseasCardActivationEndDate: '1/2/2025', ...shown }] }, 'CardListingResponse')).toEqual([
      'CardListingResponse.cardDetails[0].cardFunction: not a field of CardDetails',
      'CardListingResponse.cardDetails[0].cardId: not a string',
      'CardListingResponse.cardDetails[0].localCardActivationIndicator: required by CardDetails, missing',
      'CardListingResponse.cardDetails[0].overseasCardActivationEndDate: not a YYYY-MM-DD date',
      'CardListingResponse.cardDetails[0].currentCreditLimitAmount: not a number',
    ]);
  });

  it('refuses an empty answer, and one without a field Citi answers though its model marks it optional', () => {
    for (const model of ['AccountsGroupList', 'TransactionDetailsResponse', 'CardListingResponse', 'PersonalDomesticValidSrcDesAcctRes', 'PreprocessForFundTransferResponse', 'PersonalDomesticTransferResponse']) {
      expect(modelProblems({}, model), model).not.toEqual([]);
    }
    const card = { cardId: 'C1', displayCardNumber: 'XXXXXXXXXXXX4521', localCardActivationIndicator: 'ACTIVE', currentCreditLimitAmount: 1, subCardType: 'DEBIT', cardFunctionsAllowed: [{ cardFunction: 'ATM' }] };
    expect(modelProblems({ cardDetails: [card] }, 'CardListingResponse')).toEqual([]);
    const { displayCardNumber: _n, cardFunctionsAllowed: _f, ...bare } = card;
    expect(modelProblems({ cardDetails: [bare] }, 'CardListingResponse')).toEqual([
      'CardListingResponse.cardDetails[0].displayCardNumber: answered by Citi (see CardDetails.json), missing',
      'CardListingResponse.cardDetails[0].cardFunctionsAllowed: answered by Citi (see CardDetails.json), missing',
    ]);
    const summary = { productName: 'Savings', displayAccountNumber: 'XXXXXX1248', accountId: 'SAV1', currencyCode: 'SGD', accountStatus: 'ACTIVE', currentBalance: 1, availableBalance: 1 };
    expect(modelProblems(summary, 'SavingsAccountSummary')).toEqual([
      'SavingsAccountSummary.productCode: answered by Citi (see SavingsAccountSummary.json), missing',
      'SavingsAccountSummary.accountClassification: answered by Citi (see SavingsAccountSummary.json), missing',
    ]);
    const tx = { displayAccountNumber: 'XXXXXX1248', transactionDate: '2025-06-30', transactionDescription: 'FUNDS TRANSFER', transactionReferenceId: 'T1', transactionAmount: 1, currencyCode: 'SGD', transactionType: 'DEBIT', transactionCode: '220' };
    expect(modelProblems({ transactions: [tx] }, 'TransactionDetailsResponse')).toEqual(['TransactionDetailsResponse.transactions[0].transactionPostingDate: answered by Citi (see Transaction.json), missing']);
    const pre = { controlFlowId: 'CF1', debitDetails: { transactionDebitAmount: 1, currencyCode: 'SGD' }, creditDetails: { transactionCreditAmount: 1, currencyCode: 'SGD' }, foreignExchangeRate: 1 };
    expect(modelProblems(pre, 'PreprocessForFundTransferResponse')).toEqual([
      'PreprocessForFundTransferResponse.transactionFee: answered by Citi (see PreprocessForFundTransferResponse.json), missing',
      'PreprocessForFundTransferResponse.feeCurrencyCode: answered by Citi (see PreprocessForFundTransferResponse.json), missing',
    ]);
    const confirmed = { destinationAccount: { displayDestinationAccountNumber: 'XXXXXX1459', destinationAccountAvailableBalance: 1, destinationCurrencyCode: 'SGD' }, transactionReferenceId: 'TRF1' };
    expect(modelProblems(confirmed, 'PersonalDomesticTransferResponse')).toEqual(['PersonalDomesticTransferResponse.sourceAccount: answered by Citi (see PersonalDomesticTransferResponse.json), missing']);
  });
});

describe("emulator: Citi's error semantics", () => {
  it('a client_id header that is not the app the token was issued to: 401 type unAuthorized, code "401"', async () => {
    const s = await sandbox();
    const token = await customer(s);
    for (const clientId of ['another-app', '']) {
      const res = await raw(s, '/gcb/api/v1/accounts', { authorization: `Bearer ${token}`, uuid: crypto.randomUUID(), ...(clientId ? { client_id: clientId } : {}) });
      expect(res).toEqual({ status: 401, body: { type: 'unAuthorized', code: '401', details: 'Authorization credentials are missing or invalid' } });
    }
  });

  it('a missing, unknown, expired or revoked bearer token: 401 type error, code unAuthorized', async () => {
    let now = Date.UTC(2025, 0, 1);
    const s = await sandbox({ now: () => now, ttls: { accessMs: 60_000 } });
    const expired = await customer(s);
    const pair = await signIn(s);
    await tokenCall(s, '/authCode/oauth2/revoke', { token: pair.refresh_token, token_type_hint: 'refresh_token' });
    now += 30_000;
    const live = await customer(s);
    now += 40_000;
    const headers = { uuid: crypto.randomUUID(), client_id: s.clientId };
    expect((await raw(s, '/gcb/api/v1/accounts', headers)).body).toMatchObject({ type: 'error', code: 'unAuthorized' });
    for (const token of ['AAIkunknown', expired, pair.access_token]) {
      const res = await raw(s, '/gcb/api/v1/accounts', { ...headers, authorization: `Bearer ${token}` });
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ type: 'error', code: 'unAuthorized' });
    }
    expect((await api(s, live, '/v1/accounts')).status).toBe(200);
  });

  it('an unknown or malformed ID in a path, query or body: 400 invalidRequest, never 404', async () => {
    const s = await sandbox();
    const token = await customer(s);
    const two = (await tokenCall(s, '/clientCredentials/oauth2/token/sg/gcb', { grant_type: 'client_credentials', scope: '/api' })).body.access_token as string;
    const eligible = (await api(s, token, `${MOVE}/destinationAccounts/sourceAccounts`)).body as unknown as Eligible;
    const source = eligible.sourceAccounts[0]!.sourceAccountId;
    const destination = eligible.destinationSourceAcctCombinations.find((d) => d.sourceAccountIds.some((x) => x.sourceAccountId === source))!.destinationAccountId;
    const sav2 = (await api(s, await customer(s, 'SandboxUser2'), '/v1/accounts')).body;
    const othersAccount = /"accountId":"(SAV2\w+)"/.exec(JSON.stringify(sav2))![1]!;
    const cases: [string, Promise<{ status: number; body: unknown }>][] = [
      ['unknown account', api(s, token, '/v1/accounts/NOPE')],
      ["another customer's account", api(s, token, `/v1/accounts/${othersAccount}`)],
      ['unknown account, transactions', api(s, token, '/v1/accounts/%20%20/transactions')],
      ['unknown source account', api(s, token, `${MOVE}/preprocess`, { method: 'POST', body: { sourceAccountId: 'NOPE', destinationAccountId: destination, transactionAmount: 1, transferCurrencyIndicator: 'SOURCE_ACCOUNT_CURRENCY' } })],
      ['unknown destination account', api(s, token, `${MOVE}/preprocess`, { method: 'POST', body: { sourceAccountId: source, destinationAccountId: 'NOPE', transactionAmount: 1, transferCurrencyIndicator: 'SOURCE_ACCOUNT_CURRENCY' } })],
      ['an Accounts ID where Money movement takes its own', api(s, token, `${MOVE}/preprocess`, { method: 'POST', body: { sourceAccountId: 'SAV10011248', destinationAccountId: destination, transactionAmount: 1, transferCurrencyIndicator: 'SOURCE_ACCOUNT_CURRENCY' } })],
      ['unknown application', api(s, two, '/v1/apac/onboarding/products/unsecured/applications/APP404/status?controlFlowId=CF1')],
      ['unknown reward link', api(s, two, '/v1/apac/rewards/RLC404/pointBalance')],
    ];
    for (const [what, res] of cases) expect(await res, what).toEqual({ status: 400, body: INVALID_REQUEST });
    expect(await api(s, token, '/v1/nothing/here')).toMatchObject({ status: 404, body: { type: 'error', code: 'resourceNotFound' } });
  });

  it('a token endpoint given a grant type it does not serve: 400 {"error":"invalid_grant"}', async () => {
    const s = await sandbox();
    const cases: [string, Record<string, string>][] = [
      ['/clientCredentials/oauth2/token/sg/gcb', { grant_type: 'password', scope: '/api' }],
      ['/authCode/oauth2/token/sg/gcb', { grant_type: 'client_credentials', scope: '/api' }],
      ['/authCode/oauth2/refresh', { grant_type: 'authorization_code', code: 'x' }],
      ['/cardAuth/oauth2/token/SG/gcb', { grant_type: 'client_credentials' }],
      ['/cardAuth/oauth2/refresh', { grant_type: 'password' }],
      ['/password/oauth2/token/sg/gcb', { grant_type: 'refresh_token', refresh_token: 'x' }],
    ];
    for (const [path, fields] of cases) expect(await tokenCall(s, path, fields, basic(s)), path).toEqual({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('takes amounts and points sent as numeric strings', async () => {
    const s = await sandbox();
    const token = await customer(s);
    const preprocess = await transferOf(s, token);
    const pre = await preprocess('30');
    expect(pre.status).toBe(200);
    expect(pre.body).toMatchObject({ debitDetails: { transactionDebitAmount: 30 } });
    expect((await preprocess('thirty')).status).toBe(400);

    const two = (await tokenCall(s, '/clientCredentials/oauth2/token/sg/gcb', { grant_type: 'client_credentials', scope: '/api' })).body.access_token as string;
    const { rewardLinkCode } = (await api(s, two, '/v1/apac/rewards/linkage', { method: 'POST', body: { lastFourDigitsCardNumber: '8653', citiCardHolderPhoneNumber: '6590020056' } })).body as { rewardLinkCode: string };
    await api(s, two, `/v1/apac/rewards/${rewardLinkCode}/activations`, { method: 'PUT', body: { linkageConfirmationCode: '987654' } });
    const redeemed = await api(s, two, `/v1/apac/rewards/${rewardLinkCode}/redemption`, {
      method: 'POST',
      body: { transactionReferenceNumber: 'T1', redemptionOrder: { transactionAmount: '4', currencyCode: 'SGD', pointsToRedeem: '1000' } },
    });
    expect(redeemed).toMatchObject({ status: 200, body: { availablePointBalance: 49_000 } });
  });

  it('takes amounts with cents, as numbers or numeric strings; refuses a third decimal', async () => {
    const s = await sandbox();
    const token = await customer(s);
    const preprocess = await transferOf(s, token);
    // 0.29 * 100 and 1.13 * 100 are not whole numbers in binary floating point.
    for (const [amount, debited] of [['0.29', 0.29], [1.13, 1.13], [0.1, 0.1], ['1.5', 1.5], [4.35, 4.35]] as const) {
      const pre = await preprocess(amount);
      expect(pre.status, String(amount)).toBe(200);
      expect(pre.body).toMatchObject({ debitDetails: { transactionDebitAmount: debited } });
    }
    for (const amount of [1.005, '0.291', '0', -1, '1.', '.5', '1e2']) expect((await preprocess(amount)).status, String(amount)).toBe(400);
  });

  it('serves a path with repeated slashes as Citi does', async () => {
    const s = await sandbox();
    const token = await customer(s);
    const headers = { authorization: `Bearer ${token}`, uuid: crypto.randomUUID(), client_id: s.clientId };
    const plain = await raw(s, '/gcb/api/v1/accounts', headers);
    expect(plain.status).toBe(200);
    expect(await raw(s, '/gcb/api//v1/accounts', headers)).toEqual(plain);
    expect(await raw(s, '/gcb//api/v1//accounts', headers)).toEqual(plain);
  });

  it('error bodies are Citi ErrorResponse records', () => {
    for (const [name, { body }] of Object.entries(CITI_ERRORS)) expect(modelProblems(body, 'ErrorResponse'), name).toEqual([]);
  });
});

describe("emulator: answers with the fields of Citi's published models", () => {
  it('Accounts: the summary, every account detail, and transactions', async () => {
    const s = await sandbox();
    const token = await customer(s);
    const list = (await api(s, token, '/v1/accounts')).body;
    expect(modelProblems(list, 'AccountsGroupList')).toEqual([]);
    const groups = (list as { accountGroupSummary: { accountGroup: string; accounts: Record<string, Record<string, unknown>>[] }[] }).accountGroupSummary;
    expect(groups.map((g) => g.accountGroup)).toEqual(['SAVINGS_AND_INVESTMENTS', 'CHECKING', 'CREDIT_CARD']);
    const summaries = groups.flatMap((g) => g.accounts.map((a) => Object.values(a)[0]!));
    for (const a of summaries) {
      expect(a.productCode, JSON.stringify(a)).toEqual(expect.any(String));
      expect(a.accountClassification).toBe(a.accountId!.toString().startsWith('CCA') ? 'LIABILITY' : 'ASSET');
    }
    for (const a of summaries) {
      const details = (await api(s, token, `/v1/accounts/${a.accountId}`)).body;
      expect(modelProblems(details, 'AccountDetailsResponse'), String(a.accountId)).toEqual([]);
      expect(Object.keys(details)).toHaveLength(1);
      const tx = (await api(s, token, `/v1/accounts/${a.accountId}/transactions`)).body;
      expect(modelProblems(tx, 'TransactionDetailsResponse'), String(a.accountId)).toEqual([]);
      // What depends on the account, which the model's data cannot say: a card's status, a deposit's running balance.
      const transactions = (tx as { transactions: Record<string, unknown>[] }).transactions;
      expect(transactions.length, String(a.accountId)).toBeGreaterThan(0);
      const byAccount = String(a.accountId).startsWith('CCA') ? ['transactionStatus', 'merchantName'] : ['runningBalance'];
      for (const t of transactions) for (const field of byAccount) expect(t[field], `${a.accountId} ${field}`).toBeDefined();
    }
  });

  it('transactions: 20 a page by default, nextStartIndex paging, date and transactionStatus filters, running balances', async () => {
    const s = await sandbox();
    const token = await customer(s);
    type Tx = { transactionReferenceId: string; transactionDate: string; transactionStatus?: string; runningBalance?: number; transactionAmount: number; transactionType: string };
    const page = async (path: string) => (await api(s, token, path)).body as { transactions: Tx[]; nextStartIndex?: string };
    const first = await page('/v1/accounts/SAV10011248/transactions');
    expect(first.transactions).toHaveLength(20);
    expect(first.nextStartIndex).toBe('21');
    const rest = await page('/v1/accounts/SAV10011248/transactions?nextStartIndex=21');
    expect(rest.transactions).toHaveLength(4);
    expect(rest.nextStartIndex).toBeUndefined();
    const all = [...first.transactions, ...rest.transactions];
    expect(new Set(all.map((t) => t.transactionReferenceId)).size).toBe(24);
    // Newest first; each running balance follows from the one before it.
    for (let i = 1; i < all.length; i++) {
      const newer = all[i - 1]!;
      const effect = newer.transactionType === 'CREDIT' ? newer.transactionAmount : -newer.transactionAmount;
      expect(Math.round((all[i]!.runningBalance! + effect) * 100) / 100).toBe(newer.runningBalance);
    }
    const june = await page('/v1/accounts/SAV10011248/transactions?transactionFromDate=2025-06-01&transactionToDate=2025-06-30');
    expect(june.transactions.map((t) => t.transactionDate)).toEqual(['2025-06-30', '2025-06-25', '2025-06-20', '2025-06-15', '2025-06-10', '2025-06-05']);

    const card = await page('/v1/accounts/CCA10041881/transactions?requestSize=50');
    expect(new Set(card.transactions.map((t) => t.transactionStatus))).toEqual(new Set(['PENDING', 'UNBILLED', 'BILLED']));
    const pending = await page('/v1/accounts/CCA10041881/transactions?transactionStatus=PENDING');
    expect(pending.transactions.length).toBeGreaterThan(0);
    expect(pending.transactions.every((t) => t.transactionStatus === 'PENDING')).toBe(true);
    expect(card.transactions.some((t) => 'foreignCurrencyCode' in t)).toBe(true);
    expect((await api(s, token, '/v1/accounts/CCA10041881/transactions?transactionStatus=LOST')).body).toMatchObject({ code: 'invalidRequest' });
  });

  it('Cards: the full card record, filtered by cardFunction, numbers shown as Citi shows them', async () => {
    const s = await sandbox();
    const token = await customer(s, 'SandboxUser3');
    const all = (await api(s, token, '/v1/cards?cardFunction=ALL')).body;
    expect(modelProblems(all, 'CardListingResponse')).toEqual([]);
    const cards = (all as { cardDetails: { cardId: string; displayCardNumber: string; subCardType: string; cardFunctionsAllowed: unknown[] }[] }).cardDetails;
    expect(cards.map((c) => c.cardId)).toEqual(['CARD-U3-CR01', 'CARD-U3-DB01']);
    for (const c of cards) {
      expect(c.displayCardNumber).toMatch(/^X{12}\d{4}$/);
      expect(c.cardFunctionsAllowed.length).toBeGreaterThan(0);
    }
    const debit = (await api(s, token, '/v1/cards?cardFunction=DEBIT')).body as { cardDetails: { cardId: string; subCardType: string }[] };
    expect(debit.cardDetails.map((c) => [c.cardId, c.subCardType])).toEqual([['CARD-U3-DB01', 'DEBIT']]);
  });

  it('Money movement: eligible accounts with their own IDs, preprocess, confirm; the balances move once', async () => {
    const s = await sandbox();
    const token = await customer(s);
    const eligibleBody = (await api(s, token, `${MOVE}/destinationAccounts/sourceAccounts`)).body;
    expect(modelProblems(eligibleBody, 'PersonalDomesticValidSrcDesAcctRes')).toEqual([]);
    const eligible = eligibleBody as unknown as Eligible;
    const accountIds = JSON.stringify((await api(s, token, '/v1/accounts')).body).match(/"accountId":"(\w+)"/g)!;
    for (const id of [...eligible.sourceAccounts.map((a) => a.sourceAccountId), ...eligible.destinationSourceAcctCombinations.map((a) => a.destinationAccountId)]) {
      expect(accountIds.join()).not.toContain(id);
    }
    // Savings or checking pays out; any of the customer's accounts, a card too, takes money in.
    expect(eligible.sourceAccounts).toHaveLength(3);
    expect(eligible.destinationSourceAcctCombinations).toHaveLength(4);
    const source = eligible.sourceAccounts.find((a) => a.displaySourceAccountNumber === 'XXXXXX1248')!;
    const destination = eligible.destinationSourceAcctCombinations.find((a) => a.displayDestinationAccountNumber === 'XXXXXX1459')!;
    expect(destination.sourceAccountIds.map((x) => x.sourceAccountId)).toContain(source.sourceAccountId);

    const request = { sourceAccountId: source.sourceAccountId, transactionAmount: 125.5, transferCurrencyIndicator: 'SOURCE_ACCOUNT_CURRENCY', destinationAccountId: destination.destinationAccountId, remarks: 'rent' };
    expect(modelProblems(request, 'PreprocessFundTransferRequestPersonalTransfer')).toEqual([]);
    const pre = await api(s, token, `${MOVE}/preprocess`, { method: 'POST', body: request });
    expect(pre.status).toBe(200);
    expect(modelProblems(pre.body, 'PreprocessForFundTransferResponse')).toEqual([]);
    expect(pre.body).toMatchObject({ debitDetails: { transactionDebitAmount: 125.5, currencyCode: 'SGD' }, creditDetails: { transactionCreditAmount: 125.5 }, transactionFee: 0, feeCurrencyCode: 'SGD' });

    const confirm = await api(s, token, MOVE, { method: 'POST', body: { controlFlowId: pre.body.controlFlowId } });
    expect(confirm.status).toBe(200);
    expect(modelProblems(confirm.body, 'PersonalDomesticTransferResponse')).toEqual([]);
    expect(confirm.body).toMatchObject({
      sourceAccount: { displaySourceAccountNumber: 'XXXXXX1248', sourceAccountAvailableBalance: Math.round((source.availableBalance - 125.5) * 100) / 100 },
      destinationAccount: { displayDestinationAccountNumber: 'XXXXXX1459' },
      transactionReferenceId: 'TRF00000001',
    });
    const again = await api(s, token, MOVE, { method: 'POST', body: { controlFlowId: pre.body.controlFlowId } });
    expect(again).toMatchObject({ status: 400, body: { code: 'invalidControlFlowId' } });
    const details = (await api(s, token, '/v1/accounts/SAV10011248')).body as { savingsAccount: { availableBalance: number } };
    expect(details.savingsAccount.availableBalance).toBe(Math.round((source.availableBalance - 125.5) * 100) / 100);
    const tx = (await api(s, token, '/v1/accounts/SAV10011248/transactions')).body as { transactions: { transactionReferenceId: string; runningBalance: number }[] };
    expect(tx.transactions[0]).toMatchObject({ transactionReferenceId: 'TRF00000001', runningBalance: details.savingsAccount.availableBalance });
  });
});
