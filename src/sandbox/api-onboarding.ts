/** Two-legged Onboarding APIs: products, unsecured applications and their status. */
import { catalogued } from '../citi/catalogue.js';
import { randomUUID } from 'node:crypto';
import { citiError, json, jsonObject, type Route } from './http.js';
import { callerToken } from './guard.js';
import { nextId } from './seed.js';
import type { SandboxState } from './state.js';

const PRODUCT_KINDS = ['creditCardProduct', 'readyCreditProduct', 'unsecuredLoanProduct'] as const;

export function onboardingRoutes(state: SandboxState): Route[] {
  const seed = state.seed;
  return [
    {
      api: catalogued('GET', '/v1/apac/onboarding/products'),
      handler: (req) => {
        callerToken(req);
        const start = pageNumber(req.query.get('nextStartIndex'), 1, 'nextStartIndex');
        const size = pageNumber(req.query.get('requestSize'), 10, 'requestSize');
        const page = seed.products.slice(start - 1, start - 1 + size);
        const next = start - 1 + size < seed.products.length ? String(start + size) : '';
        return json({ products: page, nextStartIndex: next });
      },
    },
    {
      api: catalogued('POST', '/v1/apac/onboarding/products/unsecured/applications'),
      handler: (req) => {
        const token = callerToken(req);
        const body = jsonObject(req);
        // Citi's shape (checked against the catalogue's schema before this runs): one of the
        // product kinds with its productCode, and an applicant with a name and a phone.
        const product = (body.product ?? {}) as Record<string, { productCode?: unknown } | undefined>;
        const kind = PRODUCT_KINDS.find((k) => product[k]);
        const code = kind ? product[kind]?.productCode : undefined;
        if (typeof code !== 'string' || !seed.products.some((p) => p.productCode === code)) {
          throw citiError('invalidRequest', `product.${kind ?? 'creditCardProduct'}.productCode must name a product from GET /v1/apac/onboarding/products`, {
            location: `product.${kind ?? 'creditCardProduct'}.productCode`,
          });
        }
        const application = {
          applicationId: nextId(seed, 'application', 'APP'),
          applicationStage: 'PRESCREENING',
          productCode: code,
          controlFlowId: randomUUID().replaceAll('-', ''),
          createdAt: state.now(),
          clientId: token.clientId,
        };
        seed.applications.set(application.applicationId, application);
        const { applicationId, applicationStage, controlFlowId } = application;
        return json({ applicationId, applicationStage, controlFlowId });
      },
    },
    {
      api: catalogued('GET', '/v1/apac/onboarding/products/unsecured/applications/{applicationId}/status'),
      handler: (req) => {
        callerToken(req);
        const app = seed.applications.get(req.params.applicationId ?? '');
        if (!app) throw citiError('invalidRequest'); // an unknown ID, as Citi answers it
        return json({ applicationId: app.applicationId, applicationStage: app.applicationStage, productCode: app.productCode });
      },
    },
  ];
}

function pageNumber(value: string | null, fallback: number, name: string): number {
  if (value === null || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw citiError('invalidRequest', `${name} must be a whole number from 1 to 1000`);
  return n;
}
