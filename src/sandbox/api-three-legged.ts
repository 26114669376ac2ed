/**
 * Three-legged APIs, each behind its scope: Accounts (list, detail, transactions with date filters
 * and paging), Customers profile, Cards, and Money movement (preprocess, then confirm).
 * Every answer is about the sandbox user who consented.
 */
import { citiError, customError, json, jsonObject, type Route, type SandboxRequest } from './http.js';
import { callerToken } from './guard.js';
import { accountSummary, DETAIL_KEY, SUMMARY_KEY, userData, type Account, type AccountGroup, type SandboxUser } from './seed-users.js';
import type { SandboxState } from './state.js';

const GROUP_ORDER: AccountGroup[] = ['SAVINGS_AND_INVESTMENTS', 'CHECKING', 'CREDIT_CARD'];
const MAX_PAGE = 50;

export function threeLeggedApiRoutes(state: SandboxState): Route[] {
  const data = userData(state);
  // The kind and scope of the token were checked against the catalogue before any route (server.ts).
  const userOf = (req: SandboxRequest) => {
    const token = callerToken(req);
    const user = data.users.get(token.user ?? '');
    if (!user) throw citiError('unAuthorized', 'The token speaks for no sandbox user');
    return { token, user };
  };
  const accountOf = (user: SandboxUser, id: string | undefined): Account => {
    const account = user.accounts.find((a) => a.accountId === id);
    if (!account) throw citiError('resourceNotFound', `No account ${id ?? ''} for this customer`);
    return account;
  };
  const anyAccount = (id: string): Account | undefined => {
    for (const u of data.users.values()) {
      const a = u.accounts.find((x) => x.accountId === id);
      if (a) return a;
    }
    return undefined;
  };
  const nextRef = (kind: string, prefix: string) => {
    const n = (data.counters[kind] ?? 0) + 1;
    data.counters[kind] = n;
    return prefix + String(n).padStart(8, '0');
  };

  return [
    {
      method: 'GET',
      pattern: '/v1/accounts',
      handler: (req) => {
        const { user } = userOf(req);
        const accountGroupSummary = GROUP_ORDER.flatMap((group) => {
          const accounts = user.accounts.filter((a) => a.accountGroup === group);
          if (!accounts.length) return [];
          const total = accounts.reduce((sum, a) => sum + a.currentBalance, 0);
          return [
            {
              accountGroup: group,
              accounts: accounts.map((a) => ({ [SUMMARY_KEY[group]]: accountSummary(a) })),
              totalCurrentBalance: { localCurrencyCode: 'SGD', localCurrencyBalanceAmount: Math.round(total * 100) / 100 },
            },
          ];
        });
        return json({ accountGroupSummary });
      },
    },
    {
      method: 'GET',
      pattern: '/v1/accounts/:accountId',
      handler: (req) => {
        const { user } = userOf(req);
        const a = accountOf(user, req.params.accountId);
        return json({
          accountGroup: a.accountGroup,
          [DETAIL_KEY[a.accountGroup]]: { ...accountSummary(a), openingDate: a.openingDate, ...(a.accountGroup !== 'CREDIT_CARD' ? { interestRate: 0.05 } : { creditLimit: 15000 }) },
        });
      },
    },
    {
      method: 'GET',
      pattern: '/v1/accounts/:accountId/transactions',
      handler: (req) => {
        const { user } = userOf(req);
        const a = accountOf(user, req.params.accountId);
        const from = dateParam(req, 'transactionFromDate');
        const to = dateParam(req, 'transactionToDate');
        if (from && to && from > to) throw citiError('invalidRequest', 'transactionFromDate must not be after transactionToDate');
        const start = intParam(req, 'nextStartIndex', 1, 100_000);
        const size = intParam(req, 'requestSize', 10, MAX_PAGE);
        const matching = a.transactions.filter((t) => (!from || t.transactionDate >= from) && (!to || t.transactionDate <= to));
        const page = matching.slice(start - 1, start - 1 + size);
        const more = start - 1 + size < matching.length;
        return json({
          accountId: a.accountId,
          totalRecords: matching.length,
          transactions: page,
          ...(more ? { nextStartIndex: String(start + size) } : {}),
        });
      },
    },
    {
      method: 'GET',
      pattern: '/v1/customers/profiles',
      handler: (req) => json(userOf(req).user.profile),
    },
    {
      method: 'GET',
      pattern: '/v1/cards',
      handler: (req) => {
        const { user } = userOf(req);
        const fn = (req.query.get('cardFunction') ?? 'ALL').toUpperCase();
        if (!['ALL', 'CREDIT', 'DEBIT'].includes(fn)) throw citiError('invalidRequest', 'cardFunction must be ALL, CREDIT or DEBIT');
        const cards = user.cards.filter((c) => fn === 'ALL' || c.cardFunction === fn);
        // Citi's card listing also gives each card's credit limit and sub-type.
        return json({
          cardDetails: cards.map(({ cardFunction: f, ...c }) => ({ ...c, currentCreditLimitAmount: f === 'CREDIT' ? 15000 : 0, subCardType: f === 'CREDIT' ? 'PLATINUM' : 'DEBIT' })),
        });
      },
    },
    {
      method: 'POST',
      pattern: '/v1/moneyMovement/personalDomesticTransfers/preprocess',
      handler: (req) => {
        const { token, user } = userOf(req);
        const body = jsonObject(req);
        const amount = body.transactionAmount;
        if (typeof body.sourceAccountId !== 'string' || typeof body.destinationAccountId !== 'string') {
          throw citiError('invalidRequest', 'sourceAccountId and destinationAccountId are required');
        }
        if (typeof amount !== 'number' || !(amount > 0) || Math.round(amount * 100) !== amount * 100) {
          throw citiError('invalidRequest', 'transactionAmount must be a positive amount with at most two decimals');
        }
        const source = accountOf(user, body.sourceAccountId);
        if (source.accountGroup === 'CREDIT_CARD') throw citiError('invalidRequest', 'Transfers are made from a savings or checking account');
        const destination = anyAccount(body.destinationAccountId);
        if (!destination || destination.accountGroup === 'CREDIT_CARD' || destination === source) {
          throw citiError('invalidRequest', 'destinationAccountId must be another savings or checking account');
        }
        if (amount > source.availableBalance) {
          throw customError(400, { type: 'error', code: 'insufficientFunds', details: 'The source account has not enough available balance' });
        }
        const controlFlowId = nextRef('controlFlow', 'CFID');
        data.transfers.set(controlFlowId, {
          controlFlowId,
          userId: user.userId,
          clientId: token.clientId,
          sourceAccountId: source.accountId,
          destinationAccountId: destination.accountId,
          amount,
          currencyCode: source.currencyCode,
          remarks: typeof body.remarks === 'string' ? body.remarks.slice(0, 140) : '',
          expiresAt: state.now() + state.ttls.controlFlowMs,
        });
        return json({
          controlFlowId,
          sourceAccountId: source.accountId,
          destinationAccountId: destination.accountId,
          transactionAmount: amount,
          transactionCurrencyCode: source.currencyCode,
          chargeBearer: typeof body.chargeBearer === 'string' ? body.chargeBearer : 'OUR',
          chargeAmount: { amount: 0, currencyCode: source.currencyCode },
          debitDetails: { transactionDebitAmount: amount, currencyCode: source.currencyCode },
          creditDetails: { transactionCreditAmount: amount, currencyCode: destination.currencyCode },
          foreignExchangeRate: 1,
          transferCurrencyIndicator: typeof body.transferCurrencyIndicator === 'string' ? body.transferCurrencyIndicator : 'SOURCE_ACCOUNT_CURRENCY',
        });
      },
    },
    {
      method: 'POST',
      pattern: '/v1/moneyMovement/personalDomesticTransfers',
      handler: (req) => {
        const { token, user } = userOf(req);
        const id = jsonObject(req).controlFlowId;
        const transfer = typeof id === 'string' ? data.transfers.get(id) : undefined;
        if (!transfer || transfer.userId !== user.userId || transfer.clientId !== token.clientId || transfer.confirmed || transfer.expiresAt <= state.now()) {
          throw citiError('invalidControlFlowId');
        }
        const source = accountOf(user, transfer.sourceAccountId);
        const destination = anyAccount(transfer.destinationAccountId)!;
        if (transfer.amount > source.availableBalance) {
          throw customError(400, { type: 'error', code: 'insufficientFunds', details: 'The source account has not enough available balance' });
        }
        const ref = nextRef('transfer', 'TRF');
        transfer.confirmed = ref;
        const move = (a: Account, delta: number, type: 'DEBIT' | 'CREDIT') => {
          a.currentBalance = Math.round((a.currentBalance + delta) * 100) / 100;
          a.availableBalance = Math.round((a.availableBalance + delta) * 100) / 100;
          a.transactions.unshift({
            transactionReferenceId: ref,
            transactionDate: new Date(state.now()).toISOString().slice(0, 10),
            transactionDescription: transfer.remarks || 'FUNDS TRANSFER',
            transactionAmount: transfer.amount,
            transactionType: type,
            currencyCode: transfer.currencyCode,
          });
        };
        move(source, -transfer.amount, 'DEBIT');
        move(destination, transfer.amount, 'CREDIT');
        return json({
          transactionReferenceId: ref,
          transactionStatus: 'COMPLETED',
          sourceAccountId: source.accountId,
          destinationAccountId: destination.accountId,
          transactionAmount: transfer.amount,
          currencyCode: transfer.currencyCode,
          sourceAccount: { displaySourceAccountNumber: source.displayAccountNumber, sourceAccountAvailableBalance: source.availableBalance, sourceCurrencyCode: source.currencyCode },
          destinationAccount: {
            displayDestinationAccountNumber: destination.displayAccountNumber,
            destinationAccountAvailableBalance: destination.availableBalance,
            destinationCurrencyCode: destination.currencyCode,
          },
        });
      },
    },
  ];
}

function dateParam(req: SandboxRequest, name: string): string | undefined {
  const v = req.query.get(name);
  if (v === null || v === '') return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(v))) throw citiError('invalidRequest', `${name} must be a date YYYY-MM-DD`);
  return v;
}

function intParam(req: SandboxRequest, name: string, fallback: number, max: number): number {
  const v = req.query.get(name);
  if (v === null || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > max) throw citiError('invalidRequest', `${name} must be a whole number from 1 to ${max}`);
  return n;
}
