-- Detected usage patterns and file relationships.
create table public.patterns (
  id serial primary key,
  user_id uuid not null references public.users (id) on delete cascade,
  name text not null,
  confidence numeric(5, 4) not null default 0,
  tags text[] not null default '{}',
  detected_at timestamptz not null default now(),
  unique (user_id, name)
);

create table public.relationships (
  id bigserial primary key,
  source_path text not null,
  target_path text not null,
  weight real not null default 1.0,
  pattern_id integer references public.patterns (id) on delete set null,
  created_at timestamp without time zone default now()
);

create unique index relationships_source_target_key on public.relationships (source_path, target_path);
create index relationships_pattern_id_idx on public.relationships using hash (pattern_id);
