-- Billing and privacy settings.
create type public.subscription_status as enum ('trialing', 'active', 'canceled');

create table public.subscriptions (
  id text primary key,
  organization_id uuid not null references public.organizations (id) on delete cascade,
  status subscription_status not null default 'trialing',
  seats integer not null default 1 check (seats > 0),
  current_period_end timestamptz,
  created_at timestamptz not null default timezone('utc', now())
);

create table public.privacy_prefs (
  user_id uuid primary key references auth.users (id) on delete cascade,
  share_analytics boolean not null default false,
  retention_days smallint not null default 30,
  updated_at timestamptz not null default now()
);

alter table public.privacy_prefs enable row level security;
create policy "Users manage their own privacy settings" on public.privacy_prefs
  for all to authenticated
  using ((select auth.uid()) = user_id)
  with check ((select auth.uid()) = user_id);
