do $$ begin execute $e$ do $d$ begin create table x (id int primary key); end $d$ $e$; end $$;
create function f() returns trigger language plpgsql as $$ begin return new; end $$;
create trigger tr before insert on x for each row execute function f();
