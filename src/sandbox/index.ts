export { startSandbox, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, type SandboxOptions, type RunningSandbox } from './server.js';
export { FIXED_OTPS } from './seed.js';
export { EXPIRED_KEPT_MS, SWEEP_INTERVAL_MS } from './state.js';
