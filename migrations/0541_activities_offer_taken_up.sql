-- An "I can present" offer taken up by an organiser: linked to a session their course manages. Taking it up
-- records a `hosted` statement for the person who made the offer (the learning record badge rules read);
-- undoing it voids that statement (`taken_up_statement_id`) and clears the four columns.
alter table activity_offers
  add column taken_up_session_id uuid references catalog_sessions (id) on delete set null,
  add column taken_up_at timestamptz,
  add column taken_up_by uuid references lti_users (id) on delete set null,
  add column taken_up_statement_id uuid;
create index activity_offers_taken_up_session_idx on activity_offers (taken_up_session_id) where taken_up_session_id is not null;
