/**
 * The emulator's sandbox customers (SandboxUser1 … SandboxUser5), each with their own profile,
 * accounts, transactions and cards. Deterministic: built from the user's number alone, so tests and
 * demos can rely on exact values. Balances move with transfers, per running emulator.
 */
import { createHash } from 'node:crypto';
import { SANDBOX_USERS } from '../citi/sandbox-users.js';
import type { ExpiringMap, SandboxState } from './state.js';

export type AccountGroup = 'SAVINGS_AND_INVESTMENTS' | 'CHECKING' | 'CREDIT_CARD';

/** A transaction with the fields of Citi's Transaction model that apply to its account. */
export interface Transaction {
  displayAccountNumber: string;
  transactionDate: string;
  transactionPostingDate: string;
  transactionDescription: string;
  transactionReferenceId: string;
  transactionAmount: number;
  currencyCode: string;
  transactionType: 'DEBIT' | 'CREDIT';
  transactionCode: string;
  /** Savings and checking: the balance after the transaction. */
  runningBalance?: number;
  /** Credit cards only. */
  transactionStatus?: TransactionStatus;
  merchantName?: string;
  eligibleForEqualPaymentPlan?: 'ELIGIBLE' | 'NOT_ELIGIBLE';
  foreignTransactionAmount?: number;
  foreignCurrencyCode?: string;
  foreignExchangeRate?: number;
}

/** Citi's credit-card transaction statuses; its transactions endpoint filters on them. */
export const TRANSACTION_STATUSES = ['BILLED', 'UNBILLED', 'PENDING'] as const;
export type TransactionStatus = (typeof TRANSACTION_STATUSES)[number];

export interface Account {
  accountId: string;
  accountGroup: AccountGroup;
  productName: string;
  productCode: string;
  displayAccountNumber: string;
  currencyCode: string;
  accountStatus: 'ACTIVE';
  /** Savings and checking: the balance; credit cards: the amount owed. */
  currentBalance: number;
  /** Savings and checking: what can be moved now; credit cards: the credit left. */
  availableBalance: number;
  openingDate: string;
  lastStatementDate: string;
  /** Credit cards. */
  creditLimit?: number;
  minimumDueAmount?: number;
  paymentDueDate?: string;
  lastStatementBalance?: number;
  /** Newest first. */
  transactions: Transaction[];
}

export interface Card {
  cardId: string;
  displayCardNumber: string;
  subCardType: 'CREDIT' | 'DEBIT';
  localCardActivationIndicator: 'ACTIVE' | 'INACTIVE';
  overseasCardActivationIndicator: 'ACTIVE' | 'INACTIVE';
  perpetualActivationFlag: boolean;
  overseasCardActivationStartDate?: string;
  overseasCardActivationEndDate?: string;
  currentCreditLimitAmount: number;
  maximumPermanentCreditLimitAmount?: number;
  maximumTemporaryCreditLimitAmount?: number;
  cardHolderType: 'PRIMARY' | 'SUPPLEMENTARY';
  cardFunctionsAllowed: { cardFunction: string }[];
}

export interface CustomerProfile {
  customerParticulars: { names: { firstName: string; lastName: string; fullName: string; nameType: string }[] };
  addressList: { addressType: string; addressLine1: string; addressLine2: string; cityName: string; postalCode: string; countryCode: string }[];
  emails: { emailAddress: string; emailType: string }[];
  phones: { phoneType: string; phoneNumber: string; phoneCountryCode: string }[];
}

export interface SandboxUser {
  userId: string;
  profile: CustomerProfile;
  accounts: Account[];
  cards: Card[];
}

export interface Transfer {
  controlFlowId: string;
  userId: string;
  clientId: string;
  sourceAccountId: string;
  destinationAccountId: string;
  amount: number;
  currencyCode: string;
  remarks: string;
  expiresAt: number;
  confirmed?: string;
}

export interface UserData {
  users: Map<string, SandboxUser>;
  /** Transfers awaiting confirmation (controlFlowIds), dropped once expired. */
  transfers: ExpiringMap<string, Transfer>;
  counters: Record<string, number>;
}

const NAMES: [string, string][] = [
  ['Alex', 'Tan'],
  ['Priya', 'Nair'],
  ['Wei Ming', 'Lim'],
  ['Sarah', 'Goh'],
  ['Daniel', 'Wong'],
];
const STREETS = ['Marina Boulevard', 'Orchard Road', 'Raffles Place', 'Tanjong Pagar Road', 'Holland Avenue'];
const DESCRIPTIONS = ['NTUC FAIRPRICE', 'GRAB TRANSPORT', 'SALARY GIRO', 'SP SERVICES', 'STARHUB', 'KOPITIAM', 'COLD STORAGE', 'ATM WITHDRAWAL'];

/** A small deterministic generator (mulberry32), so each user's data is the same on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const money = (n: number) => Math.round(n * 100) / 100;

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

const CARD_LIMIT = 15_000;
const MERCHANTS = ['AMAZON SG', 'SINGAPORE AIRLINES', 'UNIQLO ION', 'SHOPEE', 'TAXI CDG', 'HOTEL TOKYO', 'APPLE.COM/BILL', 'GOLDEN VILLAGE'];

/** User n (1-based): the same every time. */
export function createUser(n: number): SandboxUser {
  const rnd = random(n * 7919);
  const [firstName, lastName] = NAMES[(n - 1) % NAMES.length]!;
  const userId = `SandboxUser${n}`;
  const digits = (k: number) => String(1000 + ((n * 37 + k * 211) % 9000));
  const accounts: Account[] = [];
  const day = 86_400_000;
  const end = Date.UTC(2025, 5, 30);
  const addAccount = (group: AccountGroup, productName: string, productCode: string, kind: string, k: number, balance: number) => {
    const accountId = `${kind}${n}${String(k).padStart(3, '0')}${digits(k)}`;
    const displayAccountNumber = `XXXXXX${digits(k)}`;
    const card = group === 'CREDIT_CARD';
    const transactions: Transaction[] = [];
    // 24 transactions, one every 5 days back from 2025-06-30.
    for (let i = 0; i < 24; i++) {
      const credit = !card && i % 6 === 2;
      const date = end - i * 5 * day;
      const foreign = card && i % 7 === 3;
      const amount = money(credit ? 3000 + n * 250 : 5 + rnd() * 200);
      const t: Transaction = {
        displayAccountNumber,
        transactionDate: isoDate(date),
        // Card transactions post a day or two later; pending ones not yet.
        transactionPostingDate: isoDate(date + (card ? (i % 2 ? 2 : 1) * day : 0)),
        transactionDescription: credit ? 'SALARY GIRO' : card ? MERCHANTS[i % MERCHANTS.length]! : DESCRIPTIONS[Math.floor(rnd() * DESCRIPTIONS.length)]!,
        transactionReferenceId: `TXN${n}${k}${String(i + 1).padStart(4, '0')}`,
        transactionAmount: amount,
        currencyCode: 'SGD',
        transactionType: credit ? 'CREDIT' : 'DEBIT',
        transactionCode: credit ? '110' : card ? '260' : '220',
      };
      if (card) {
        t.transactionStatus = i < 2 ? 'PENDING' : i < 6 ? 'UNBILLED' : 'BILLED';
        t.merchantName = t.transactionDescription;
        t.eligibleForEqualPaymentPlan = amount >= 100 && t.transactionStatus !== 'PENDING' ? 'ELIGIBLE' : 'NOT_ELIGIBLE';
        if (foreign) Object.assign(t, { foreignCurrencyCode: 'USD', foreignExchangeRate: 1.35, foreignTransactionAmount: money(amount / 1.35) });
      }
      transactions.push(t);
    }
    const current = money(balance);
    if (!card) {
      // Newest first: each running balance is the one after it, before the newer ones.
      let running = current;
      for (const t of transactions) {
        t.runningBalance = running;
        running = money(running + (t.transactionType === 'CREDIT' ? -t.transactionAmount : t.transactionAmount));
      }
    }
    accounts.push({
      accountId,
      accountGroup: group,
      productName,
      productCode,
      displayAccountNumber,
      currencyCode: 'SGD',
      accountStatus: 'ACTIVE',
      currentBalance: current,
      availableBalance: card ? money(CARD_LIMIT - current) : current,
      openingDate: isoDate(Date.UTC(2015 + n, n % 12, 10 + n)),
      lastStatementDate: '2025-06-15',
      ...(card
        ? { creditLimit: CARD_LIMIT, minimumDueAmount: money(Math.max(50, current * 0.03)), paymentDueDate: '2025-07-10', lastStatementBalance: current }
        : {}),
      transactions,
    });
  };
  addAccount('SAVINGS_AND_INVESTMENTS', 'Citi Savings Account', 'SA_1000', 'SAV', 1, 10_000 * n + Math.floor(rnd() * 5000));
  addAccount('CHECKING', 'Citi Interest Plus Checking', 'CA_2000', 'CHK', 2, 2_000 * n + Math.floor(rnd() * 1000));
  if (n % 2 === 1) addAccount('SAVINGS_AND_INVESTMENTS', 'Citi MaxiGain Savings', 'SA_1100', 'SAV', 3, 25_000 + 1_000 * n);
  addAccount('CREDIT_CARD', n % 2 ? 'Citi PremierMiles Card' : 'Citi Rewards Card', n % 2 ? 'VC830' : 'VC820', 'CCA', 4, 300 * n + Math.floor(rnd() * 500));

  const cards: Card[] = [
    {
      cardId: `CARD-U${n}-CR01`,
      displayCardNumber: citiCardNumber(digits(4)),
      subCardType: 'CREDIT',
      localCardActivationIndicator: 'ACTIVE',
      overseasCardActivationIndicator: n % 2 ? 'ACTIVE' : 'INACTIVE',
      perpetualActivationFlag: n % 2 === 1,
      ...(n % 2 ? { overseasCardActivationStartDate: '2025-01-01', overseasCardActivationEndDate: '2028-12-31' } : {}),
      currentCreditLimitAmount: CARD_LIMIT,
      maximumPermanentCreditLimitAmount: 30_000,
      maximumTemporaryCreditLimitAmount: 20_000,
      cardHolderType: 'PRIMARY',
      cardFunctionsAllowed: [{ cardFunction: 'CREDIT' }],
    },
    {
      cardId: `CARD-U${n}-DB01`,
      displayCardNumber: citiCardNumber(digits(5)),
      subCardType: 'DEBIT',
      localCardActivationIndicator: 'ACTIVE',
      overseasCardActivationIndicator: 'INACTIVE',
      perpetualActivationFlag: false,
      currentCreditLimitAmount: 0,
      cardHolderType: 'PRIMARY',
      cardFunctionsAllowed: [{ cardFunction: 'DEBIT' }, { cardFunction: 'ATM' }],
    },
  ];
  const email = `${firstName.toLowerCase().replace(/\s+/g, '.')}.${lastName.toLowerCase()}@example.com`;
  const profile: CustomerProfile = {
    customerParticulars: { names: [{ firstName, lastName, fullName: `${firstName} ${lastName}`.toUpperCase(), nameType: 'LOCAL_NAME' }] },
    addressList: [
      {
        addressType: 'RESIDENTIAL_ADDRESS',
        addressLine1: `${10 * n + 1} ${STREETS[(n - 1) % STREETS.length]}`,
        addressLine2: `#${String(n * 3).padStart(2, '0')}-${String(10 + n)}`,
        cityName: 'SINGAPORE',
        postalCode: String(18_000 + n * 1111),
        countryCode: 'SG',
      },
    ],
    emails: [{ emailAddress: email, emailType: 'PRIMARY' }],
    phones: [{ phoneType: 'MOBILE', phoneNumber: `9${String(1_000_000 + n * 123_457).slice(0, 7)}`, phoneCountryCode: '65' }],
  };
  return { userId, profile, accounts, cards };
}

const DATA = new WeakMap<SandboxState, UserData>();

/** This emulator's customers, created on first use. */
export function userData(state: SandboxState): UserData {
  let data = DATA.get(state);
  if (!data) {
    data = { users: new Map(SANDBOX_USERS.map((u, i) => [u, createUser(i + 1)])), transfers: state.expiringMap(), counters: {} };
    DATA.set(state, data);
  }
  return data;
}

/**
 * Money movement names accounts by its own IDs, not the Accounts API's: the ID of an account as a
 * source or a destination of transfers (hex, like Citi's encrypted IDs; the same on every run).
 */
export function transferAccountId(role: 'source' | 'destination', accountId: string): string {
  return createHash('sha256').update(`${role}:${accountId}`).digest('hex').slice(0, 48);
}

/** A card number as Citi's Cards API shows it: `XXXXXXXXXXXX4521`. */
export function citiCardNumber(lastFour: string): string {
  return 'X'.repeat(12) + lastFour;
}

/** Savings and checking accounts hold money (ASSET); a credit card is owed (LIABILITY). */
function classification(a: Account): 'ASSET' | 'LIABILITY' {
  return a.accountGroup === 'CREDIT_CARD' ? 'LIABILITY' : 'ASSET';
}

/** An account as Citi's account list shows it (SavingsAccountSummary, CheckingAccountSummary, CreditCardAccountSummary). */
export function accountSummary(a: Account): Record<string, unknown> {
  const common = {
    productName: a.productName,
    productCode: a.productCode,
    displayAccountNumber: a.displayAccountNumber,
    accountId: a.accountId,
    currencyCode: a.currencyCode,
    accountStatus: a.accountStatus,
    accountClassification: classification(a),
  };
  if (a.accountGroup !== 'CREDIT_CARD') return { ...common, currentBalance: a.currentBalance, availableBalance: a.availableBalance };
  return {
    ...common,
    outstandingBalance: a.currentBalance,
    availableCredit: a.availableBalance,
    creditLimit: a.creditLimit,
    minimumDueAmount: a.minimumDueAmount,
    paymentDueDate: a.paymentDueDate,
    cardHolderType: 'PRIMARY',
  };
}

/** An account as Citi's account details show it (SavingsAccount, CheckingAccount, CreditCardAccount). */
export function accountDetails(a: Account): Record<string, unknown> {
  const common = { productName: a.productName, productCode: a.productCode, displayAccountNumber: a.displayAccountNumber, currencyCode: a.currencyCode };
  if (a.accountGroup === 'CREDIT_CARD') {
    return {
      ...common,
      outstandingBalance: a.currentBalance,
      lastStatementBalance: a.lastStatementBalance,
      lastStatementDate: a.lastStatementDate,
      creditUsed: a.currentBalance,
      creditLimit: a.creditLimit,
      availableCredit: a.availableBalance,
      cashAdvanceLimit: money((a.creditLimit ?? 0) * 0.3),
      cashAdvanceAvailableAmount: money((a.creditLimit ?? 0) * 0.3),
      minimumDueAmount: a.minimumDueAmount,
      paymentDueDate: a.paymentDueDate,
    };
  }
  return {
    ...common,
    currentBalance: a.currentBalance,
    availableBalance: a.availableBalance,
    holdAmount: 0,
    floatAmount: 0,
    lastStatementDate: a.lastStatementDate,
    openingDate: a.openingDate,
    ...(a.accountGroup === 'CHECKING' ? { overdraftLimit: 0, availableOverdraftLimit: 0 } : {}),
  };
}

export const SUMMARY_KEY: Record<AccountGroup, string> = {
  SAVINGS_AND_INVESTMENTS: 'savingsAccountSummary',
  CHECKING: 'checkingAccountSummary',
  CREDIT_CARD: 'creditCardAccountSummary',
};

export const DETAIL_KEY: Record<AccountGroup, string> = {
  SAVINGS_AND_INVESTMENTS: 'savingsAccount',
  CHECKING: 'checkingAccount',
  CREDIT_CARD: 'creditCardAccount',
};
