/**
 * The JSON Schema of a `citi test` suite file. `citi test` validates every suite with it, and
 * schemas/citi-suite.schema.json is this object written out for editors (a test keeps the two equal;
 * `npm run schema` rewrites the file).
 */

const templated = { type: 'string', description: 'Text; {{name}} is a variable or capture, {{env.NAME}} an environment variable' } as const;
const scalar = { type: ['string', 'number', 'boolean'] } as const;

const jsonCheck = {
  type: 'object',
  description: 'A check on the JSON answer at a JSONPath (RFC 9535), e.g. $.products[0].productCode',
  required: ['path'],
  additionalProperties: false,
  properties: {
    path: { type: 'string', pattern: '^\\$', description: 'JSONPath; a path with wildcards or filters checks the list of every match' },
    equals: { description: 'the value there equals this (deep equality; strings are templated)' },
    matches: { type: 'string', description: 'the value there (a string, or a number as text) matches this regular expression' },
    exists: { type: 'boolean', description: 'true: something is there; false: nothing is' },
    type: { enum: ['string', 'number', 'integer', 'boolean', 'object', 'array', 'null'], description: 'the JSON type of the value there' },
  },
  minProperties: 2,
} as const;

const expect = {
  type: 'object',
  additionalProperties: false,
  description: 'What the answer must be',
  properties: {
    status: {
      description: 'HTTP status, a list of them, or a class such as "2xx" (default: any 2xx)',
      oneOf: [
        { type: 'integer', minimum: 100, maximum: 599 },
        { type: 'string', pattern: '^[1-5]xx$' },
        { type: 'array', minItems: 1, items: { type: 'integer', minimum: 100, maximum: 599 } },
      ],
    },
    maxMs: { type: 'integer', minimum: 1, description: 'the answer comes in under this many milliseconds' },
    schema: { type: 'boolean', description: "true: a 2xx answer fits the response schema Citi publishes for the endpoint (the API catalogue, as `citi call --validate`)" },
    json: { type: 'array', items: jsonCheck, description: 'checks on the JSON answer' },
  },
} as const;

const capture = {
  type: 'object',
  description: 'Variables to set from the answer (a sign-in step: from its summary, e.g. $.cardId): name → JSONPath; the first value it finds',
  propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
  additionalProperties: { type: 'string', pattern: '^\\$' },
} as const;

const FLOWS = ['two-legged', 'three-legged', 'password', 'card'] as const;

/** A flow's own settings, checked once `flow` says which (if/then keeps the errors about that flow only). */
const flowSettings = (flow: (typeof FLOWS)[number], required: string[], properties: Record<string, object>) => ({
  if: { properties: { flow: { const: flow } } },
  then: { required: ['flow', ...required], additionalProperties: false, properties: { flow: { const: flow }, ...properties } },
});

const signIn = {
  description: 'A sign-in; later calls use the token it stored. A flow name, or an object with flow and its settings',
  type: ['string', 'object'],
  if: { type: 'string' },
  then: { enum: FLOWS },
  else: {
    required: ['flow'],
    properties: { flow: { enum: FLOWS, description: 'two-legged; three-legged (only against an emulator with auto-consent, e.g. sandbox: true, or where a browser can be opened); password (the customer\'s headless sign-in with the E2E key); card' } },
    allOf: [
      flowSettings('two-legged', [], { scope: templated }),
      flowSettings('three-legged', [], { scope: templated }),
      flowSettings('password', [], {
        username: { ...templated, description: "the customer's user ID (default: on the suite's own emulator SandboxUser1, else CITI_USERNAME)" },
        password: { ...templated, description: 'e.g. "{{env.CITI_PASSWORD}}" (default: on the suite\'s own emulator its sandbox users\' password, else CITI_PASSWORD); never a real one in the file' },
      }),
      flowSettings('card', ['last4', 'phone'], {
        last4: { ...templated, description: "the card's last four digits" },
        phone: { ...templated, description: "the card holder's phone number" },
        country: templated,
        business: templated,
        scope: { ...templated, description: 'epp_booking (default), lop_booking or Card_Purchase' },
        merchantRef: templated,
        otp: { ...templated, description: 'the OTP, e.g. "{{env.CITI_OTP}}" (default: CITI_OTP, else on the suite\'s own emulator the OTP it sent); never a real one in the file' },
        activate: { type: 'boolean', description: 'activate the card token for its card afterwards' },
      }),
    ],
  },
} as const;

const register = {
  type: 'object',
  additionalProperties: false,
  description: "PSD2: create a client with the QWAC certificate over mutual TLS (on the suite's own TLS emulator, its generated certificate); later steps use the new client",
  properties: {
    name: templated,
    country: templated,
  },
} as const;

const request = {
  type: 'object',
  required: ['path'],
  additionalProperties: false,
  description: "An authenticated call with Citi's headers",
  properties: {
    method: { enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'], description: 'default GET, POST with a body' },
    path: { ...templated, pattern: '^/', description: 'API path under the base URL, e.g. /v1/apac/onboarding/products' },
    query: { type: 'object', additionalProperties: scalar },
    headers: { type: 'object', additionalProperties: scalar },
    body: { description: 'JSON body (strings are templated)' },
    auth: { enum: ['two-legged', 'three-legged', 'password', 'card', 'none'], description: 'kind of token (default: from the API catalogue; a customer API takes the password-grant token once a password sign-in ran); none sends no token' },
    card: { ...templated, description: 'the enrolled card whose token a card API takes, e.g. "{{cardId}}"' },
  },
} as const;

export const SUITE_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'citi-suite.schema.json',
  title: 'citi test suite',
  description: 'A smoke suite for `citi test`: sign-ins and calls against Citi or the local emulator, with expectations and captures',
  type: 'object',
  required: ['steps'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', description: 'shown in reports (default: the file name)' },
    profile: { type: 'string', description: 'the profile to run with (overridden by --profile or --sandbox)' },
    sandbox: {
      description: 'run against an emulator started for this suite (on loopback, stopped at the end)',
      oneOf: [
        { type: 'boolean' },
        {
          type: 'object',
          additionalProperties: false,
          properties: {
            tls: { type: 'boolean', description: 'HTTPS with generated certificates; a client certificate is required on every call' },
            autoConsent: { type: 'boolean', description: 'three-legged sign-ins consent at once as SandboxUser1 (default true)' },
            country: { type: 'string', pattern: '^[A-Za-z]{2}$', description: 'country code of the suite (default sg)' },
          },
        },
      ],
    },
    variables: {
      type: 'object',
      description: 'Variables for {{name}}; values may use {{env.NAME}}',
      propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
      additionalProperties: scalar,
    },
    steps: {
      type: 'array',
      minItems: 1,
      description: 'Run in order; after a failure the rest of the suite is skipped',
      items: {
        type: 'object',
        additionalProperties: false,
        description: 'One of signIn, register or request; then expect and capture',
        properties: {
          name: { type: 'string' },
          signIn,
          register,
          request,
          expect,
          capture,
        },
      },
    },
  },
} as const;
