export * from './endpoints.js';
export * from './oauth.js';
export * from './errors.js';
export * from './secrets.js';
export * from './catalogue.js';
export * from './card.js';
export * from './e2e.js';
