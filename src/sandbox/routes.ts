/** Every route the emulator serves; each API module contributes its own list. */
import type { Route } from './http.js';
import type { SandboxState } from './state.js';
import { clientCredentialsRoutes } from './oauth-client-credentials.js';
import { onboardingRoutes } from './api-onboarding.js';
import { rewardsRoutes } from './api-rewards.js';
import { authorizationCodeRoutes } from './oauth-authorization-code.js';
import { threeLeggedApiRoutes } from './api-three-legged.js';
import { cardAuthRoutes } from './oauth-card.js';
import { creditCardRoutes } from './api-credit-cards.js';
import { psd2RegistrationRoutes } from './psd2-registration.js';
import { passwordGrantRoutes } from './oauth-password.js';

export function allRoutes(state: SandboxState): Route[] {
  return [
    ...clientCredentialsRoutes(state),
    ...onboardingRoutes(state),
    ...rewardsRoutes(state),
    ...authorizationCodeRoutes(state),
    ...passwordGrantRoutes(state),
    ...threeLeggedApiRoutes(state),
    ...cardAuthRoutes(state),
    ...creditCardRoutes(state),
    ...psd2RegistrationRoutes(state),
  ];
}
