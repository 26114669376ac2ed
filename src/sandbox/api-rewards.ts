/** Two-legged Pay with Points APIs: link a card, activate the link with an OTP, balance, redeem. */
import { catalogued } from '../citi/catalogue.js';
import { numericValue } from '../citi/numbers.js';
import { citiError, json, jsonObject, type Route, type SandboxRequest } from './http.js';
import { callerToken, requireCardHolder } from './guard.js';
import { FIXED_OTPS, nextId, type RewardLink } from './seed.js';
import type { SandboxState } from './state.js';

const MIN_POINTS = 100;
/** Value of one point in the card's currency. */
const CONVERSION_RATE = 0.004;

export function rewardsRoutes(state: SandboxState): Route[] {
  const seed = state.seed;

  const linkFor = (req: SandboxRequest, clientId: string, activated = true): RewardLink => {
    const link = seed.rewardLinks.get(req.params.rewardLinkCode ?? '');
    if (!link || link.clientId !== clientId) throw citiError('invalidRequest'); // an unknown ID, as Citi answers it
    if (activated && !link.activated) {
      throw citiError('linkageNotActivated');
    }
    return link;
  };
  const holderOf = (link: RewardLink) => seed.cardHolders.find((h) => h.cardId === link.cardId)!;

  return [
    {
      api: catalogued('POST', '/v1/apac/rewards/linkage'),
      handler: (req) => {
        const token = callerToken(req);
        const { holder } = requireCardHolder(state, jsonObject(req));
        const link: RewardLink = { rewardLinkCode: nextId(seed, 'rewardLink', 'RLC'), cardId: holder.cardId, clientId: token.clientId, activated: false, orders: [] };
        seed.rewardLinks.set(link.rewardLinkCode, link);
        return json({ rewardLinkCode: link.rewardLinkCode });
      },
    },
    {
      api: catalogued('PUT', '/v1/apac/rewards/{rewardLinkCode}/activations'),
      handler: (req) => {
        const token = callerToken(req);
        const link = linkFor(req, token.clientId, false);
        const otp = jsonObject(req).linkageConfirmationCode;
        if (typeof otp !== 'string' || !(FIXED_OTPS as readonly string[]).includes(otp)) {
          throw citiError('invalidOtp', 'The linkage confirmation code is not valid');
        }
        link.activated = true;
        return json({ rewardLinkCode: link.rewardLinkCode, status: 'ACTIVE' });
      },
    },
    {
      api: catalogued('GET', '/v1/apac/rewards/{rewardLinkCode}/pointBalance'),
      handler: (req) => {
        const token = callerToken(req);
        const holder = holderOf(linkFor(req, token.clientId));
        return json(balanceOf(holder.pointBalance, holder.currencyCode));
      },
    },
    {
      api: catalogued('POST', '/v1/apac/rewards/{rewardLinkCode}/redemption'),
      handler: (req) => {
        const token = callerToken(req);
        const link = linkFor(req, token.clientId);
        const holder = holderOf(link);
        const body = jsonObject(req);
        const ref = body.transactionReferenceNumber;
        const order = body.redemptionOrder as Record<string, unknown> | undefined;
        // Numbers may come as numeric strings ("1000"), as Citi accepts them.
        const points = numericValue(order?.pointsToRedeem);
        if (typeof ref !== 'string' || !ref || !order || points === undefined || !Number.isInteger(points)) {
          throw citiError('invalidRequest', 'transactionReferenceNumber and redemptionOrder.pointsToRedeem (a whole number) are required');
        }
        if (order.currencyCode !== undefined && order.currencyCode !== holder.currencyCode) {
          throw citiError('invalidRequest', `redemptionOrder.currencyCode must be ${holder.currencyCode}`);
        }
        const limits = balanceOf(holder.pointBalance, holder.currencyCode);
        if (points < limits.minimumPointsToRedeem || points > limits.maximumPointsToRedeem) {
          throw citiError('insufficientPoints', `pointsToRedeem must be between ${limits.minimumPointsToRedeem} and ${limits.maximumPointsToRedeem}`);
        }
        holder.pointBalance -= points;
        const orderId = nextId(seed, 'order', 'ORD');
        link.orders.push(orderId);
        return json({ orderId, availablePointBalance: holder.pointBalance });
      },
    },
  ];
}

function balanceOf(points: number, currencyCode: string) {
  return {
    availablePointBalance: points,
    currencyCode,
    programConversionRate: CONVERSION_RATE,
    maximumPointsToRedeem: points,
    minimumPointsToRedeem: Math.min(MIN_POINTS, points),
  };
}
