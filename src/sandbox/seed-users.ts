/**
 * The emulator's sandbox customers (SandboxUser1 … SandboxUser5), each with their own profile,
 * accounts, transactions and cards. Deterministic: built from the user's number alone, so tests and
 * demos can rely on exact values. Balances move with transfers, per running emulator.
 */
import type { ExpiringMap, SandboxState } from './state.js';

export const SANDBOX_PASSWORD = 'P@ssUser1$';
export const SANDBOX_USERS = ['SandboxUser1', 'SandboxUser2', 'SandboxUser3', 'SandboxUser4', 'SandboxUser5'] as const;

export type AccountGroup = 'SAVINGS_AND_INVESTMENTS' | 'CHECKING' | 'CREDIT_CARD';

export interface Transaction {
  transactionReferenceId: string;
  transactionDate: string;
  transactionDescription: string;
  transactionAmount: number;
  transactionType: 'DEBIT' | 'CREDIT';
  currencyCode: string;
}

export interface Account {
  accountId: string;
  accountGroup: AccountGroup;
  productName: string;
  displayAccountNumber: string;
  currencyCode: string;
  accountStatus: 'ACTIVE';
  currentBalance: number;
  availableBalance: number;
  openingDate: string;
  /** Newest first. */
  transactions: Transaction[];
}

export interface Card {
  cardId: string;
  displayCardNumber: string;
  cardFunction: 'CREDIT' | 'DEBIT';
  localCardActivationIndicator: 'ACTIVE' | 'INACTIVE';
  overseasCardActivationIndicator: 'ACTIVE' | 'INACTIVE';
  cardHolderType: 'PRIMARY' | 'SUPPLEMENTARY';
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

/** User n (1-based): the same every time. */
export function createUser(n: number): SandboxUser {
  const rnd = random(n * 7919);
  const [firstName, lastName] = NAMES[(n - 1) % NAMES.length]!;
  const userId = `SandboxUser${n}`;
  const digits = (k: number) => String(1000 + ((n * 37 + k * 211) % 9000));
  const accounts: Account[] = [];
  const addAccount = (group: AccountGroup, productName: string, kind: string, k: number, balance: number) => {
    const accountId = `${kind}${n}${String(k).padStart(3, '0')}${digits(k)}`;
    const transactions: Transaction[] = [];
    // 24 transactions, one every 5 days back from 2025-06-30.
    const end = Date.UTC(2025, 5, 30);
    for (let i = 0; i < 24; i++) {
      const credit = group !== 'CREDIT_CARD' && i % 6 === 2;
      transactions.push({
        transactionReferenceId: `TXN${n}${k}${String(i + 1).padStart(4, '0')}`,
        transactionDate: isoDate(end - i * 5 * 86_400_000),
        transactionDescription: credit ? 'SALARY GIRO' : DESCRIPTIONS[Math.floor(rnd() * DESCRIPTIONS.length)]!,
        transactionAmount: money(credit ? 3000 + n * 250 : 5 + rnd() * 200),
        transactionType: credit ? 'CREDIT' : 'DEBIT',
        currencyCode: 'SGD',
      });
    }
    const current = money(balance);
    accounts.push({
      accountId,
      accountGroup: group,
      productName,
      displayAccountNumber: `XXXXXX${digits(k)}`,
      currencyCode: 'SGD',
      accountStatus: 'ACTIVE',
      currentBalance: current,
      availableBalance: group === 'CREDIT_CARD' ? money(15000 - current) : current,
      openingDate: isoDate(Date.UTC(2015 + n, n % 12, 10 + n)),
      transactions,
    });
  };
  addAccount('SAVINGS_AND_INVESTMENTS', 'Citi Savings Account', 'SAV', 1, 10_000 * n + Math.floor(rnd() * 5000));
  addAccount('CHECKING', 'Citi Interest Plus Checking', 'CHK', 2, 2_000 * n + Math.floor(rnd() * 1000));
  if (n % 2 === 1) addAccount('SAVINGS_AND_INVESTMENTS', 'Citi MaxiGain Savings', 'SAV', 3, 25_000 + 1_000 * n);
  addAccount('CREDIT_CARD', n % 2 ? 'Citi PremierMiles Card' : 'Citi Rewards Card', 'CCA', 4, 300 * n + Math.floor(rnd() * 500));

  const cards: Card[] = [
    {
      cardId: `CARD-U${n}-CR01`,
      displayCardNumber: `XXXX-XXXX-XXXX-${digits(4)}`,
      cardFunction: 'CREDIT',
      localCardActivationIndicator: 'ACTIVE',
      overseasCardActivationIndicator: n % 2 ? 'ACTIVE' : 'INACTIVE',
      cardHolderType: 'PRIMARY',
    },
    {
      cardId: `CARD-U${n}-DB01`,
      displayCardNumber: `XXXX-XXXX-XXXX-${digits(5)}`,
      cardFunction: 'DEBIT',
      localCardActivationIndicator: 'ACTIVE',
      overseasCardActivationIndicator: 'INACTIVE',
      cardHolderType: 'PRIMARY',
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

/** The summary fields Citi's account list shows for an account. */
export function accountSummary(a: Account) {
  return {
    productName: a.productName,
    displayAccountNumber: a.displayAccountNumber,
    accountId: a.accountId,
    currencyCode: a.currencyCode,
    accountStatus: a.accountStatus,
    currentBalance: a.currentBalance,
    availableBalance: a.availableBalance,
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
