-- Reviews, and the changes that came with them.
alter type public.note_status add value 'in review' after 'draft';

alter table public.notes add column reviewers uuid[];
alter table public.notes add column status_history note_status[] not null default '{}';

create schema billing;

create table billing.invoices (
  id serial primary key,
  profile_id uuid not null references public.profiles (id),
  amount numeric(12, 2) not null,
  paid boolean not null default false,
  pdf bytea,
  client_ip inet,
  due_on date not null,
  sent_at timestamp,
  attempts smallint not null default 0,
  status public.note_status
);
