// The built-in provider's test cards, which behave like Stripe's: tokens (pm_card_visa ...) or numbers.
import { AppError } from '../errors.ts';

export interface CardOutcome {
  /** Why a charge is declined, or null when it succeeds. */
  declineOnCharge: string | null;
  /** Why attaching the card fails (Stripe checks the card when it is attached), or null. */
  declineOnAttach: string | null;
}

const DECLINED = 'Your card was declined.';
const BEHAVIOUR: Record<string, CardOutcome> = {
  '4242424242424242': { declineOnCharge: null, declineOnAttach: null },
  '5555555555554444': { declineOnCharge: null, declineOnAttach: null },
  '4000000000000002': { declineOnCharge: DECLINED, declineOnAttach: DECLINED },
  '4000000000009995': {
    declineOnCharge: 'Your card has insufficient funds.',
    declineOnAttach: 'Your card has insufficient funds.',
  },
  '4000000000000069': { declineOnCharge: 'Your card has expired.', declineOnAttach: 'Your card has expired.' },
  // Attaches, then every charge fails: how a renewal is declined.
  '4000000000000341': { declineOnCharge: DECLINED, declineOnAttach: null },
};

const TOKENS: Record<string, string> = {
  pm_card_visa: '4242424242424242',
  pm_card_mastercard: '5555555555554444',
  pm_card_chargeDeclined: '4000000000000002',
  pm_card_chargeDeclinedInsufficientFunds: '4000000000009995',
  pm_card_chargeDeclinedExpiredCard: '4000000000000069',
  pm_card_chargeCustomerFail: '4000000000000341',
};

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/** A payment method (token or card number, spaces allowed) → the card number it stands for. */
export function resolveCard(paymentMethod: string): string {
  const token = TOKENS[paymentMethod];
  if (token) return token;
  const digits = paymentMethod.replace(/[\s-]/g, '');
  if (/^[0-9]{12,19}$/.test(digits) && luhn(digits)) return digits;
  throw new AppError('PAYMENT_FAILED', 'Your card number is incorrect.', { decline_code: 'incorrect_number' });
}

/** Unlisted valid numbers succeed, as any other test card does. */
export const cardOutcome = (card: string): CardOutcome =>
  BEHAVIOUR[card] ?? { declineOnCharge: null, declineOnAttach: null };
