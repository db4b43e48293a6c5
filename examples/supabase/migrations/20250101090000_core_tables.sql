-- Core tables of the team's validation list, first version.
create extension if not exists "uuid-ossp" with schema extensions;

create type public.plan_tier as enum ('free', 'pro', 'enterprise');

create table public.organizations (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  slug varchar(64) not null unique,
  plan plan_tier not null default 'free',
  created_at timestamptz not null default now()
);

create table public.users (
  id uuid primary key references auth.users (id) on delete cascade,
  organization_id uuid references public.organizations (id) on delete set null,
  email text not null,
  display_name text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table public.sessions (
  id uuid primary key default extensions.uuid_generate_v4(),
  user_id uuid not null references public.users (id) on delete cascade,
  started_at timestamptz not null default now(),
  ended_at timestamptz,
  user_agent text
);

create table public.events (
  id bigint generated always as identity primary key,
  session_id uuid not null references public.sessions (id) on delete cascade,
  kind text not null check (kind in ('open', 'save', 'rename', 'delete')),
  path text not null,
  payload jsonb not null default '{}'::jsonb,
  occurred_at timestamptz not null default now()
);

create index events_session_id_occurred_at_idx on public.events (session_id, occurred_at desc);
