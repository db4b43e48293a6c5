-- Workflow definitions, and the schema changes that came with them.
alter type public.subscription_status add value 'past_due' after 'active';

create table public.workflows (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  created_by uuid references public.users (id) on delete set null,
  name varchar(120) not null,
  definition jsonb not null,
  enabled boolean not null default true,
  version integer not null default 1,
  created_at timestamptz not null default now()
);

create index workflows_enabled_idx on public.workflows (organization_id) where enabled;

alter table public.users add column avatar_url text;
alter table public.users alter column display_name set default 'New user';
alter table public.events add column duration_ms integer;
alter table public.sessions rename column user_agent to client;

alter table public.users enable row level security;
create policy "Users read their own row" on public.users
  for select to authenticated using ((select auth.uid()) = id);

do $$
begin
  if not exists (select 1 from pg_type where typname = 'workflow_trigger') then
    create type public.workflow_trigger as enum ('manual', 'schedule', 'event');
  end if;
end $$;

alter table public.workflows add column if not exists trigger workflow_trigger not null default 'manual';
