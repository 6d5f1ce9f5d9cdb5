-- Set once a statement whose object is a StatementRef is stored (src/lrs/statements.repo.ts): until then
-- GET /statements skips the query of statements referring to matching ones (Communication 2.1.3), whose
-- plan is poor without statistics. A database that already holds some gets it now.
insert into instants_settings (name, value)
  select 'lrs_statement_refs', 'true'::jsonb where exists (select 1 from lrs_statements where object_statement_ref is not null);
