// Plans (seeded), billing customers, the subscription and invoice mirrors, processed webhook events,
// idempotency keys, and the built-in local provider's own customers and subscriptions.
import { Migration } from '@mikro-orm/migrations';

// code, name, streams, resolution, profiles, monthly and yearly price in minor units, rank (upgrade order)
const PLANS: [string, string, number, string, number, number, number, number][] = [
  ['basic', 'Basic', 1, '720p', 5, 799, 7990, 1],
  ['standard', 'Standard', 2, '1080p', 5, 1399, 13990, 2],
  ['premium', 'Premium', 4, '2160p', 5, 1999, 19990, 3],
];

export class Billing extends Migration {
  override name = '0004-billing';

  override async up(): Promise<void> {
    this.addSql(`create table plans (
      code varchar(20) primary key,
      name varchar(50) not null,
      max_streams int not null check (max_streams > 0),
      max_resolution varchar(10) not null check (max_resolution in ('480p', '720p', '1080p', '2160p')),
      max_profiles int not null check (max_profiles > 0),
      price_month int not null check (price_month >= 0),
      price_year int not null check (price_year >= 0),
      currency varchar(3) not null default 'usd',
      rank int not null,
      active boolean not null default true,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now())`);
    for (const [code, name, streams, res, profiles, month, year, rank] of PLANS) {
      this.addSql(`insert into plans (code, name, max_streams, max_resolution, max_profiles, price_month, price_year, currency, rank)
        values ('${code}', '${name}', ${streams}, '${res}', ${profiles}, ${month}, ${year}, 'usd', ${rank})`);
    }

    this.addSql(`create table billing_customers (
      user_id uuid not null references users (id) on delete cascade,
      provider varchar(10) not null,
      customer_id varchar(255) not null,
      created_at timestamptz not null default now(),
      primary key (user_id, provider),
      unique (provider, customer_id))`);

    // The mirror of the provider's subscription; state_at orders the snapshots applied to it.
    this.addSql(`create table subscriptions (
      id uuid primary key,
      user_id uuid not null references users (id) on delete cascade,
      provider varchar(10) not null,
      provider_subscription_id varchar(255) not null unique,
      provider_customer_id varchar(255) not null,
      plan_code varchar(20) not null references plans (code),
      interval varchar(5) not null check (interval in ('month', 'year')),
      status varchar(20) not null check (status in ('trialing', 'active', 'past_due', 'canceled', 'incomplete')),
      current_period_start timestamptz not null,
      current_period_end timestamptz not null,
      cancel_at_period_end boolean not null default false,
      trial_end timestamptz,
      canceled_at timestamptz,
      ended_at timestamptz,
      pending_plan_code varchar(20) references plans (code),
      pending_interval varchar(5),
      state_at timestamptz not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now())`);
    this.addSql(
      `create unique index subscriptions_one_live_uq on subscriptions (user_id) where status in ('trialing', 'active', 'past_due')`,
    );
    this.addSql(`create index subscriptions_user_idx on subscriptions (user_id, created_at desc)`);

    this.addSql(`create table invoices (
      id uuid primary key,
      user_id uuid not null references users (id) on delete cascade,
      provider_invoice_id varchar(255) not null unique,
      provider_subscription_id varchar(255),
      amount_due int not null,
      amount_paid int not null default 0,
      currency varchar(3) not null,
      status varchar(20) not null check (status in ('draft', 'open', 'paid', 'void', 'uncollectible')),
      billing_reason varchar(40) not null,
      failure_reason text,
      period_start timestamptz,
      period_end timestamptz,
      issued_at timestamptz not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now())`);
    this.addSql(`create index invoices_user_idx on invoices (user_id, issued_at desc, id)`);

    this.addSql(`create table billing_events (
      id varchar(255) primary key,
      type varchar(100) not null,
      event_created timestamptz not null,
      received_at timestamptz not null default now())`);

    this.addSql(`create table idempotency_keys (
      user_id uuid not null references users (id) on delete cascade,
      key varchar(255) not null,
      request_hash char(64) not null,
      status varchar(10) not null check (status in ('in_flight', 'done')),
      response_status int,
      response_body jsonb,
      locked_until timestamptz not null,
      expires_at timestamptz not null,
      created_at timestamptz not null default now(),
      primary key (user_id, key))`);
    this.addSql(`create index idempotency_keys_expiry_idx on idempotency_keys (expires_at)`);

    // The built-in provider's own books (what Stripe would hold on its side).
    this.addSql(`create table billing_local_customers (
      id varchar(40) primary key,
      email varchar(100) not null,
      card_number varchar(19),
      created_at timestamptz not null default now())`);
    this.addSql(`create table billing_local_subscriptions (
      id varchar(40) primary key,
      customer_id varchar(40) not null references billing_local_customers (id),
      plan_code varchar(20) not null,
      interval varchar(5) not null,
      status varchar(20) not null,
      current_period_start timestamptz not null,
      current_period_end timestamptz not null,
      cancel_at_period_end boolean not null default false,
      trial_end timestamptz,
      canceled_at timestamptz,
      ended_at timestamptz,
      pending_plan_code varchar(20),
      pending_interval varchar(5),
      open_invoice_id varchar(40),
      open_invoice_amount int,
      retry_count int not null default 0,
      next_retry_at timestamptz,
      metadata jsonb not null default '{}',
      created_at timestamptz not null,
      updated_at timestamptz not null)`);
    this.addSql(
      `create index billing_local_subscriptions_due_idx on billing_local_subscriptions (status, current_period_end)`,
    );
  }
}
