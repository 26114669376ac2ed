/**
 * Deterministic seeded data for the emulator. Every emulator starts from the same seed, so tests
 * and demos can rely on exact values. Mutable parts (applications, reward links) live here too.
 */

export interface Product {
  productCode: string;
  productDescription: string;
  productType: string;
  sourceCode: string;
}

export interface CardHolder {
  lastFourDigitsCardNumber: string;
  phoneNumber: string;
  cardId: string;
  displayCardNumber: string;
  /** Pay with Points balance for this card's rewards programme. */
  pointBalance: number;
  currencyCode: string;
  /** Country the card was issued in (lowercase). */
  country: string;
}

export interface Application {
  applicationId: string;
  applicationStage: string;
  productCode: string;
  controlFlowId: string;
  createdAt: number;
}

export interface RewardLink {
  rewardLinkCode: string;
  cardId: string;
  clientId: string;
  activated: boolean;
  orders: string[];
}

export interface Seed {
  products: Product[];
  cardHolders: CardHolder[];
  applications: Map<string, Application>;
  rewardLinks: Map<string, RewardLink>;
  /** Counters for readable, deterministic ids. */
  counters: Record<string, number>;
}

/** Citi's sandbox accepts these fixed one-time passwords. */
export const FIXED_OTPS = ['987654', '735937', '567351'] as const;

export function createSeed(): Seed {
  return {
    products: [
      { productCode: 'VC830', productDescription: 'Citi PremierMiles Card', productType: 'CREDIT_CARD', sourceCode: 'WW5ARCE1' },
      { productCode: 'VC820', productDescription: 'Citi Rewards Card', productType: 'CREDIT_CARD', sourceCode: 'WW5ARCE1' },
      { productCode: 'MC450', productDescription: 'Citi Cash Back Card', productType: 'CREDIT_CARD', sourceCode: 'WW5ARCE2' },
      { productCode: 'RC100', productDescription: 'Citi Ready Credit', productType: 'READY_CREDIT', sourceCode: 'WW5ARCE3' },
      { productCode: 'PL200', productDescription: 'Citi Quick Cash Personal Loan', productType: 'PERSONAL_LOAN', sourceCode: 'WW5ARCE4' },
    ],
    cardHolders: [
      {
        lastFourDigitsCardNumber: '8653',
        phoneNumber: '6590020056',
        cardId: 'CARD-8653-0001',
        displayCardNumber: 'XXXX-XXXX-XXXX-8653',
        pointBalance: 50_000,
        currencyCode: 'SGD',
        country: 'sg',
      },
      {
        lastFourDigitsCardNumber: '4417',
        phoneNumber: '85291234567',
        cardId: 'CARD-4417-0002',
        displayCardNumber: 'XXXX-XXXX-XXXX-4417',
        pointBalance: 12_500,
        currencyCode: 'HKD',
        country: 'hk',
      },
      {
        lastFourDigitsCardNumber: '1002',
        phoneNumber: '61412345678',
        cardId: 'CARD-1002-0003',
        displayCardNumber: 'XXXX-XXXX-XXXX-1002',
        pointBalance: 8_000,
        currencyCode: 'AUD',
        country: 'au',
      },
    ],
    applications: new Map(),
    rewardLinks: new Map(),
    counters: {},
  };
}

/** The next id of a kind: `prefix` + zero-padded counter, deterministic per emulator. */
export function nextId(seed: Seed, kind: string, prefix: string, width = 8): string {
  const n = (seed.counters[kind] ?? 0) + 1;
  seed.counters[kind] = n;
  return prefix + String(n).padStart(width, '0');
}

/** The card holder whose last four digits and phone number match, if any. */
export function findCardHolder(seed: Seed, lastFour: string, phone: string): CardHolder | undefined {
  const digits = (s: string) => s.replace(/\D/g, '');
  return seed.cardHolders.find((h) => h.lastFourDigitsCardNumber === lastFour && digits(h.phoneNumber) === digits(phone));
}
