/** Card-token APIs: Easy Payment Plan eligibility, for the card the token was issued and activated for. */
import { catalogued } from '../citi/catalogue.js';
import { callerToken } from './guard.js';
import { citiError, json, type Route } from './http.js';
import { isActivated } from './oauth-card.js';
import type { SandboxState } from './state.js';


/** Plans offered on every seeded card: tenor in months, with its rates. */
const PLANS = [
  { tenor: '3', annualPercentageRate: 0, processingFeeRate: 1.5 },
  { tenor: '6', annualPercentageRate: 0, processingFeeRate: 2.5 },
  { tenor: '12', annualPercentageRate: 5.8, processingFeeRate: 0 },
  { tenor: '24', annualPercentageRate: 7.2, processingFeeRate: 0 },
];

export function creditCardRoutes(state: SandboxState): Route[] {
  return [
    {
      api: catalogued('GET', '/v1/creditCards/{cardId}/transactions/eligibility/easyPaymentPlan'),
      handler: (req) => {
        const token = callerToken(req);
        const cardId = req.params.cardId ?? '';
        if (token.cardId !== cardId) throw citiError('accessNotConfigured', `This card token was not issued for card ${cardId}`);
        if (!isActivated(state, token)) {
          throw citiError('cardNotActivated', `The card token is not activated for card ${cardId}`);
        }
        const holder = state.seed.cardHolders.find((h) => h.cardId === cardId);
        if (!holder) throw citiError('invalidRequest'); // an unknown ID, as Citi answers it
        return json({
          cardId,
          currencyCode: holder.currencyCode,
          easyPaymentPlan: PLANS.map((p) => ({ ...p, currencyCode: holder.currencyCode, minimumTransactionAmount: 500 })),
        });
      },
    },
  ];
}
