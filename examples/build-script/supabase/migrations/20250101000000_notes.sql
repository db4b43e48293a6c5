-- A small notes app: the example of schemagen's Builder (see ../../README.md).

create type public.note_status as enum ('draft', 'published', 'archived');

create domain public.email as text check (value ~* '^[^@\s]+@[^@\s]+$');
create domain public.positive_int as integer not null check (value > 0);

create table public.profiles (
  id uuid primary key default gen_random_uuid(),
  email email not null unique,
  display_name text,
  created_at timestamptz not null default now()
);
comment on table public.profiles is 'People who write notes.';
comment on column public.profiles.display_name is 'Shown instead of the email when set.';

create table public.notes (
  id bigint generated always as identity primary key,
  author_id uuid not null references public.profiles (id) on delete cascade,
  title text not null,
  body text,
  status note_status not null default 'draft',
  tags text[] not null default '{}',
  metadata jsonb,
  price numeric(10, 2),
  word_count positive_int not null default 1,
  title_length integer generated always as (char_length(title)) stored,
  published_at timestamptz,
  "type" text,
  "Order Date" date
);

create view public.published_notes as
  select id, author_id, title, published_at from public.notes where status = 'published';
