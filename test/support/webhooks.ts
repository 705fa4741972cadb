// Provider webhook bodies for tests: an `invoice.payment_failed` event of one subscription, to be signed.

/** The JSON body of an `invoice.payment_failed` event, as Stripe sends it. */
export function paymentFailedEvent(ids: { event: string; invoice: string; customer: string; subscription: string }) {
  const created = Math.floor(Date.now() / 1000);
  return JSON.stringify({
    id: ids.event,
    object: 'event',
    api_version: '2025-09-30.clover',
    created,
    livemode: false,
    type: 'invoice.payment_failed',
    data: {
      object: {
        id: ids.invoice,
        object: 'invoice',
        customer: ids.customer,
        subscription: ids.subscription,
        amount_due: 799,
        amount_paid: 0,
        currency: 'usd',
        status: 'open',
        billing_reason: 'subscription_cycle',
        created,
        metadata: { failure_reason: 'Your card was declined.' },
      },
    },
  });
}
