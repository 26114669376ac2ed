/** Card authorization facts shared by the client and the emulator. */

/** Wrong OTPs Citi allows per enrollment (controlFlowId); the third wrong one ends it. */
export const OTP_ATTEMPTS = 3;

/** How long an enrollment's controlFlowId (and so its OTP) lives: Citi's 5 minutes. */
export const CONTROL_FLOW_TTL_MS = 5 * 60_000;

/** A one-time password as Citi sends it: six digits. */
export function isOtp(value: string): boolean {
  return /^\d{6}$/.test(value);
}

/** `6590020056` → `******0056`: the only form in which a card holder's phone number is shown. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return '*'.repeat(Math.max(0, digits.length - 4)) + digits.slice(-4);
}

/** `8653` → `XXXX-XXXX-XXXX-8653`, Citi's displayCardNumber style. */
export function maskCardNumber(lastFour: string): string {
  return `XXXX-XXXX-XXXX-${lastFour}`;
}

/** Scope of a card token unless asked otherwise: the one Easy Payment Plan needs. */
export const DEFAULT_CARD_SCOPE = 'epp_booking';
