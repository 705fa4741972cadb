// A small Stripe-shaped HTTP server for tests: answers the endpoints the billing plugin calls (customers,
// payment_methods attach, prices by lookup key, subscriptions create/retrieve/update/cancel, invoice pay,
// Checkout and billing-portal sessions) with Stripe-shaped JSON, and records every request's form fields.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  form: Record<string, string>;
  authorization: string | undefined;
  idempotencyKey: string | undefined;
}

const AMOUNTS: Record<string, number> = {
  cinemate_basic_month: 799,
  cinemate_basic_year: 7990,
  cinemate_standard_month: 1399,
  cinemate_standard_year: 13990,
  cinemate_premium_month: 1999,
  cinemate_premium_year: 19990,
};
const DECLINED: Record<string, string> = {
  pm_card_chargeDeclined: 'Your card was declined.',
  pm_card_chargeDeclinedInsufficientFunds: 'Your card has insufficient funds.',
};

export async function startStripeServer() {
  const requests: RecordedRequest[] = [];
  const subscriptions = new Map<string, any>();
  let seq = 0;
  const next = (prefix: string) => `${prefix}_fake${++seq}`;
  const now = () => Math.floor(Date.now() / 1000);
  const price = (key: string) => ({
    id: `price_${key}`,
    object: 'price',
    lookup_key: key,
    unit_amount: AMOUNTS[key],
    currency: 'usd',
    recurring: { interval: key.endsWith('_year') ? 'year' : 'month' },
  });
  const priceById = (id: string) => price(id.replace(/^price_/, ''));
  const invoice = (sub: any, amount: number, reason: string) => ({
    id: next('in'),
    object: 'invoice',
    customer: sub.customer,
    parent: { type: 'subscription_details', subscription_details: { subscription: sub.id } },
    amount_due: amount,
    amount_paid: amount,
    currency: 'usd',
    status: 'paid',
    billing_reason: reason,
    created: now(),
    lines: {
      object: 'list',
      data: [{ period: { start: sub.items.data[0].current_period_start, end: sub.items.data[0].current_period_end } }],
    },
  });
  const metadataOf = (form: Record<string, string>, into: Record<string, string> = {}) => {
    for (const [k, v] of Object.entries(form)) {
      const m = /^metadata\[(.+)\]$/.exec(k);
      if (m) {
        if (v === '') delete into[m[1]];
        else into[m[1]] = v;
      }
    }
    return into;
  };
  const expanded = (sub: any, form: Record<string, string>) =>
    Object.values(form).includes('latest_invoice') ? sub : { ...sub, latest_invoice: sub.latest_invoice?.id ?? null };

  function route(req: RecordedRequest): [number, unknown] {
    const { method, path, form } = req;
    let m: RegExpExecArray | null;
    if (method === 'POST' && path === '/v1/customers')
      return [200, { id: next('cus'), object: 'customer', email: form.email, metadata: metadataOf(form) }];
    if (method === 'POST' && (m = /^\/v1\/customers\/([^/]+)$/.exec(path)))
      return [200, { id: m[1], object: 'customer' }];
    if (method === 'POST' && (m = /^\/v1\/payment_methods\/([^/]+)\/attach$/.exec(path))) {
      const reason = DECLINED[m[1]];
      if (reason)
        return [
          402,
          {
            error: {
              type: 'card_error',
              code: 'card_declined',
              decline_code: reason.includes('insufficient') ? 'insufficient_funds' : 'generic_decline',
              message: reason,
            },
          },
        ];
      return [200, { id: m[1], object: 'payment_method', customer: form.customer, type: 'card' }];
    }
    if (method === 'GET' && path === '/v1/prices') {
      const keys = Object.entries(req.query)
        .filter(([k]) => k.startsWith('lookup_keys'))
        .map(([, v]) => v);
      return [
        200,
        { object: 'list', data: keys.filter((k) => AMOUNTS[k]).map(price), has_more: false, url: '/v1/prices' },
      ];
    }
    if (method === 'POST' && path === '/v1/subscriptions') {
      const start = now();
      const trial = Number(form.trial_period_days ?? 0);
      const p = priceById(form['items[0][price]']);
      const end = trial ? start + trial * 86400 : start + (p.recurring.interval === 'year' ? 365 : 30) * 86400;
      const sub: any = {
        id: next('sub'),
        object: 'subscription',
        customer: form.customer,
        status: trial ? 'trialing' : 'active',
        cancel_at_period_end: false,
        canceled_at: null,
        ended_at: null,
        trial_end: trial ? end : null,
        created: start,
        start_date: start,
        metadata: metadataOf(form),
        items: {
          object: 'list',
          data: [
            {
              id: next('si'),
              object: 'subscription_item',
              price: p,
              current_period_start: start,
              current_period_end: end,
            },
          ],
        },
      };
      sub.latest_invoice = invoice(sub, trial ? 0 : p.unit_amount, 'subscription_create');
      subscriptions.set(sub.id, sub);
      return [200, expanded(sub, form)];
    }
    if ((m = /^\/v1\/subscriptions\/([^/]+)$/.exec(path))) {
      const sub = subscriptions.get(m[1]);
      if (!sub)
        return [
          404,
          {
            error: {
              type: 'invalid_request_error',
              code: 'resource_missing',
              message: `No such subscription: '${m[1]}'`,
            },
          },
        ];
      if (method === 'GET') return [200, expanded(sub, req.query)];
      if (method === 'DELETE') {
        Object.assign(sub, { status: 'canceled', canceled_at: now(), ended_at: now() });
        return [200, sub];
      }
      if (form.cancel_at_period_end !== undefined) sub.cancel_at_period_end = form.cancel_at_period_end === 'true';
      if (form['items[0][price]']) {
        sub.items.data[0].price = priceById(form['items[0][price]']);
        if (form.proration_behavior === 'always_invoice') sub.latest_invoice = invoice(sub, 600, 'subscription_update');
      }
      metadataOf(form, sub.metadata);
      return [200, expanded(sub, form)];
    }
    if (method === 'POST' && (m = /^\/v1\/invoices\/([^/]+)\/pay$/.exec(path)))
      return [200, { id: m[1], object: 'invoice', status: 'paid' }];
    if (method === 'POST' && path === '/v1/checkout/sessions') {
      const id = next('cs_test');
      return [
        200,
        {
          id,
          object: 'checkout.session',
          mode: form.mode,
          customer: form.customer,
          url: `https://checkout.stripe.com/c/pay/${id}`,
        },
      ];
    }
    if (method === 'POST' && path === '/v1/billing_portal/sessions') {
      const id = next('bps');
      return [
        200,
        {
          id,
          object: 'billing_portal.session',
          customer: form.customer,
          return_url: form.return_url,
          url: `https://billing.stripe.com/p/session/${id}`,
        },
      ];
    }
    return [
      404,
      { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${method}: ${path})` } },
    ];
  }

  const server = http.createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk) => (raw += chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://stripe.test');
      const recorded: RecordedRequest = {
        method: request.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        form: Object.fromEntries(new URLSearchParams(raw)),
        authorization: request.headers.authorization,
        idempotencyKey: request.headers['idempotency-key'] as string | undefined,
      };
      requests.push(recorded);
      const [status, body] = route(recorded);
      response.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_${seq}` });
      response.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    subscriptions,
    /** Requests to a path (a string prefix or a pattern). */
    find: (method: string, path: string | RegExp) =>
      requests.filter((r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
