create table t (id int primary key, name text);
do $$
declare
  n int := 0;
begin
  if not exists (select 1 from pg_tables where tablename = 'u') then
    execute 'create table u (id int primary key)';
  end if;
  for i in 1..3 loop
    execute format('alter table t add column c%s int', i);
  end loop;
  begin
    raise exception 'x';
  exception when others then
    null;
  end;
end $$;
