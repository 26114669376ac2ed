/** The demo's legs, in order; each later flow adds its own. */
import type { DemoLeg } from './runner.js';
import { twoLeggedLeg } from './two-legged.js';
import { threeLeggedLeg } from './three-legged.js';
import { cardsLeg } from './cards.js';
import { psd2Leg } from './psd2.js';
import { passwordLeg } from './password.js';

export const DEMO_LEGS: DemoLeg[] = [twoLeggedLeg, threeLeggedLeg, passwordLeg, cardsLeg, psd2Leg];
