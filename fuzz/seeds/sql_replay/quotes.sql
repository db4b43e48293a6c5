/* a /* nested */ comment */
create table "Odd ""name""" (id int primary key, e text default E'it\'s', d text default 'it''s');
comment on table "Odd ""name""" is $c$ with $$ inside $c$;
create type mood as enum ('happy', 'sad');
alter table "Odd ""name""" add column m mood[] default '{}';
create sequence s; alter sequence s restart with 5;
create view v as select (((1))) as one, array[1,2] as a;
