/**
 * Three-legged APIs, each behind its scope: Accounts (list, detail, transactions with date and
 * status filters and paging), Customers profile, Cards, and Money movement (eligible accounts,
 * preprocess, then confirm). Every answer is about the sandbox user who consented, with the fields
 * and nesting of Citi's published models (src/citi/models).
 */
import { catalogued } from '../citi/catalogue.js';
import { amountValue } from '../citi/numbers.js';
import { citiError, json, jsonObject, type Route, type SandboxRequest } from './http.js';
import { callerToken } from './guard.js';
import {
  accountDetails,
  accountSummary,
  DETAIL_KEY,
  SUMMARY_KEY,
  TRANSACTION_STATUSES,
  transferAccountId,
  userData,
  type Account,
  type AccountGroup,
  type SandboxUser,
} from './seed-users.js';
import type { SandboxState } from './state.js';

const GROUP_ORDER: AccountGroup[] = ['SAVINGS_AND_INVESTMENTS', 'CHECKING', 'CREDIT_CARD'];
/** Citi: at most 50 transactions an answer, 20 unless requestSize says otherwise. */
const MAX_PAGE = 50;
const DEFAULT_PAGE = 20;

export function threeLeggedApiRoutes(state: SandboxState): Route[] {
  const data = userData(state);
  // The kind and scope of the token were checked against the catalogue before any route (server.ts).
  const userOf = (req: SandboxRequest) => {
    const token = callerToken(req);
    const user = data.users.get(token.user ?? '');
    if (!user) throw citiError('unAuthorized', 'The token speaks for no sandbox user');
    return { token, user };
  };
  // An unknown or malformed ID is a bad parameter to Citi (400), never a 404.
  const accountOf = (user: SandboxUser, id: string | undefined): Account => {
    const account = user.accounts.find((a) => a.accountId === id);
    if (!account) throw citiError('invalidRequest');
    return account;
  };
  const sources = (user: SandboxUser) => user.accounts.filter((a) => a.accountGroup !== 'CREDIT_CARD');
  const byTransferId = (user: SandboxUser, role: 'source' | 'destination', id: unknown): Account | undefined =>
    (role === 'source' ? sources(user) : user.accounts).find((a) => typeof id === 'string' && transferAccountId(role, a.accountId) === id);
  const nextRef = (kind: string, prefix: string) => {
    const n = (data.counters[kind] ?? 0) + 1;
    data.counters[kind] = n;
    return prefix + String(n).padStart(8, '0');
  };

  return [
    {
      api: catalogued('GET', '/v1/accounts'),
      handler: (req) => {
        const { user } = userOf(req);
        const accountGroupSummary = GROUP_ORDER.flatMap((group) => {
          const accounts = user.accounts.filter((a) => a.accountGroup === group);
          if (!accounts.length) return [];
          const total = (pick: (a: Account) => number) => ({ localCurrencyCode: 'SGD', localCurrencyBalanceAmount: money(accounts.reduce((sum, a) => sum + pick(a), 0)) });
          const card = group === 'CREDIT_CARD';
          return [
            {
              accountGroup: group,
              accounts: accounts.map((a) => ({ [SUMMARY_KEY[group]]: accountSummary(a) })),
              ...(card
                ? { totalOutstandingBalance: total((a) => a.currentBalance) }
                : { totalCurrentBalance: total((a) => a.currentBalance), totalAvailableBalance: total((a) => a.availableBalance) }),
            },
          ];
        });
        return json({ accountGroupSummary });
      },
    },
    {
      api: catalogued('GET', '/v1/accounts/{accountId}'),
      handler: (req) => {
        const { user } = userOf(req);
        const a = accountOf(user, req.params.accountId);
        return json({ [DETAIL_KEY[a.accountGroup]]: accountDetails(a) });
      },
    },
    {
      api: catalogued('GET', '/v1/accounts/{accountId}/transactions'),
      handler: (req) => {
        const { user } = userOf(req);
        const a = accountOf(user, req.params.accountId);
        const from = dateParam(req, 'transactionFromDate');
        const to = dateParam(req, 'transactionToDate');
        if (from && to && from > to) throw citiError('invalidRequest', 'transactionFromDate must not be after transactionToDate');
        // Credit cards only: BILLED, UNBILLED or PENDING (ALL or none: every one).
        const status = (req.query.get('transactionStatus') ?? '').toUpperCase();
        if (status && status !== 'ALL' && !(TRANSACTION_STATUSES as readonly string[]).includes(status)) {
          throw citiError('invalidRequest', `transactionStatus must be one of ALL, ${TRANSACTION_STATUSES.join(', ')}`);
        }
        const start = intParam(req, 'nextStartIndex', 1, 100_000);
        const size = intParam(req, 'requestSize', DEFAULT_PAGE, MAX_PAGE);
        const matching = a.transactions.filter(
          (t) =>
            (!from || t.transactionDate >= from) &&
            (!to || t.transactionDate <= to) &&
            (!status || status === 'ALL' || t.transactionStatus === status),
        );
        const page = matching.slice(start - 1, start - 1 + size);
        const more = start - 1 + size < matching.length;
        return json({ transactions: page, ...(more ? { nextStartIndex: String(start + size) } : {}) });
      },
    },
    {
      api: catalogued('GET', '/v1/customers/profiles'),
      handler: (req) => json(userOf(req).user.profile),
    },
    {
      api: catalogued('GET', '/v1/cards'),
      handler: (req) => {
        const { user } = userOf(req);
        const fn = (req.query.get('cardFunction') ?? 'ALL').toUpperCase();
        if (!['ALL', 'CREDIT', 'DEBIT'].includes(fn)) throw citiError('invalidRequest', 'cardFunction must be ALL, CREDIT or DEBIT');
        return json({ cardDetails: user.cards.filter((c) => fn === 'ALL' || c.subCardType === fn) });
      },
    },
    {
      api: catalogued('GET', '/v1/moneyMovement/personalDomesticTransfers/destinationAccounts/sourceAccounts'),
      handler: (req) => {
        const { user } = userOf(req);
        const from = sources(user);
        return json({
          sourceAccounts: from.map((a) => ({
            sourceAccountId: transferAccountId('source', a.accountId),
            displaySourceAccountNumber: a.displayAccountNumber,
            sourceAccountCurrencyCode: a.currencyCode,
            accountGroup: a.accountGroup,
            availableBalance: a.availableBalance,
            productName: a.productName,
          })),
          destinationSourceAcctCombinations: user.accounts.map((a) => ({
            destinationAccountId: transferAccountId('destination', a.accountId),
            displayDestinationAccountNumber: a.displayAccountNumber,
            destinationAccountCurrencyCode: a.currencyCode,
            ...(a.accountGroup === 'CREDIT_CARD'
              ? { outstandingBalance: a.currentBalance, minimumDueAmount: a.minimumDueAmount, lastStatementDate: a.lastStatementDate, paymentDueDate: a.paymentDueDate }
              : { availableBalance: a.availableBalance }),
            productName: a.productName,
            sourceAccountIds: from.filter((s) => s !== a).map((s) => ({ sourceAccountId: transferAccountId('source', s.accountId) })),
          })),
        });
      },
    },
    {
      api: catalogued('POST', '/v1/moneyMovement/personalDomesticTransfers/preprocess'),
      handler: (req) => {
        const { token, user } = userOf(req);
        const body = jsonObject(req);
        const source = byTransferId(user, 'source', body.sourceAccountId);
        const destination = byTransferId(user, 'destination', body.destinationAccountId);
        if (!source || !destination || destination === source) throw citiError('invalidRequest');
        // Citi takes amounts as numbers or numeric strings ("30").
        const amount = amountValue(body.transactionAmount);
        if (amount === undefined) {
          throw citiError('invalidRequest', 'transactionAmount must be a positive amount with at most two decimals');
        }
        if (amount > source.availableBalance) {
          throw citiError('insufficientFunds');
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
          debitDetails: { transactionDebitAmount: amount, currencyCode: source.currencyCode },
          creditDetails: { transactionCreditAmount: amount, currencyCode: destination.currencyCode },
          foreignExchangeRate: 1,
          transactionFee: 0,
          feeCurrencyCode: source.currencyCode,
        });
      },
    },
    {
      api: catalogued('POST', '/v1/moneyMovement/personalDomesticTransfers'),
      handler: (req) => {
        const { token, user } = userOf(req);
        const id = jsonObject(req).controlFlowId;
        const transfer = typeof id === 'string' ? data.transfers.get(id) : undefined;
        if (!transfer || transfer.userId !== user.userId || transfer.clientId !== token.clientId || transfer.confirmed || transfer.expiresAt <= state.now()) {
          throw citiError('invalidControlFlowId');
        }
        const source = accountOf(user, transfer.sourceAccountId);
        const destination = accountOf(user, transfer.destinationAccountId);
        if (transfer.amount > source.availableBalance) {
          throw citiError('insufficientFunds');
        }
        const ref = nextRef('transfer', 'TRF');
        transfer.confirmed = ref;
        const today = new Date(state.now()).toISOString().slice(0, 10);
        const move = (a: Account, type: 'DEBIT' | 'CREDIT') => {
          const card = a.accountGroup === 'CREDIT_CARD';
          // Money into a card pays it down: it owes less and has more credit left.
          const delta = (type === 'CREDIT' ? 1 : -1) * transfer.amount;
          a.currentBalance = money(a.currentBalance + (card ? -delta : delta));
          a.availableBalance = money(a.availableBalance + delta);
          a.transactions.unshift({
            displayAccountNumber: a.displayAccountNumber,
            transactionDate: today,
            transactionPostingDate: today,
            transactionDescription: transfer.remarks || 'FUNDS TRANSFER',
            transactionReferenceId: ref,
            transactionAmount: transfer.amount,
            currencyCode: transfer.currencyCode,
            transactionType: type,
            transactionCode: type === 'CREDIT' ? '110' : '220',
            ...(card ? { transactionStatus: 'UNBILLED' as const } : { runningBalance: a.availableBalance }),
          });
        };
        move(source, 'DEBIT');
        move(destination, 'CREDIT');
        return json({
          sourceAccount: {
            displaySourceAccountNumber: source.displayAccountNumber,
            sourceAccountAvailableBalance: source.availableBalance,
            sourceCurrencyCode: source.currencyCode,
          },
          destinationAccount: {
            displayDestinationAccountNumber: destination.displayAccountNumber,
            destinationAccountAvailableBalance: destination.availableBalance,
            destinationCurrencyCode: destination.currencyCode,
          },
          transactionReferenceId: ref,
        });
      },
    },
  ];
}

const money = (n: number) => Math.round(n * 100) / 100;

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
